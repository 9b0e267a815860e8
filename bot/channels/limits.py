"""How many messages a channel takes in, per conversation and per address.

One conversation's messages are answered one at a time, in order, and at most `max_waiting` of them
wait: Rasa's conversation lock lets a waiting message's ticket expire after a minute, and then the
message was neither stored nor answered. Beyond that, and beyond the rate limits, a message is
refused with a reply (never dropped without one).
"""
from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from dataclasses import dataclass
from typing import AsyncIterator, Callable, Dict, Optional

RATE_LIMITED = ("You're sending messages faster than I can read them. Please wait a moment and send "
                "that again. If you are in danger right now, please call your local emergency number.")
BUSY = ("I'm still answering your earlier messages. Please wait a moment and send that again. If you "
        "are in danger right now, please call your local emergency number.")
_MAX_KEYS = 10_000


class Bucket:
    """A token bucket: `per_minute` tokens, refilled evenly over a minute."""

    __slots__ = ("tokens", "stamp")

    def __init__(self, capacity: float, now: float) -> None:
        self.tokens, self.stamp = capacity, now

    def take(self, capacity: float, now: float) -> bool:
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * capacity / 60.0)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.buckets: Dict[str, Bucket] = {}

    def allow(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = self.clock()
        if len(self.buckets) > _MAX_KEYS:  # memory stays bounded: forget buckets that are full again
            self.buckets = {k: b for k, b in self.buckets.items() if now - b.stamp < 60}
        bucket = self.buckets.setdefault(key, Bucket(self.per_minute, now))
        return bucket.take(self.per_minute, now)


def is_loopback(address: Optional[str]) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@dataclass
class _Line:
    lock: asyncio.Lock
    waiting: int = 0


class Gate:
    """Admits messages: `admit()` says why one is refused (or None, counting it as waiting); each
    admitted message then runs in `turn()`, one at a time per conversation."""

    def __init__(self, per_conversation: int, per_address: int, max_waiting: int) -> None:
        self.conversations = RateLimiter(per_conversation)
        self.addresses = RateLimiter(per_address)
        self.max_waiting = max_waiting
        self.lines: Dict[str, _Line] = {}

    def admit(self, sender_id: str, address: Optional[str] = None) -> Optional[str]:
        """BUSY, RATE_LIMITED or None. Loopback addresses are local use (tests, a reverse proxy's own
        hop) and only the per-conversation limit applies to them."""
        line = self.lines.get(sender_id)
        if line is not None and line.waiting >= self.max_waiting:
            return BUSY
        if address and not is_loopback(address) and not self.addresses.allow(address):
            return RATE_LIMITED
        if not self.conversations.allow(sender_id):
            return RATE_LIMITED
        line = self.lines.setdefault(sender_id, _Line(asyncio.Lock()))
        line.waiting += 1
        return None

    @contextlib.asynccontextmanager
    async def turn(self, sender_id: str) -> AsyncIterator[None]:
        """The turn of a message `admit()` let in; every admitted message must take its turn."""
        line = self.lines[sender_id]
        try:
            async with line.lock:
                yield
        finally:
            line.waiting -= 1
            if line.waiting == 0:
                self.lines.pop(sender_id, None)


def gate_from(settings) -> Gate:
    return Gate(settings.rate_limit_per_conversation, settings.rate_limit_per_address,
                settings.max_waiting_messages)
