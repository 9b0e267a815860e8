"""Retrying while a server the assistant depends on is briefly unreachable (PostgreSQL or Redis
restarting, a failover): the tracker store and the lock store both wait rather than drop a message."""
from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")
MAX_PAUSE_S = 2.0


async def retrying(operation: Callable[[], Any], transient: Callable[[BaseException], bool], seconds: float,
                   first_pause: float, warn: Callable[[BaseException], None]) -> T:
    """Runs `operation` (plain or async) again after each error `transient` accepts, with a growing
    pause (doubling up to 2 s), for up to `seconds`; any other error, or one past the deadline, is
    raised. `warn` logs each retry (never with message text)."""
    deadline, pause = time.monotonic() + seconds, first_pause
    while True:
        try:
            result = operation()
            return await result if inspect.isawaitable(result) else result
        except Exception as error:  # noqa: BLE001 - sorted by `transient` just below
            if not transient(error) or time.monotonic() + pause > deadline:
                raise
            warn(error)
            await asyncio.sleep(pause)
            pause = min(MAX_PAUSE_S, pause * 2)
