"""A conversation's verdict: the highest level reached, raised when means or a plan join ideation."""
from __future__ import annotations

import pytest

from safety import Evidence, Level, Screen, Verdict, combine

NONE, CONCERN, HIGH, IMMINENT = Level.NONE, Level.CONCERN, Level.HIGH, Level.IMMINENT


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen()


def verdict(level: Level, *categories: str) -> Verdict:
    evidence = tuple(Evidence(c, 0, len(c), c, level) for c in categories)
    return Verdict(level=level, categories=categories, evidence=evidence)


def test_empty_conversation_is_none() -> None:
    assert combine([]) == Verdict()


def test_level_is_the_highest_any_message_reached() -> None:
    result = combine([verdict(NONE), verdict(HIGH, "suicidal_ideation"), verdict(CONCERN, "hopelessness")])
    assert result.level == HIGH
    assert result.categories == ("suicidal_ideation", "hopelessness")


def test_a_later_retraction_never_lowers_the_level(screen: Screen) -> None:
    result = screen.conversation(["I want to kill myself", "jk I'm fine", "honestly forget it, I'm ok"])
    assert result.level == HIGH
    assert "suicidal_ideation" in result.categories


def test_means_after_ideation_is_imminent(screen: Screen) -> None:
    result = screen.conversation(["I just want to die", "I've got a bottle of pills next to me"])
    assert result.level == IMMINENT
    assert "means" in result.categories
    means = [e for e in result.evidence if e.category == "means"]
    assert means and all(e.level == IMMINENT for e in means)


def test_plan_after_self_harm_is_imminent(screen: Screen) -> None:
    result = screen.conversation(["I've been cutting again", "hi", "I've been giving my things away"])
    assert result.level == IMMINENT
    assert "plan_or_intent" in result.categories


def test_a_vague_plan_with_a_time_after_ideation_is_imminent(screen: Screen) -> None:
    assert screen.message("I'm doing it tonight").level == IMMINENT
    result = screen.conversation(["everyone would be better off without me", "I've got a plan"])
    assert result.level == IMMINENT


def test_means_before_ideation_is_also_imminent(screen: Screen) -> None:
    """Deliberately symmetric: the same means beside the same wish, whichever came first."""
    result = screen.conversation(["I've been stockpiling my meds", "what's the point", "I want to die"])
    assert result.level == IMMINENT


def test_means_without_ideation_stays_concern(screen: Screen) -> None:
    assert screen.conversation(["I've got a bottle of pills next to me", "I feel down today"]).level == CONCERN


def test_someone_elses_ideation_does_not_raise_the_writers_means(screen: Screen) -> None:
    result = screen.conversation(["my friend wants to kill herself", "I've got a bottle of pills next to me"])
    assert result.level == CONCERN


def test_past_history_does_not_count_as_ideation(screen: Screen) -> None:
    result = screen.conversation(["I used to cut when I was a teenager", "I bought a rope"])
    assert result.level == CONCERN


def test_conversation_equals_combine_of_message_verdicts(screen: Screen) -> None:
    texts = ["hello", "my partner hits me", "I don't want to be here anymore", "nevermind"]
    assert screen.conversation(texts) == combine([screen.message(t) for t in texts])


def test_evidence_from_every_message_is_kept(screen: Screen) -> None:
    result = screen.conversation(["nothing will ever get better", "I want to die"])
    assert {e.category for e in result.evidence} == {"hopelessness", "suicidal_ideation"}


def test_combine_accepts_verdicts_read_back_from_storage(screen: Screen) -> None:
    stored = [screen.message("I want to die").to_dict(), screen.message("I have a rope").to_dict()]
    result = combine([Verdict.from_dict(d) for d in stored])
    assert result.level == IMMINENT


def test_categories_without_evidence_are_kept() -> None:
    flagged = Verdict(level=CONCERN, categories=("classifier_suspected",), evidence=())
    result = combine([flagged, verdict(HIGH, "self_harm")])
    assert result.level == HIGH
    assert result.categories == ("self_harm", "classifier_suspected")
