"""The message-shape component reads the conversation from the tracker Rasa hands it."""
from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.message_shape import NO_CONTEXT
from bot.nlu.message_shape import MessageShape, conversation_context


def _tracker(*events) -> DialogueStateTracker:
    slots = [TextSlot("topic", mappings=[{}]), TextSlot("pending_lookup", mappings=[{}])]
    return DialogueStateTracker.from_events("context", [ActionExecuted("action_listen"), *events], slots=slots)


def test_the_context_names_the_form_the_last_action_and_the_topic():
    tracker = _tracker(UserUttered("what is esketamine"), ActionExecuted("action_explain_topic"),
                       SlotSet("topic", "esketamine"), BotUttered("Esketamine ..."), ActionExecuted("action_listen"))
    context = conversation_context(tracker)
    assert (context.loop, context.after, context.topic) == (None, "action_explain_topic", "esketamine")
    inside = _tracker(UserUttered("breathing"), ActionExecuted("exercise_form"), ActiveLoop("exercise_form"),
                      ActionExecuted("action_listen"))
    assert conversation_context(inside).loop == "exercise_form"
    assert conversation_context(None) == NO_CONTEXT
    asked = _tracker(UserUttered("helpline pls"), ActionExecuted("action_helpline_lookup"),
                     SlotSet("pending_lookup", "helpline"), BotUttered("Which country are you in?"),
                     ActionExecuted("action_listen"))
    assert conversation_context(asked).asked_where and not context.asked_where


def test_an_answer_inside_an_exercise_is_kept_as_the_answer():
    inside = _tracker(UserUttered("reaching out"), ActionExecuted("exercise_form"), ActiveLoop("exercise_form"),
                      ActionExecuted("action_listen"))
    message = Message(data={"text": "something like 'saw this dumb thing and thought of u'",
                            "intent": {"name": "feeling_angry_at_bot", "confidence": 0.7}, "intent_ranking": []})
    MessageShape().process([message], inside)
    assert message.get("intent")["name"] == "step_answer"
    outside = Message(data=dict(message.data, intent={"name": "feeling_angry_at_bot", "confidence": 0.7}))
    MessageShape().process([outside], _tracker())
    assert outside.get("intent")["name"] == "feeling_angry_at_bot"
