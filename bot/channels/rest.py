"""The REST channel, `POST /webhooks/rest/webhook`, replacing Rasa's stock `rest` channel.

Compared with the stock channel:

- a conversation's id is `rest:<sender>`, so a REST caller can never reach a Telegram or web chat
  conversation; a missing or malformed sender is refused (400), not shared as `default`;
- the client cannot claim another `input_channel`, and only a small, flat metadata object passes;
- bodies are validated (400 with a reason, never 500) and capped at 64 KB; text goes through the same
  cleaning, length limit and "/payload" rule as every channel (bot/channels/inbound.py);
- with REST_TOKEN set, a caller needs `Authorization: Bearer <token>`;
- rate limits and one-at-a-time answering per conversation (bot/channels/limits.py);
- a failure is logged without the message text (the stock channel logged it in full at ERROR).

Body: {"sender": "...", "message": "...", "metadata": {...}}; the answer is the list of bot messages.
"""
from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings as settings_module
from bot.channels import inbound, limits

logger = logging.getLogger(__name__)

CHANNEL = "rest"
MAX_BODY_BYTES = 64 * 1024
MAX_METADATA_BYTES = 2048
_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
SOMETHING_WENT_WRONG = ("Sorry, something went wrong on my side. If you are in danger right now, please "
                        "call your local emergency number.")


def conversation_id(sender: str) -> str:
    return f"{CHANNEL}:{sender}"


class BadRequest(ValueError):
    pass


def _parse(body: bytes) -> Tuple[str, object, Dict[str, Any]]:
    """(sender, message, metadata) from a request body, or BadRequest saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest('the body must be a JSON object: {"sender": "...", "message": "..."}')
    sender = data.get("sender")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise BadRequest("'sender' must be 1-128 letters, digits or . _ : @ -")
    if not isinstance(data.get("message"), str):
        raise BadRequest("'message' must be a string")
    return sender, data["message"], _metadata(data.get("metadata"))


def _metadata(raw: Any) -> Dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BadRequest("'metadata' must be a JSON object")
    flat = {k: v for k, v in raw.items()
            if isinstance(k, str) and isinstance(v, (str, int, float, bool)) and len(k) <= 64}
    if len(json.dumps(flat)) > MAX_METADATA_BYTES:
        raise BadRequest(f"'metadata' must be smaller than {MAX_METADATA_BYTES} bytes")
    return {k: inbound.clean(v) if isinstance(v, str) else v for k, v in flat.items()}


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def __init__(self, settings: Optional[settings_module.Settings] = None) -> None:
        self.settings = settings or settings_module.load()
        self.gate = limits.gate_from(self.settings)

    def authorised(self, request: Request) -> bool:
        token = self.settings.rest_token
        if not token:
            return True
        header = request.headers.get("authorization", "")
        return hmac.compare_digest(header.encode(), f"Bearer {token}".encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("bot_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.json({"error": "a valid REST token is required"}, status=401)
            try:
                sender, raw, metadata = _parse(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            message = inbound.prepare(raw)
            if message is None:
                return response.json({"error": "'message' has no text"}, status=400)
            return await self._answer(conversation_id(sender), message.text, metadata,
                                      request.ip, on_new_message)

        return bp

    async def _answer(self, sender_id: str, text: str, metadata: Dict[str, Any], address: Optional[str],
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        refusal = self.gate.admit(sender_id, address)
        if refusal:
            return response.json([{"recipient_id": sender_id, "text": refusal}], status=429,
                                 headers={"Retry-After": "5"})
        collector = CollectingOutputChannel()
        async with self.gate.turn(sender_id):
            try:
                await on_new_message(UserMessage(text, collector, sender_id, input_channel=CHANNEL,
                                                 metadata=metadata))
            except Exception:  # noqa: BLE001 - logged without the message text, which is health data
                logger.exception("REST: handling a message for %s failed", sender_id)
                return response.json([{"recipient_id": sender_id, "text": SOMETHING_WENT_WRONG}], status=500)
        return response.json(collector.messages)
