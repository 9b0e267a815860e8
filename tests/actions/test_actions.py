"""Custom actions against a real SQLite database holding the curated content."""
from __future__ import annotations

import asyncio
import threading
from typing import Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.coping import ActionExerciseNextStep, ActionStartExercise, ActionStopExercise
from actions.psychoeducation import (
    ActionExplainEvidence, ActionExplainMore, ActionExplainSideEffects, ActionExplainTopic,
)
from actions.resources import ActionHelplineLookup, ActionInformCountry


@pytest.fixture(autouse=True)
def content_database(loaded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", loaded_url)
    return loaded_url


def tracker(intent: str, slots: Optional[dict] = None, entities=(), events=()) -> Tracker:
    return Tracker(
        sender_id="test", slots=slots or {}, latest_message={
            "text": "...", "intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)},
        events=list(events), paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_topic_is_explained_with_sources_and_remembered():
    messages, slots = run(ActionExplainTopic(), tracker("ask_antidepressants"))
    assert slots == {"topic": "antidepressants", "topic_section": 0}
    assert messages[0]["text"].startswith("Antidepressant")
    assert "Sources:" in messages[1]["text"] and "Reviewed on" in messages[1]["text"]
    payloads = [b["payload"] for b in messages[1]["buttons"]]
    assert "/ask_more" in payloads and "/ask_side_effects" in payloads


def test_follow_ups_use_the_remembered_topic():
    slots = {"topic": "antidepressants", "topic_section": 0}
    more, more_slots = run(ActionExplainMore(), tracker("ask_more", slots))
    assert more_slots == {"topic_section": 1}
    side, _ = run(ActionExplainSideEffects(), tracker("ask_side_effects", slots))
    assert "side effect" in side[0]["text"].lower() and "doctor or pharmacist" in side[0]["text"]
    evidence, _ = run(ActionExplainEvidence(), tracker("ask_evidence", slots))
    assert "How strong the evidence is: strong" in evidence[0]["text"]


def test_more_at_the_end_of_an_article_lists_the_sources():
    messages, slots = run(ActionExplainMore(), tracker("ask_more", {"topic": "esketamine", "topic_section": 99}))
    assert "That's everything" in messages[0]["text"] and "https://" in messages[0]["text"] and slots == {}


def test_follow_up_without_a_topic_asks_which():
    messages, _ = run(ActionExplainMore(), tracker("ask_more"))
    assert "What would you like to know more about" in messages[0]["text"]
    messages, _ = run(ActionExplainSideEffects(), tracker("ask_side_effects"))
    assert messages[0]["text"] == "Side effects of which treatment?"


def test_an_exercise_is_walked_through_step_by_step_to_its_end():
    messages, slots = run(ActionStartExercise(), tracker("exercise_breathing"))
    assert slots == {"exercise": "breathing", "exercise_step": 0}
    assert messages[1]["text"].startswith("Step 1 of ")
    total = int(messages[1]["text"].split(" of ")[1].split(":")[0])
    for step in range(1, total):
        messages, changed = run(ActionExerciseNextStep(), tracker("next_step", slots))
        assert messages[0]["text"].startswith(f"Step {step + 1} of {total}")
        slots.update(changed)
    messages, changed = run(ActionExerciseNextStep(), tracker("next_step", slots))
    assert changed == {"exercise": None, "exercise_step": None}
    assert "How strong the evidence is" in messages[-1]["text"]


def test_stopping_and_next_without_an_exercise():
    _, slots = run(ActionStopExercise(), tracker("stop_exercise", {"exercise": "sleep", "exercise_step": 2}))
    assert slots == {"exercise": None, "exercise_step": None}
    messages, _ = run(ActionExerciseNextStep(), tracker("next_step"))
    assert messages[0]["response"] == "utter_offer_exercises"


def test_helpline_lookup_asks_for_the_country_then_answers_it():
    messages, slots = run(ActionHelplineLookup(), tracker("ask_helpline"))
    assert "Which country" in messages[0]["text"] and slots == {"pending_lookup": "helpline"}
    entity = {"entity": "country", "value": "GB"}
    messages, slots = run(ActionInformCountry(), tracker("inform_country", {"country": "GB"}, [entity]))
    assert "Samaritans" in messages[0]["text"] and "116 123" in messages[0]["text"] and "999" in messages[0]["text"]
    assert slots == {"pending_lookup": None}


def test_helpline_lookup_uses_the_metadata_hint_and_refuses_unknown_countries():
    messages, _ = run(ActionHelplineLookup(), tracker("ask_helpline", {"country_hint": "US"}))
    assert "988" in messages[0]["text"]
    messages, _ = run(ActionHelplineLookup(), tracker("ask_helpline", {"country": "ZZ"}))
    assert "findahelpline.com" in messages[0]["text"]


def test_queries_run_off_the_event_loop(monkeypatch):
    """A blocking query must not run on the action server's event loop thread."""
    seen = {}
    from bot.content import store

    real = store.article

    def spy(url, topic):
        seen["thread"] = threading.current_thread()
        return real(url, topic)

    monkeypatch.setattr(store, "article", spy)

    async def call():
        seen["loop_thread"] = threading.current_thread()
        return await content.article("symptoms")

    assert asyncio.run(call()).topic == "symptoms"
    assert seen["thread"] is not seen["loop_thread"]
