"""Loading curated content into the database: all of it in one transaction, or none of it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import files
from bot.content.models import (
    Article, ArticleSection, ArticleSource, Country, Exercise, ExerciseSource, ExerciseStep, Helpline,
)
from bot.database import session_scope


@dataclass(frozen=True)
class LoadReport:
    articles: int
    exercises: int
    countries: int
    helplines: int

    def __str__(self) -> str:
        return (f"loaded {self.articles} articles, {self.exercises} exercises, "
                f"{self.helplines} helplines in {self.countries} countries")


def _article(record: dict) -> Article:
    fields = {k: v for k, v in record.items() if k not in ("sections", "sources")}
    return Article(
        **fields,
        sections=[ArticleSection(**s) for s in record["sections"]],
        sources=[ArticleSource(position=i, **s) for i, s in enumerate(record["sources"])],
    )


def _exercise(record: dict) -> Exercise:
    fields = {k: v for k, v in record.items() if k not in ("steps", "sources")}
    return Exercise(
        **fields,
        steps=[ExerciseStep(position=i, **step) for i, step in enumerate(record["steps"])],
        sources=[ExerciseSource(position=i, **s) for i, s in enumerate(record["sources"])],
    )


HELPLINE_COLUMNS = ("name", "kind", "call", "text", "chat", "url", "hours", "always_open", "cost", "source",
                    "source_date", "checked_on")


def _country(record: dict) -> Country:
    helplines = [
        Helpline(position=i, **{key: h[key] for key in HELPLINE_COLUMNS}, languages=",".join(h["languages"]))
        for i, h in enumerate(record["helplines"])
    ]
    return Country(code=record["code"], name=record["name"], emergency=record["emergency"],
                   helplines=helplines)


def load_content(database_url: str, content_dir: Path) -> LoadReport:
    """Validate every file first; then replace the stored content in a single transaction.

    Running it twice leaves the same content; a bad file raises ContentError and changes nothing.
    """
    content = files.read_all(content_dir)
    countries = content["helplines"]["countries"]
    with session_scope(database_url) as session:
        for model in (Article, Exercise, Country):
            for row in session.query(model).all():
                session.delete(row)
        session.flush()
        session.add_all([_article(a) for a in content["articles"]])
        session.add_all([_exercise(e) for e in content["exercises"]])
        session.add_all([_country(c) for c in countries])
    return LoadReport(
        articles=len(content["articles"]),
        exercises=len(content["exercises"]),
        countries=len(countries),
        helplines=sum(len(c["helplines"]) for c in countries),
    )
