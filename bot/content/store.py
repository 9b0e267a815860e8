"""Queries over the content store. Returns plain, immutable records, never live ORM objects.

These functions block; the action server calls them in a worker thread (see actions/content.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from bot.content.models import Article, Country, Exercise
from bot.database import session_scope


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    url: str


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    body: str


@dataclass(frozen=True)
class ArticleRecord:
    topic: str
    title: str
    summary: str
    evidence_strength: str
    evidence_note: str
    reviewed_on: dt.date
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]

    def section(self, key: str) -> Optional[Section]:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class Step:
    text: str
    ack: Optional[str] = None    # a template: {answer}, and earlier answers by their `keep` names
    keep: Optional[str] = None


@dataclass(frozen=True)
class ExerciseRecord:
    exercise: str
    title: str
    intro: str
    steps: tuple[Step, ...]
    closing: str
    evidence_strength: str
    evidence_note: str
    reviewed_on: dt.date
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class HelplineRecord:
    name: str
    kind: str
    call: Optional[str]
    text: Optional[str]
    url: Optional[str]
    hours: str
    always_open: bool = False
    cost: str = "unknown"
    chat: Optional[str] = None


@dataclass(frozen=True)
class CountryRecord:
    code: str
    name: str
    emergency: str
    helplines: tuple[HelplineRecord, ...]


def _sources(rows) -> tuple[Source, ...]:
    return tuple(Source(r.publisher, r.title, r.url) for r in rows)


def article(database_url: str, topic: str) -> Optional[ArticleRecord]:
    with session_scope(database_url) as session:
        row = session.query(Article).filter_by(topic=topic).one_or_none()
        if row is None:
            return None
        return ArticleRecord(
            topic=row.topic, title=row.title, summary=row.summary,
            evidence_strength=row.evidence_strength, evidence_note=row.evidence_note,
            reviewed_on=row.reviewed_on,
            sections=tuple(Section(s.key, s.heading, s.body) for s in row.sections),
            sources=_sources(row.sources),
        )


def exercise(database_url: str, key: str) -> Optional[ExerciseRecord]:
    with session_scope(database_url) as session:
        row = session.query(Exercise).filter_by(exercise=key).one_or_none()
        if row is None:
            return None
        return ExerciseRecord(
            exercise=row.exercise, title=row.title, intro=row.intro,
            steps=tuple(Step(s.text, s.ack, s.keep) for s in row.steps), closing=row.closing,
            evidence_strength=row.evidence_strength, evidence_note=row.evidence_note,
            reviewed_on=row.reviewed_on, sources=_sources(row.sources),
        )


def country(database_url: str, code: str) -> Optional[CountryRecord]:
    with session_scope(database_url) as session:
        row = session.get(Country, code.upper())
        if row is None:
            return None
        helplines = tuple(
            HelplineRecord(h.name, h.kind, h.call, h.text, h.url, h.hours, h.always_open, h.cost, h.chat)
            for h in row.helplines
        )
        return CountryRecord(row.code, row.name, row.emergency, helplines)
