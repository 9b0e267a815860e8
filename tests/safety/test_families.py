"""Phrasings the screen was not first tuned on, one group per family, with the near misses that
must stay calm. Every sentence here is written for this file; none is from an evaluation set."""
from __future__ import annotations

import pytest

from safety import Level, Screen
from safety.normalise import FuzzyWords, Normaliser, edit_distance

NONE, CONCERN, HIGH, IMMINENT = Level.NONE, Level.CONCERN, Level.HIGH, Level.IMMINENT


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen()


@pytest.fixture(scope="module")
def normaliser(screen: Screen) -> Normaliser:
    return screen.normaliser


def check(screen: Screen, text: str, expected: Level) -> None:
    verdict = screen.message(text)
    assert verdict.level == expected, f"{text!r}: {verdict.to_dict()}"


def cases(expected: Level, texts: list[str]) -> list[tuple[str, Level]]:
    return [(text, expected) for text in texts]


# --- spelling: misspellings, leetspeak, algospeak, contractions without apostrophes -------------

@pytest.mark.parametrize("text,expected", [
    ("suicdie", "suicide"),        # two letters swapped
    ("suizide", "suicide"),        # one letter wrong
    ("sucidial", "suicidal"),      # two edits in a long word
    ("overdoze", "overdose"),
    ("paracitamol", "paracetamol"),
    ("subside", "subside"),        # an English word is never corrected
    ("decide", "decide"),
    ("homicide", "homicide"),
    ("suicune", "suicune"),        # two edits from a seven-letter word is too far
])
def test_key_words_are_read_through_misspellings(normaliser: Normaliser, text: str, expected: str) -> None:
    assert normaliser(text).text == expected


def test_edit_distance_counts_a_swap_as_one_and_stops_early() -> None:
    assert edit_distance("suicdie", "suicide", 1) == 1
    assert edit_distance("sucide", "suicide", 1) == 1
    assert edit_distance("banana", "suicide", 1) == 2  # gave up: limit + 1


def test_fuzzy_words_need_the_first_letter_and_a_long_word() -> None:
    fuzzy = FuzzyWords(["suicide"])
    assert fuzzy("suicde") == "suicide"
    assert fuzzy("uicide") is None
    assert fuzzy("suic") is None


@pytest.mark.parametrize("text,expected", [
    ("ill be gone soon", "i'll be gone soon"),
    ("shed be happier without me", "she'd be happier without me"),
    ("hell find me", "he'll find me"),
    ("i feel ill today", "i feel ill today"),
    ("the shed is cold", "the shed is cold"),
    ("hell no", "hell no"),
    ("kermit sudoku", "commit suicide"),
    ("yeet myself off it", "throw myself off it"),
])
def test_contractions_and_algospeak(normaliser: Normaliser, text: str, expected: str) -> None:
    assert normaliser(text).text == expected


def test_a_message_in_leetspeak_reads_leading_digits_as_letters(normaliser: Normaliser) -> None:
    assert normaliser("1 h4t3 3v3ryth1ng 4nd w4nt 1t 0v3r").text == "i hate everything and want it over"
    assert normaliser("1 h4v3 n0 r34s0n t0 l1v3").text == "i have no reason to live"
    # One disguised word is not enough to read "3am" or "1m" as letters.
    assert normaliser("meet at 3am, 1m early").text == "meet at 3am, 1m early"
    assert normaliser("i got 2nd place in the 5k").text == "i got 2nd place in the 5k"


SPELLING = (
    cases(HIGH, [
        "suicdie thoughts every night",
        "so suizidal tonight honestly",
        "i think about suiciding a lot",
        "gonna kermit sewer slide fr",
        "might yeet myself off the multistorey",
        "1 just w4nn4 d13 4lr34dy",
        "mujhe marna hai yaar",
        "me quiero morir",
        "thinking of deleting myself tbh",
    ])
    + cases(IMMINENT, ["g0nn4 k1ll mys3lf 2n1ght", "ill be dead by morning"])
    + cases(NONE, [
        "yeet the ball over here",
        "throwing myself into my studies this term",
        "t1me f0r b3d, g00d n1ght",
    ])
)


