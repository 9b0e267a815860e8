"""Custom actions against a real SQLite database holding the curated content."""
from __future__ import annotations

import asyncio
import threading
from typing import Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.coping import (
    ActionAskExerciseReply, ActionExerciseFeedback, ActionFinishExercise, ActionOfferExercise,
    ActionStartExercise, ValidateExerciseForm, how_it_went,
)
from actions.feelings import ActionRespondFeeling
from actions.privacy import ActionForgetConversation
from actions.psychoeducation import (
    ActionExplainAspect, ActionExplainEvidence, ActionExplainMore, ActionExplainTopic,
)
from actions.resources import ActionHelplineLookup, ActionInformCountry


@pytest.fixture(autouse=True)
def content_database(loaded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", loaded_url)
    return loaded_url


def tracker(intent: str, slots: Optional[dict] = None, entities=(), events=(), text: str = "...") -> Tracker:
    return Tracker(
        sender_id="test", slots=slots or {}, latest_message={
            "text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)},
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
    side, _ = run(ActionExplainAspect(), tracker("ask_side_effects", slots))
    assert "side effect" in side[0]["text"].lower() and "doctor or pharmacist" in side[0]["text"]
    evidence, _ = run(ActionExplainEvidence(), tracker("ask_evidence", slots))
    assert "How strong the evidence is: strong" in evidence[0]["text"]


def test_more_at_the_end_of_an_article_lists_the_sources():
    messages, slots = run(ActionExplainMore(), tracker("ask_more", {"topic": "esketamine", "topic_section": 99}))
    assert "That's everything" in messages[0]["text"] and "https://" in messages[0]["text"] and slots == {}


def test_follow_up_without_a_topic_asks_which():
    messages, _ = run(ActionExplainMore(), tracker("ask_more"))
    assert "What would you like to know more about" in messages[0]["text"]
    messages, _ = run(ActionExplainAspect(), tracker("ask_who_for"))
    assert messages[0]["text"] == "Which treatment do you mean?"
    # side effects asked with no treatment named or discussed: most such questions are about medicines
    messages, _ = run(ActionExplainAspect(), tracker("ask_side_effects", text="does it make you put on weight"))
    assert messages[0]["text"].startswith("Side effects")


def answer_step(slots: dict, text: str, intent: str = "step_answer"):
    """One answer to the step on screen, as exercise_form's validation sees it."""
    dispatcher = CollectingDispatcher()
    changed = asyncio.run(ValidateExerciseForm().validate_exercise_reply(
        text, dispatcher, tracker(intent, slots, text=text), {}))
    slots.update(changed)
    return [m["text"] for m in dispatcher.messages], changed


def test_an_exercise_takes_answers_in_the_persons_own_words_to_its_end():
    messages, slots = run(ActionStartExercise(), tracker("exercise_grounding"))
    assert slots["exercise"] == "grounding" and slots["exercise_step"] == 0
    assert messages[0]["text"].startswith("5-4-3-2-1 grounding")
    shown, _ = run(ActionAskExerciseReply(), tracker("exercise_grounding", slots))
    assert shown[0]["text"].startswith("Step 1 of 6") and [b["title"] for b in shown[0]["buttons"]] == ["Next", "Stop"]
    acks, changed = answer_step(slots, "ok", intent="affirm")
    assert acks == [] and changed["exercise_reply"] is None and changed["exercise_step"] == 1
    acks, _ = answer_step(slots, "my laptop, a coffee mug, the window, a plant and my cat")
    assert acks == ["You noticed: your laptop, a coffee mug, the window, a plant and your cat. "
                    "That's it, just naming them."]
    for _ in range(3):
        answer_step(slots, "the fridge humming")
    acks, changed = answer_step(slots, "toothpaste")
    assert changed["exercise_reply"] == "toothpaste" and changed["exercise_step"] == 6   # the form is done
    messages, ended = run(ActionFinishExercise(), tracker("step_answer", slots))
    assert "How strong the evidence is" in messages[-1]["text"] and ended["exercise"] is None


def test_after_a_crisis_an_exercise_ends_without_grading_its_evidence():
    slots = {"exercise": "grounding", "exercise_step": 5.0}
    flagged = {"event": "user", "text": "...", "parse_data": {"safety": {"level": "high"}}}
    messages, _ = run(ActionFinishExercise(), tracker("step_answer", slots, events=[flagged]))
    assert messages and not any("How strong the evidence is" in m["text"] for m in messages)
    crisis_mode = {"event": "active_loop", "name": "crisis_form"}
    messages, _ = run(ActionFinishExercise(), tracker("step_answer", slots, events=[crisis_mode]))
    assert not any("How strong the evidence is" in m["text"] for m in messages)


def test_an_exercise_is_offered_and_a_typed_yes_starts_the_one_offered():
    offered = {"exercise_offered": "exercise_sleep"}
    messages, _ = run(ActionOfferExercise(), tracker("exercise_offer", offered))
    assert "Sleepless nights" in messages[0]["text"] and "winding down for sleep" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/exercise_sleep", "/decline_exercise"]
    _, slots = run(ActionStartExercise(), tracker("affirm", offered))
    assert slots["exercise"] == "sleep" and slots["exercise_offered"] is None


def test_a_thought_record_gives_the_first_thought_back_at_the_end():
    _, slots = run(ActionStartExercise(), tracker("exercise_thought_challenging"))
    answer_step(slots, "at work when my boss ignored me in the meeting")
    answer_step(slots, "ashamed, 80")
    acks, _ = answer_step(slots, "I always mess everything up, 90")
    assert acks == ['The thought was: "I always mess everything up, 90". Let\'s look at it together.']
    answer_step(slots, "next", intent="next_step")
    answer_step(slots, "that one bad meeting doesn't make them useless")
    answer_step(slots, "I got one thing wrong and plenty right")
    acks, _ = answer_step(slots, "maybe 50 now")
    assert '"I always mess everything up, 90"' in acks[0] and '"I got one thing wrong and plenty right"' in acks[0]


def test_how_it_felt_afterwards_is_read_from_the_persons_words():
    assert [how_it_went(t) for t in ("a bit calmer i guess", "not better tbh", "worse honestly", "meh")] == \
        ["better", "same", "worse", "same"]
    messages, slots = run(ActionExerciseFeedback(), tracker("mood_low", {"exercise_feeling": "worse honestly"}))
    assert "sorry it didn't help" in messages[0]["text"] and slots == {"exercise_feeling": None}


def test_a_feeling_is_answered_with_something_the_person_said():
    messages, _ = run(ActionRespondFeeling(), tracker("feeling_grief", text="my grandma died last month and i miss her"))
    assert messages[0]["text"] == "I'm so sorry about your grandma." and messages[1]["response"] == "utter_feeling_grief"
    messages, _ = run(ActionRespondFeeling(), tracker("feeling_self_blame", text="is it my fault? i feel like im just lazy"))
    assert messages[0]["text"] == "You called yourself lazy."
    messages, _ = run(ActionRespondFeeling(), tracker("decline_exercise", text="i dont want an exercise. i just feel empty"))
    assert "empty" in messages[0]["text"] and messages[1]["response"] == "utter_decline_exercise"


def test_questions_get_the_part_asked():
    def part(intent: str, text: str, slots: Optional[dict] = None) -> str:
        messages, _ = run(ActionExplainAspect(), tracker(intent, slots, text=text))
        return messages[0]["text"]

    assert "serotonin" in part("ask_interactions", "can i take st johns wort with my sertraline").lower()
    stopping = part("ask_stopping", "i already stopped 3 days ago and now i get brain zaps")
    assert stopping.startswith("Stopping safely. Please don't stop") and "pharmacist" in stopping
    assert "double dose" in part("ask_missed_dose", "forgot my pill yesterday")
    assert "clinic" in part("ask_how_given", "how is spravato given").lower()
    assert "NHS Talking Therapies" in part("ask_cost", "how much does cbt cost")
    # a topic question whose words ask for one part gets that part, not the opening again
    messages, _ = run(ActionExplainTopic(), tracker("ask_antidepressants", text="can i drink on sertraline"))
    assert messages[0]["text"].startswith("Alcohol") and "All about" in messages[0]["buttons"][0]["title"]
    messages, _ = run(ActionExplainTopic(), tracker("ask_antidepressants", text="how long does sertraline take to work"))
    assert messages[0]["text"].startswith("How long they take")


def test_the_same_topic_asked_again_goes_on_instead_of_repeating_the_opening():
    first, slots = run(ActionExplainTopic(), tracker("ask_esketamine"))
    again, _ = run(ActionExplainTopic(), tracker("ask_esketamine", slots))
    assert again[0]["text"] != first[0]["text"] and not again[0]["text"].startswith("Esketamine and ketamine")


def test_forgetting_marks_the_turn_and_clears_every_slot():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionForgetConversation().run(dispatcher, tracker("forget_confirmed"), {}))
    assert events == [{"event": "reset_slots", "timestamp": None}]
    assert "deleted" in dispatcher.messages[0]["text"] and dispatcher.messages[0]["custom"] == {"forgotten": True}


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
    messages, _ = run(ActionHelplineLookup(), tracker("ask_helpline", {"country": "RO"}))
    assert "for Romania yet" in messages[0]["text"] and "findahelpline.com" in messages[0]["text"]


def test_a_place_that_cannot_be_placed_clears_the_country_we_had():
    messages, slots = run(ActionInformCountry(), tracker("inform_country", {"country": "AU"}, text="the moon"))
    assert slots == {"country": None, "pending_lookup": None}
    assert "won't guess" in messages[0]["text"] and "Lifeline" not in messages[0]["text"]


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
