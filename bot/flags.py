"""Flagged conversations, read from Rasa's tracker store (the `events` table) without importing Rasa.

The safety screen writes its verdict into each message's parse data, which Rasa persists; so a flag
exists as soon as the message is stored, whether or not the action server was up. A conversation's
level is the highest it reached, raised further by context (safety.combine) and by answers to our own
safety questions (the `risk_disclosed` slot).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, or_, select

from bot.database import engine_for
from safety import Level, Verdict, combine

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


@dataclass
class Flag:
    sender_id: str
    level: str
    categories: list[str]
    evidence: list[str]
    channel: Optional[str]
    first_flagged_at: dt.datetime
    last_flagged_at: dt.datetime
    flagged_messages: int
    _verdicts: list[Verdict] = field(default_factory=list, repr=False)
    _disclosed: Level = field(default=Level.NONE, repr=False)


def _time(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


def _rows(database_url: str, since: Optional[dt.datetime]):
    query = (select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
             .where(or_(
                 (EVENTS.c.type_name == "user") & EVENTS.c.intent_name.like("safety%"),
                 (EVENTS.c.type_name == "slot") & EVENTS.c.data.like("%risk_disclosed%")))
             .order_by(EVENTS.c.id))
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since.timestamp())
    with engine_for(database_url).connect() as connection:
        yield from connection.execute(query)


def _flag_for(flags: dict, sender_id: str, when: dt.datetime) -> Flag:
    if sender_id not in flags:
        flags[sender_id] = Flag(sender_id, "none", [], [], None, when, when, 0)
    flag = flags[sender_id]
    flag.last_flagged_at = when
    return flag


def _add(flags: dict, sender_id: str, type_name: str, timestamp: float, data: dict) -> None:
    if type_name == "slot":
        if data.get("name") == "risk_disclosed" and data.get("value"):
            flag = _flag_for(flags, sender_id, _time(timestamp))
            flag._disclosed = max(flag._disclosed, Level.parse(data["value"]))
        return
    safety = (data.get("parse_data") or {}).get("safety")
    if not safety:
        return
    verdict = Verdict.from_dict(safety)
    if verdict.level == Level.NONE and not safety.get("categories"):
        return
    flag = _flag_for(flags, sender_id, _time(timestamp))
    flag._verdicts.append(verdict)
    flag.flagged_messages += 1
    flag.channel = data.get("input_channel") or flag.channel
    flag.evidence += [e.text for e in verdict.evidence]


def _finish(flag: Flag) -> Flag:
    combined = combine(flag._verdicts) if flag._verdicts else Verdict()
    level = max(combined.level, flag._disclosed)
    flag.level = level.label
    flag.categories = sorted(set(combined.categories) | {c for v in flag._verdicts for c in v.categories})
    return flag


def flagged_conversations(database_url: str, since: Optional[dt.datetime] = None,
                          minimum: Level = Level.CONCERN) -> list[Flag]:
    """Conversations that reached `minimum` or above, most urgent first, then most recent first."""
    flags: dict[str, Flag] = {}
    for sender_id, type_name, timestamp, raw in _rows(database_url, since):
        _add(flags, sender_id, type_name, timestamp, json.loads(raw or "{}"))
    finished: Iterable[Flag] = (_finish(f) for f in flags.values())
    kept = [f for f in finished if Level.parse(f.level) >= minimum]
    return sorted(kept, key=lambda f: (-Level.parse(f.level), -f.last_flagged_at.timestamp()))
