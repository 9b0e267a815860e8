"""Flagged conversations, read from Rasa's tracker store (the `events` table) without importing Rasa.

The safety screen writes its verdict into each message's parse data, which Rasa persists; so a flag
exists as soon as the message is stored, whether or not the action server was up. A conversation's
level is the highest it reached, raised further by context (safety.combine) and by the answers given
in crisis mode (domain/crisis.yml), which Rasa stores as events without the action server: "not safe"
(the form unsafe_form) is imminent, as is intent, a plan or preparation in the screener; thoughts are high.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import or_, select

from bot.database import engine_for
from bot.tracker_events import EVENTS, has_events, utc as _time
from safety import Level, Verdict, combine


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
    answers: dict[str, object] = field(default_factory=dict)  # crisis mode's slots, latest values
    _verdicts: list[Verdict] = field(default_factory=list, repr=False)
    _disclosed: Level = field(default=Level.NONE, repr=False)


# Crisis mode's answers and the level each one means. The legacy `risk_disclosed` slot carries a level.
ANSWER_LEVELS = {
    ("cssrs_intent", "yes"): Level.IMMINENT,
    ("cssrs_plan", "yes"): Level.IMMINENT,
    ("cssrs_preparation", "yes"): Level.IMMINENT,
    ("cssrs_method", "yes"): Level.HIGH,
    ("suicidal_thoughts", "yes"): Level.HIGH,
    ("suicidal_thoughts", "unsure"): Level.HIGH,
    ("other_danger", "yes"): Level.CONCERN,
    ("other_danger", "unsure"): Level.CONCERN,
}
ANSWER_SLOTS = sorted({name for name, _ in ANSWER_LEVELS} | {"crisis_safe", "crisis_help", "crisis_situation"})
# Crisis mode's form for a person who is not safe right now: entering it is imminent risk.
UNSAFE_FORM = "unsafe_form"


def _rows(database_url: str, since: Optional[dt.datetime]):
    query = (select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
             .where(or_(
                 (EVENTS.c.type_name == "user") & EVENTS.c.intent_name.like("safety%"),
                 (EVENTS.c.type_name == "active_loop") & EVENTS.c.data.like(f'%"{UNSAFE_FORM}"%'),
                 (EVENTS.c.type_name == "slot") & or_(*(EVENTS.c.data.like(f'%"{name}"%')
                                                        for name in ["risk_disclosed", *ANSWER_SLOTS]))))
             .order_by(EVENTS.c.id))
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since.timestamp())
    if not has_events(database_url):
        return  # Rasa has not stored a conversation yet
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
        _add_answer(flags, sender_id, timestamp, data.get("name"), data.get("value"))
        return
    if type_name == "active_loop":
        if data.get("name") == UNSAFE_FORM:
            _add_answer(flags, sender_id, timestamp, "not_safe", True)
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


def _add_answer(flags: dict, sender_id: str, timestamp: float, name: Optional[str], value: object) -> None:
    if name == "risk_disclosed" and value:
        level = Level.parse(str(value))
    elif name == "not_safe":
        level = Level.IMMINENT
    elif name in ANSWER_SLOTS:
        level = ANSWER_LEVELS.get((name, value), Level.NONE)
        if value is None and sender_id not in flags:
            return  # a fresh conversation's empty slots flag nothing
    else:
        return
    if level == Level.NONE and sender_id not in flags:
        return
    flag = _flag_for(flags, sender_id, _time(timestamp))
    flag._disclosed = max(flag._disclosed, level)
    if name == "not_safe":
        # Crisis mode's not-safe path: a "no" to "are you safe right now?", or an imminent message.
        flag.answers["not_safe_path"] = True
    elif name != "risk_disclosed" and value is not None:
        flag.answers[name] = value


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
