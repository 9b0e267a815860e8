"""Reading the tracker the way our actions need it."""
from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent Rasa acted on for the latest message (after the safety screen's override)."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")
