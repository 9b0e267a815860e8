"""The Rasa adapter of the safety screen: it overrides the classifier when the screen sees risk, asks
directly when only a confident classifier does, and never lets an unconfirmed safety intent through."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from safety import Screen
from safety.rasa_component import SafetyScreen


@pytest.fixture(scope="module")
def adapter() -> SafetyScreen:
    return SafetyScreen(Screen(), classifier_threshold=0.9)


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
    assert {e["entity"] for e in message.get("entities")} == {"risk_concern", "risk_high"}


def test_imminent_and_someone_else_get_their_own_intents(adapter):
    assert _run(adapter, "I've taken all my pills and I want to die").get("intent")["name"] == "safety_imminent"
    assert _run(adapter, "my friend says she wants to kill herself").get("intent")["name"] == "safety_concern_other"


def test_a_confident_classifier_alone_leads_to_a_direct_question(adapter):
    message = _run(adapter, "everything is grey and heavy", "safety_high", 0.95)
    assert message.get("intent")["name"] == "safety_concern"
    assert message.get("safety")["categories"] == ["classifier_suspected"]
    assert [e["entity"] for e in message.get("entities")] == ["risk_concern"]


def test_an_unconfirmed_safety_intent_becomes_the_fallback(adapter):
    message = _run(adapter, "this exam is killing me", "safety_harm_others", 0.6)
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("safety")["level"] == "none" and not message.get("entities")


def test_ordinary_messages_pass_untouched(adapter):
    message = _run(adapter, "what is depression", "ask_what_is_depression", 0.97)
    assert message.get("intent") == {"name": "ask_what_is_depression", "confidence": 0.97}
    assert message.get("safety")["level"] == "none"
