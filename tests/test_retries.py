"""The retry loop the tracker store and the lock store share (bot/retries.py)."""
from __future__ import annotations

import asyncio

import pytest

from bot.retries import retrying


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


def test_a_transient_error_is_retried_until_the_operation_succeeds():
    flaky, warned = Flaky(3, ConnectionError("down")), []
    result = asyncio.run(retrying(flaky, lambda e: isinstance(e, ConnectionError), 5, 0.001, warned.append))
    assert result == "done" and flaky.calls == 4 and len(warned) == 3


def test_an_async_operation_is_awaited():
    async def works():
        return 7
    assert asyncio.run(retrying(works, lambda e: True, 5, 0.001, lambda e: None)) == 7


def test_any_other_error_or_one_past_the_deadline_is_raised():
    with pytest.raises(ValueError):
        asyncio.run(retrying(Flaky(1, ValueError("bad")), lambda e: isinstance(e, ConnectionError), 5, 0.001,
                             lambda e: None))
    flaky = Flaky(100, ConnectionError("down"))
    with pytest.raises(ConnectionError):
        asyncio.run(retrying(flaky, lambda e: True, 0.05, 0.01, lambda e: None))
    assert 2 <= flaky.calls < 100
