"""The second look at what a classifier cannot judge from words: emoji, non-words, vents, launches."""
from __future__ import annotations

import pytest

from bot.message_shape import Look, looks_like_gibberish, second_look


@pytest.mark.parametrize("text, intent, confidence, expected", [
    ("i cant sleep again", "exercise_sleep", 0.95, "exercise_offer"),
    ("lets do the thought record thing", "exercise_thought_challenging", 0.45, None),
    ("can we stop", "mood_low", 0.5, "stop_exercise"),
    ("this isnt helping", "feeling_angry_at_bot", 0.7, "stop_exercise"),
    ("nah im done with this", "deny", 0.6, "stop_exercise"),
    ("i cant stop crying", "mood_low", 0.9, None),
    ("i dont wanna do this anymore", "mood_low", 0.6, "decline_exercise"),
    ("not in the mood for this tbh", "deny", 0.6, "decline_exercise"),
    ("can i stop now", "next_step", 0.5, "stop_exercise"),
    ("im done", "affirm", 0.5, None),
    ("i dont want it to be like this anymore", "mood_low", 0.7, None),
    ("i dont want to go to work tomorrow", "feeling_stress", 0.8, None),
    ("therapy is not helping at all", "ask_psychotherapy", 0.7, None),
    ("i always mess everything up 90", "exercise_thought_challenging", 0.9, "exercise_offer"),
    ("can we do some breathing", "exercise_breathing", 0.9, None),
    ("thought record", "exercise_thought_challenging", 0.9, None),
    ("😭😭😭", "mood_ok", 0.4, "feeling_distress"),
    ("💔", "nlu_fallback", 0.1, "feeling_distress"),
    ("🖕", "nlu_fallback", 0.2, "feeling_angry_at_bot"),
    ("👍", "affirm", 0.6, "thank"),
    ("asdfghjkl", "nlu_fallback", 0.2, "gibberish"),
    ("i dont want an exercise. i just feel empty", "mood_low", 0.8, "decline_exercise"),
    ("please no more breathing stuff", "exercise_breathing", 0.9, "decline_exercise"),
    ("maybe breathing could help?", "exercise_breathing", 0.5, "exercise_offer"),
    ("let's do the breathing one", "exercise_breathing", 0.97, None),
    ("/exercise_breathing", "exercise_breathing", 1.0, None),
    ("my laptop, a coffee mug and my cat", "step_answer", 0.9, None),
    ("idk tbh", "nlu_fallback", 0.2, None),
    (" ".join(["work has been awful and i cant sleep and everyone expects too much"] * 4), "mood_low", 0.9,
     "feeling_vent"),
    (" ".join(["can i take sertraline with ibuprofen and is it safe for long term use"] * 3), "ask_interactions",
     0.95, None),
])
def test_second_look(text, intent, confidence, expected):
    look = second_look(text, intent, confidence)
    assert (look.intent if look else None) == expected
    if expected == "exercise_offer":
        assert look.offered == intent


def test_a_feeling_close_to_another_reading_is_answered_not_fallen_back_on():
    close = (("nlu_fallback", 0.3), ("worried_about_someone", 0.45), ("safety_concern_other", 0.37))
    assert second_look("my daughter stopped eating", "nlu_fallback", 0.3, close).intent == "worried_about_someone"
    # Two close readings of a question stay with the fallback, unless its words name the part asked.
    question = (("nlu_fallback", 0.3), ("ask_psychotherapy", 0.45), ("ask_cost", 0.43))
    assert second_look("tell me about therapy", "nlu_fallback", 0.3, question) is None
    assert second_look("how much does therapy cost", "nlu_fallback", 0.3, question).intent == "ask_cost"


def test_a_country_on_its_own_is_where_the_person_is_not_a_yes():
    assert second_look("egypt", "affirm", 0.5, country_named=True).intent == "inform_country"
    assert second_look("uk helpline", "ask_helpline", 0.9, country_named=True) is None
    assert second_look("whats the weather like in manchester today", "out_of_scope", 0.9,
                       country_named=True) is None
    assert second_look("i live in toronto now what do i call", "nlu_fallback", 0.3,
                       country_named=True).intent == "inform_country"
    assert second_look("i moved to the uk last year and feel so alone", "feeling_lonely", 0.8,
                       country_named=True) is None


