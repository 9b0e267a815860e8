"""Where the assistant's extra time per message goes, measured in-process (for bench/load.py).

- the safety layer: `SafetyLayer().message(text)` over the bench messages;
- the country extractor: the CountryFinder it wraps (bot/countries.py), `stated(text)` and
  `from_metadata(...)` as bot/nlu/country_extractor.py calls them on every message;
- an action round trip: a POST to the running action server's /webhook as Rasa makes it (the body
  Rasa's RemoteAction builds with endpoints.yml's settings, the token as a query parameter, a new
  connection per call,
  the answer checked against Rasa's schema), times the custom actions per user message counted in
  the store;
- the tracker store: bot.tracker_store.DatabaseTrackerStore on a scratch SQLite file, one retrieve
  and one save of a typical conversation per message, as Rasa's MessageProcessor does.

The last two import Rasa; the first two do not.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import time
import warnings
from pathlib import Path
from typing import Callable, Iterable, List, Optional

import requests
import yaml
from sqlalchemy import select

from bot.database import engine_for, migrate
from bot.settings import ROOT
from bot.tracker_events import EVENTS

REPEATS = 5


def _quiet() -> None:
    """Rasa, TensorFlow and their libraries put their own warning filters first on import; this
    keeps their deprecation notices out of the benchmark's output whatever the filters say."""
    warnings.showwarning = lambda *args, **kwargs: None
    logging.getLogger("py.warnings").disabled = True
METADATA = {"locale": "en-GB", "time_zone": "Europe/London"}


def _per_call_ms(calls: Iterable[Callable[[], object]]) -> float:
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.mean(timings)


def safety_ms(messages: List[str]) -> float:
    from safety.layer import SafetyLayer

    layer = SafetyLayer()
    for text in messages:  # first calls load lazily what the server has loaded long before
        layer.message(text)
    return _per_call_ms([lambda t=t: layer.message(t) for t in messages] * REPEATS)


def country_ms(messages: List[str], helplines_file: Path) -> float:
    from bot.countries import CountryFinder

    finder = CountryFinder(helplines_file)

    def both(text: str) -> None:
        finder.stated(text)
        finder.from_metadata(METADATA)

    for text in messages:
        both(text)
    return _per_call_ms([lambda t=t: both(t) for t in messages] * REPEATS)


def custom_actions() -> set:
    """The domain's custom actions (run by the action server), read from domain/*.yml."""
    names = set()
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        names.update(a for a in data.get("actions") or [] if isinstance(a, str) and not a.startswith("utter_"))
    return names


def stored_events(database_url: str, sender_id: str) -> List[dict]:
    query = select(EVENTS.c.data).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id)
    with engine_for(database_url).connect() as connection:
        return [json.loads(raw) for (raw,) in connection.execute(query)]


def actions_per_message(database_url: str, sender_ids: List[str]) -> float:
    """Custom action calls per user message in the given conversations."""
    actions, users = custom_actions(), 0
    calls = 0
    for sender in sender_ids:
        for event in stored_events(database_url, sender):
            users += event.get("event") == "user"
            calls += event.get("event") == "action" and event.get("name") in actions
    return calls / users if users else 0.0


def _domain():
    from rasa.shared.core.domain import Domain

    _quiet()
    return Domain.load(str(ROOT / "domain"))


def action_round_trip_ms(action_url: str, token: str, events: List[dict], calls: int = 30) -> Optional[tuple]:
    """(ms per call, action name): the first custom action of a stored conversation, called again
    with the tracker as it stood then; None if the conversation ran no custom action."""
    from jsonschema import validate
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    actions = custom_actions()
    at = next((i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") in actions), None)
    if at is None:
        return None
    name, domain = events[at]["name"], _domain()
    tracker = DialogueStateTracker.from_dict("bench-action-call", events[:at], domain.slots)
    schema = RemoteAction.action_response_format_spec()
    _quiet()

    from bot import action_calls

    action_calls.install()  # as the Rasa server has it from the tracker store
    # As Rasa builds the body: the domain goes only where endpoints.yml's settings send it.
    settings = yaml.safe_load((ROOT / "endpoints.yml").read_text())["action_endpoint"]
    extra = {k: v for k, v in settings.items() if k not in ("url", "token")}
    remote = RemoteAction(name, EndpointConfig(action_url, token=token, **extra))

    def call() -> None:
        body = remote._action_call_format(tracker, domain)
        answer = requests.post(action_url, params={"token": token}, json=body, timeout=30)
        answer.raise_for_status()
        validate(answer.json(), schema)

    call()
    return _per_call_ms([call] * calls), name


def tracker_store_ms(events: List[dict], workdir: Path, turns: int = 30) -> tuple[float, float]:
    """(retrieve ms, save ms) per message for a typical conversation on a scratch SQLite file."""
    from rasa.shared.core.events import Event

    url = f"sqlite:///{workdir / 'tracker-store.db'}"
    migrate(url)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url   # DatabaseTrackerStore reads its database from the settings
    try:
        from bot.tracker_store import DatabaseTrackerStore
        from rasa.shared.core.trackers import DialogueStateTracker

        domain = _domain()
        store = DatabaseTrackerStore(domain=domain)
        _quiet()
        sender = "bench-tracker-store"
        last_user = max(i for i, e in enumerate(events) if e.get("event") == "user")
        turn = events[last_user:]   # one message and its answer: what each message adds

        async def run() -> tuple[float, float]:
            await store.save(DialogueStateTracker.from_dict(sender, events, domain.slots))
            retrieves, saves = [], []
            for _ in range(turns):
                started = time.perf_counter()
                tracker = await store.retrieve(sender)
                retrieved = time.perf_counter()
                now = time.time()
                for event in turn:
                    tracker.update(Event.from_parameters(dict(event, timestamp=now)), domain)
                before_save = time.perf_counter()
                await store.save(tracker)
                saves.append((time.perf_counter() - before_save) * 1000)
                retrieves.append((retrieved - started) * 1000)
            return statistics.mean(retrieves), statistics.mean(saves)

        return asyncio.run(run())
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        engine_for(url).dispose()
