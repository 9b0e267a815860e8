"""Fixtures for the Telegram channel: the Bot API stand-in, the channel's blueprint served by a real
Sanic server with a fake Rasa behind it, and (end to end) a real `rasa run` talking to the stand-in."""
from __future__ import annotations

import asyncio
import dataclasses
import random
import threading
import uuid
from typing import Any, List, Optional

import pytest
import requests
from sanic import Sanic
from sqlalchemy import text as sql

from bot.channels.telegram import TelegramConfig, TelegramInput
from bot.database import engine_for
from tests.support import free_port, fresh_settings, running_stack
from tests.telegram.standin import BotApiStandIn, SentMessage

TOKEN = "123456789:AAHstandin-test_token"
SECRET = "s3cret-Token_for-tests"
WEBHOOK_PATH = "/webhooks/telegram/webhook"


@pytest.fixture
def standin():
    with BotApiStandIn(TOKEN) as running:
        yield running


class SanicServer:
    """A Sanic app serving one blueprint on a loopback port, in its own thread and event loop, with
    the server listeners run as `rasa run` runs them."""

    def __init__(self, blueprint: Any) -> None:
        # Several apps in one process: Sanic re-compiles its protocol for each app unless in test mode.
        Sanic.test_mode = True
        self.app = Sanic(f"telegram_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.blueprint(blueprint, url_prefix="/webhooks/telegram")
        self.port = free_port()
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "SanicServer":
        ready = threading.Event()

        def serve() -> None:
            loop = self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            server = loop.run_until_complete(self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False))
            self._server = server
            loop.run_until_complete(server.startup())
            loop.run_until_complete(server.before_start())
            loop.run_until_complete(server.after_start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(server.before_stop())
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.run_until_complete(server.after_stop())
            loop.close()

        self._thread = threading.Thread(target=serve, name="sanic-test-server", daemon=True)
        self._thread.start()
        if not ready.wait(20):
            raise RuntimeError("the test Sanic server did not start")
        return self

    def stop(self) -> None:
        if self.loop and self._thread:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(20)

    def post(self, body: bytes, secret: Optional[str] = SECRET) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return requests.post(self.url + WEBHOOK_PATH, data=body, headers=headers, timeout=30)


class FakeRasa:
    """Stands in for Rasa's agent: records each message and answers through the output channel.

    Replies: "long" -> a text of about 10 000 characters; "buttons" -> buttons, one with a payload
    longer than Telegram's 64 bytes; "boom" -> raises; anything else -> "You said: <text>".
    """

    # Longer than Telegram's 64-byte callback data, and still a payload the channels pass as one.
    LONG_PAYLOAD = '/exercise_behavioural_activation{"country": "GB", "country_hint": "GB"}'

    def __init__(self) -> None:
        self.messages: List[Any] = []

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)
        out, sender = message.output_channel, message.sender_id
        if message.text == "long":
            sentence = "Slow breathing can help your body settle when everything feels too much. "
            paragraphs = [sentence * 12 for _ in range(11)]
            await out.send_response(sender, {"text": "\n\n".join(paragraphs)})
        elif message.text == "buttons":
            await out.send_response(sender, {"text": "Are you in the UK?", "buttons": [
                {"title": "Yes", "payload": "/affirm"},
                {"title": "The United Kingdom", "payload": self.LONG_PAYLOAD}]})
        elif message.text == "boom":
            raise RuntimeError("the agent failed")
        else:
            await out.send_response(sender, {"text": f"You said: {message.text}"})


@dataclasses.dataclass
class ChannelUnderTest:
    server: SanicServer
    rasa: FakeRasa
    channel: TelegramInput
    database_url: str


@pytest.fixture
def make_channel(standin, sqlite_url):
    """Builds the channel from a configuration (against the stand-in) and serves its blueprint."""
    servers: List[SanicServer] = []

    def make(**overrides: Any) -> ChannelUnderTest:
        values = dict(token=TOKEN, secret_token=SECRET, webhook_url="", api_url=standin.url,
                      database_url=sqlite_url)
        values.update(overrides)
        port = free_port()
        if not values["webhook_url"]:
            values["webhook_url"] = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        channel = TelegramInput(TelegramConfig(**values))
        rasa = FakeRasa()
        server = SanicServer(channel.blueprint(rasa))
        server.port = port
        servers.append(server.start())
        return ChannelUnderTest(server, rasa, channel, sqlite_url)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def telegram(make_channel) -> ChannelUnderTest:
    return make_channel()


def new_chat_id() -> int:
    return random.randint(10**8, 10**9)


# --- end to end: a real `rasa run` and action server, with Telegram played by the stand-in ---------

# A paragraph for the long-reply test: the "what is depression" summary is made this long in the
# test database, so that one real reply is longer than Telegram's 4096 characters.
LONG_PARAGRAPH = ("Depression is more than feeling sad for a while: it is a low mood, or a loss of "
                  "interest and pleasure, that lasts for weeks and gets in the way of daily life. ") * 6


@pytest.fixture(scope="module")
def e2e_standin():
    with BotApiStandIn(TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def e2e_settings(e2e_standin, tmp_path_factory):
    rasa_port = free_port()
    settings = fresh_settings(
        tmp_path_factory.mktemp("telegram-e2e"), rasa_port=rasa_port,
        telegram_token=TOKEN, telegram_secret_token=SECRET,
        telegram_webhook_url=f"http://127.0.0.1:{rasa_port}{WEBHOOK_PATH}",
        telegram_api_url=e2e_standin.url)
    # A long article summary, so that a reply over Telegram's limit has to be split.
    with engine_for(settings.database_url).begin() as connection:
        connection.execute(sql("UPDATE content_articles SET summary = :summary WHERE topic = :topic"),
                           {"summary": "\n\n".join([LONG_PARAGRAPH] * 12), "topic": "what_is_depression"})
    return settings


@pytest.fixture(scope="module")
def e2e_stack(e2e_settings, e2e_standin, tmp_path_factory):
    with running_stack(e2e_settings, tmp_path_factory.mktemp("telegram-logs")) as running:
        e2e_standin.wait_for_webhook(timeout=60)
        yield running


class TelegramUser:
    """One person writing to the bot in Telegram (played by the stand-in)."""

    def __init__(self, standin: BotApiStandIn, language_code: Optional[str] = "en") -> None:
        self.standin, self.language_code = standin, language_code
        self.chat_id = new_chat_id()

    def send(self, update: dict) -> List[SentMessage]:
        before = len(self.standin.messages_to(self.chat_id))
        answer = self.standin.deliver(update)
        assert answer.status_code == 200, answer.text
        # The webhook answers after Rasa has handled the message and sent its replies.
        return self.standin.messages_to(self.chat_id)[before:]

    def say(self, text: str) -> List[SentMessage]:
        return self.send(self.standin.text_update(self.chat_id, text, self.language_code))

    def press(self, data: str) -> List[SentMessage]:
        return self.send(self.standin.callback_update(self.chat_id, data, self.language_code))

    def text(self, text: str) -> str:
        return "\n".join(m.text for m in self.say(text))


@pytest.fixture
def user(e2e_stack, e2e_standin) -> TelegramUser:
    return TelegramUser(e2e_standin, language_code="en")
