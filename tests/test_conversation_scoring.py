"""The everyday conversations' scorer: each outcome is reachable, and the labels' checks do what the
labelling rules promised the writer."""
from __future__ import annotations

from bot.conversation_scoring import Context, Score, judge, score_conversation
from bot.crisis_scoring import Country

COUNTRIES = {"GB": Country("999", "116 123"), "IN": Country("112", "14416")}
TITLES = {"grounding": "5-4-3-2-1 grounding", "breathing": "Slow breathing"}


def ctx(**kw) -> Context:
    return Context(countries=COUNTRIES, exercise_titles=TITLES, **kw)


def test_the_four_outcomes():
    c = ctx()
    assert judge({"means": "feeling:grief", "good": ["grandma"]}, "Sorry, I didn't quite understand.", c) == "fallback"
    assert judge({"means": "gibberish"}, "Sorry, I didn't quite understand.", c) == "well"
    assert judge({"means": "feeling:grief", "good": ["grandma"]}, "I'm so sorry about your grandma.", c) == "well"
    assert judge({"means": "feeling:grief"}, "Step 1 of 6: breathe", c) == "wrong"
    c.remember("Antidepressants. They are medicines.\nmore")
    assert judge({"means": "question:stopping", "good": ["taper"]}, "Antidepressants. They are medicines.", c) == \
        "repeated_intro"
    assert judge({"means": "thanks"}, "", c) == "wrong"


def test_an_exercise_answer_must_move_on_within_the_same_exercise():
    c = ctx()
    c.remember("5-4-3-2-1 grounding. ...\nStep 2 of 6: name five things")
    assert judge({"means": "exercise_answer"}, "Your cat. Good.\nStep 3 of 6: four things", c) == "well"
    assert judge({"means": "exercise_answer"}, "Slow breathing.\nStep 1 of 6: get comfortable", c) == "wrong"
    assert judge({"means": "exercise_answer"}, "Step 2 of 6: name five things", c) == "wrong"
    c.remember("Step 6 of 6: taste")
    assert judge({"means": "exercise_answer"}, "You can go through it again.", c) == "well"


def test_countries_and_places():
    c = ctx()
    assert judge({"means": "country:IN"}, "In India, call Tele-MANAS 14416", c) == "well"
    assert judge({"means": "country:IN"}, "In Australia, call 13 11 14", c) == "wrong"
    assert judge({"means": "country:PK"}, "findahelpline.com lists lines", c) == "well"
    assert judge({"means": "country:none"}, "In the UK, call 116 123", c) == "wrong"
    assert judge({"means": "helpline:GB"}, "Samaritans 116 123", c) == "well"


def test_out_of_scope_must_stay_quiet_and_forgetting_is_judged_on_the_database():
    c = ctx()
    assert judge({"means": "out_of_scope"}, "That's outside what I can help with.", c) == "well"
    assert judge({"means": "out_of_scope"}, "Sources: NHS", c) == "wrong"
    assert judge({"means": "forget_confirm"}, "Done, deleted.", ctx(erased=lambda: True)) == "well"
    assert judge({"means": "forget_confirm"}, "Done, deleted.", ctx(erased=lambda: False)) == "wrong"


def test_a_conversation_is_well_only_if_every_turn_is():
    score = Score()
    turns = [{"means": "greeting"}, {"means": "exercise_request:grounding"}]
    assert score_conversation(turns, ["Hi", "5-4-3-2-1 grounding. Step 1 of 6: feet"], ctx(), score)
    assert not score_conversation(turns, ["Hi", "Slow breathing. Step 1 of 6: sit"], ctx(), score)
    assert (score.turns, score.outcomes["well"], score.conversations_well) == (4, 3, 1)