@pytest.mark.parametrize("text, intent, expected", [
    ("can you wipe my history", "nlu_fallback", "forget"),
    ("pls delete what i told you earlier", "ask_privacy", "forget"),
    ("forget what i said, im fine", "retract", None),
    ("dont delete anything", "deny", None),
    ("my son is so lonely, he never leaves his room", "feeling_lonely", "worried_about_someone"),
    ("my son moved out and i feel so lonely", "feeling_lonely", None),
])
def test_erasing_and_someone_elses_feelings(text, intent, expected):
    look = second_look(text, intent, 0.8)
    assert (look.intent if look else None) == expected


def test_typos_and_slang_are_words_not_gibberish():
    assert not looks_like_gibberish("thats kinda sad lol")
    assert not looks_like_gibberish("ngl i feel rly bad")
    assert looks_like_gibberish("jjjjjjj kkkkk")


@pytest.mark.parametrize("text, intent, started", [
    ("can we do the 5 4 3 2 1 thing", "feeling_anxious", "exercise_grounding"),
    ("i want to do the breathing exercise", "ask_coping", "exercise_breathing"),
    ("thought record please", "nlu_fallback", "exercise_thought_challenging"),
    ("grounding pls", "nlu_fallback", "exercise_grounding"),
    ("lets do the sleep routine thing", "exercise_breathing", "exercise_sleep"),
])
def test_a_request_that_names_an_exercise_starts_that_one(text, intent, started):
    assert second_look(text, intent, 0.5) == Look(started)


@pytest.mark.parametrize("text, intent", [
    ("i cant breathe properly", "feeling_anxious"),        # a statement, not a request
    ("is breathing evidence based", "ask_evidence"),        # a question about it
    ("my breathing is fast and shallow", "step_answer"),    # an answer inside an exercise
    ("can you breathe with me and also do grounding", "ask_coping"),  # two named: not guessed
    ("i want to kill myself, breathing won't help", "safety_high"),   # never over a safety intent
])
def test_a_named_exercise_is_not_started_on_anything_else(text, intent):
    look = second_look(text, intent, 0.8)
    assert look is None or not look.intent.startswith("exercise_")


@pytest.mark.parametrize("text, intent", [
    ("my phone, a lamp, the door and my dog", "ask_complementary"),
    ("the fridge humming and a car outside", "ask_complementary"),
])
def test_a_topic_intent_without_a_question_or_a_topic_is_an_answer(text, intent):
    assert second_look(text, intent, 0.8) == Look("step_answer")


@pytest.mark.parametrize("text, intent", [
    ("antidepressants", "ask_antidepressants"), ("what is depression", "ask_what_is_depression"),
    ("cbt", "ask_psychotherapy"), ("yoga", "ask_complementary"), ("spravato", "ask_esketamine"),
    ("genesight", "ask_personalised_medicine"), ("my daughter seems down all the time", "ask_supporting_someone"),
])
def test_a_topic_question_keeps_its_intent(text, intent):
    assert second_look(text, intent, 0.8) is None


@pytest.mark.parametrize("text, intent, started", [
    ("3am again and wide awake 😩 is there a sleep thing", "exercise_sleep", "exercise_sleep"),
    ("need the 5 4 3 2 1 thing", "exercise_grounding", "exercise_grounding"),
    ("ok maybe the self compassion one then", "exercise_self_compassion", "exercise_self_compassion"),
    ("maybe the one small thing one", "exercise_behavioural_activation", "exercise_behavioural_activation"),
    ("is there an exercise for being kinder to yourself", "exercise_self_compassion", "exercise_self_compassion"),
    ("cant sleep again, can we do the winding down for sleep one", "exercise_sleep", "exercise_sleep"),
    # a request that names an exercise starts it, whatever else the classifier read
    ("can we do the thought record thing, something happened at work yesterday", "stop_exercise",
     "exercise_thought_challenging"),
    ("my therapist mentioned behavioral activation, can you walk me through it", "find_professional",
     "exercise_behavioural_activation"),
    ("i havent spoken to anyone in weeks. can you help me message someone", "feeling_lonely",
     "exercise_reaching_out"),
])
def test_a_clear_request_starts_the_exercise_it_names(text, intent, started):
    look = second_look(text, intent, 0.55)   # None: the classifier's intent stands, and it starts
    assert (look.intent if look else intent) == started


@pytest.mark.parametrize("text, intent", [
    ("can we stop the breathing one please, it isn't helping me at all", "stop_exercise"),
    ("i don't want to do the grounding thing, can we just talk", "decline_exercise"),
])
def test_a_stop_or_a_refusal_that_names_an_exercise_does_not_start_it(text, intent):
    look = second_look(text, intent, 0.6)
    assert look is None or not look.intent.startswith("exercise_")


