"""What the replies claim about a helpline is what the directory says about it: hours, cost, texting,
and a dated source for every fact."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import yaml

from bot import crisis_responses
from bot.content.files import read_all
from bot.content.phrasing import general_lines, ways_to_reach
from bot.settings import ROOT
from tests.conftest import CONTENT

CONTENT_DATA = read_all(CONTENT)
COUNTRIES = CONTENT_DATA["helplines"]["countries"]
RAW_LINES = [(c["code"], h) for c in yaml.safe_load((CONTENT / "helplines.yml").read_text())["countries"]
             for h in c["helplines"]]
ALWAYS_WORDS = re.compile(r"24/7|day and night|around the clock|any time of (the )?day|24 hours", re.IGNORECASE)


def _replies(country: dict) -> dict[str, str]:
    return {name: build(country) for name, build in crisis_responses.BUILDERS.items()}


def _first(country: dict) -> dict:
    return vars(general_lines([SimpleNamespace(**h) for h in country["helplines"]])[0])


def test_every_source_has_a_year_or_a_date():
    # Articles and exercises: the schema refuses a source with neither its year nor, for a page that
    # shows no date, the day it was accessed; helplines: the page's date ("undated" when it shows none,
    # after looking) and the day it was checked.
    for path in sorted((CONTENT / "articles").glob("*.yml")) + sorted((CONTENT / "exercises").glob("*.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            assert source.get("year") or source.get("accessed"), (path.name, source["url"])
    for code, line in RAW_LINES:
        assert line.get("source_date") and line.get("checked_on"), (code, line.get("name"))


@pytest.mark.parametrize("code, line", RAW_LINES, ids=[f"{c}-{str(h.get('name', '?'))[:30]}" for c, h in RAW_LINES])
def test_every_line_states_its_hours_and_cost(code, line):
    assert "hours" in line and "cost" in line, f"{code} {line.get('name')}"


@pytest.mark.parametrize("country", COUNTRIES, ids=[c["code"] for c in COUNTRIES])
def test_a_reply_says_24_7_or_free_only_where_the_directory_does(country):
    for name, text in _replies(country).items():
        for line in country["helplines"]:
            reach = ways_to_reach(SimpleNamespace(**line))
            for said in re.findall(re.escape(f"{reach} (") + r"([^)]*)\)", text):
                if said.startswith(str(line["name"])):  # "text SHOUT to 85258 (Shout, <hours>)"
                    said = said[len(str(line["name"])):].lstrip(", ")
                assert not said or said.startswith(line["hours"]), (name, line["name"], said)
            if f"Calling {line['name']} is free" in text:
                assert line["cost"] == "free", (name, line["name"])
        first = _first(country)
        if ALWAYS_WORDS.search(text.replace(" (24/7)", "")):
            assert first["always_open"], (name, text)


@pytest.mark.parametrize("country", COUNTRIES, ids=[c["code"] for c in COUNTRIES])
def test_a_line_that_may_be_closed_never_goes_alone(country):
    first = _first(country)
    if first["always_open"]:
        return
    for name in ("utter_crisis_helpline", "utter_crisis_line_reminder", "utter_crisis_local_line"):
        text = _replies(country)[name]
        assert "If they're closed" in text and country["emergency"] in text, (name, text)


@pytest.mark.parametrize("country", COUNTRIES, ids=[c["code"] for c in COUNTRIES])
def test_a_reply_never_offers_texting_where_no_line_takes_texts(country):
    texting = any(h["text"] for h in country["helplines"] if h["kind"] in ("crisis", "support"))
    if texting:
        return
    for name, text in _replies(country).items():
        assert not re.search(r"\byou can text\b|\bto text\b|\btext (instead|us)\b", text, re.IGNORECASE), (name, text)


@pytest.mark.parametrize("country", COUNTRIES, ids=[c["code"] for c in COUNTRIES])
def test_high_and_imminent_replies_give_the_emergency_number(country):
    replies = _replies(country)
    for name in ("utter_crisis_helpline", "utter_crisis_emergency", "utter_crisis_not_safe"):
        assert country["emergency"] in replies[name], name


def test_replies_for_no_country_in_particular_promise_no_hours_and_no_texting():
    for path in sorted((ROOT / "domain").glob("*.yml")):
        if path.name == "helplines.yml":
            continue
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            for variant in variants:
                text = variant.get("text") or ""
                assert not ALWAYS_WORDS.search(text), (path.name, name)
                assert "texting" not in text.lower(), (path.name, name)


def test_the_review_record_lists_every_file_with_its_date():
    record = (ROOT / "docs" / "content-review.md").read_text()
    for folder, records in (("articles", CONTENT_DATA["articles"]), ("exercises", CONTENT_DATA["exercises"])):
        for r in records:
            assert f"| `{folder}/{r['slug']}.yml` | {r['title']} | {r['reviewed_on']} |" in record, r["slug"]
    oldest = min(h["checked_on"] for c in COUNTRIES for h in c["helplines"])
    assert f"| {oldest} |" in record.split("`helplines.yml`", 1)[1].splitlines()[0]
