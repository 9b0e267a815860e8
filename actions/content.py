"""Access to the content store from actions, without blocking the action server's event loop."""
from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any, Callable, Optional, TypeVar

from bot import settings
from bot.content import store

T = TypeVar("T")


async def _off_loop(fn: Callable[..., T], *args: Any) -> T:
    # rasa-sdk runs every conversation on one event loop; a synchronous query here would stall them all.
    return await asyncio.get_running_loop().run_in_executor(None, partial(fn, *args))


def _url() -> str:
    return settings.load().database_url


# An exercise is read at every step (the form's validation and its question): records are kept for
# a minute, so a content reload shows within a minute and a step costs no query.
CACHE_SECONDS = 60.0
_cache: dict[tuple, tuple[float, object]] = {}


async def _cached(fn: Callable[..., T], *args: Any) -> T:
    key = (fn.__name__, *args)
    hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[return-value]
    value = await _off_loop(fn, *args)
    _cache[key] = (time.monotonic(), value)
    return value


async def article(topic: str) -> Optional[store.ArticleRecord]:
    return await _cached(store.article, _url(), topic)


async def exercise(key: str) -> Optional[store.ExerciseRecord]:
    return await _cached(store.exercise, _url(), key)


async def country(code: str) -> Optional[store.CountryRecord]:
    return await _off_loop(store.country, _url(), code)
