"""Erasing one person's conversation: every event Rasa stored for their sender id."""
from __future__ import annotations

from sqlalchemy import delete, inspect

from bot.database import engine_for
from bot.flags import EVENTS

# The action that erases a person's conversation when they ask (actions/privacy.py); Rasa's tracker
# store does the erasing when it sees it (bot/tracker_store.py).
FORGET_ACTION = "action_forget_conversation"


def erase_conversation(database_url: str, sender_id: str) -> int:
    """Deletes the conversation in one transaction; returns how many events were removed."""
    engine = engine_for(database_url)
    if not inspect(engine).has_table(EVENTS.name):
        return 0
    with engine.begin() as connection:
        return connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount
