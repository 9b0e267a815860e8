"""A person saying they are under 18 ("I'm 15", "im 14 years old", "I'm in year 9"): the crisis replies
then add their country's youth line. Only a plain statement about oneself counts, never a guess."""
from __future__ import annotations

import re
from typing import Optional

ADULT = 18
_SELF = r"(?:i'?m|i am|im|am)\s+(?:only\s+|just\s+)?"
_NUMBER = r"(1[0-7]|[6-9])"
# "I'm 15", "I'm 15 years old", "i'm 16yo"; not "I'm 15 minutes away" or "I've been 15 days clean".
_STATED = re.compile(rf"\b{_SELF}{_NUMBER}(?:\s*(?:years?\s*old|yrs?\s*old|yo|y/o))?(?![\w%])"
                     r"(?!\s*(?:min|minute|hour|day|week|month|km|mile|percent|pounds|kg|%))",
                     re.IGNORECASE)
# "15 years old and ..." at the start of a message; "my son is 15 years old" is about someone else.
_AGED = re.compile(rf"^\W*{_NUMBER}\s*(?:years?\s*old|yrs?\s*old|yo|y/o)\b", re.IGNORECASE)
_SCHOOL_YEAR = re.compile(r"\b(?:i'?m|i am|im)\s+in\s+(?:year|yr)\s*([5-9]|1[0-3])\b"
                          r"|\b(?:i'?m|i am|im)\s+in\s+(?:grade\s*([5-9]|1[0-2])|(?:[5-9]|1[0-2])(?:st|nd|rd|th)\s+grade)\b",
                          re.IGNORECASE)


def stated_age(text: str) -> Optional[int]:
    """The age under 18 a person states about themselves, or None."""
    for pattern in (_STATED, _AGED):
        match = pattern.search(text or "")
        if match:
            return int(match.group(1))
    school = _SCHOOL_YEAR.search(text or "")
    if school:
        return 16  # school years 5-13 and grades 5-12: a child or teenager; the exact age does not matter
    return None


def is_young(text: str) -> bool:
    age = stated_age(text)
    return age is not None and age < ADULT
