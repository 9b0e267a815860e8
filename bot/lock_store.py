"""Rasa's Redis lock store on REDIS_URL, for several Rasa workers or replicas (endpoints-scaled.yml).

The lock makes one conversation's messages be answered one at a time, in order, whichever worker
receives them. When Redis is briefly unreachable (a restart, a failover), each lock operation is
retried for up to REDIS_RETRY_SECONDS instead of failing the message: conversations wait, then go on.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional, TypeVar

from rasa.core.lock_store import RedisLockStore
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

from bot import settings
from bot.redis_url import redis_options

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_SECONDS = 30.0


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

    def _retrying(self, operation: Callable[[], T]) -> T:
        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.1
        while True:
            try:
                return operation()
            except (RedisConnectionError, RedisTimeoutError) as error:
                if time.monotonic() + pause > deadline:
                    raise
                logger.warning("lock store unreachable (%s); retrying", type(error).__name__)
                time.sleep(pause)
                pause = min(2.0, pause * 2)

    def get_lock(self, conversation_id: str):
        return self._retrying(lambda: super(SharedLockStore, self).get_lock(conversation_id))

    def delete_lock(self, conversation_id: str) -> None:
        self._retrying(lambda: super(SharedLockStore, self).delete_lock(conversation_id))

    def save_lock(self, lock) -> None:
        self._retrying(lambda: super(SharedLockStore, self).save_lock(lock))
