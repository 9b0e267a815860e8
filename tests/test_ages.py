"""A person saying they are under 18, and only that."""
from __future__ import annotations

import pytest

from bot.ages import is_young, stated_age


@pytest.mark.parametrize("text, age", [
    ("I'm 15 and I want to die", 15), ("im 14 years old", 14), ("i am only 16", 16), ("16yo here", 16),
    ("15 years old and i hate my life", 15), ("I'm in year 10", 16), ("im in 9th grade", 16),
])
def test_a_stated_age_under_18(text, age):
    assert stated_age(text) == age and is_young(text)


@pytest.mark.parametrize("text", [
    "I'm 18", "i am 25", "I am 15 minutes away", "I took 15 pills", "my son is 15", "my son is 15 years old",
    "she is 14yo", "I've been 15 days clean", "i am 12%", "I'm 2 weeks postpartum", "",
])
def test_anything_else_is_not_taken_for_a_young_person(text):
    assert not is_young(text)
