"""The audit log: who did what, when. Append-only (the database refuses UPDATE and DELETE on it), and
never holding message text: targets are conversation or account ids, details are short facts."""
from __future__ import annotations

import json
from dataclasses import dataclass
import datetime as dt
from typing import Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.database import engine_for
from staff import tables
from staff.clock import aware, now

SYSTEM = "system"


@dataclass
class Entry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict


def record(connection: Connection, actor: str, action: str, target: str = "", **detail) -> None:
    """Adds an entry inside the caller's transaction, so the action and its record stand or fall
    together."""
    connection.execute(insert(tables.audit).values(
        at=now(), actor=actor, action=action, target=target,
        detail=json.dumps(detail, sort_keys=True, default=str) if detail else ""))


def entries(database_url: str, limit: int = 200, target: Optional[str] = None) -> list[Entry]:
    query = select(tables.audit).order_by(tables.audit.c.id.desc()).limit(limit)
    if target is not None:
        query = query.where(tables.audit.c.target == target)
    with engine_for(database_url).connect() as connection:
        return [Entry(r.id, aware(r.at), r.actor, r.action, r.target, json.loads(r.detail) if r.detail else {})
                for r in connection.execute(query)]
