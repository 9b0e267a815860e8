"""Rasa's SQL tracker store on our one DATABASE_URL, so conversations, content and reviews share a
database; and the place where "forget my conversation" takes effect.

Erasing cannot happen inside the action: Rasa saves a tracker by appending the events the database
does not have yet, counted by number, so rows deleted mid-turn would all be written back at the end
of the turn. So the action only marks the moment (it runs as `action_forget_conversation`), and
`save` deletes every stored event of that sender and keeps only what came after the mark: the reply
that says it is done.

When the database is briefly unreachable (PostgreSQL restarting, a failover), reads and saves are
retried for up to a minute rather than failing: a message waits, and nothing is dropped.

A conversation's tracker is kept in memory between its messages (bot/tracker_cache.py) and read back
from the database only when the database says something else wrote to that conversation.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any, Awaitable, Callable, Iterator, Optional, TypeVar

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot import settings
from bot import action_calls, action_failures, retries, rule_states
from bot.database import ensure_sqlite_dir, harden_sqlite
from bot.erasure import FORGET_ACTION, erase_conversation
from bot.tracker_cache import KeptTrackers, Mark


logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_SECONDS = 60.0


async def retrying(operation: Callable[[], Awaitable[T]], what: str) -> T:
    """Runs `operation` again while the database connection fails, for up to RETRY_SECONDS."""
    def warn(error: BaseException) -> None:
        logger.warning("tracker store: database unreachable during %s (%s); retrying", what,
                       type(error.orig).__name__)

    return await retries.retrying(operation, lambda e: isinstance(e, DBAPIError) and _connection_lost(e),
                                  RETRY_SECONDS, 0.2, warn)


def _connection_lost(error: DBAPIError) -> bool:
    """A lost or refused connection, not a bad statement (which would fail the same way again)."""
    if error.connection_invalidated:
        return True
    name = type(error.orig).__name__
    return name in ("OperationalError", "InterfaceError", "AdminShutdown", "CannotConnectNow") and \
        "syntax" not in str(error.orig).lower()


def events_after_forgetting(tracker: DialogueStateTracker) -> Optional[list]:
    """The events to keep if this turn asked to forget the conversation, else None."""
    events = list(tracker.events)
    marks = [i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == FORGET_ACTION]
    return events[marks[-1] + 1:] if marks else None


class DatabaseTrackerStore(SQLTrackerStore):
    """Configured from settings (DATABASE_URL) instead of separate host/port/db keys."""

    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 host: Optional[str] = None, **kwargs: Any) -> None:
        url = make_url(settings.load().database_url)
        ensure_sqlite_dir(str(url))
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query),
            **kwargs,
        )
        if self.engine.dialect.name == "sqlite":
            harden_sqlite(self.engine)
        self.kept = KeptTrackers()
        self._saving: dict = {}  # sender id -> the mark its save in progress will leave
        # The tracker store is the one module of ours every Rasa server loads, with or without
        # channels: it is where the server learns to apologise when an action fails, to talk to the
        # action server leanly, and to parse its rules once.
        action_failures.install()
        action_calls.install()
        rule_states.install()

    # Rasa's SQL store does its database work inside coroutines that never await (with no event
    # broker): run as they are, they would block the event loop, and every other conversation, for each
    # query. They are run to completion in a worker thread instead.
    def _off_loop(self, coroutine_function: Callable[[], Any]) -> Awaitable[Any]:
        if self.event_broker is not None:  # streaming awaits the broker: stay on the loop
            return coroutine_function()
        return asyncio.to_thread(_finish, coroutine_function)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await retrying(lambda: self._off_loop(lambda: self._retrieve_kept(sender_id)), "a read")

    async def _retrieve_kept(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if self.event_broker is not None:  # streaming compares with a fresh read: never hand back ours
            return await SQLTrackerStore.retrieve(self, sender_id)
        # The mark is taken before the read, so a write in between leaves it stale, never the tracker.
        mark = self._mark(sender_id)
        tracker = self.kept.get(sender_id, mark)
        if tracker is None:
            tracker = await SQLTrackerStore.retrieve(self, sender_id)
            if tracker is not None:
                self.kept.keep(tracker, mark)
        return tracker

    def _mark(self, sender_id: str, session: Any = None) -> Mark:
        if session is None:
            with self.session_scope() as session:
                return self._mark(sender_id, session)
        count, latest = session.query(func.count(self.SQLEvent.id), func.max(self.SQLEvent.timestamp)) \
            .filter(self.SQLEvent.sender_id == sender_id).one()
        return Mark(count, latest)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await retrying(lambda: self._off_loop(
            lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id)), "a read")

    async def save(self, tracker: DialogueStateTracker) -> None:
        # Rasa appends the events the database does not hold yet, counted afresh on every attempt, so
        # a retried save writes each event exactly once.
        await retrying(lambda: self._off_loop(lambda: self._save(tracker)), "a save")

    async def _save(self, tracker: DialogueStateTracker) -> None:
        kept = events_after_forgetting(tracker)
        if kept is None:
            await SQLTrackerStore.save(self, tracker)
            mark = self._saving.pop(tracker.sender_id, None)
            if mark is not None and self.event_broker is None:
                self.kept.keep(tracker, mark)
            return
        self.kept.drop(tracker.sender_id)
        erase_conversation(settings.load().database_url, tracker.sender_id)
        fresh = DialogueStateTracker.from_events(tracker.sender_id, kept, slots=list(tracker.slots.values()),
                                                 sender_source=tracker.sender_source)
        await SQLTrackerStore.save(self, fresh)
        self._saving.pop(tracker.sender_id, None)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not stored yet (called by Rasa's save inside its session): counted from the
        kept tracker when it is this one and the database is as it was, else as Rasa counts them.

        Only a tracker that was read back stays kept after its save: a new conversation's tracker
        still holds the events before its session started, which Rasa's own read leaves out."""
        self._saving.pop(tracker.sender_id, None)
        mark = self._mark(tracker.sender_id, session)
        stored = self.kept.stored_length(tracker, mark)
        counted = stored if stored is not None else \
            self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        new = list(itertools.islice(tracker.events, counted, len(tracker.events)))
        if stored is not None:
            self._saving[tracker.sender_id] = mark.after(event.timestamp for event in new)
        return iter(new)


def _finish(coroutine_function: Callable[[], Any]) -> Any:
    """Runs a coroutine that never awaits anything to its end, in the calling thread."""
    coroutine = coroutine_function()
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("the tracker store awaited something off the event loop")
