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
