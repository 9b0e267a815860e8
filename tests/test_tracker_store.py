"""The tracker store keeps each conversation's tracker between messages (bot/tracker_cache.py) and
reads it afresh whenever the database says someone else changed the conversation: another worker,
an erasure, or a turn of its own that failed before saving. Two store objects on one database stand
for two Rasa workers."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from sqlalchemy import select

from bot.database import engine_for
from bot.erasure import erase_conversation
from bot.tracker_events import EVENTS
from bot.tracker_store import DatabaseTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))


def _store(url: str, monkeypatch) -> DatabaseTrackerStore:
    monkeypatch.setenv("DATABASE_URL", url)
    return DatabaseTrackerStore(domain=DOMAIN)


def _turn(store: DatabaseTrackerStore, sender: str, text: str, save: bool = True):
    """One message as Rasa's processor handles it: read (or create), append the turn's events, save."""
    async def turn():
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        if not tracker.events:
            tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(),
                                        ActionExecuted("action_listen")], None)
        tracker.update_with_events([UserUttered(text, {"name": "greet", "confidence": 1.0}),
                                    BotUttered(f"you said {text}"), ActionExecuted("action_listen")], None)
        if save:
            await store.save(tracker)
        return tracker
    return asyncio.run(turn())


def _stored(url: str, sender: str) -> list:
    query = select(EVENTS.c.data).where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id)
    with engine_for(url).connect() as connection:
        return [json.loads(row) for row in connection.execute(query).scalars()]


def _said(url: str, sender: str) -> list:
    return [e.get("text") for e in _stored(url, sender) if e["event"] == "user"]


def _sender(name: str) -> str:
    return f"{name}-{time.time_ns()}"


def test_a_conversation_keeps_its_tracker_and_stores_each_event_once(database_url, monkeypatch):
    store, sender = _store(database_url, monkeypatch), _sender("kept")
    first = _turn(store, sender, "one")
    second = _turn(store, sender, "two")
    third = _turn(store, sender, "three")
    fourth = _turn(store, sender, "four")
    # A new conversation's tracker is read back once (Rasa's read starts at the session), then handed
    # back as it is.
    assert first is not second
    assert second is third is fourth
    assert _said(database_url, sender) == ["one", "two", "three", "four"]
    assert len(_stored(database_url, sender)) == len(fourth.events) + 1  # + action_session_start
    fresh = asyncio.run(_store(database_url, monkeypatch).retrieve(sender))
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in fourth.events]


def test_another_workers_message_is_read_back_before_the_next_turn(database_url, monkeypatch):
    a, b, sender = _store(database_url, monkeypatch), _store(database_url, monkeypatch), _sender("two-workers")
    _turn(a, sender, "to a")
    kept = _turn(a, sender, "to a, kept")
    _turn(b, sender, "to b")
    after = _turn(a, sender, "to a again")
    assert after is not kept
    assert [e.text for e in after.events if isinstance(e, UserUttered)] == ["to a", "to a, kept", "to b", "to a again"]
    assert _said(database_url, sender) == ["to a", "to a, kept", "to b", "to a again"]


def test_an_erased_conversation_is_not_handed_back(database_url, monkeypatch):
    store, sender = _store(database_url, monkeypatch), _sender("erased")
    _turn(store, sender, "something private")
    _turn(store, sender, "more of it")
    assert len(store.kept) == 1
    erase_conversation(database_url, sender)
    assert asyncio.run(store.retrieve(sender)) is None
    _turn(store, sender, "hello again")
    assert _said(database_url, sender) == ["hello again"]


def test_a_turn_that_failed_before_saving_leaves_nothing_behind(database_url, monkeypatch):
    store, sender = _store(database_url, monkeypatch), _sender("failed")
    _turn(store, sender, "saved")
    _turn(store, sender, "kept")
    broken = _turn(store, sender, "never saved", save=False)
    after = _turn(store, sender, "next")
    assert after is not broken
    assert [e.text for e in after.events if isinstance(e, UserUttered)] == ["saved", "kept", "next"]
    assert _said(database_url, sender) == ["saved", "kept", "next"]


def test_a_new_session_is_read_from_its_start(database_url, monkeypatch):
    store, sender = _store(database_url, monkeypatch), _sender("session")
    _turn(store, sender, "yesterday")
    tracker = asyncio.run(store.retrieve(sender))
    tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(),
                                ActionExecuted("action_listen")], None)
    asyncio.run(store.save(tracker))
    today = _turn(store, sender, "today")
    assert [e.text for e in today.events if isinstance(e, UserUttered)] == ["today"]
    assert _said(database_url, sender) == ["yesterday", "today"]


@pytest.mark.parametrize("size", [2])
def test_only_the_most_recent_conversations_are_kept(size, database_url, monkeypatch):
    store = _store(database_url, monkeypatch)
    store.kept = type(store.kept)(size)
    senders = [_sender(f"lru{i}") for i in range(4)]
    for sender in senders:
        _turn(store, sender, "hi")
    for sender in senders:
        _turn(store, sender, "again")
    assert len(store.kept) == size
    for sender in senders:
        assert _said(database_url, sender) == ["hi", "again"]
        assert len(_stored(database_url, sender)) == 9
