"""Retention: conversations are not kept longer than they are needed.

An unflagged conversation is deleted RETENTION_DAYS after its last event. A flagged one (the safety
layer saw concern or more) is kept for staff to review, and deleted FLAGGED_RETENTION_DAYS after
staff resolve it in the staff review app (staff.reviews.resolved_lookup); until then it is kept.
Deletion is the same erasure "forget my conversation" uses, one conversation per transaction.
`python -m bot.cli retention` (make retention) runs it; the launcher runs it at start and hourly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import func, inspect, select

from bot.database import engine_for
from bot.erasure import erase_conversation
from bot.flags import flagged_conversations
from bot.tracker_events import EVENTS


@dataclass
class RetentionReport:
    deleted: int = 0
    kept_flagged: int = 0

    def __str__(self) -> str:
        return (f"deleted {self.deleted} conversation(s) past retention; kept {self.kept_flagged} "
                "flagged conversation(s) for review")


def _last_activity(database_url: str) -> dict[str, float]:
    engine = engine_for(database_url)
    if not inspect(engine).has_table(EVENTS.name):
        return {}
    query = select(EVENTS.c.sender_id, func.max(EVENTS.c.timestamp)).group_by(EVENTS.c.sender_id)
    with engine.connect() as connection:
        return {sender: last for sender, last in connection.execute(query)}


def apply_retention(database_url: str, retention_days: int, flagged_retention_days: int,
                    now: Optional[dt.datetime] = None,
                    resolved_at: Callable[[str], Optional[dt.datetime]] = lambda _sender: None
                    ) -> RetentionReport:
    """Deletes what is past retention. `resolved_at(sender)` is when staff resolved a flagged
    conversation (None: not resolved, so kept)."""
    if retention_days < 1 or flagged_retention_days < 1:
        raise ValueError("retention periods must be at least one day")
    now = now or dt.datetime.now(dt.timezone.utc)
    flagged = {f.sender_id for f in flagged_conversations(database_url)}
    report = RetentionReport()
    for sender, last in _last_activity(database_url).items():
        if sender in flagged:
            resolved = resolved_at(sender)
            if resolved is None or now - resolved < dt.timedelta(days=flagged_retention_days):
                report.kept_flagged += 1
                continue
        elif now.timestamp() - last < retention_days * 86400:
            continue
        erase_conversation(database_url, sender)
        report.deleted += 1
    return report


def from_settings(settings, resolved_at: Callable[[str], Optional[dt.datetime]] = lambda _sender: None
                  ) -> RetentionReport:
    return apply_retention(settings.database_url, settings.retention_days, settings.flagged_retention_days,
                           resolved_at=resolved_at)
