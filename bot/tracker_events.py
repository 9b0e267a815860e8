"""Rasa's tracker store, read without importing Rasa: the one module that knows its `events` table.

The safety flags (bot.flags), erasure, retention and the staff review app all read conversations
through here, so there is one description of Rasa 3.6's table, not several.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select

from bot.database import engine_for

# The columns of Rasa 3.6's SQLTrackerStore table that we read.
EVENTS = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


@dataclass
class Turn:
    """One message of a transcript: what the person wrote, or what the bot answered."""

    event_id: int
    speaker: str                  # "user" or "bot"
    text: str
    at: dt.datetime
    intent: str = ""
    safety: dict = field(default_factory=dict)   # the stored verdict (user messages)

    @property
    def level(self) -> str:
        return str(self.safety.get("level", "none")) if self.safety else "none"


@dataclass
class Transcript:
    sender_id: str
    turns: list[Turn]
    slots: dict[str, object]      # each slot's latest value
    channel: Optional[str]


def has_events(database_url: str) -> bool:
    return inspect(engine_for(database_url)).has_table(EVENTS.name)


def _turn(event_id: int, type_name: str, timestamp: float, data: dict) -> Optional[Turn]:
    if type_name == "user":
        parse = data.get("parse_data") or {}
        return Turn(event_id, "user", str(data.get("text") or ""), utc(timestamp),
                    str((parse.get("intent") or {}).get("name") or ""), dict(parse.get("safety") or {}))
    if type_name == "bot" and data.get("text"):
        return Turn(event_id, "bot", str(data["text"]), utc(timestamp))
    return None


def transcript(database_url: str, sender_id: str) -> Transcript:
    """Everything said in one conversation, in order, with its slots' latest values."""
    result = Transcript(sender_id, [], {}, None)
    if not has_events(database_url):
        return result
    query = (select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
             .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot", "slot")))
             .order_by(EVENTS.c.id))
    with engine_for(database_url).connect() as connection:
        for event_id, type_name, timestamp, raw in connection.execute(query):
            data = json.loads(raw or "{}")
            if type_name == "slot":
                result.slots[str(data.get("name"))] = data.get("value")
                continue
            turn = _turn(event_id, type_name, timestamp, data)
            if turn is not None:
                result.turns.append(turn)
                result.channel = data.get("input_channel") or result.channel
    return result


def user_messages(database_url: str, event_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The text of the given user messages, with their sender ids: {event id: (sender, text)}.
    Messages erased since are simply absent."""
    if not event_ids or not has_events(database_url):
        return {}
    query = (select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
             .where(EVENTS.c.id.in_(event_ids), EVENTS.c.type_name == "user"))
    with engine_for(database_url).connect() as connection:
        return {i: (sender, str(json.loads(raw or "{}").get("text") or ""))
                for i, sender, raw in connection.execute(query)}
