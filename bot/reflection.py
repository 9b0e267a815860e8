"""Giving a person's own words back to them: the person they spoke about, the feeling they named, the
name they called themselves, and their answer turned from "my" to "your".

Plain Python, no Rasa: the action server uses it to acknowledge an exercise answer and to open a
reply to a feeling with something the person actually said.
"""
from __future__ import annotations

import re
from typing import Optional

LONGEST_QUOTE = 160
_SWAPS = {
    "i": "you", "i'm": "you're", "im": "you're", "i've": "you've", "ive": "you've", "i'd": "you'd",
    "i'll": "you'll", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "am": "are",
    "was": "was", "we": "you", "our": "your", "us": "you",
}
_TOKEN = re.compile(r"[\w']+|[^\w']+")

_PEOPLE = {
    "grandma": "grandma", "grandmother": "grandmother", "nan": "nan", "nana": "nana", "nanna": "nanna",
    "gran": "gran", "granny": "granny", "grandpa": "grandpa", "grandad": "grandad", "granddad": "granddad",
    "grandfather": "grandfather", "mum": "mum", "mom": "mom", "mother": "mother", "mam": "mam",
    "dad": "dad", "father": "father", "husband": "husband", "hubby": "husband", "wife": "wife",
    "partner": "partner", "boyfriend": "boyfriend", "bf": "boyfriend", "girlfriend": "girlfriend",
    "gf": "girlfriend", "son": "son", "daughter": "daughter", "brother": "brother", "sister": "sister",
    "friend": "friend", "best friend": "best friend", "bestie": "best friend", "mate": "mate",
    "dog": "dog", "cat": "cat", "uncle": "uncle", "aunt": "aunt", "auntie": "auntie", "cousin": "cousin",
    "fiance": "fiancé", "fiancé": "fiancé", "fiancee": "fiancée", "baby": "baby", "kid": "kid",
    "child": "child", "teenager": "teenager", "flatmate": "flatmate", "roommate": "roommate",
    "colleague": "colleague", "boss": "boss", "ex": "ex", "pet": "pet", "stepdad": "stepdad",
    "stepmom": "stepmom", "stepmum": "stepmum", "twin": "twin",
}
_PERSON = re.compile(
    r"\bmy\s+(?:late\s+|little\s+|older\s+|younger\s+|big\s+|\d+\s*(?:yo|year old)\s+)?("
    + "|".join(sorted((re.escape(p) for p in _PEOPLE), key=len, reverse=True)) + r")\b", re.IGNORECASE)

_FEELINGS = (
    "empty", "numb", "lonely", "alone", "isolated", "exhausted", "tired", "drained", "burnt out",
    "burned out", "overwhelmed", "stressed", "anxious", "panicky", "scared", "on edge", "sad", "down",
    "low", "hopeless", "stuck", "lost", "angry", "guilty", "ashamed", "broken", "worthless", "useless",
    "flat", "invisible", "left out", "heartbroken", "devastated", "miserable", "frustrated", "restless",
    "depressed", "awful", "terrible", "horrible", "rubbish", "crap", "shit", "hollow", "heavy", "unhappy",
    "upset", "teary", "weepy", "meh", "blah", "unmotivated", "worn out", "fed up", "sick of it", "rough",
)
_FEELING = re.compile(r"\b(" + "|".join(re.escape(f) for f in _FEELINGS) + r")\b", re.IGNORECASE)
_SELF_LABEL = re.compile(
    r"\b(?:i'?m|i am|im|i feel like i'?m|feel like im)\s+(?:just\s+|so\s+|such\s+|a\s+total\s+|totally\s+)*"
    r"(a failure|a burden|lazy|useless|worthless|weak|pathetic|stupid|a mess|broken|a loser|hopeless"
    r"|not good enough|a disappointment)\b", re.IGNORECASE)
_STRESSORS = {
    "work": "work", "job": "work", "boss": "work", "exam": "exams", "exams": "exams", "uni": "uni",
    "university": "uni", "school": "school", "college": "college", "money": "money", "bills": "money",
    "rent": "money", "debt": "money", "kids": "the kids", "children": "the kids", "caring": "caring",
    "deadline": "deadlines", "deadlines": "deadlines", "wedding": "the wedding", "divorce": "the divorce",
    "moving": "the move", "studies": "your studies", "thesis": "your thesis",
}
_STRESSOR = re.compile(r"\b(" + "|".join(_STRESSORS) + r")\b", re.IGNORECASE)


def yours(text: str) -> str:
    """The answer in the second person: "my cat and the window" -> "your cat and the window"."""
    words = []
    for token in _TOKEN.findall(quote(text)):
        swap = _SWAPS.get(token.lower())
        words.append(swap if swap and token.lower() != "i" else ("you" if token == "i" or token == "I" else token))
    return "".join(words)


def quote(text: str) -> str:
    """The answer as written, trimmed of trailing punctuation, cut at a word near LONGEST_QUOTE."""
    text = " ".join(text.split()).rstrip(" .!?,;:")
    if len(text) <= LONGEST_QUOTE:
        return text
    return text[:LONGEST_QUOTE].rsplit(" ", 1)[0] + " …"


def person(text: str) -> Optional[str]:
    """The person (or pet) spoken about, as "your grandma"; None if there is none."""
    match = _PERSON.search(text)
    return f"your {_PEOPLE[match.group(1).lower()]}" if match else None


def feeling(text: str) -> Optional[str]:
    """The first feeling word the person used ("empty", "lonely"), lower case."""
    match = _FEELING.search(text)
    return match.group(1).lower() if match else None


def self_label(text: str) -> Optional[str]:
    """What the person called themselves ("lazy", "a failure"), if they did."""
    match = _SELF_LABEL.search(text)
    return match.group(1).lower() if match else None


def stressor(text: str) -> Optional[str]:
    """What the stress is about ("work", "exams", "money"), if named."""
    match = _STRESSOR.search(text)
    return _STRESSORS[match.group(1).lower()] if match else None


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
