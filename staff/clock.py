"""Time in the staff app: always aware UTC (SQLite hands datetimes back naive; they were UTC)."""
from __future__ import annotations

import datetime as dt
from typing import Optional


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)
