"""Adds a flag when the user's answer to one of our safety questions raised the risk.

The crisis reply itself is a domain response chosen by a rule before this runs; this action only
records the disclosure (the screen cannot see that a plain "no" answered "are you safe right now?").
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.trackers import latest_intent


def _question_answered(tracker: Tracker) -> Optional[str]:
    """The last response the bot sent before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


class ActionRecordDisclosure(Action):
    def name(self) -> str:
        return "action_record_disclosure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        not_safe = (_question_answered(tracker) == "utter_crisis_ask_safe"
                    and latest_intent(tracker) == "deny")
        level = "imminent" if not_safe else "high"
        return [SlotSet("risk_high", True), SlotSet("risk_concern", True), SlotSet("risk_disclosed", level)]
