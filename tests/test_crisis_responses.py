"""The country-specific crisis responses are generated from the helpline directory and match it."""
from __future__ import annotations

from bot import crisis_responses
from bot.cli import CRISIS_RESPONSES
from bot.content.files import read_helplines
from bot.settings import load

HELPLINES = load().helplines_file


def test_the_committed_responses_are_generated_from_the_current_directory():
    assert CRISIS_RESPONSES.read_text(encoding="utf-8") == crisis_responses.render(HELPLINES), (
        "run `python -m bot.cli crisis-responses` after editing data/content/helplines.yml")


def test_every_country_has_a_stated_and_a_hinted_variant_and_there_is_a_default():
    directory = read_helplines(HELPLINES)
    responses = crisis_responses.build(HELPLINES)["responses"]
    for name, variants in responses.items():
        assert sum("condition" not in v for v in variants) == 1, name
        for country in directory["countries"]:
            conditions = [v["condition"] for v in variants if "condition" in v
                          and any(c["value"] == country["code"] for c in v["condition"])]
            youth = name in crisis_responses.YOUTH_AWARE and any(h["kind"] == "youth" for h in country["helplines"])
            assert len(conditions) == (4 if youth else 2), (name, country["code"])


def test_the_helpline_reply_names_the_first_line_with_how_to_call_and_text():
    responses = crisis_responses.build(HELPLINES)["responses"]
    us = next(v["text"] for v in responses["utter_crisis_helpline"]
              if v.get("condition") == [{"type": "slot", "name": "country", "value": "US"},
                                        crisis_responses.NOT_YOUNG])
    assert "988" in us and "call 988" in us and "text" in us
    gb = next(v["text"] for v in responses["utter_crisis_emergency"]
              if v.get("condition") == [{"type": "slot", "name": "country", "value": "GB"}])
    assert gb.startswith("Please call 999")


def test_a_stated_country_wins_over_the_hint(tmp_path):
    responses = crisis_responses.build(HELPLINES)["responses"]["utter_crisis_helpline"]
    hinted = [v for v in responses if any(c["name"] == "country_hint" for c in v.get("condition", []))]
    assert hinted and all(v["condition"][0] == {"type": "slot", "name": "country", "value": None} for v in hinted)


def test_a_young_person_also_gets_the_youth_line_where_the_country_has_one():
    import yaml as _yaml

    from bot.settings import ROOT

    responses = _yaml.safe_load((ROOT / "domain" / "helplines.yml").read_text())["responses"]
    variants = responses["utter_crisis_helpline"]

    def text_for(**slots):
        for variant in variants:
            conditions = variant.get("condition", [])
            if conditions and all(slots.get(c["name"]) == c["value"] for c in conditions):
                return variant["text"]
        return None

    young = text_for(country="GB", young_person="true")
    assert "Samaritans" in young and "Childline" in young and "0800 1111" in young
    assert "Childline" not in text_for(country="GB")
    # Exactly one variant matches each case, so Rasa never picks between them at random.
    for slots in ({"country": "GB"}, {"country": "GB", "young_person": "true"},
                  {"country_hint": "GB", "young_person": "true"}):
        matching = [v for v in variants if v.get("condition")
                    and all(slots.get(c["name"]) == c["value"] for c in v["condition"])]
        assert len(matching) == 1, slots
