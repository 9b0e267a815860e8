"""Validation of the content YAML. Every error names the file and the field, so an author can fix it.

The rules mirror docs/content-format.md.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping

STRENGTHS = ("strong", "moderate", "limited", "weak", "mixed")
# The keys past `safety` answer one kind of question each ("can I take it with ...", "what if I stop",
# "I missed a dose", "how much does it cost", "how is it given", "who is it for"); see
# bot/content/aspects.py.
SECTION_KEYS = ("overview", "details", "how_it_works", "side_effects", "evidence", "getting_it", "safety",
                "interactions", "stopping", "missed_dose", "cost", "how_given", "who_for", "pregnancy",
                "dependence")
HELPLINE_KINDS = ("crisis", "text", "youth", "support", "abuse")
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
        out.append({
            "publisher": s.text("publisher"),
            "title": s.text("title"),
            "url": s.matching("url", _URL, "an http(s) URL"),
            "year": s.integer("year"),
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


def _helpline(r: _Reader) -> dict:
    call, text = r.text("call", optional=True), r.text("text", optional=True)
    if not call and not text:
        raise r.error("call", "a helpline needs a number to call or a way to text")
    return {
        "name": r.text("name"),
        "kind": r.choice("kind", HELPLINE_KINDS),
        "call": call,
        "text": text,
        "url": r.matching("url", _URL, "an http(s) URL", optional=True),
        "hours": r.text("hours"),
        "languages": r.texts("languages"),
        "source": r.matching("source", _URL, "an http(s) URL"),
        "verified_on": r.date("verified_on"),
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
        "verified_on": intl.date("verified_on"),
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
