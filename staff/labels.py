"""Messages labelled by staff for training the safety layer, and their export as JSONL.

A conversation resolved as a false alarm labels its flagged messages `none`; a reviewer can mark any
user message the layer missed with the level it should have had. The export is for training only:
each line says so, and it never feeds the sealed evaluation sets (tests/data/sealed/), which are
written by people who have seen neither the detectors nor the data.
"""
from __future__ import annotations

import json
from typing import Iterator

from sqlalchemy import delete, insert, select

from bot.database import engine_for
from bot.tracker_events import Transcript, user_messages
from staff import audit, tables
from staff.clock import now
from staff.reviews import LEVELS, ReviewError

PURPOSE = "training only: never for the sealed evaluation sets"


def label_false_alarm(connection, conversation: Transcript, actor: str) -> int:
    """Labels every flagged message of the conversation `none` (inside the caller's transaction)."""
    flagged = [t for t in conversation.turns if t.speaker == "user" and t.level != "none"]
    for turn in flagged:
        _put(connection, conversation.sender_id, turn.event_id, "false_alarm", "none", actor)
    return len(flagged)


def label_missed(database_url: str, conversation: Transcript, event_id: int, level: str, actor: str,
                 review_id: int) -> None:
    if level not in LEVELS:
        raise ReviewError(f"choose the level it should have had: {', '.join(LEVELS)}")
    if not any(t.event_id == event_id and t.speaker == "user" for t in conversation.turns):
        raise ReviewError("that message is not part of this conversation")
    with engine_for(database_url).begin() as connection:
        _put(connection, conversation.sender_id, event_id, "missed", level, actor)
        audit.record(connection, actor, "labelled_missed", str(review_id), event=event_id, level=level)


def _put(connection, sender_id: str, event_id: int, kind: str, level: str, actor: str) -> None:
    connection.execute(delete(tables.labels).where(tables.labels.c.event_id == event_id))
    connection.execute(insert(tables.labels).values(sender_id=sender_id, event_id=event_id, kind=kind,
                                                    level=level, labelled_by=actor, created_at=now()))


def labelled_events(database_url: str, sender_id: str) -> dict[int, str]:
    with engine_for(database_url).connect() as connection:
        return {r.event_id: r.level for r in connection.execute(
            select(tables.labels).where(tables.labels.c.sender_id == sender_id))}


def export_lines(database_url: str) -> Iterator[str]:
    """One JSON object per labelled message still in the tracker store (erased ones are gone)."""
    with engine_for(database_url).connect() as connection:
        rows = list(connection.execute(select(tables.labels).order_by(tables.labels.c.id)))
    texts = user_messages(database_url, [r.event_id for r in rows])
    for row in rows:
        if row.event_id in texts:
            yield json.dumps({"text": texts[row.event_id][1], "level": row.level, "kind": row.kind,
                              "labelled_at": row.created_at.isoformat()[:10], "purpose": PURPOSE},
                             ensure_ascii=False) + "\n"
