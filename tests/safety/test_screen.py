"""Behaviour of the crisis screen on single messages, one group per kind of case in the spec."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from safety import Evidence, Level, Screen, Verdict
from safety.normalise import Normaliser
from safety.rules import PatternError, expand_groups, load

ROOT = Path(__file__).resolve().parents[2]
NONE, CONCERN, HIGH, IMMINENT = Level.NONE, Level.CONCERN, Level.HIGH, Level.IMMINENT


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen()


def level_of(screen: Screen, text: str) -> Level:
    return screen.message(text).level


def check(screen: Screen, text: str, expected: Level) -> None:
    verdict = screen.message(text)
    assert verdict.level == expected, f"{text!r}: {verdict.to_dict()}"


# --- must NOT raise the level -------------------------------------------------------------------

IDIOMS = [
    "this exam is killing me",
    "I'm dead tired",
    "I could murder a pizza",
    "my feet are killing me",
    "I died laughing",
    "kill the lights please",
    "that comedian absolutely killed it last night",
    "I'm dying to see the new film",
    "this cake is to die for",
    "we need to kill some time before the train",
    "my phone is dead again",
    "I'd kill for a coffee right now",
    "my brother shot himself in the foot by quitting his job",
    "I was killing myself laughing at that video",
    "I'm so tired I could sleep forever",
    "I slept through my alarm and missed the bus, kill me now",
]

NEGATIONS = [
    "I'm not suicidal",
    "I would never kill myself",
    "I don't want to die",
    "no thoughts of self-harm",
    "I don't have any thoughts of hurting myself",
    "no, I'm not thinking about suicide",
    "I've never self harmed",
    "I would never hurt my kids",
    "I'm not going to hurt myself, I just need to vent",
    "I don't want to kill myself, I just feel numb",
    "there's no way I'd ever kill myself",
]

TOPIC_MENTIONS = [
    "an essay on self-harm awareness",
    "what is suicide prevention week",
    "the character kills himself in the film",
    "we watched a documentary about suicide in class",
    "I volunteer for a suicide prevention charity",
    "our staff training on self-harm was today",
    "in this game you can jump off a building lol",
]

HARMLESS = [
    "I cut my hair",
    "jumping on a plane tomorrow",
    "overdosed on coffee lol",
    "this game makes me want to shoot things",
    "I took 2 paracetamol for my headache",
    "I cut myself shaving this morning",
    "I hurt myself playing football",
    "I'm going to jump in the shower",
    "I bought a new kitchen knife for cooking",
    "I need to cut down on sugar",
    "I want to end it with my boyfriend",
    "I'm sitting on the roof terrace with a drink",
    "I'm on the bridge over the river heading home",
    "my mum is going to kill me when she sees my grades",
    "thanks for everything, bye!",
    "I've written my essay, finally",
    "I've set the date for the wedding, it's in June",
    "this is my last message for tonight, night!",
    "what's the point of this exercise?",
    "my dog ate my sandwich, i'm going to kill him lol",
]

LOW_MOOD = [
    "I feel down today",
    "I'm so tired of work",
    "I feel empty and sad",
    "I've been feeling a bit low lately",
    "I hate my job so much",
    "I can't sleep at night",
]


@pytest.mark.parametrize("text", IDIOMS + NEGATIONS + TOPIC_MENTIONS + HARMLESS + LOW_MOOD)
def test_does_not_raise(screen: Screen, text: str) -> None:
    check(screen, text, NONE)


# --- concern ------------------------------------------------------------------------------------

CONCERN_CASES = {
    "third_person": [
        "my friend wants to kill herself",
        "my son is cutting himself",
        "my daughter told me she wants to die",
        "my friend from discord says she's gonna kms",
        "a boy in my class told me he self harms",
        "my sister keeps saying she wishes she was dead",
        "my son stays in his room and said what's the point of living",
    ],
    "past_history": [
        "I attempted two years ago",
        "I used to cut",
        "I tried to kill myself when I was 15",
        "I was suicidal as a teenager",
        "I haven't self harmed in 6 months",
        "I have scars from self harm",
        "I overdosed when I was 17",
    ],
    "hopelessness": [
        "nothing will ever get better",
        "what's the point of anything",
        "I feel so hopeless",
        "I can't see a way out of this",
        "I'm a burden to everyone",
        "it's never going to get better",
    ],
    "abuse_or_violence": [
        "my partner hits me",
        "I was raped",
        "my boyfriend threatened to kill me",
        "my stepdad shouts at me and shoved me into the wall",
        "people at school keep telling me to kill myself",
        "my boyfriend put his hands around my throat",
    ],
    "suicide_question": [
        "how common is suicide?",
        "what are warning signs of suicide",
        "is suicide selfish?",
        "what's the suicide rate in scotland",
    ],
    "means": [
        "I've got a bottle of pills next to me",
        "I've been stockpiling my meds",
        "I bought a rope",
    ],
    "plan_or_intent": [
        "I've been giving my things away",
        "I've got a plan",
    ],
}


@pytest.mark.parametrize(
    "category,text", [(c, t) for c, texts in CONCERN_CASES.items() for t in texts]
)
def test_concern(screen: Screen, category: str, text: str) -> None:
    verdict = screen.message(text)
    assert verdict.level == CONCERN, f"{text!r}: {verdict.to_dict()}"
    assert category in verdict.categories, f"{text!r}: {verdict.categories}"


# --- high ---------------------------------------------------------------------------------------

HIGH_CASES = {
    "suicidal_ideation": [
        "I want to die",
        "I wish I could sleep and never wake up",
        "everyone would be better off without me",
        "I won't be around much longer",
        "kms",
        "I wanna unalive myself",
        "I'm suicidal",
        "I keep thinking about killing myself",
        "I don't want to be here anymore",
        "life isn't worth living",
        "nobody would care if I died",
        "I hope I don't wake up tomorrow",
        "it would be simpler if i wasn't alive",
        "i'd rather be dead than go back to that job",
        "I want to kill myself lol",
        "the voices tell me to kill myself",
        "I can't stop thinking about killing myself",
        "I'm not ok i want to die",
        "tell me one reason not to kill myself",
        "i'm running out of reasons to live",
        "death would be a relief",
    ],
    "self_harm": [
        "I cut myself tonight",
        "I want to hurt myself",
        "I've been self harming again",
        "I have the urge to cut",
        "relapsed last night and cut",
        "I've been burning myself with a lighter",
        "I want to hurt myself with the kitchen scissors",
    ],
    "method_seeking": [
        "how many paracetamol would kill me",
        "what's the tallest bridge near me",
        "painless ways to go",
        "how long does it take to bleed out",
        "what's the best way to overdose",
        "which tablets would make me not wake up",
    ],
    "harm_to_others": [
        "I want to kill my boss",
        "I'm going to hurt him",
        "I'm scared I might hurt my baby",
        "i think about hurting the people who bully me",
    ],
}


@pytest.mark.parametrize("category,text", [(c, t) for c, texts in HIGH_CASES.items() for t in texts])
def test_high(screen: Screen, category: str, text: str) -> None:
    verdict = screen.message(text)
    assert verdict.level == HIGH, f"{text!r}: {verdict.to_dict()}"
    assert category in verdict.categories, f"{text!r}: {verdict.categories}"


# --- imminent -----------------------------------------------------------------------------------

IMMINENT_CASES = {
    "plan_or_intent": [
        "I'm going to kill myself tonight",
        "I've written my note",
        "tonight's the night I end it",
        "this is goodbye, tell my mum I love her",
        "thank you for everything, I won't be here tomorrow",
        "I've decided to end my life this weekend",
        "i've made up my mind, i'm ending my life on sunday",
        "i've picked the day, it's saturday",
        "got the tablets today, doing it tonight",
    ],
    "means": [
        "I have the pills in my hand and I want to die",
        "I have a gun and I want to kill myself",
        "i want to die and all my sleeping pills are right here",
    ],
    "act_under_way": [
        "I've taken 30 pills",
        "I'm standing on the bridge",
        "I just cut deep and it won't stop bleeding",
        "I took a whole bottle of paracetamol",
        "i overdosed",
        "the rope is around my neck",
        "i've swallowed most of the bottle",
    ],
}


@pytest.mark.parametrize(
    "category,text", [(c, t) for c, texts in IMMINENT_CASES.items() for t in texts]
)
def test_imminent(screen: Screen, category: str, text: str) -> None:
    verdict = screen.message(text)
    assert verdict.level == IMMINENT, f"{text!r}: {verdict.to_dict()}"
    assert category in verdict.categories, f"{text!r}: {verdict.categories}"


def test_wish_with_a_time_is_intensity_not_a_plan(screen: Screen) -> None:
    check(screen, "i want to kms so bad right now", HIGH)
    check(screen, "i hope i just die in my sleep tonight", HIGH)
    check(screen, "I'm going to kill myself right now", IMMINENT)


def test_harm_to_others_needs_a_time_not_just_intent(screen: Screen) -> None:
    check(screen, "I'm going to hurt him", HIGH)
    check(screen, "i'm going to kill my brother tonight", IMMINENT)


def test_plan_or_means_alone_is_concern_but_with_ideation_imminent(screen: Screen) -> None:
    check(screen, "I've got a bottle of pills next to me", CONCERN)
    check(screen, "I've got a bottle of pills next to me and I want to die", IMMINENT)
    check(screen, "I've been giving my things away", CONCERN)
    check(screen, "I've been giving my things away because I want to die", IMMINENT)


def test_someone_elses_overdose_under_way_is_imminent_but_over_is_concern(screen: Screen) -> None:
    now = screen.message("my friend has just taken 30 pills")
    assert now.level == IMMINENT and "third_person" in now.categories
    check(screen, "my best friend took an overdose last year", CONCERN)
    check(screen, "my friend took a load of pills last night and is in hospital", CONCERN)


# --- disguised spellings --------------------------------------------------------------------------

DISGUISED = [
    "su1c1de is all I think about",
    "i want to d!e",
    "I w4nt to k1ll mys3lf",
    "$uicide feels like the only option",
    "i just want to diiiiie",
    "thinking about sucide again",
    "suicid thoughts all day",
    "i keep having suiside thoughts",
    "s u i c i d e feels like the only option",
    "k.m.s honestly",
    "k m s",
    "i wanna ctb",
    "sewer slide seems good rn",
    "ready to unalive tbh",
    "i'm going to sleep forever",
    "kys",
    "cant stop thinkin bout sucide",
    "I want to k*ll myself",
    "I\u2019m going to kill myself",
]


@pytest.mark.parametrize("text", DISGUISED)
def test_disguised_spellings_are_caught(screen: Screen, text: str) -> None:
    assert screen.message(text).level >= HIGH, screen.message(text).to_dict()


def test_all_caps_and_title_case_are_read_as_words_not_names(screen: Screen) -> None:
    check(screen, "I WANT TO DIE", HIGH)
    check(screen, "I Want To Die", HIGH)


def test_a_name_makes_it_someone_else(screen: Screen) -> None:
    for text in ("I think Sam wants to die", "Sam wants to die"):
        verdict = screen.message(text)
        assert verdict.level == CONCERN and "third_person" in verdict.categories, text


# --- evidence -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,needle", [
    ("honestly I w4nt to d!e today", "d!e"),
    ("ugh. k.m.s", "k.m.s"),
    ("I think about S U I C I D E", "S U I C I D E"),
    ("Some days I just want to diiiie", "diiiie"),
    ("I\u2019ve taken 30 pills", "taken 30 pills"),
    ("i wanna unalive myself", "unalive myself"),
])
def test_evidence_points_into_the_original_text(screen: Screen, text: str, needle: str) -> None:
    verdict = screen.message(text)
    assert verdict.evidence, verdict
    for evidence in verdict.evidence:
        assert text[evidence.start:evidence.end] == evidence.text
    assert any(needle in e.text for e in verdict.evidence), verdict.evidence


def test_evidence_carries_category_and_level(screen: Screen) -> None:
    verdict = screen.message("I'm going to kill myself tonight")
    by_category = {e.category: e for e in verdict.evidence}
    assert by_category["suicidal_ideation"].level == HIGH
    assert by_category["plan_or_intent"].level == IMMINENT
    assert verdict.categories[0] == "plan_or_intent"  # most severe first


def test_empty_and_long_messages(screen: Screen) -> None:
    assert screen.message("") == Verdict()
    assert screen.message("   \n ").level == NONE
    long = "I had a long day at work and the bus was late. " * 200 + "I want to die"
    assert screen.message(long).level == HIGH


# --- data types ---------------------------------------------------------------------------------

def test_level_labels_and_parsing() -> None:
    assert [level.label for level in Level] == ["none", "concern", "high", "imminent"]
    assert Level.parse("HIGH") is HIGH and Level.parse("imminent") is IMMINENT
    assert Level.parse(" concern ") is CONCERN and Level.parse(0) is NONE
    assert max(CONCERN, IMMINENT) is IMMINENT
    with pytest.raises(ValueError):
        Level.parse("urgent")


def test_verdict_round_trips_through_json(screen: Screen) -> None:
    verdict = screen.message("I have the pills in my hand and I want to die")
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["level"] == "imminent"
    assert set(data["evidence"][0]) == {"text", "start", "end", "category", "level"}
    assert Verdict.from_dict(data) == verdict


def test_verdict_and_evidence_are_frozen() -> None:
    evidence = Evidence("kms", 0, 3, "suicidal_ideation", HIGH)
    with pytest.raises(AttributeError):
        evidence.level = NONE  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Verdict().level = HIGH  # type: ignore[misc]


# --- normalisation and patterns -----------------------------------------------------------------

@pytest.fixture(scope="module")
def normaliser(screen: Screen) -> Normaliser:
    return screen.normaliser


@pytest.mark.parametrize("text,expected", [
    ("su1c1de", "suicide"),
    ("$uicide", "suicide"),
    ("k1ll", "kill"),
    ("d!e", "die"),
    ("diiiie", "die"),
    ("killlll", "kill"),
    ("sucide", "suicide"),
    ("s u i c i d e", "suicide"),
    ("k.m.s", "kill myself"),
    ("kms", "kill myself"),
    ("sewer slide", "suicide"),
    ("self-harm", "self harm"),
    ("30 pills at 3am", "30 pills at 3am"),
    ("help!", "help!"),
])
def test_normaliser(normaliser: Normaliser, text: str, expected: str) -> None:
    assert normaliser(text).text == expected


def test_normaliser_offsets_cover_replacements(normaliser: Normaliser) -> None:
    norm = normaliser("ok kms now")
    start = norm.text.index("kill myself")
    assert norm.span(start, start + len("kill myself")) == (3, 6)
    assert norm.span(0, 2) == (0, 2)


def test_every_compiled_pattern_is_valid_for_spacy(screen: Screen) -> None:
    from spacy.schemas import validate_token_pattern

    errors = {repr(p): validate_token_pattern(p) for p in screen.matcher.patterns()}
    assert not {k: v for k, v in errors.items() if v}


def test_pattern_groups_expand() -> None:
    assert expand_groups("a (b c|d) e") == ["a b c e", "a d e"]
    assert expand_groups("(x)? y") == ["x? y"]


def test_malformed_pattern_file_names_the_rule(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("rules:\n  - id: oops\n    kind: risk\n    levle: high\n    patterns: [x]\n")
    with pytest.raises(PatternError, match="oops"):
        load(tmp_path)


SCREEN_MODULES = ["__init__", "__main__", "levels", "verdict", "normalise", "rules", "matching",
                  "context", "judge", "screen", "conversation", "evaluation"]


def test_the_screen_never_imports_rasa() -> None:
    """Only the Rasa adapter (rasa_component.py) may import Rasa; the screen itself is plain."""
    modules = ", ".join(f"safety.{m}" for m in SCREEN_MODULES if m != "__init__")
    code = f"import sys, {modules}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'rasa'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    for name in SCREEN_MODULES:
        source = (ROOT / "safety" / f"{name}.py").read_text()
        assert "import rasa" not in source and "from rasa" not in source, name
