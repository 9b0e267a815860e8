"""The whole stack, started once for the end-to-end tests: a real `rasa run` and a real action server
on free loopback ports, with a fresh SQLite database."""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.flags import flagged_conversations
from tests.support import fresh_settings, running_stack


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory):
    # A short action timeout, so the test of a hung action server does not wait the default 20 s.
    return fresh_settings(tmp_path_factory.mktemp("e2e"), action_timeout_s=8)


@pytest.fixture(scope="session")
def stack(stack_settings, tmp_path_factory):
    with running_stack(stack_settings, tmp_path_factory.mktemp("logs")) as running:
        yield running


def flag_of(settings, conversation_id):
    """The flag the safety layer raised on one conversation, or None."""
    return next((f for f in flagged_conversations(settings.database_url) if f.sender_id == conversation_id), None)


class Chat:
    """One user talking to the bot over the REST channel."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        self.sender = f"user-{uuid.uuid4().hex[:8]}"
        self.conversation_id = f"rest:{self.sender}"  # what the REST channel stores it under

    def say(self, text: str) -> list[dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def text(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))


@pytest.fixture
def chat(stack, stack_settings) -> Chat:
    return Chat(stack_settings.rasa_port)
