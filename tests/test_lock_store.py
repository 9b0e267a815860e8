"""The shared lock store (bot/lock_store.py) against a real Redis: two stores, as two Rasa processes
would hold, never let two turns of one conversation run at once; and a lock outlives no holder."""
from __future__ import annotations

import asyncio
import threading

import pytest

from tests.faults.servers import OwnRedis


@pytest.fixture
def two_stores(monkeypatch):
    redis_server = OwnRedis().start()
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    from bot.lock_store import SharedLockStore

    yield SharedLockStore(), SharedLockStore()
    redis_server.stop()


def _hammer(stores, turns_each: int = 15) -> tuple[int, list]:
    """Each store in its own thread with its own event loop, as two processes would run."""
    guard, state, done = threading.Lock(), {"inside": 0, "most": 0}, []

    async def turns(store, who: int) -> None:
        for n in range(turns_each):
            async with store.lock("rest:same-person"):
                with guard:
                    state["inside"] += 1
                    state["most"] = max(state["most"], state["inside"])
                await asyncio.sleep(0.003)   # a turn's work, with awaits, as Rasa's has
                with guard:
                    state["inside"] -= 1
                    done.append((who, n))

    threads = [threading.Thread(target=asyncio.run, args=(turns(store, who),)) for who, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return state["most"], done


def test_two_processes_never_hold_one_conversation_s_lock_together(two_stores):
    most, done = _hammer(two_stores)
    assert most == 1 and len(done) == 30


def test_other_conversations_do_not_wait_and_a_lock_is_given_back(two_stores):
    first, second = two_stores

    async def scenario() -> None:
        async with first.lock("rest:a"):
            async with second.lock("rest:b"):   # another conversation: no waiting
                pass
        async with second.lock("rest:a"):       # given back: free again at once
            pass

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))
