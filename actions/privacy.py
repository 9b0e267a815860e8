"""Forgetting a conversation when the person confirms it. The erasing itself happens when Rasa saves
the conversation (bot/tracker_store.py), so that nothing is written back afterwards."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from bot.erasure import FORGET_ACTION

DONE = ("Done. I've deleted this conversation: what you wrote here is no longer stored, and I've "
        "forgotten your country too. If you're on Telegram, the chat itself stays in the app until you "
        "delete it there.")


class ActionForgetConversation(Action):
    def name(self) -> str:
        return FORGET_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        # The custom payload tells the web chat to clear the copy it keeps in the browser.
        dispatcher.utter_message(text=DONE, json_message={"forgotten": True})
        return [AllSlotsReset()]
