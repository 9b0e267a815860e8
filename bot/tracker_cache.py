"""The trackers this process last read or saved, so that a conversation's next message does not
rebuild its tracker from every stored event.

Rasa's SQL store reads every event of the session and replays them into a new tracker for each
message (about 20 ms for a 50-event conversation here, most of the assistant's extra time per
message). A kept tracker is handed back instead while the database still holds what it held when the
tracker was kept: the same number of events and the same latest timestamp for that sender (one
indexed query), and the tracker has not grown since (a turn that failed before its save). Another
worker's message, an erasure or the retention job changes the first two, and the tracker is then
read afresh.

A conversation erased or retired by another process (the staff app, the retention job) stays in
this process's memory until its next message finds the database changed, or until it is among the
least recently used and dropped; it is never written back.

The kept object itself is handed back, not a copy: Rasa handles one conversation's messages one at a
time (the lock store), and each save says what is now stored. A tracker that has begun a new session
is not kept, so the next read starts at that session as Rasa's own read does.
"""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Optional

from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

SIZE = 500  # conversations kept per process; a kept tracker is tens of kilobytes


@dataclass(frozen=True)
class Mark:
    """What the database holds for one sender: how many events, and the latest one's timestamp."""
    count: int
    latest: Optional[float]

    def after(self, added: Iterable[float]) -> "Mark":
        stamps = list(added)
        if not stamps:
            return self
        return Mark(self.count + len(stamps), max([s for s in (self.latest,) if s is not None] + stamps))


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    length: int
    mark: Mark


class KeptTrackers:
    """A bounded, thread-safe map of sender id to the tracker last read or saved for it."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._kept: "OrderedDict[str, _Kept]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender_id: str, mark: Mark) -> Optional[DialogueStateTracker]:
        with self._lock:
            kept = self._kept.get(sender_id)
            if kept is None:
                return None
            if kept.mark != mark or len(kept.tracker.events) != kept.length:
                del self._kept[sender_id]
                return None
            self._kept.move_to_end(sender_id)
            return kept.tracker

    def stored_length(self, tracker: DialogueStateTracker, mark: Mark) -> Optional[int]:
        """How many of this tracker's events are stored, if it is the one kept and nothing changed."""
        with self._lock:
            kept = self._kept.get(tracker.sender_id)
            if kept is None or kept.tracker is not tracker or kept.mark != mark:
                return None
            return kept.length

    def keep(self, tracker: DialogueStateTracker, mark: Mark) -> None:
        with self._lock:
            if _new_session_inside(tracker):
                self._kept.pop(tracker.sender_id, None)
                return
            self._kept[tracker.sender_id] = _Kept(tracker, len(tracker.events), mark)
            self._kept.move_to_end(tracker.sender_id)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        with self._lock:
            self._kept.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._kept)


def _new_session_inside(tracker: DialogueStateTracker) -> bool:
    # A tracker begins with its own session's start (action_session_start, session_started) or at it.
    return any(isinstance(event, SessionStarted) for event in itertools.islice(tracker.events, 2, None))
