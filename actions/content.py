"""Access to the content store from actions, without blocking the action server's event loop."""
from __future__ import annotations

import asyncio
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


async def article(topic: str) -> Optional[store.ArticleRecord]:
    return await _off_loop(store.article, _url(), topic)


async def exercise(key: str) -> Optional[store.ExerciseRecord]:
    return await _off_loop(store.exercise, _url(), key)


async def country(code: str) -> Optional[store.CountryRecord]:
    return await _off_loop(store.country, _url(), code)
