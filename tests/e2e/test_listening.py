"""Conversations that listen, over REST with the whole stack: the turns that used to get the fallback,
the menu, another exercise or the wrong country, written the way people type."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect, text

from bot.database import engine_for

pytestmark = pytest.mark.e2e

FALLBACK = "didn't quite understand"


def step(reply: str) -> int:
    found = re.findall(r"Step (\d+) of \d+", reply)
    return int(found[-1]) if found else 0


def test_an_exercise_takes_each_answer_in_the_persons_words_to_how_they_feel_after(chat):
    assert step(chat.text("can we do the 5 4 3 2 1 thing")) == 1
    assert step(chat.text("ok feet on the floor")) == 2
    seen = chat.text("my laptop, a coffee mug, the window, a plant thats kinda dying lol, and my cat")
    assert FALLBACK not in seen and "your cat" in seen and step(seen) == 3
    assert step(chat.text("next")) == 4
    heard = chat.text("the fridge humming and a car outside and my own breathing")
    assert "Slow breathing" not in heard and step(heard) == 5 and "fridge humming" in heard
    assert step(chat.text("coffee and soap")) == 6
    end = chat.text("toothpaste i guess")
    assert "How strong the evidence is" in end and "How do you feel now, compared with before" in end
    after = chat.text("a bit calmer actually")
    assert "glad it helped" in after and FALLBACK not in after


def test_a_statement_is_offered_an_exercise_and_a_typed_yes_starts_it(chat):
    offer = chat.say("its 3am and i cant sleep again")
    assert "Step" not in offer[-1]["text"] and "Would you like to try winding down for sleep" in offer[-1]["text"]
    assert "/exercise_sleep" in {b["payload"] for b in offer[-1]["buttons"]}
    assert step(chat.text("yes please")) == 1


def test_a_thought_record_quotes_the_thought_back(chat):
    assert step(chat.text("can we do a thought record")) == 1
    chat.text("yesterday at work when my boss ignored me in the meeting")
    chat.text("ashamed 80")
    thought = chat.text("i always mess everything up 90")
    assert '"i always mess everything up 90"' in thought and step(thought) == 4


def test_a_crisis_in_the_middle_of_an_exercise_leaves_it_for_the_safety_check(chat):
    chat.text("i want to try slow breathing")
    reply = chat.text("honestly whats the point, i'd be better off dead")
    assert "Step" not in reply and re.search(r"\d{3}|findahelpline|safe", reply)


@pytest.mark.parametrize("message", [
    "can we do a thought record about the thought that i'd be better off dead",
    "i want to challenge my thoughts. the thought is everyone would be better off without me",
])
def test_a_thought_record_never_starts_on_a_thought_of_dying(chat, message):
    reply = chat.text(message)
    assert "Step" not in reply and re.search(r"\d{3}|findahelpline|safe", reply), reply


def test_a_thought_of_dying_given_as_a_thought_record_answer_goes_to_the_safety_check(chat):
    assert step(chat.text("can we do a thought record")) == 1
    chat.text("last night, alone in my room")
    chat.text("hopeless 90")
    reply = chat.text("i'd be better off dead")
    assert "Step" not in reply and re.search(r"\d{3}|findahelpline|safe", reply), reply


def test_stop_and_a_change_of_subject_leave_the_exercise(chat):
    chat.text("breathing exercise please")
    assert "Step" not in chat.text("stop")
    chat.text("lets do grounding")
    question = chat.text("what are the side effects of sertraline")
    assert "Step" not in question and "side effect" in question.lower()


@pytest.mark.parametrize("message, expected", [
    ("my grandma died last month and i miss her", "your grandma"),
    ("is it my fault? i feel like im just lazy", "You called yourself lazy"),
    ("hi. my daughter is 16 and she's basically stopped eating and just stays in her room all day",
     "your daughter"),
    ("i dont want an exercise. i just feel empty", "empty"),
])
def test_feelings_get_an_answer_that_reflects_what_was_said(chat, message, expected):
    reply = chat.text(message)
    assert expected in reply and FALLBACK not in reply and "Step 1 of" not in reply


def test_anger_and_emoji_are_answered_not_menued(chat):
    angry = chat.text("fuck off")
    assert "sorry" in angry.lower() and "Winding down" not in angry
    assert "hard moment" in chat.text("😭😭😭")


def test_questions_get_the_part_asked_first(chat):
    reply = chat.text("can i take st john's wort with my sertraline")
    assert "serotonin" in reply.lower()
    zaps = chat.text("i already stopped my sertraline 3 days ago and now i get brain zaps")
    assert "don't stop" in zaps and FALLBACK not in zaps


@pytest.mark.parametrize("message, line", [
    ("I'm from Mumbai, need a helpline", "14416"), ("helpline uk", "116 123"), ("aus", "13 11 14"),
    ("im in the states", "988"), ("brasil", "188"),
])
def test_countries_however_they_are_written(chat, message, line):
    assert line in chat.text(message)


def test_a_place_that_cannot_be_placed_does_not_reuse_the_last_country(chat):
    assert "13 11 14" in chat.text("im in australia")
    chat.text("actually i moved, im in narnia now")
    reply = chat.text("can you give me a helpline")
    assert "13 11 14" not in reply and "findahelpline" in reply


def test_forgetting_asks_then_erases_everything_the_person_wrote(chat, stack_settings):
    chat.text("my secret is that i hate my job at the pickle factory")
    asked = chat.say("/forget")
    assert "delete this conversation" in asked[0]["text"]
    assert "Okay, I haven't deleted anything" in chat.text("no keep it")
    chat.say("forget our conversation please")
    done = chat.say("yes")
    assert "deleted" in done[0]["text"] and {"forgotten": True} in [m.get("custom") for m in done]
    engine = engine_for(stack_settings.database_url)
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            columns = [c["name"] for c in inspect(engine).get_columns(table)]
            for column in columns:
                hits = connection.execute(text(f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) '
                                               "LIKE :needle"), {"needle": "%pickle factory%"}).scalar()
                assert hits == 0, f"{table}.{column} still holds the text"
    assert FALLBACK not in chat.text("hello again")


def test_what_is_stored_gets_a_plain_answer(chat):
    reply = chat.text("do you store my messages? who can read them?")
    assert "stored" in reply and "delete" in reply


def test_gibberish_and_out_of_scope_get_an_honest_short_reply(chat):
    assert "couldn't make sense" in chat.text("asdfghjkl")
    weather = chat.text("whats the weather in london tomorrow")
    assert "outside what I know about" in weather and "116 123" not in weather


def test_a_confirmation_in_the_words_of_the_request_erases(chat, stack_settings):
    chat.text("my secret is that i keep a diary about the lighthouse keeper")
    assert "delete this conversation" in chat.text("delete everything i said")
    done = chat.say("yes delete it")
    assert "deleted" in done[0]["text"] and {"forgotten": True} in [m.get("custom") for m in done]
    with engine_for(stack_settings.database_url).connect() as connection:
        stored = connection.execute(text("SELECT COUNT(*) FROM events WHERE data LIKE :n"),
                                    {"n": "%lighthouse keeper%"}).scalar()
    assert stored == 0


def test_a_named_request_starts_the_exercise_and_its_answers_belong_to_it(chat):
    first = chat.text("3am again and wide awake 😩 is there a sleep thing")
    assert "Step 1 of" in first
    second = chat.text("7am i guess, work")
    assert "Step 2 of" in second and FALLBACK not in second


# The conversation decides what a message is (bot/nlu/message_shape.py reads the tracker): inside an
# exercise, an answer that sounds like a complaint or a question stays the step's answer; just after
# an offer, naming an exercise chooses it; after "delete this conversation?", a yes in any words.
def test_an_answer_that_sounds_like_a_complaint_or_a_question_stays_in_the_exercise(chat):
    assert step(chat.text("can we do the reaching out exercise")) == 1
    assert step(chat.text("my cousin jo, we used to be close")) == 2
    drafted = chat.text("a text, something like 'this stupid song made me think of u' with a link")
    assert step(drafted) == 3 and FALLBACK not in drafted
    answered = chat.text("i could add that its been a rough month, side effects of the new job lol")
    assert step(answered) == 4


def test_naming_an_exercise_after_the_list_starts_that_one(chat):
    listed = chat.say("what exercises have you got")
    assert "Slow breathing" in [b["title"] for m in listed for b in m.get("buttons") or ()]
    assert not any("Step" in (m.get("text") or "") for m in listed)
    chosen = chat.text("umm the grounding one maybe")
    assert step(chosen) == 1 and "grounding" in chosen.lower()


def test_a_yes_in_other_words_confirms_the_deletion(chat, stack_settings):
    chat.text("i keep thinking about the blue bicycle from my childhood")
    assert "delete this conversation" in chat.text("please remove what i wrote")
    done = chat.say("yep, get rid of it")
    assert "deleted" in done[0]["text"]
    with engine_for(stack_settings.database_url).connect() as connection:
        stored = connection.execute(text("SELECT COUNT(*) FROM events WHERE data LIKE :n"),
                                    {"n": "%blue bicycle%"}).scalar()
    assert stored == 0


def test_a_follow_up_question_is_answered_from_the_article_talked_about(chat):
    chat.text("what is collaborative care")
    follow = chat.text("so who would actually be on the team then?")
    assert FALLBACK not in follow and "Collaborative care" not in follow.splitlines()[0]


def test_a_statement_of_how_someone_feels_is_heard_not_misunderstood(chat):
    reply = chat.text("my grandad passed away at the weekend and the house feels wrong without him")
    assert FALLBACK not in reply and "sorry" in reply.lower() and "Step" not in reply
