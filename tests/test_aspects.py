"""Which article and which part of it answer a question."""
from __future__ import annotations

import pytest

from bot.content import aspects


@pytest.mark.parametrize("text, topic", [
    ("can i take st john's wort with my sertraline", "complementary"),
    ("is spravato covered by insurance", "esketamine"),
    ("i stopped my fluoxetine", "antidepressants"),
    ("how much does cbt cost", "psychotherapy"),
    ("what about genesight", "personalised_medicine"),
    ("hello", None),
])
def test_the_article_a_question_names(text, topic):
    assert aspects.topic_in(text) == topic


def test_the_conversation_and_the_default_fill_in_a_topic_the_question_does_not_name():
    assert aspects.answer_for("ask_stopping", "can i just stop", None) == ("antidepressants", ("stopping", "safety"))
    assert aspects.answer_for("ask_how_given", "how is it given", "esketamine")[0] == "esketamine"
    assert aspects.answer_for("ask_who_for", "who is it for", None)[0] is None
    assert aspects.answer_for("ask_cost", "how much does it cost to see a therapist", None)[0] == "finding_therapist"


@pytest.mark.parametrize("text, intent", [
    ("can i drink on sertraline", "ask_interactions"),
    ("i forgot to take my pill yesterday", "ask_missed_dose"),
    ("brain zaps since i came off it", "ask_stopping"),
    ("tell me about antidepressants", None),
    ("how do I support my partner who is depressed", None),
    ("who is esketamine for", "ask_who_for"),
])
def test_the_part_a_topic_question_asks_about(text, intent):
    assert aspects.aspect_in(text) == intent


def test_a_part_with_no_intent_of_its_own_is_found_by_its_words():
    from types import SimpleNamespace as Section

    sections = [Section(heading="What they are", body="Medicines for depression."),
                Section(heading="How long they take", body="They take two to four weeks to work."),
                Section(heading="Side effects", body="Nausea and headaches are common at first.")]
    assert aspects.best_section(sections, "how long does sertraline take to work", "Antidepressants").heading == \
        "How long they take"
    assert aspects.best_section(sections, "tell me about antidepressants", "Antidepressants") is None


@pytest.mark.parametrize("question, topic", [
    ("what is postnatal depression?", "postpartum"),
    ("is ECT safe?", "treatment_resistant"),
    ("nothing has worked for me, what else is there", "treatment_resistant"),
    ("my daughter is 15 and seems depressed", "young_people"),
    ("is it grief or depression?", "grief"),
    ("does loneliness cause depression", "loneliness"),
    ("why do men not ask for help", "men"),
    ("does a light box help with SAD?", "seasonal"),
    ("can vitamin d help depression", "supplements"),
    ("will my depression come back?", "relapse_prevention"),
    ("what do i say to my gp", "talking_to_gp"),
    ("what is self-harm", "self_harm"),
])
def test_topics_without_an_intent_are_found_by_their_words(question, topic):
    assert aspects.specific_topic_in(question) == topic


@pytest.mark.parametrize("question", ["what is depression?", "I feel so sad", "what are the symptoms",
                                      "can I take sertraline with alcohol?"])
def test_ordinary_questions_keep_their_own_topic(question):
    assert aspects.specific_topic_in(question) is None


def test_pregnancy_and_dependence_questions_get_their_own_part_first():
    assert aspects.answer_for("ask_side_effects", "is sertraline safe when pregnant?", None) == (
        "antidepressants", ("pregnancy", "safety", "side_effects"))
    assert aspects.answer_for("ask_stopping", "are antidepressants addictive?", None)[1][0] == "dependence"
