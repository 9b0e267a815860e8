"""The whole stack, started once for the end-to-end tests: a real `rasa run` and a real action server
on free loopback ports, with a fresh SQLite database."""
from __future__ import annotations

import dataclasses
import socket
import uuid

import pytest
import requests

from bot import settings as settings_module
from bot.content.loader import load_content
from bot.database import migrate
from bot.model import model_path
from bot.stack import Stack
from tests.conftest import CONTENT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory):
    defaults = settings_module.load()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'assistant.db'}"
    migrate(url)
    load_content(url, CONTENT)
    return dataclasses.replace(defaults, database_url=url, rasa_port=free_port(), action_port=free_port())


@pytest.fixture(scope="session")
def stack(stack_settings, tmp_path_factory):
    model = model_path(stack_settings.model_dir)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (or `python -m bot.cli train`) first")
    with Stack(stack_settings, model, log_dir=tmp_path_factory.mktemp("logs")) as running:
        yield running


class Chat:
    """One user talking to the bot over the REST channel."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        self.sender = f"user-{uuid.uuid4().hex[:8]}"

    def say(self, text: str) -> list[dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def text(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))


@pytest.fixture
def chat(stack, stack_settings) -> Chat:
    return Chat(stack_settings.rasa_port)
