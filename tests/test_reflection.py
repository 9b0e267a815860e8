"""Giving a person's own words back to them."""
from __future__ import annotations

from bot import reflection


def test_an_answer_is_turned_to_the_second_person_without_changing_its_words():
    assert reflection.yours("my laptop, a mug and my cat.") == "your laptop, a mug and your cat"
    assert reflection.yours("I'm tired and I miss my mum") == "you're tired and you miss your mum"
    assert reflection.quote("x " * 200).endswith("…") and len(reflection.quote("x " * 200)) < 170


def test_people_feelings_labels_and_stressors_are_found():
    assert reflection.person("my grandma died last month") == "your grandma"
    assert reflection.person("my 16 year old daughter barely eats") == "your daughter"
    assert reflection.person("nobody died") is None
    assert reflection.feeling("i just feel empty") == "empty"
    assert reflection.self_label("is it my fault? im just lazy") == "lazy"
    assert reflection.self_label("i feel like im a failure") == "a failure"
    assert reflection.stressor("exams next week and i'm so behind") == "exams"
