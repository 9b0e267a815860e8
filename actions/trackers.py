"""Reading the tracker the way our actions need it."""
from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent Rasa acted on for the latest message (after the safety screen's override)."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


CRISIS_FORMS = ("crisis_form", "unsafe_form")


def had_crisis(tracker: Tracker) -> bool:
    """Whether this conversation has been in crisis: the safety screen read high or imminent risk, or
    crisis mode ran. Some replies (an evidence grade after an exercise) would jar then."""
    for event in tracker.events or []:
        if event.get("event") == "user":
            level = ((event.get("parse_data") or {}).get("safety") or {}).get("level")
            if level in ("high", "imminent"):
                return True
        elif event.get("event") == "active_loop" and event.get("name") in CRISIS_FORMS:
            return True
    return False
