"""Erasing one person's conversation: every event Rasa stored for their sender id, and everything the
staff review app keeps about it (review state, notes, training labels, alerts). The audit log keeps
that it happened, never what was said."""
from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, delete, inspect

from bot.database import engine_for
from bot.tracker_events import EVENTS

# The action that erases a person's conversation when they ask (actions/privacy.py); Rasa's tracker
# store does the erasing when it sees it (bot/tracker_store.py).
FORGET_ACTION = "action_forget_conversation"

# The staff app's tables that hold something about one conversation, each with a sender_id column
# (staff/tables.py PERSONAL_TABLES; tests check the two lists agree).
STAFF_TABLES = ("staff_notes", "staff_labels", "staff_alerts", "staff_reviews")


def _by_sender(name: str) -> Table:
    return Table(name, MetaData(), Column("sender_id", String(255)))


def erase_conversation(database_url: str, sender_id: str) -> int:
    """Deletes the conversation in one transaction; returns how many events were removed."""
    engine = engine_for(database_url)
    present = set(inspect(engine).get_table_names())
    if EVENTS.name not in present:
        return 0
    with engine.begin() as connection:
        for name in STAFF_TABLES:
            if name in present:
                table = _by_sender(name)
                connection.execute(delete(table).where(table.c.sender_id == sender_id))
        return connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount
