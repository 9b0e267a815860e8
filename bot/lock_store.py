"""Rasa's Redis lock store on REDIS_URL, for several Rasa workers or replicas (endpoints-scaled.yml).

The lock makes one conversation's messages be answered one at a time, whichever worker receives
them. Rasa 3.6's RedisLockStore issues its tickets by reading, changing and writing the lock back,
which is not atomic: two processes given the same conversation at the same moment can both take
ticket 0 and run together, and the tracker store then keeps only one of the two turns (found by
tests/faults/). Here the lock is one Redis key taken with SET NX and a random token, given back
only by its holder (a compare-and-delete script), and expiring after the lock lifetime in case its
holder dies. When Redis is briefly unreachable (a restart, a failover), taking and giving back the
lock are retried for up to RETRY_SECONDS instead of failing the message.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

from bot import retries, settings
from bot.redis_url import redis_options

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_SECONDS = 30.0
POLL_SECONDS = 0.02     # how often a waiting message looks again (Rasa's own store: every second)
# Deletes the key only if it still holds our token: never another holder's lock.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class SharedLockStore(RedisLockStore):
    """Configured from REDIS_URL instead of separate host/port/db keys."""

    def __init__(self, endpoint_config: Optional[Any] = None, **_ignored: Any) -> None:
        url = settings.load().redis_url
        if not url:
            raise SystemExit("endpoints-scaled.yml needs REDIS_URL (for example redis://127.0.0.1:6379/1)")
        options = redis_options(url)
        super().__init__(host=options["host"], port=options["port"], db=options["db"],
                         username=options["username"], password=options["password"],
                         use_ssl=options["ssl"], key_prefix="assistant")

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncGenerator[TicketLock, None]:
        key, token = f"{self.key_prefix}mutex:{conversation_id}", secrets.token_hex(16)
        await self._acquire(key, token, lock_lifetime)
        try:
            yield TicketLock(conversation_id)
        finally:
            await self._with_retries(lambda: self.red.eval(_RELEASE, 1, key, token))

    async def _acquire(self, key: str, token: str, lifetime: float) -> None:
        deadline = time.monotonic() + lifetime + RETRY_SECONDS
        while not await self._with_retries(lambda: self.red.set(key, token, nx=True, px=int(lifetime * 1000))):
            if time.monotonic() > deadline:
                raise LockError(f"could not take the lock of a conversation within {lifetime + RETRY_SECONDS:.0f} s")
            await asyncio.sleep(POLL_SECONDS)

    async def _with_retries(self, operation: Callable[[], T]) -> T:
        return await retries.retrying(operation, lambda e: isinstance(e, (RedisConnectionError, RedisTimeoutError)),
                                      RETRY_SECONDS, 0.1, _warn)


def _warn(error: BaseException) -> None:
    logger.warning("lock store unreachable (%s); retrying", type(error).__name__)
