"""Telegram as a Rasa channel: a webhook at /webhooks/telegram/webhook and replies through the Bot API.

Enabled in credentials.yml with `bot.channels.telegram.TelegramInput:`; configured only from the
environment (bot/settings.py): TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN, TELEGRAM_WEBHOOK_URL and
TELEGRAM_API_URL. Without a token the channel is off: its webhook answers 503 and it never calls
Telegram. With a token it refuses to start without a secret token, registers the webhook once the
server is running, and answers 403 to any update that does not carry the secret.

Replaces Rasa 3.6's own Telegram channel, which registers its webhook on a throwaway event loop
(so every update then fails), never checks the secret header and only talks to api.telegram.org.
The request handling itself is in telegram_updates.py; texts and keyboards in telegram_format.py.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings as settings_module
from bot.channels.telegram_api import TelegramAPIError, TelegramClient
from bot.channels.telegram_format import ButtonPayloads, inline_keyboard, split_text
from bot.channels import limits
from bot.channels.telegram_updates import (ALLOWED_UPDATES, CHANNEL, SECRET_HEADER, SharedRecentIds, UpdateHandler,
                                           chat_of)

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# What Telegram accepts as a webhook secret token: 1-256 of these characters.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    secret_token: str
    webhook_url: str
    api_url: str
    database_url: str

    @classmethod
    def from_settings(cls, settings: settings_module.Settings) -> Optional["TelegramConfig"]:
        """The channel's configuration, None when it is off (no token); a clear error when it is
        half configured."""
        if not settings.telegram_token:
            return None
        if not _TOKEN.match(settings.telegram_token):
            raise RasaException("TELEGRAM_TOKEN does not look like a bot token from BotFather "
                                "(digits, a colon, then letters, digits, '-' or '_').")
        if not settings.telegram_secret_token:
            raise RasaException(
                "TELEGRAM_SECRET_TOKEN is not set, so the Telegram channel will not start: without "
                "it anyone who finds the webhook URL could post messages as any user. Set it to a "
                f"random string, for example the output of: {MAKE_A_SECRET}")
        if not _SECRET.match(settings.telegram_secret_token):
            raise RasaException("TELEGRAM_SECRET_TOKEN must be 1-256 characters from A-Z, a-z, 0-9, "
                                f"'_' and '-' (Telegram's rule). For example: {MAKE_A_SECRET}")
        return cls(settings.telegram_token, settings.telegram_secret_token,
                   settings.telegram_webhook_url, settings.telegram_api_url, settings.database_url)


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies with sendMessage, as plain text, split at Telegram's length limit.

    A failed send is logged and the next reply still goes out: one lost message must not take the
    rest of an answer (a crisis line, say) with it.
    """

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    def __init__(self, client: TelegramClient, payloads: Optional[ButtonPayloads] = None) -> None:
        self.client = client
        self.payloads = payloads or ButtonPayloads()

    async def _send(self, recipient_id: Text, text: Text,
                    reply_markup: Optional[Dict[str, Any]] = None) -> None:
        recipient_id = chat_of(recipient_id)
        chunks = split_text(text)
        if not chunks and reply_markup:
            chunks = ["Please choose:"]
        for number, chunk in enumerate(chunks, start=1):
            markup = reply_markup if number == len(chunks) else None  # buttons under the last part
            try:
                await self.client.send_message(recipient_id, chunk, reply_markup=markup)
            except TelegramAPIError as error:  # blocked by the user, chat gone, Telegram down ...
                logger.warning("Telegram: sendMessage failed (%s): %s", type(error).__name__, error)
            except Exception:
                logger.exception("Telegram: sendMessage failed")

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self._send(recipient_id, text, inline_keyboard(buttons, self.payloads))

    async def send_markup(self, recipient_id: Text, text: Text, reply_markup: Dict[str, Any]) -> None:
        await self._send(recipient_id, text, reply_markup)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        # Rasa's default would send the JSON itself as a message; only a text in it is meant for people.
        # {"forgotten": true} tells the web chat to clear its copy; Telegram's copy is the person's own.
        if isinstance(json_message, dict) and json_message.get("forgotten") is True:
            return
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if isinstance(text, str) and text.strip():
            await self._send(recipient_id, text)
        else:
            logger.warning("Telegram: a custom reply without text was not sent")


def _off_blueprint() -> Blueprint:
    blueprint = Blueprint("bot_telegram_webhook_off", __name__)

    @blueprint.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "off"}, status=503)

    @blueprint.route("/webhook", methods=["GET", "POST"])
    async def webhook(_: Request) -> HTTPResponse:
        return response.json({"ok": False, "error": "the Telegram channel is off (no TELEGRAM_TOKEN)"},
                             status=503)

    return blueprint


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        # Secrets come from the environment only, never from credentials.yml.
        if credentials:
            logger.warning("Telegram: settings in credentials.yml are ignored; use the TELEGRAM_* "
                           "environment variables")
        return cls(TelegramConfig.from_settings(settings_module.load()))

    def __init__(self, config: Optional[TelegramConfig]) -> None:
        self.config = config
        self.output: Optional[TelegramOutput] = None
        if config is None:
            logger.info("Telegram channel is off: TELEGRAM_TOKEN is not set")
        else:
            self.output = TelegramOutput(TelegramClient(config.token, config.api_url))

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self.output

    async def register_webhook(self) -> bool:
        """setWebhook with the secret token; logs and returns False if Telegram refuses or is away."""
        config = self.config
        if config is None or self.output is None:
            return False
        if not config.webhook_url:
            logger.warning("Telegram: TELEGRAM_WEBHOOK_URL is not set, so the webhook was not "
                           "registered; updates arrive only if it was registered some other way")
            return False
        if not config.webhook_url.startswith("https://") and "api.telegram.org" in config.api_url:
            logger.warning("Telegram only delivers to an https:// webhook URL")
        try:
            await self.output.client.set_webhook(config.webhook_url, config.secret_token, ALLOWED_UPDATES)
        except Exception as error:
            logger.error("Telegram: could not register the webhook at %s (%s: %s); no updates will "
                         "arrive until it is registered: restart the server to try again",
                         config.webhook_url, type(error).__name__, error)
            return False
        logger.info("Telegram: webhook registered at %s", config.webhook_url)
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.config is None or self.output is None:
            return _off_blueprint()
        from bot.erasure import erase_conversation

        erase = functools.partial(erase_conversation, self.config.database_url)
        settings = settings_module.load()
        recent = None
        if settings.redis_url:  # several workers: a redelivered update may reach any of them
            recent = SharedRecentIds(settings.redis_url, hashlib.sha256(self.config.token.encode()).hexdigest()[:12])
        handler = UpdateHandler(self.config.secret_token, self.output, on_new_message, erase,
                                limits.gate_from(settings), recent=recent)
        blueprint = Blueprint("bot_telegram_webhook", __name__)

        @blueprint.listener("after_server_start")
        async def register(app: Any, loop: Any) -> None:
            # On the server's own loop, once it is listening: Telegram may deliver at once.
            await self.register_webhook()

        @blueprint.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            await self.output.client.close()

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            status, body = await handler.handle(request.headers.get(SECRET_HEADER), request.body)
            return response.json(body, status=status)

        return blueprint
