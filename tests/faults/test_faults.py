"""Faults under load, on the scaled profile (PostgreSQL, Redis lock store, two Rasa servers): a
database restart, a Redis restart, a conversation's messages alternating between two Rasa servers,
and a dead action server. Nothing a person wrote may be lost, and crisis replies never stop.

PostgreSQL and Redis here are the tests' own (tests/faults/servers.py), so restarting them disturbs
nothing else on the machine."""
from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from bot import settings as settings_module
from bot.content.loader import load_content
from bot.database import engine_for, migrate
from bot.flags import flagged_conversations
from bot.model import model_path
from bot.stack import Stack
from bot.tracker_events import EVENTS
from staff.database import migrate as migrate_staff
from tests.faults.servers import OwnPostgres, OwnRedis
from tests.support import CONTENT, free_port

pytestmark = pytest.mark.e2e

CRISIS = "i want to kill myself tonight"
ORDINARY = ["hi", "what is depression", "tell me more", "how do antidepressants work", "thanks"]
APOLOGY = "something went wrong on my side"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    postgres = OwnPostgres().start()
    own_redis = OwnRedis().start()
    yield postgres, own_redis
    own_redis.stop()
    postgres.remove()


@pytest.fixture(scope="module")
def scaled(servers, tmp_path_factory):
    """The scaled stack, plus a second Rasa server sharing its database, Redis and action server."""
    postgres, own_redis = servers
    migrate(postgres.url)
    migrate_staff(postgres.url)
    load_content(postgres.url, CONTENT)
    settings = dataclasses.replace(settings_module.load(), database_url=postgres.url, redis_url=own_redis.url,
                                   rasa_workers=1, rasa_port=free_port(), action_port=free_port(),
                                   staff_port=free_port(), action_timeout_s=8)
    model = model_path(settings.model_dir)
    first = Stack(settings, model, log_dir=tmp_path_factory.mktemp("logs-first"))
    second = Stack(dataclasses.replace(first.settings, rasa_port=free_port()), model,
                   log_dir=tmp_path_factory.mktemp("logs-second"), servers=("rasa-server",))
    with first, second:
        yield first, second


def _url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.settings.rasa_port}/webhooks/rest/webhook"


def _say(url: str, sender: str, text: str, timeout: float = 120) -> list[dict]:
    response = requests.post(url, json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def _logged(stacks, words: str) -> bool:
    """Whether a Rasa server said `words`: proof that the fault reached it, not only the test."""
    return any(words in (stack.log_dir / "rasa-server.log").read_text(errors="replace") for stack in stacks)


def _stored(database_url: str, conversation: str) -> list[tuple[str, str]]:
    query = (select(EVENTS.c.type_name, EVENTS.c.data).where(EVENTS.c.sender_id == conversation,
                                                            EVENTS.c.type_name.in_(("user", "bot")))
             .order_by(EVENTS.c.id))
    with engine_for(database_url).connect() as connection:
        return [(kind, json.loads(data).get("text") or "") for kind, data in connection.execute(query)]


class Load:
    """Users talking over REST in the background while a fault happens; records every answer."""

    def __init__(self, urls: list[str], users: int = 6) -> None:
        self.urls, self.stop = urls, threading.Event()
        self.senders = [f"load-{uuid.uuid4().hex[:8]}" for _ in range(users)]
        self.sent: dict[str, list[str]] = {s: [] for s in self.senders}
        self.failures: list[str] = []
        self.pool = ThreadPoolExecutor(max_workers=users)

    def _user(self, index: int, sender: str) -> None:
        turn = 0
        while not self.stop.is_set():
            text = CRISIS if (index == 0 and turn == 1) else ORDINARY[turn % len(ORDINARY)]
            try:
                replies = _say(self.urls[turn % len(self.urls)], sender, f"{text}")
                self.sent[sender].append(text)
                if not replies:
                    self.failures.append(f"{sender}: no reply to {text!r}")
            except requests.RequestException as error:
                self.failures.append(f"{sender}: {type(error).__name__}")
            turn += 1

    def __enter__(self) -> "Load":
        for index, sender in enumerate(self.senders):
            self.pool.submit(self._user, index, sender)
        time.sleep(3)  # under load before the fault
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(3)  # and after it
        self.stop.set()
        self.pool.shutdown(wait=True)

    def check_nothing_lost(self, database_url: str) -> None:
        assert not self.failures, self.failures[:5]
        for sender, texts in self.sent.items():
            conversation = f"rest:{sender}"
            said = [text for kind, text in _stored(database_url, conversation) if kind == "user"]
            assert said == texts, (conversation, said, texts)
        crisis = f"rest:{self.senders[0]}"
        if CRISIS in self.sent[self.senders[0]]:
            assert crisis in {f.sender_id for f in flagged_conversations(database_url)}


def test_a_conversation_alternating_between_two_rasa_servers_keeps_every_event_in_order(scaled):
    first, second = scaled
    database_url = first.settings.database_url
    sender = f"alternate-{uuid.uuid4().hex[:8]}"
    urls = [_url(first), _url(second)]
    texts = ["hi", "what is depression", "tell me more", "can we do a breathing exercise", "next", "stop", "thanks"]
    for turn, text in enumerate(texts):
        assert _say(urls[turn % 2], sender, text)
    # Two messages at the same moment, one to each server: the Redis lock answers them one at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        both = list(pool.map(lambda pair: _say(*pair), [(urls[0], sender, "hello again"), (urls[1], sender, "bye")]))
    assert all(both)
    stored = _stored(database_url, f"rest:{sender}")
    said = [text for kind, text in stored if kind == "user"]
    assert said[:len(texts)] == texts and sorted(said[len(texts):]) == ["bye", "hello again"]
    # Every turn's replies follow its message, before the next message: no interleaving.
    user_positions = [i for i, (kind, _) in enumerate(stored) if kind == "user"]
    assert all(b - a >= 2 for a, b in zip(user_positions, user_positions[1:])), stored


def test_postgresql_restarted_under_load_loses_nothing(scaled, servers):
    first, second = scaled
    postgres, _ = servers
    with Load([_url(first), _url(second)]) as load:
        postgres.restart(down_for=3)
    load.check_nothing_lost(first.settings.database_url)
    assert _logged(scaled, "database unreachable")


def test_redis_restarted_under_load_conversations_continue(scaled, servers):
    first, second = scaled
    _, own_redis = servers
    with Load([_url(first), _url(second)]) as load:
        own_redis.restart(down_for=2)
    load.check_nothing_lost(first.settings.database_url)
    assert _logged(scaled, "lock store unreachable")


def test_the_action_server_killed_under_load_crisis_replies_keep_arriving(scaled):
    first, _ = scaled
    url = _url(first)
    first.kill("action-server")
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            crisis = [pool.submit(_say, url, f"crisis-{uuid.uuid4().hex[:6]}", CRISIS) for _ in range(3)]
            other = [pool.submit(_say, url, f"other-{uuid.uuid4().hex[:6]}", "what is depression")
                     for _ in range(3)]
            for future in crisis:
                text = " ".join(m.get("text", "") for m in future.result())
                assert "safe" in text.lower() and ("call" in text.lower() or "text" in text.lower()), text
            for future in other:
                text = " ".join(m.get("text", "") for m in future.result())
                assert APOLOGY in text.lower(), text
    finally:
        first.wait_until_up("action-server", timeout=120)
    text = " ".join(m.get("text", "") for m in _say(url, f"after-{uuid.uuid4().hex[:6]}", "what is depression"))
    assert APOLOGY not in text.lower() and "depression" in text.lower()