@pytest.mark.parametrize("text, intent, expected", [
    ("give me something to do, my head is spinning", "nlu_fallback", "ask_coping"),
    ("can we do an exercise or something", "nlu_fallback", "ask_coping"),
    ("nah not an exercise", "deny", None),
    ("cool thanks", "nlu_fallback", "thank"), ("danke", "nlu_fallback", "thank"),
    ("ok thats good to know thanks", "nlu_fallback", "thank"),
    ("no thanks, i don't need that", "nlu_fallback", None),
])
def test_asking_for_any_exercise_gets_the_list_and_thanks_are_thanks(text, intent, expected):
    look = second_look(text, intent, 0.25)
    assert (look.intent if look else None) == expected


def test_a_place_in_a_sentence_the_classifier_could_not_read_is_still_a_place():
    text = "thanks. my brother is in the USA, what does he call"
    assert second_look(text, "nlu_fallback", 0.25, country_named=True) == Look("inform_country")
    long_story = ("we moved from canada last year and honestly nothing has felt right since, work is hard, "
                  "the kids are struggling and i keep lying awake going over all of it every single night")
    look = second_look(long_story, "nlu_fallback", 0.25, country_named=True)
    assert look is None or look.intent != "inform_country"


@pytest.mark.parametrize("text, ranking, expected", [
    ("what are the actual signs of depression anyway", (("ask_symptoms", 0.26),), "ask_symptoms"),
    ("are they addictive", (("retract", 0.17),), "ask_antidepressants"),          # its words name the part
    ("are there any free or cheap options? like apps or something", (("ask_cost", 0.17),), "ask_cost"),
    ("ive been on 3 different meds and done cbt twice. nothing sticks", (("ask_antidepressants", 0.3),), None),
    ("what about the football tonight?", (("ask_how_given", 0.3),), None),
])
def test_a_question_the_fallback_took_is_answered_when_its_words_agree(text, ranking, expected):
    look = second_look(text, "nlu_fallback", 0.25, (("nlu_fallback", 0.25),) + ranking)
    assert (look.intent if look else None) == expected


# What the conversation was doing (bot/nlu/message_shape.py builds the Context from the tracker).
from bot.message_shape import Context  # noqa: E402

IN_EXERCISE = Context(loop="exercise_form")


@pytest.mark.parametrize("text, intent, expected", [
    ("idk, 'this dumb song made me think of u' maybe", "feeling_angry_at_bot", "step_answer"),
    ("lighter. good tired. might actually nod off", "ask_stopping", "step_answer"),
    ("my old bandmates, we have a group chat", "find_peer_support", "step_answer"),
    ("this is pointless, you're not helping", "feeling_angry_at_bot", None),
    ("how do i come off sertraline?", "ask_stopping", None),
    ("who can see what i write here", "ask_privacy", None),
])
def test_inside_an_exercise_only_a_clear_change_of_subject_leaves(text, intent, expected):
    look = second_look(text, intent, 0.8, context=IN_EXERCISE)
    assert (look.intent if look else None) == expected
    # Outside an exercise the classifier's reading stands.
    assert second_look(text, intent, 0.8) is None or second_look(text, intent, 0.8).intent != "step_answer"


def test_a_stop_said_first_leaves_whatever_follows_it():
    assert second_look("ok stop, counting my breaths is making it worse honestly", "step_answer", 0.5,
                       context=IN_EXERCISE).intent == "stop_exercise"


@pytest.mark.parametrize("after", ["utter_offer_exercises", "action_offer_exercise"])
def test_naming_an_exercise_just_after_an_offer_chooses_it(after):
    offered = Context(after=after)
    assert second_look("hmm the sleep one", "exercise_offer", 0.4, context=offered).intent == "exercise_sleep"
    assert second_look("the grounding one maybe", "mood_low", 0.4, context=offered).intent == "exercise_grounding"
    assert second_look("not the breathing one", "exercise_breathing", 0.4, context=offered).intent != "exercise_breathing"
    # With no offer on screen, a half-request is offered first, as before.
    assert second_look("the breathing one i guess", "exercise_breathing", 0.4).intent == "exercise_offer"


