"""The staff app under test: a real database (SQLite file and the local PostgreSQL), conversations
written by Rasa's own SQL tracker store, and the app served by uvicorn on a loopback port."""
from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import time
import uuid

import pytest
import requests
import uvicorn

from bot import settings as settings_module
from staff.accounts import create_user
from staff.app import server_config
from staff.database import migrate as migrate_staff
from tests.support import free_port

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_url(database_url: str) -> str:
    """Both databases, with the staff tables (idempotent on the shared PostgreSQL database)."""
    migrate_staff(database_url)
    return database_url


@pytest.fixture
def staff_sqlite(sqlite_url: str) -> str:
    migrate_staff(sqlite_url)
    return sqlite_url


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# -- conversations, as Rasa stores them ------------------------------------------------------------

def user_event(text: str, level: str = "none", categories=(), evidence=(), channel: str = "rest",
               rules=(), at: float | None = None):
    from rasa.shared.core.events import UserUttered

    safety = {"level": level, "categories": list(categories),
              "evidence": [{"text": e, "start": 0, "end": len(e), "category": categories[0], "level": level}
                           for e in evidence],
              "detectors": [{"name": "patterns", "version": "test", "level": level, "rules": list(rules)}],
              "reasons": [f"patterns found {level}"]}
    intent = f"safety_{level}" if level != "none" else "greet"
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [], "safety": safety}
    return UserUttered(text, parse["intent"], [], parse, input_channel=channel, timestamp=at or time.time())


def bot_event(text: str):
    from rasa.shared.core.events import BotUttered

    return BotUttered(text, timestamp=time.time())


def seed(url: str, sender: str, *events, monkeypatch=None) -> None:
    """Saves a conversation through Rasa's own SQL tracker store (as the running bot would)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import DatabaseTrackerStore

    patch = monkeypatch or pytest.MonkeyPatch()
    patch.setenv("DATABASE_URL", url)
    store = DatabaseTrackerStore()

    async def append() -> None:
        # Rasa's SQL store saves the events beyond those it holds: continue the stored tracker.
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, None)
        for event in events:
            tracker.update(event)
        await store.save(tracker)

    asyncio.run(append())
    if monkeypatch is None:
        patch.undo()


# -- the app over real HTTP ---------------------------------------------------------------------------

class LiveApp:
    def __init__(self, config) -> None:
        self.config = config
        self.base = f"http://127.0.0.1:{config.staff_port}"
        self.server = uvicorn.Server(server_config(config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveApp":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the staff app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def account(self, role: str = "reviewer") -> str:
        name = unique(role)
        create_user(self.config.database_url, name, role, PASSWORD)
        return name

    def client(self) -> "Client":
        return Client(self.base)

    def signed_in(self, role: str = "reviewer") -> "Client":
        client = self.client()
        client.login(self.account(role), PASSWORD)
        return client


def config_for(url: str, **overrides):
    return dataclasses.replace(settings_module.load(), database_url=url, staff_port=free_port(), **overrides)


@pytest.fixture
def live(staff_sqlite):
    with LiveApp(config_for(staff_sqlite)) as app:
        yield app


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """A browser-like client: keeps cookies, reads CSRF tokens from the pages it gets."""

    def __init__(self, base: str) -> None:
        self.base, self.http = base, requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=10, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=10, **kwargs)

    def csrf(self, path: str = "/") -> str:
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        return CSRF.search(page.text).group(1)

    def form(self, page_path: str, action: str, **fields) -> requests.Response:
        """Posts a form the way the browser would: with the CSRF token of the page it is on."""
        return self.post(action, {"csrf_token": self.csrf(page_path), **fields})

    def login(self, username: str, password: str) -> requests.Response:
        token = self.csrf("/login")
        return self.post("/login", {"csrf_token": token, "username": username, "password": password})
