"""The Rasa adapter of the safety layer: it translates the layer's verdict into an intent (a crisis
intent, the direct question, or "not English"), and never lets a safety intent the layer does not
stand behind through."""
from __future__ import annotations

import pytest

from safety import Level
from rasa.shared.nlu.training_data.message import Message

from safety.layer import SafetyLayer
from safety.rasa_component import SafetyScreen


@pytest.fixture(scope="module")
def adapter() -> SafetyScreen:
    return SafetyScreen(SafetyLayer())


def _message(text: str, intent: str, confidence: float) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "mood_low", "confidence": 0.05}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []})


def _run(adapter, text, intent="greet", confidence=0.9) -> Message:
    return adapter.process([_message(text, intent, confidence)])[0]


def test_risk_overrides_the_intent_and_raises_the_flags(adapter):
    message = _run(adapter, "i want to kill myself", "greet", 0.95)
    assert message.get("intent") == {"name": "safety_high", "confidence": 1.0}
    assert message.get("safety")["level"] == "high"
    assert message.get("safety")["classifier"] == {"name": "greet", "confidence": 0.95}
    assert {e["entity"] for e in message.get("entities")} == {"risk_concern", "risk_high", "crisis_reset"}
    # the reset carries no value: mapped onto crisis mode's slots, it empties an earlier crisis's answers
    assert next(e for e in message.get("entities") if e["entity"] == "crisis_reset")["value"] is None


def test_imminent_and_someone_else_get_their_own_intents(adapter):
    assert _run(adapter, "I've taken all my pills and I want to die").get("intent")["name"] == "safety_overdose"
    assert _run(adapter, "I cut too deep and it won't stop bleeding").get("intent")["name"] == "safety_bleeding"
    assert _run(adapter, "I'm on the bridge and I'm going to jump").get("intent")["name"] == "safety_imminent"
    assert _run(adapter, "my friend says she wants to kill herself").get("intent")["name"] == "safety_concern_other"


def test_the_verdict_is_the_layers_own_whatever_the_classifier_thinks(adapter):
    message = _run(adapter, "everything is grey and heavy", "safety_high", 0.99)
    assert message.get("safety")["level"] == "none"
    assert message.get("intent")["name"] == "nlu_fallback"  # whose reply names the crisis line
    assert message.get("safety")["detectors"][0]["name"] == "patterns"


def test_an_uncertain_verdict_asks_the_direct_question(adapter):
    from safety import Verdict
    from safety.intents import intent_for

    assert intent_for(Verdict(level=Level.CONCERN, categories=("uncertain",))) == "safety_concern"


def test_another_language_is_translated_to_its_own_intent(adapter):
    message = _run(adapter, "bonjour, est-ce que vous pouvez m'aider avec mon sommeil ?", "greet", 0.4)
    assert message.get("intent")["name"] == "language_unsupported"
    assert message.get("safety")["language"] == "fr"
    crisis = _run(adapter, "je veux mourir", "greet", 0.4)
    assert crisis.get("intent")["name"] == "safety_high"


def test_an_unconfirmed_safety_intent_becomes_the_fallback(adapter):
    message = _run(adapter, "this exam is killing me", "safety_harm_others", 0.6)
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("safety")["level"] == "none" and not message.get("entities")


def test_ordinary_messages_pass_untouched(adapter):
    message = _run(adapter, "what is depression", "ask_what_is_depression", 0.97)
    assert message.get("intent") == {"name": "ask_what_is_depression", "confidence": 0.97}
    assert message.get("safety")["level"] == "none"
