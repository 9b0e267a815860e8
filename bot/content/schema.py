"""Validation of the content YAML. Every error names the file and the field, so an author can fix it.

The rules mirror docs/content-format.md.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping

from bot.content import hours

STRENGTHS = ("strong", "moderate", "limited", "weak", "mixed")
# The keys past `safety` answer one kind of question each ("can I take it with ...", "what if I stop",
# "I missed a dose", "how much does it cost", "how is it given", "who is it for"); see
# bot/content/aspects.py.
SECTION_KEYS = ("overview", "details", "how_it_works", "side_effects", "evidence", "getting_it", "safety",
                "interactions", "stopping", "missed_dose", "cost", "how_given", "who_for", "pregnancy",
                "dependence")
# crisis: a suicide or emotional crisis line for anyone; support: a listening line, not for emergencies.
HELPLINE_KINDS = ("crisis", "support", "youth", "abuse", "lgbtq", "veterans", "poison")
COSTS = ("free", "charged", "unknown")
# The date of the page checked: a full date, a month, a year, or "undated" when the page shows none
# (never the day it was checked: that is `checked_on`).
_SOURCE_DATE = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?$|^undated$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_URL = re.compile(r"^https?://\S+$")


class ContentError(ValueError):
    """A content file that cannot be loaded; names the file and the field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path, self.field, self.problem = str(path), field, problem
        super().__init__(f"{path}: field '{field}': {problem}")


class _Reader:
    """Reads fields of one mapping, raising ContentError with the full field path."""

    def __init__(self, path: Path, data: Any, prefix: str = "") -> None:
        self.path, self.prefix = path, prefix
        if not isinstance(data, Mapping):
            raise ContentError(path, prefix or "(top level)", "must be a mapping of fields")
        self.data = data

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, problem: str) -> ContentError:
        return ContentError(self.path, self.name(key), problem)

    def text(self, key: str, optional: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "is required and must be non-empty text")
        return value.strip()

    def matching(self, key: str, pattern: re.Pattern, what: str, optional: bool = False) -> str | None:
        value = self.text(key, optional)
        if value is not None and not pattern.match(value):
            raise self.error(key, f"must be {what}, got {value!r}")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def date(self, key: str) -> dt.date:
        value = self.data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.error(key, "must be a date written YYYY-MM-DD")

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, "must be a whole number")
        return value

    def items(self, key: str, minimum: int = 1) -> list:
        value = self.data.get(key)
        if not isinstance(value, list) or len(value) < minimum:
            raise self.error(key, f"must be a list with at least {minimum} item(s)")
        return value

    def child(self, key: str, value: Any) -> "_Reader":
        return _Reader(self.path, value, self.name(key))

    def texts(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "must be a list of non-empty texts")
        return [v.strip() for v in value]


def _evidence(r: _Reader) -> dict:
    ev = r.child("evidence", r.data.get("evidence"))
    return {"evidence_strength": ev.choice("strength", STRENGTHS), "evidence_note": ev.text("note")}


def _sources(r: _Reader) -> list[dict]:
    out = []
    for i, raw in enumerate(r.items("sources")):
        s = r.child(f"sources[{i}]", raw)
        year = s.integer("year")
        # A page that shows no date is cited with the day it was read, as "n.d." citations are.
        accessed = s.date("accessed") if s.data.get("accessed") is not None else None
        if year is None and accessed is None:
            raise s.error("year", "a source needs its year, or (for an undated page) the date it was accessed")
        out.append({
            "publisher": s.text("publisher"),
            "title": s.text("title"),
            "url": s.matching("url", _URL, "an http(s) URL"),
            "year": year,
        })
    return out


def _slug(r: _Reader, path: Path) -> str:
    slug = r.matching("slug", _SLUG, "lower-case words joined by hyphens")
    if slug != path.stem:
        raise r.error("slug", f"must equal the file name '{path.stem}'")
    return slug


def article(path: Path, data: Any) -> dict:
    r = _Reader(path, data)
    sections, seen = [], set()
    for i, raw in enumerate(r.items("sections")):
        s = r.child(f"sections[{i}]", raw)
        key = s.choice("key", SECTION_KEYS)
        if key in seen:
            raise s.error("key", f"'{key}' appears twice")
        if i == 0 and key != "overview":
            raise s.error("key", "the first section must be 'overview'")
        seen.add(key)
        sections.append({"position": i, "key": key, "heading": s.text("heading"), "body": s.text("body")})
    return {
        "slug": _slug(r, path),
        "topic": r.matching("topic", _KEY, "a lower-case key such as 'antidepressants'"),
        "title": r.text("title"),
        "summary": r.text("summary"),
        **_evidence(r),
        "sections": sections,
        "sources": _sources(r),
        "reviewed_on": r.date("reviewed_on"),
    }