@pytest.mark.parametrize("text,expected", SPELLING)
def test_disguised_spellings(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


# --- families of phrasing -----------------------------------------------------------------------

LEAVING_LIFE = (
    cases(HIGH, [
        "i'd like to log out of life",
        "i just want to sign off permanently",
        "ready to leave this planet for good",
        "thinking of taking a permanent nap",
        "honestly i'd be happier dead",
        "the only way out is not being alive",
        "i keep looking up ways to overdose",
        "i'm so tired of fighting to stay alive",
    ])
    + cases(NONE, [
        "logging off social media for good, it's making me anxious",
        "logging off now, thanks for the chat",
        "i want to delete my account",
        "i just need a long nap",
    ])
)

PASSIVE_WISHES = (
    cases(HIGH, [
        "what if i never woke up, that'd be peaceful",
        "it would be a relief to just not exist",
        "wouldn't it be lovely to never wake up again",
        "i'd love to just not be here anymore",
        "part of me hopes my bus crashes",
        "i'd like to fall asleep and never come back",
        "i want to follow my wife wherever she is now",
        "since my husband died i just want to join him",
    ])
    + cases(CONCERN, ["my nan keeps saying she's ready to go"])
    + cases(NONE, [
        "it would be nice not to wake up at 6 tomorrow",
        "it would be nice to not exist in the group chat for a while lol",
        "what if i fail my driving test",
        "ready to go when you are",
        "i'm ready to go, what's the first exercise?",
        "my grandad died last year and i miss him",
    ])
)

METHOD_SEEKING = (
    cases(HIGH, [
        "how many storeys do you need to fall to die",
        "how high would a balcony need to be for the fall to be lethal",
        "which tablets are most deadly in overdose",
        "is drowning painful",
        "does it hurt to bleed out",
        "which is quicker, hanging or an overdose",
        "where can i get something that will kill me",
    ])
    + cases(NONE, [
        "how high is the tallest tree in the world",
        "which painkillers are safe with sertraline",
        "is it safe to take ibuprofen every day",
    ])
)

HARM_TO_OTHERS = (
    cases(HIGH, [
        "i keep picturing shaking my newborn when he screams",
        "intrusive thoughts about smothering my baby won't stop",
        "i get urges to throw my toddler",
        "i'm worried i'll snap and hurt my kids",
        "i've been having homicidal thoughts",
        "i want to slip something in his drink to hurt him",
        "i think about taking my children with me",
    ])
    + cases(NONE, [
        "my brother took my charger, i'm literally going to strangle him 😤",
        "i shake the rattle and my baby giggles",
        "i picture myself holding my baby for the first time",
        "taking my kids with me to the shops",
    ])
)

PLANS_AND_TIMES = (
    cases(IMMINENT, [
        "doing it once the house is asleep",
        "after my wife leaves for work i'm going to do it",
        "i'll do it after dark",
        "alarm is set for 4am, that's when i'll go",
        "new year's eve will be my last",
        "i won't be here for christmas, it's all planned",
        "i'm going to end it after this message",
        "i've planned it for saturday",
    ])
    + cases(NONE, [
        "going to do it after school, the project i mean",
        "set an alarm for 6am for the gym",
        "this will be my last cigarette, i'm quitting",
        "friday will be my last day at this job",
        "i've got everything ready for the party",
    ])
)

GOODBYES = (
    cases(IMMINENT, [
        "sorry everyone. goodbye",
        "i love you all. bye",
        "goodbye. thanks for trying. love you all",
        "it was good knowing you all",
        "you won't hear from me again",
        "forgive me for what i'm about to do",
        "i won't need my phone after tonight",
        "my family will be better off after tonight",
        "by the time you see this message it'll be over",
        "i've sent my goodbye texts",
        "gn forever",
        "i love you all, please don't blame yourselves, i want to die",
    ])
    + cases(NONE, [
        "sorry gotta go, bye",
        "goodbye for now, talk tomorrow",
        "ignore my last message",
        "don't blame yourself, these things happen",
    ])
)

ACTS_UNDER_WAY = (
    cases(IMMINENT, [
        "just took them all. getting really drowsy",
        "i already swallowed them. my heart is racing",
        "i can feel them taking effect now",
        "motor running in a locked garage and i'm sat in the car",
        "there's a hose from the exhaust into the car",
        "heading to the railway tracks now",
        "at the cliff edge now",
        "downed half a bottle of gin and 20 tramadol",
        "i feel so dizzy after what i took",
        "there's so much blood and it won't stop",
    ])
    + cases(CONCERN, ["i already took them"])
    + cases(NONE, [
        "these antidepressants are starting to take effect, feeling brighter",
        "already took them to school, now coffee",
        "feeling sleepy, off to bed",
        "my grandad is in the garage fixing the engine",
        "heading to the bridge now to meet my mates",
        "i walked to the bridge to take photos",
    ])
)

CONCERN_FAMILIES = (
    cases(CONCERN, [
        "my flatmate keeps saying she won't be around next summer",
        "i tried to end things when i was 19 but i'm doing well now",
        "i attempted at 16, i'm 30 now",
        "i've given up on ever being happy",
        "it's always going to be like this",
        "my wife takes my wages and won't let me see my family",
        "some lads jumped me after school",
        "my ex messaged that he'll come after me",
        "is suicide genetic? it runs in my family",
        "there's a whole bottle of my mum's sleeping pills in the cupboard",
        "i've figured out where my uncle stores his shotguns",
        "i've been stockpiling my prescription",
        "my friend texted me goodbye and isn't answering",
        "i keep going to the bridge and just standing there",
    ])
    + cases(NONE, [
        "i know where my mum hides the chocolate",
        "my cat keeps jumping off the roof of the shed",
        "the counsellor asked if i'd thought of ending it all and tbh no",
        "i'm researching suicide statistics for my sociology class",
    ])
)


@pytest.mark.parametrize("text,expected", LEAVING_LIFE + PASSIVE_WISHES + METHOD_SEEKING)
def test_ideation_in_other_words(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


@pytest.mark.parametrize("text,expected", HARM_TO_OTHERS)
def test_harm_to_others(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


@pytest.mark.parametrize("text,expected", PLANS_AND_TIMES + GOODBYES)
def test_plans_times_and_goodbyes(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


@pytest.mark.parametrize("text,expected", ACTS_UNDER_WAY)
def test_acts_described_by_their_effects(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


@pytest.mark.parametrize("text,expected", CONCERN_FAMILIES)
def test_concern_families(screen: Screen, text: str, expected: Level) -> None:
    check(screen, text, expected)


# --- the mechanisms behind them -----------------------------------------------------------------

def test_a_rule_never_supports_itself(screen: Screen) -> None:
    # Two effects ("sleepy", "so tired") are not an act; an act and an effect are.
    check(screen, "feeling sleepy and so tired", NONE)
    check(screen, "took them all, feeling sleepy", IMMINENT)


def test_now_after_a_recovered_state_does_not_revive_the_past(screen: Screen) -> None:
    verdict = screen.message("i overdosed when i was 17, i'm fine now")
    assert verdict.level == CONCERN and "past_history" in verdict.categories


def test_someone_elses_finished_act_stays_over_whatever_the_next_clause_says(screen: Screen) -> None:
    check(screen, "my brother overdosed last year and i'm still worried about him", CONCERN)
    check(screen, "my brother has just taken 40 pills", IMMINENT)


def test_a_possessive_names_an_owner_not_the_one_who_acts(screen: Screen) -> None:
    verdict = screen.message("i'm going to swallow all her tablets tonight")
    assert verdict.level == IMMINENT and "third_person" not in verdict.categories
    verdict = screen.message("she has fresh cuts on her arms")
    assert verdict.level == CONCERN and "third_person" in verdict.categories


def test_an_ingestion_in_one_message_and_ideation_in_another_make_the_conversation_imminent(
        screen: Screen) -> None:
    verdict = screen.conversation(["i don't want to be alive", "i already took them"])
    assert verdict.level == IMMINENT


# Vetoes are scoped to the clause they concern: an explanation in a later clause or sentence no
# longer cancels a goodbye or a plan. These few are read as risk (the bot replies with the line or
# asks), the price of never missing "I'm standing on the bridge, my dog is at home".
EXPLAINED_LATER = [
    "i won't be here for christmas, we're going to my gran's abroad",
    "love you, bye! see you at dinner",
    "it was nice knowing you, old laptop, rip",
    "these sleeping tablets are beginning to take effect, night night",
]


@pytest.mark.parametrize("text", EXPLAINED_LATER)
def test_an_explanation_in_another_clause_does_not_cancel(screen: Screen, text: str) -> None:
    assert screen.message(text).level >= Level.CONCERN
