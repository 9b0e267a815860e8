"""A helpline's opening hours as data: "24/7", "unknown", or opening times in the line's time zone.

The crisis replies say "day and night" or send a line on its own only when it is open around the
clock; `describe` is how the hours read in a reply ("daily 10:00-24:00, Rome time").
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS, UNKNOWN = "24/7", "unknown"
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class HoursError(ValueError):
    pass


def parse(raw: Any) -> dict:
    """{"always": bool, "known": bool, "time_zone": str|None, "open": [{"days", "from", "to"}]}."""
    if raw == ALWAYS:
        return {"always": True, "known": True, "time_zone": None, "open": []}
    if raw == UNKNOWN:
        return {"always": False, "known": False, "time_zone": None, "open": []}
    if not isinstance(raw, dict):
        raise HoursError(f'must be "{ALWAYS}", "{UNKNOWN}" or a mapping with time_zone and open')
    zone = raw.get("time_zone")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"time_zone must be an IANA time zone such as Europe/Rome, got {zone!r}") from None
    spans = raw.get("open")
    if not isinstance(spans, list) or not spans:
        raise HoursError("open must be a list of {days, from, to}")
    return {"always": False, "known": True, "time_zone": zone, "open": [_span(s) for s in spans]}


def _span(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise HoursError("each opening must be a mapping with days, from and to")
    days = raw.get("days")
    if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
        raise HoursError(f"days must be a list of {', '.join(DAYS)}")
    times = [str(raw.get(key)) for key in ("from", "to")]
    if not all(_TIME.match(t) for t in times):
        raise HoursError(f'from and to must be times like "09:00" (24:00 for midnight), got {times}')
    return {"days": [d for d in DAYS if d in days], "from": times[0], "to": times[1]}


def _days(days: list) -> str:
    if len(days) == 7:
        return "daily"
    if days == list(DAYS[:5]):
        return "Monday to Friday"
    names = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
    indexes = [DAYS.index(d) for d in days]
    if indexes == list(range(indexes[0], indexes[-1] + 1)) and len(days) > 2:
        return f"{names[days[0]]}-{names[days[-1]]}"
    return ", ".join(names[d] for d in days)


def describe(hours: dict) -> str:
    if hours["always"]:
        return ALWAYS
    if not hours["known"]:
        return "opening hours not confirmed"
    city = hours["time_zone"].split("/")[-1].replace("_", " ")
    spans = "; ".join(f"{_days(s['days'])} {s['from']}-{s['to']}" for s in hours["open"])
    return f"{spans}, {city} time"


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def open_at(hours: dict, when: dt.datetime) -> Optional[bool]:
    """Whether the line is open at `when` (an aware datetime); None when the hours are not known."""
    if hours["always"]:
        return True
    if not hours["known"]:
        return None
    local = when.astimezone(ZoneInfo(hours["time_zone"]))
    today, minute = DAYS[local.weekday()], local.hour * 60 + local.minute
    yesterday = DAYS[(local.weekday() - 1) % 7]
    for span in hours["open"]:
        start, end = _minutes(span["from"]), _minutes(span["to"])
        if start < end and today in span["days"] and start <= minute < end:
            return True
        if end <= start:  # overnight: from today's start to tomorrow's end
            if (today in span["days"] and minute >= start) or (yesterday in span["days"] and minute < end):
                return True
    return False
