"""The curated content itself: every topic and exercise the dialogue uses exists, is sourced, dated and
honest about its evidence."""
from __future__ import annotations

import datetime as dt

from actions.coping import EXERCISE_BY_INTENT
from actions.psychoeducation import TOPIC_BY_INTENT
from bot.content.files import read_all
from tests.conftest import CONTENT

CONTENT_DATA = read_all(CONTENT)
ARTICLES = {a["topic"]: a for a in CONTENT_DATA["articles"]}
EXERCISES = {e["exercise"]: e for e in CONTENT_DATA["exercises"]}


def _text(article: dict) -> str:
    return " ".join([article["summary"], article["evidence_note"], *(s["body"] for s in article["sections"])]).lower()


def test_every_topic_and_exercise_the_dialogue_offers_exists():
    assert set(TOPIC_BY_INTENT.values()) <= set(ARTICLES)
    assert set(EXERCISE_BY_INTENT.values()) <= set(EXERCISES)


def test_everything_is_sourced_and_reviewed():
    for record in [*ARTICLES.values(), *EXERCISES.values()]:
        assert record["sources"], record["slug"]
        assert all(s["url"].startswith("https://") for s in record["sources"]), record["slug"]
        assert record["reviewed_on"] <= dt.date.today(), record["slug"]


def test_evidence_is_stated_honestly_where_it_is_weak_or_specialist():
    complementary = _text(ARTICLES["complementary"])
    assert "acupuncture" in complementary and ("low" in complementary or "weak" in complementary)
    assert "treatment-resistant" in _text(ARTICLES["esketamine"])
    assert ARTICLES["personalised_medicine"]["evidence_strength"] in ("limited", "weak", "mixed")
    assert ARTICLES["collaborative_care"]["evidence_strength"] == "strong"


def test_every_country_names_a_line_to_call_first_and_an_emergency_number():
    directory = CONTENT_DATA["helplines"]
    assert len(directory["countries"]) >= 30
    for country in directory["countries"]:
        first = country["helplines"][0]
        assert first["call"] or first["text"] or first["chat"], country["code"]
        assert country["emergency"], country["code"]
