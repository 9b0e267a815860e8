"""A person holding a conversation with the running assistant over HTTP."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_multi_turn_conversation(chat):
    assert "support assistant" in chat.text("hi there")
    first = chat.say("what actually is depression?")
    assert len(first) == 2 and "Sources:" in first[1]["text"]
    assert any(b["payload"] == "/ask_more" for b in first[1].get("buttons", []))
    more = chat.text("tell me more")
    assert more and more not in first[1]["text"]
    assert "Antidepressant" in chat.text("what about antidepressants?")
    side = chat.text("what are the side effects?")
    assert "side effect" in side.lower()
    exercise = chat.text("can we do a breathing exercise")
    assert "Step 1 of" in exercise
    assert "Step 2 of" in chat.text("next")
    assert "Which country" in chat.text("is there a helpline i can call")
    lines = chat.text("I'm in the UK")
    assert "Samaritans" in lines and "116 123" in lines


@pytest.mark.parametrize("message, expected", [
    ("what are the symptoms of depression", "symptom"),
    ("how is depression diagnosed", "PHQ-9"),
    ("does CBT work for depression", "therap"),
    ("what is esketamine", "esketamine"),
    ("can a genetic test tell me which antidepressant will work", "genetic"),
    ("what is collaborative care", "care"),
    ("how do I support my partner who is depressed", "support"),
    ("how do i find a therapist", "therap"),
    ("are there any support groups", "group"),
])
def test_questions_are_answered_from_the_content(chat, message, expected):
    assert expected.lower() in chat.text(message).lower()
