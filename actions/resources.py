"""Finding helplines for the user's country; asks for the country when it is not known."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from bot import places
from bot.countries import UNKNOWN
from bot.content.phrasing import describe

ASK_COUNTRY = "Which country are you in? Then I can give you the right numbers."
UNKNOWN_COUNTRY = (
    "I don't have numbers for that country yet. findahelpline.com lists free, confidential lines for "
    "every country. In an emergency, call your local emergency number.")
UNLISTED_COUNTRY = (
    "I don't have checked numbers for {name} yet. findahelpline.com lists free, confidential lines for "
    "every country, {name} included. In an emergency, call your local emergency number.")
UNKNOWN_PLACE = (
    "I'm not sure which country that is, so I won't guess. findahelpline.com lists free, confidential "
    "lines for every country; or tell me the country's name and I'll look it up.")


def _not_listed(code: str) -> str:
    if code == UNKNOWN:
        return UNKNOWN_PLACE
    name = places.country_name(code)
    return UNKNOWN_COUNTRY if name == code.upper() else UNLISTED_COUNTRY.format(name=name)


def _country_code(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("country") or tracker.get_slot("country_hint")


FOR_WHOM = {"youth": "for young people", "abuse": "for abuse and domestic violence", "lgbtq": "for LGBTQ+ people",
            "veterans": "for veterans", "poison": "poison information"}


def _ordered(lines) -> list:
    """Lines for anyone first (as the directory orders them), then the specialised ones."""
    return sorted(lines, key=lambda h: h.kind not in ("crisis", "support"))


def _listed(line) -> str:
    extras = [FOR_WHOM[line.kind]] if line.kind in FOR_WHOM else []
    if line.cost == "free":
        extras.append("free")
    return describe(line) + (f" ({', '.join(extras)})" if extras else "")


async def _tell_lines(dispatcher: CollectingDispatcher, code: str) -> bool:
    country = await content.country(code)
    if country is None:
        return False
    lines = "\n".join(f"- {_listed(h)}" for h in _ordered(country.helplines)[:4])
    dispatcher.utter_message(
        text=f"In {country.name}, you can reach:\n{lines}\nIn an emergency, call {country.emergency}.")
    return True


class ActionHelplineLookup(Action):
    def name(self) -> str:
        return "action_helpline_lookup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        code = _country_code(tracker)
        if not code:
            dispatcher.utter_message(text=ASK_COUNTRY)
            return [SlotSet("pending_lookup", "helpline")]
        if not await _tell_lines(dispatcher, code):
            dispatcher.utter_message(text=_not_listed(code))
        return [SlotSet("pending_lookup", None)]


class ActionInformCountry(Action):
    def name(self) -> str:
        return "action_inform_country"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        stated = next(tracker.get_latest_entity_values("country"), None)
        if not stated:
            # A place we cannot place: forget the country we had rather than give its lines.
            dispatcher.utter_message(text=UNKNOWN_PLACE)
            return [SlotSet("country", None), SlotSet("pending_lookup", None)]
        if not await _tell_lines(dispatcher, stated):
            dispatcher.utter_message(text=_not_listed(stated))
        return [SlotSet("pending_lookup", None)]