def exercise(path: Path, data: Any) -> dict:
    r = _Reader(path, data)
    steps = [_step(r, i, raw) for i, raw in enumerate(r.items("steps", minimum=2))]
    kept: list[str] = []
    for i, step in enumerate(steps):
        unknown = set(_PLACEHOLDER.findall(step["ack"] or "")) - {"answer", "yours", *kept}
        if unknown:
            raise r.error(f"steps[{i}].ack", f"uses {sorted(unknown)}, which no earlier step keeps")
        if step["keep"] in kept:
            raise r.error(f"steps[{i}].keep", f"'{step['keep']}' is already kept by an earlier step")
        kept += [step["keep"]] if step["keep"] else []
    return {
        "slug": _slug(r, path),
        "exercise": r.matching("exercise", _KEY, "a lower-case key such as 'breathing'"),
        "title": r.text("title"),
        "intro": r.text("intro"),
        "steps": steps,
        "closing": r.text("closing"),
        **_evidence(r),
        "sources": _sources(r),
        "reviewed_on": r.date("reviewed_on"),
    }


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _step(r: _Reader, i: int, raw: Any) -> dict:
    """A step is its text, or a mapping with `text`, an optional `ack` (how an answer is
    acknowledged: `{answer}` as written, `{yours}` with "my" turned into "your", and earlier steps'
    `keep` names) and `keep`."""
    if isinstance(raw, str):
        if not raw.strip():
            raise r.error(f"steps[{i}]", "must be non-empty text")
        return {"text": raw.strip(), "ack": None, "keep": None}
    s = r.child(f"steps[{i}]", raw)
    step = {"text": s.text("text"), "ack": s.text("ack", optional=True),
            "keep": s.matching("keep", _KEY, "a lower-case name such as 'thought'", optional=True)}
    return step


def _source_date(r: _Reader, key: str = "source_date") -> str:
    value = r.data.get(key)
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        value = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not isinstance(value, str) or not _SOURCE_DATE.match(value.strip()):
        raise r.error(key, "must be the checked page's date: YYYY-MM-DD, YYYY-MM, YYYY or undated")
    return value.strip()


def _helpline(r: _Reader) -> dict:
    call, text, chat = r.text("call", optional=True), r.text("text", optional=True), r.text("chat", optional=True)
    if not call and not text and not chat:
        raise r.error("call", "a helpline needs a number to call, a way to text or a chat")
    try:
        parsed_hours = hours.parse(r.data.get("hours"))
    except hours.HoursError as error:
        raise r.error("hours", str(error)) from None
    return {
        "name": r.text("name"),
        "kind": r.choice("kind", HELPLINE_KINDS),
        "call": call,
        "text": text,
        "chat": r.matching("chat", _URL, "an http(s) URL", optional=True) if chat else None,
        "url": r.matching("url", _URL, "an http(s) URL", optional=True),
        "hours": hours.describe(parsed_hours),
        "always_open": parsed_hours["always"],
        "opening": parsed_hours,
        "cost": r.choice("cost", COSTS),
        "languages": r.texts("languages"),
        "ages": r.text("ages", optional=True),
        "note": r.text("note", optional=True),
        "source": r.matching("source", _URL, "an http(s) URL"),
        "source_date": _source_date(r),
        "checked_on": r.date("checked_on"),
    }


def _country(r: _Reader) -> dict:
    code = r.matching("code", re.compile(r"^[A-Z]{2}$"), "a two-letter upper-case ISO code")
    helplines = [_helpline(r.child(f"helplines[{i}]", h)) for i, h in enumerate(r.items("helplines"))]
    return {
        "code": code,
        "name": r.text("name"),
        "aliases": [a.lower() for a in r.texts("aliases")],
        "locales": r.texts("locales"),
        "time_zones": r.texts("time_zones"),
        "emergency": r.text("emergency"),
        "emergency_source": r.matching("emergency_source", _URL, "an http(s) URL"),
        "helplines": helplines,
    }


def helplines(path: Path, data: Any) -> dict:
    r = _Reader(path, data)
    intl = r.child("international", r.data.get("international"))
    international = {
        "name": intl.text("name"),
        "url": intl.matching("url", _URL, "an http(s) URL"),
        "note": intl.text("note", optional=True),
        "source": intl.matching("source", _URL, "an http(s) URL"),
        "source_date": _source_date(intl),
        "checked_on": intl.date("checked_on"),
    }
    countries, codes, aliases = [], set(), {}
    for i, raw in enumerate(r.items("countries")):
        c = r.child(f"countries[{i}]", raw)
        country = _country(c)
        if country["code"] in codes:
            raise c.error("code", f"{country['code']} appears twice")
        codes.add(country["code"])
        for alias in country["aliases"]:
            if aliases.setdefault(alias, country["code"]) != country["code"]:
                raise c.error("aliases", f"'{alias}' is also an alias of {aliases[alias]}")
        countries.append(country)
    return {"international": international, "countries": countries}
