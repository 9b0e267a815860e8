"""Review state of flagged conversations: the queue, its filters and counts, and the workflow
(new -> in review -> resolved with an outcome), assignment and notes.

Flags come from the tracker store through bot.flags (the verdicts Rasa stored); this module adds
what staff recorded. A resolved conversation that is flagged again afterwards comes back as new.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from bot.database import engine_for
from bot.flags import Flag, flagged_conversations
from bot.tracker_events import transcript
from safety import Level
from staff import audit, tables
from staff.clock import aware, now

LEVELS = ("imminent", "high", "concern")
STATUS_FILTERS = ("open", "new", "in_review", "resolved", "all")
OUTCOME_LABELS = {"contacted": "Contacted", "referred": "Referred", "no_action_needed": "No action needed",
                  "false_alarm": "False alarm"}
STATUS_LABELS = {"new": "New", "in_review": "In review", "resolved": "Resolved"}


class ReviewError(ValueError):
    """A filter or a change that cannot be applied; the message says why."""


@dataclass
class Item:
    review_id: int
    flag: Flag
    status: str
    outcome: Optional[str]
    assigned_to: Optional[str]
    resolved_at: Optional[dt.datetime]

    @property
    def level(self) -> str:
        return self.flag.level


@dataclass(frozen=True)
class Filters:
    level: str = ""
    status: str = "open"
    channel: str = ""
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None

    @classmethod
    def parse(cls, query: dict) -> "Filters":
        """Only known values pass; anything else is refused with a message, never used."""
        level, status, channel = (str(query.get(k) or "").strip() for k in ("level", "status", "channel"))
        if level and level not in LEVELS:
            raise ReviewError(f"unknown level: choose one of {', '.join(LEVELS)}")
        status = status or "open"
        if status not in STATUS_FILTERS:
            raise ReviewError(f"unknown status: choose one of {', '.join(STATUS_FILTERS)}")
        if channel and not channel.replace("_", "").isalnum():
            raise ReviewError("unknown channel")
        return cls(level, status, channel[:32], _date(query.get("since"), "from"), _date(query.get("until"), "to"))

    def admits(self, item: Item) -> bool:
        day = item.flag.last_flagged_at.date()
        return ((not self.level or item.level == self.level)
                and (self.status == "all" or item.status == self.status
                     or (self.status == "open" and item.status != "resolved"))
                and (not self.channel or (item.flag.channel or "") == self.channel)
                and (self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))


def _date(raw, name: str) -> Optional[dt.date]:
    raw = str(raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ReviewError(f"the '{name}' date must look like 2026-12-31") from None


@dataclass
class Queue:
    items: list[Item]
    counts: dict[str, int] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)


def _rows(connection) -> dict[str, object]:
    r, u = tables.reviews, tables.users
    query = select(r, u.c.username).select_from(r.outerjoin(u, u.c.id == r.c.assigned_to))
    return {row.sender_id: row for row in connection.execute(query)}


def sync(database_url: str) -> list[Item]:
    """Every flagged conversation with its review state; creates review rows for new flags and
    reopens resolved ones flagged again since."""
    flags = flagged_conversations(database_url)
    with engine_for(database_url).begin() as connection:
        known = _rows(connection)
        for flag in flags:
            row = known.get(flag.sender_id)
            if row is None:
                _create(connection, flag)
            elif row.status == "resolved" and flag.last_flagged_at > aware(row.resolved_at):
                connection.execute(update(tables.reviews).where(tables.reviews.c.id == row.id).values(
                    status="new", outcome=None, resolved_at=None, updated_at=now()))
                audit.record(connection, audit.SYSTEM, "reopened", str(row.id), reason="flagged again")
        known = _rows(connection)
    return [Item(known[f.sender_id].id, f, known[f.sender_id].status, known[f.sender_id].outcome,
                 known[f.sender_id].username, aware(known[f.sender_id].resolved_at))
            for f in flags if f.sender_id in known]


def _create(connection, flag: Flag) -> None:
    try:
        with connection.begin_nested():
            connection.execute(insert(tables.reviews).values(
                sender_id=flag.sender_id, status="new", first_seen_at=now(), updated_at=now()))
    except IntegrityError:
        pass  # another process created it a moment ago


def _urgency(item: Item):
    # Most urgent level first; within a level, the one waiting longest first.
    return (-Level.parse(item.level), item.status == "resolved", item.flag.first_flagged_at)


def queue(database_url: str, filters: Filters) -> Queue:
    items = sync(database_url)
    open_items = [i for i in items if i.status != "resolved"]
    counts = {level: sum(i.level == level for i in open_items) for level in LEVELS}
    counts.update({status: sum(i.status == status for i in items) for status in STATUS_LABELS})
    channels = sorted({i.flag.channel for i in items if i.flag.channel})
    return Queue(sorted((i for i in items if filters.admits(i)), key=_urgency), counts, channels)


def item(database_url: str, review_id: int) -> Optional[Item]:
    """A conversation staff can open: a flagged one, or one opened by its id (`open_by_id`)."""
    found = next((i for i in sync(database_url) if i.review_id == review_id), None)
    if found is not None:
        return found
    r, u = tables.reviews, tables.users
    with engine_for(database_url).connect() as connection:
        row = connection.execute(select(r, u.c.username).select_from(r.outerjoin(u, u.c.id == r.c.assigned_to))
                                 .where(r.c.id == review_id)).first()
    if row is None:
        return None
    seen = aware(row.first_seen_at)
    unflagged = Flag(row.sender_id, "none", [], [], None, seen, seen, 0)
    return Item(row.id, unflagged, row.status, row.outcome, row.username, aware(row.resolved_at))


def open_by_id(database_url: str, sender_id: str, actor: str) -> int:
    """The review id of any stored conversation, flagged or not, so that staff can read it and label
    a message the safety layer missed; raises ReviewError when there is no such conversation."""
    sender_id = (sender_id or "").strip()[:255]
    if not sender_id or not transcript(database_url, sender_id).turns:
        raise ReviewError("no conversation is stored under that id")
    with engine_for(database_url).begin() as connection:
        existing = connection.execute(select(tables.reviews.c.id)
                                      .where(tables.reviews.c.sender_id == sender_id)).scalar()
        if existing is None:
            existing = connection.execute(insert(tables.reviews).values(
                sender_id=sender_id, status="new", first_seen_at=now(), updated_at=now())).inserted_primary_key[0]
        audit.record(connection, actor, "opened_by_id", str(existing))
    return existing


def set_status(database_url: str, review_id: int, status: str, outcome: Optional[str], actor: str,
               also: Optional[Callable] = None) -> None:
    """Moves a conversation along the workflow; `also(connection)` runs in the same transaction."""
    if status not in STATUS_LABELS:
        raise ReviewError("unknown status")
    if status == "resolved" and outcome not in OUTCOME_LABELS:
        raise ReviewError("a resolved conversation needs an outcome: contacted, referred, no action "
                          "needed or false alarm")
    if status != "resolved":
        outcome = None
    moment = now()
    with engine_for(database_url).begin() as connection:
        _existing(connection, review_id)
        connection.execute(update(tables.reviews).where(tables.reviews.c.id == review_id).values(
            status=status, outcome=outcome, updated_at=moment,
            resolved_at=moment if status == "resolved" else None))
        audit.record(connection, actor, "status_changed", str(review_id), status=status, outcome=outcome)
        if also is not None:
            also(connection)


def assign_to(database_url: str, review_id: int, user_id: Optional[int], actor: str) -> None:
    with engine_for(database_url).begin() as connection:
        row = _existing(connection, review_id)
        values = {"assigned_to": user_id, "updated_at": now()}
        if user_id is not None and row.status == "new":
            values["status"] = "in_review"
        connection.execute(update(tables.reviews).where(tables.reviews.c.id == review_id).values(**values))
        audit.record(connection, actor, "assigned" if user_id else "unassigned", str(review_id))


def _existing(connection, review_id: int):
    row = connection.execute(select(tables.reviews).where(tables.reviews.c.id == review_id)).first()
    if row is None:
        raise ReviewError("no such conversation (it may have been erased)")
    return row


MAX_NOTE = 4000


def add_note(database_url: str, review_id: int, text: str, actor: str) -> None:
    text = (text or "").strip()
    if not text:
        raise ReviewError("the note is empty")
    if len(text) > MAX_NOTE:
        raise ReviewError(f"a note is at most {MAX_NOTE} characters")
    with engine_for(database_url).begin() as connection:
        row = _existing(connection, review_id)
        connection.execute(insert(tables.notes).values(sender_id=row.sender_id, author=actor, text=text,
                                                       created_at=now()))
        audit.record(connection, actor, "note_added", str(review_id), characters=len(text))


def notes_of(database_url: str, sender_id: str) -> list:
    with engine_for(database_url).connect() as connection:
        return list(connection.execute(select(tables.notes).where(tables.notes.c.sender_id == sender_id)
                                       .order_by(tables.notes.c.id)))


def resolved_lookup(database_url: str) -> Callable[[str], Optional[dt.datetime]]:
    """For retention: when staff resolved each conversation (None while it is still open)."""
    engine = engine_for(database_url)
    if not inspect(engine).has_table(tables.reviews.name):
        return lambda _sender: None  # no staff tables yet: nothing was resolved, so all is kept
    with engine.connect() as connection:
        resolved = {r.sender_id: aware(r.resolved_at) for r in connection.execute(
            select(tables.reviews.c.sender_id, tables.reviews.c.resolved_at)
            .where(tables.reviews.c.status == "resolved"))}
    return resolved.get
