"""Retention and the database file's protection, on a real SQLite file and the local PostgreSQL."""
from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from sqlalchemy import insert, select, text

from bot.database import engine_for, migrate
from bot.flags import EVENTS
from bot.retention import apply_retention

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
DAY = 86400.0


def _store(url: str, sender: str, days_ago: float, intent: str = "greet") -> None:
    engine = engine_for(url)
    EVENTS.metadata.create_all(engine)
    parse = {"intent": {"name": intent, "confidence": 1.0}, "text": "something private"}
    if intent.startswith("safety"):  # what the safety screen records on a message it flags
        parse["safety"] = {"level": "high", "categories": ["suicidal_ideation"], "evidence": []}
    with engine.begin() as connection:
        connection.execute(insert(EVENTS).values(
            sender_id=sender, type_name="user", intent_name=intent, timestamp=NOW.timestamp() - days_ago * DAY,
            data=json.dumps({"event": "user", "text": "something private", "parse_data": parse})))


def _senders(url: str) -> set:
    with engine_for(url).connect() as connection:
        return set(connection.execute(select(EVENTS.c.sender_id)).scalars())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'assistant.db'}"
    url = "postgresql://postgres@127.0.0.1:5432/test"
    engine = engine_for(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {EVENTS.name} WHERE sender_id LIKE 'retention-%'"))
    return url


def test_old_unflagged_conversations_go_and_recent_or_flagged_ones_stay(database_url):
    _store(database_url, "retention-old", 31)
    _store(database_url, "retention-recent", 29)
    _store(database_url, "retention-old-flagged", 400, intent="safety_high")
    _store(database_url, "retention-resolved", 200, intent="safety_high")
    resolved = {"retention-resolved": NOW - dt.timedelta(days=91)}
    report = apply_retention(database_url, 30, 90, now=NOW, resolved_at=resolved.get)
    kept = {s for s in _senders(database_url) if s.startswith("retention-")}
    assert kept == {"retention-recent", "retention-old-flagged"}
    assert report.deleted == 2


def test_a_conversation_still_in_use_is_kept_whatever_its_age(database_url):
    _store(database_url, "retention-long", 45)
    _store(database_url, "retention-long", 1)
    apply_retention(database_url, 30, 90, now=NOW)
    assert "retention-long" in _senders(database_url)


def test_nonsense_periods_are_refused(tmp_path):
    with pytest.raises(ValueError):
        apply_retention(f"sqlite:///{tmp_path / 'a.db'}", 0, 90)


def test_the_database_file_and_its_folder_are_the_owners_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'assistant.db'}"
    migrate(url)
    mode = stat.S_IMODE((tmp_path / "var" / "assistant.db").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    with engine_for(url).connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
