"""The whole safety layer: detectors behind one seam, one policy, bounded cost, the stored verdict."""
from __future__ import annotations

import time

import pytest

from safety import Level
from safety.layer import MAX_CHARS, SafetyLayer
from safety.opinion import Opinion
from safety.policy import Thresholds, decide


def test_the_stored_verdict_names_every_detector_and_its_version(layer):
    verdict = layer.message("I want to die").to_dict()
    assert verdict["level"] == "high"
    assert [d["name"] for d in verdict["detectors"]] == ["patterns", "learned", "languages"]
    assert all(len(d["version"]) == 12 for d in verdict["detectors"])
    assert set(verdict["detectors"][1]["scores"]) == {"concern+", "high+", "imminent"}
    assert verdict["reasons"] == ["patterns found high"]


@pytest.mark.parametrize("text", [
    "I'm standing on the bridge, my dog is at home",
    "I want to kill myself at work today",
    "i cant do this anymore. the pills are lined up on my desk, my cat is asleep next to me",
])
def test_a_word_elsewhere_in_the_message_does_not_cancel_the_crisis(layer, text):
    assert layer.message(text).level >= Level.HIGH


@pytest.mark.parametrize("text", [
    "this exam is killing me",
    "I'm not suicidal, just really tired",
    "I'm writing an essay on self-harm awareness for school",
    "what are the side effects of sertraline?",
    "my phone is dead lol",
])
def test_idioms_denials_and_topics_stay_none(layer, text):
    assert layer.message(text).level == Level.NONE


def _opinions(scores: dict[str, float], patterns: Level = Level.NONE, cleared: bool = False) -> list[Opinion]:
    return [Opinion("patterns", "p", patterns, ("plan_or_intent",) if patterns else (),
                    cleared=("'x' (rule: negated)",) if cleared else ()),
            Opinion("learned", "l", scores=scores)]


def test_an_unsure_learned_score_with_risk_words_asks_directly():
    verdict = decide(_opinions({"concern+": 0.7, "high+": 0.4, "imminent": 0.0}), risk_words=("pills",))
    assert verdict.level == Level.CONCERN and verdict.categories == ("uncertain",)
    assert "ask directly" in verdict.reasons[0]


def test_sadness_without_risk_words_is_not_asked_about_suicide():
    verdict = decide(_opinions({"concern+": 0.7, "high+": 0.4, "imminent": 0.0}))
    assert verdict.level == Level.NONE


def test_a_confident_learned_score_is_a_crisis():
    verdict = decide(_opinions({"concern+": 0.99, "high+": 0.9, "imminent": 0.7}))
    assert verdict.level == Level.IMMINENT and verdict.categories == ("learned_risk",)


def test_a_phrase_the_patterns_cleared_needs_more_from_the_learned_detector():
    scores = {"concern+": 0.96, "high+": 0.85, "imminent": 0.0}
    assert decide(_opinions(scores), risk_words=("die",)).level == Level.HIGH
    assert decide(_opinions(scores, cleared=True), risk_words=("die",)).level == Level.CONCERN
    assert decide(_opinions(scores, cleared=True), Thresholds(cleared_ask=0.97), ("die",)).level == Level.NONE


def test_a_plan_without_a_stated_wish_becomes_a_crisis_when_the_learned_detector_is_sure():
    verdict = decide(_opinions({"concern+": 0.99, "high+": 0.95, "imminent": 0.2}, patterns=Level.CONCERN))
    assert verdict.level == Level.HIGH and "learned_risk" in verdict.categories


def test_concern_about_someone_else_is_never_raised_by_the_learned_detector():
    opinions = [Opinion("patterns", "p", Level.CONCERN, ("third_person",)),
                Opinion("learned", "l", scores={"concern+": 1.0, "high+": 0.99, "imminent": 0.9})]
    assert decide(opinions).level == Level.CONCERN


@pytest.mark.parametrize("text,level", [
    ("ich will nicht mehr leben", Level.HIGH),
    ("je veux mourir", Level.HIGH),
    ("quiero morirme esta noche", Level.IMMINENT),
    ("não quero mais viver", Level.HIGH),
    ("non voglio più vivere", Level.HIGH),
    ("ik wil niet meer leven", Level.HIGH),
])
def test_direct_crisis_statements_in_other_languages_are_caught(layer, text, level):
    verdict = layer.message(text)
    assert verdict.level >= level, layer.explain(text)
    assert verdict.language in ("de", "fr", "es", "pt", "it", "nl")


def test_an_ordinary_message_in_another_language_is_marked_with_its_language(layer):
    verdict = layer.message("bonjour, est-ce que vous pouvez m'aider avec mon sommeil ?")
    assert verdict.level == Level.NONE and verdict.language == "fr"
    assert layer.message("hi, can you help me sleep better?").language == ""


def test_a_long_message_is_screened_at_both_ends_in_bounded_time(layer):
    vent = "work has been awful and my manager keeps piling things on. " * 300
    text = vent + "anyway i have the pills here and im taking them tonight"
    assert len(text) > 3 * MAX_CHARS
    started = time.perf_counter()
    verdict = layer.message(text)
    elapsed = time.perf_counter() - started
    assert verdict.level == Level.IMMINENT
    assert any("first and last" in reason for reason in verdict.reasons)
    assert all(text[e.start:e.end] == e.text for e in verdict.evidence)
    assert elapsed < 5, "bounded: the benchmark measures it; this only catches a runaway"


def test_a_lone_surrogate_does_not_crash_the_layer(layer):
    assert layer.message("i want to die \udc80").level == Level.HIGH


def test_explain_shows_the_rule_the_veto_and_the_decision(layer):
    out = layer.explain("I'm not suicidal")
    assert "level: none" in out and "negated" in out and "because:" in out
    out = layer.explain("I want to die")
    assert "patterns" in out and "want to die" in out and "learned" in out and "n-grams" in out


def test_the_layer_takes_any_detector_through_the_seam():
    class Always:
        name, version = "always", "1"

        def __call__(self, text):
            return Opinion("always", "1", Level.HIGH, ("suicidal_ideation",))

    verdict = SafetyLayer([Always()]).message("anything")
    assert verdict.level == Level.HIGH and verdict.detectors[0]["name"] == "always"
