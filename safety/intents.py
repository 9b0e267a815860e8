"""Which intent a verdict stands for: the rules in data/rules/safety.yml answer these intents."""
from __future__ import annotations

import re

from safety.levels import Level
from safety.verdict import Verdict

# A message in a language the bot does not read: the reply says so and names the crisis line.
LANGUAGE_UNSUPPORTED = "language_unsupported"

_OWN_RISK = {"suicidal_ideation", "self_harm", "method_seeking", "plan_or_intent", "means", "act_under_way"}

_CONCERN_BY_CATEGORY = (
    # the first category present decides; someone else at risk is answered first
    ("third_person", "safety_concern_other"),
    ("abuse_or_violence", "safety_concern_abuse"),
    ("past_history", "safety_concern_history"),
    ("means", "safety_means_mention"),
    ("plan_or_intent", "safety_means_mention"),
    ("suicide_question", "safety_concern_question"),
    ("uncertain", "safety_concern"),  # ask directly: "are you having thoughts of ending your life?"
)


# An act under way that needs its own first aid: an overdose (emergency number, unlock the door, keep
# the packet) or bleeding (firm pressure). Told apart by the words the evidence matched.
_BLEEDING = re.compile(r"\b(cut|cutting|slit|slash|slashed|sliced|bleed|bleeding|blood|wrists?|veins?|artery)\b")
_OVERDOSE = re.compile(r"\b(took|taken|take|swallowed|downed|necked|had|od'?d|oded|overdos\w*|pills?|tablets?|"
                       r"meds|sleepy|drowsy|dizzy|woozy|kicking|effect)\b")


def situation(verdict: Verdict) -> str | None:
    """"overdose" or "bleeding" when an act under way is one of these, else None."""
    spans = " ".join(e.text.lower() for e in verdict.evidence if e.category == "act_under_way")
    if not spans:
        return None
    if _BLEEDING.search(spans):
        return "bleeding"
    if _OVERDOSE.search(spans):
        return "overdose"
    return None


def intent_for(verdict: Verdict) -> str | None:
    if verdict.level == Level.IMMINENT:
        return {"overdose": "safety_overdose", "bleeding": "safety_bleeding"}.get(situation(verdict) or "",
                                                                                   "safety_imminent")
    if verdict.level == Level.HIGH:
        only_others = "harm_to_others" in verdict.categories and not _OWN_RISK & set(verdict.categories)
        return "safety_harm_others" if only_others else "safety_high"
    if verdict.level == Level.CONCERN:
        for category, intent in _CONCERN_BY_CATEGORY:
            if category in verdict.categories:
                return intent
        return "safety_concern"
    return None
