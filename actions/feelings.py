"""Feelings get an answer: something the person said, given back to them, then the reply for that
feeling and an offer (domain/listening.yml). Never an exercise started unasked."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.trackers import latest_intent
from bot import reflection

RESPONSES = {
    "feeling_grief": "utter_feeling_grief",
    "feeling_lonely": "utter_feeling_lonely",
    "feeling_self_blame": "utter_feeling_self_blame",
    "feeling_hopeless": "utter_feeling_hopeless",
    "feeling_stress": "utter_feeling_stress",
    "feeling_anxious": "utter_feeling_anxious",
    "feeling_angry_at_bot": "utter_feeling_angry_at_bot",
    "feeling_distress": "utter_feeling_distress",
    "feeling_vent": "utter_feeling_vent",
    "worried_about_someone": "utter_worried_about_someone",
    "decline_exercise": "utter_decline_exercise",
    "mood_low": "utter_mood_low",
}


def _grief(text: str) -> Optional[str]:
    who = reflection.person(text)
    return f"I'm so sorry about {who}." if who else "I'm so sorry for your loss."


def _lonely(text: str) -> Optional[str]:
    word = reflection.feeling(text)
    return f"Feeling {word if word in ('alone', 'isolated', 'invisible', 'left out') else 'lonely'} is really hard."


def _self_blame(text: str) -> Optional[str]:
    label = reflection.self_label(text)
    return f"You called yourself {label}." if label else "It sounds like you're being really hard on yourself."


def _stress(text: str) -> Optional[str]:
    about, word = reflection.stressor(text), reflection.feeling(text)
    if about:
        return f"Stress about {about} can take over everything."
    return f"Feeling {word} like that wears you down." if word else None


def _anxious(text: str) -> Optional[str]:
    word = reflection.feeling(text)
    return f"It sounds like you're feeling {word}." if word else "It sounds like your mind won't settle."


def _worried(text: str) -> Optional[str]:
    who = reflection.person(text)
    return f"It sounds like you're really worried about {who}." if who else None


def _declined(text: str) -> Optional[str]:
    word = reflection.feeling(text)
    return f"You said you feel {word}. That's a hard feeling to sit with." if word else None


def _vent(text: str) -> Optional[str]:
    who, word = reflection.person(text), reflection.feeling(text)
    parts = [f"you're feeling {word}"] if word else []
    parts += [f"a lot is going on with {who}"] if who else []
    return f"I'm hearing that {' and that '.join(parts)}." if parts else None


def _low(text: str) -> Optional[str]:
    word = reflection.feeling(text)
    return f"I'm sorry you're feeling {word}." if word else "I'm sorry today feels heavy."


OPENINGS: dict[str, Callable[[str], Optional[str]]] = {
    "feeling_grief": _grief, "feeling_lonely": _lonely, "feeling_self_blame": _self_blame,
    "feeling_stress": _stress, "feeling_anxious": _anxious, "worried_about_someone": _worried,
    "decline_exercise": _declined, "feeling_vent": _vent, "mood_low": _low,
}


def opening(intent: str, text: str) -> Optional[str]:
    """The first line of the reply: what the person said, given back; None where none fits."""
    build = OPENINGS.get(intent)
    return build(text) if build else None


class ActionRespondFeeling(Action):
    def name(self) -> str:
        return "action_respond_feeling"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = latest_intent(tracker) or ""
        text = str((tracker.latest_message or {}).get("text") or "")
        first = opening(intent, text)
        if first:
            dispatcher.utter_message(text=first)
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_mood_low"))
        return []