@pytest.mark.parametrize("text, intent, expected", [
    ("yes, wipe it", "forget", "forget_confirmed"),
    ("yep get rid of it all", "affirm", "forget_confirmed"),
    ("erase it", "nlu_fallback", "forget_confirmed"),
    ("no keep it", "forget", None),
    ("wait, don't delete it", "forget", None),
])
def test_after_asking_to_delete_a_yes_in_any_words_confirms(text, intent, expected):
    look = second_look(text, intent, 0.8, context=Context(after="utter_ask_forget"))
    assert (look.intent if look and look.intent == "forget_confirmed" else None) == expected


def test_a_follow_up_question_the_fallback_took_goes_to_the_article_talked_about():
    about = Context(topic="esketamine")
    assert second_look("do u have to stay there after", "nlu_fallback", 0.3, context=about).intent == "ask_esketamine"
    assert second_look("do u have to stay there after", "nlu_fallback", 0.3) is None
    assert second_look("great thanks", "nlu_fallback", 0.3, context=about).intent != "ask_esketamine"
    assert second_look("arsenal or chelsea", "nlu_fallback", 0.3, context=about) is None


@pytest.mark.parametrize("text, expected", [
    ("my nan died on tuesday and i keep expecting her to ring", "feeling_grief"),
    ("i shouted at my partner again over nothing and i hate myself for it", "feeling_self_blame"),
    ("been exhausted for weeks, everything is such an effort", "mood_low"),
    ("my brother has been so low since the divorce, he barely leaves his flat", "worried_about_someone"),
    ("my car is making a funny noise", None),
    ("why am i always so tired", None),   # a question: not told back as a feeling
])
def test_a_statement_the_fallback_took_is_heard_by_its_feeling_words(text, expected):
    look = second_look(text, "nlu_fallback", 0.3)
    assert (look.intent if look else None) == expected


@pytest.mark.parametrize("text, intent", [
    ("my grandad passed away at the weekend and the house feels wrong without him", "worried_about_someone"),
    ("lost my dad in june and i still cant believe it", "mood_low"),
])
def test_a_death_told_by_the_bereaved_is_grief_not_a_worry(text, intent):
    assert second_look(text, intent, 0.8).intent == "feeling_grief"


def test_a_worry_about_someone_alive_stays_a_worry():
    assert second_look("my dad has been so withdrawn lately and i'm worried", "worried_about_someone", 0.8) is None


def test_grief_read_by_the_classifier_is_not_turned_into_a_worry():
    assert second_look("my grandad passed away at the weekend and the house feels wrong without him",
                       "feeling_grief", 0.9) is None


def test_inside_an_exercise_a_reading_found_behind_the_fallback_must_be_clear_too():
    ranking = (("nlu_fallback", 0.25), ("feeling_angry_at_bot", 0.3), ("mood_low", 0.1))
    text = "idk, 'this dumb song made me think of u' maybe"
    assert second_look(text, "nlu_fallback", 0.25, ranking).intent == "feeling_angry_at_bot"
    assert second_look(text, "nlu_fallback", 0.25, ranking, context=IN_EXERCISE).intent == "step_answer"
    assert second_look("what do you mean by that step", "nlu_fallback", 0.25,
                       context=Context(loop="exercise_form", topic="psychotherapy")) is None


def test_forget_typed_after_other_words_is_still_a_request_to_erase():
    assert second_look("right. /forget", "deny", 0.6).intent == "forget"


def test_a_place_the_classifier_half_read_as_a_safety_matter_is_a_place():
    # The safety screen after this still overrides whenever the safety layer finds a risk.
    assert second_look("and my mate in durban", "safety_concern_abuse", 0.29, country_named=True).intent == "inform_country"
    assert second_look("im in leeds and i want to die", "safety_high", 0.95, country_named=True) is None


def test_a_short_answer_to_where_are_you_that_names_no_place_is_a_place_we_cannot_place():
    asked = Context(after="action_helpline_lookup", asked_where=True)
    assert second_look("a small village", "nlu_fallback", 0.3, context=asked).intent == "inform_country"
    assert second_look("a small village", "nlu_fallback", 0.3) is None
    assert second_look("why do you need to know?", "nlu_fallback", 0.3, context=asked) is None
    assert second_look("no", "deny", 0.9, context=asked) is None


@pytest.mark.parametrize("text", ["is this the baby blues or something worse", "whats vitamin d got to do with it, should i take some"])
def test_a_question_about_a_topic_with_no_intent_is_carried_to_its_article(text):
    assert second_look(text, "nlu_fallback", 0.3).intent == "ask_what_is_depression"


def test_a_stop_said_first_never_hides_a_safety_reading():
    assert second_look("stop, i just want it all to end", "safety_high", 0.9) is None
