"""What the Telegram channel does with one webhook request: check, parse, deduplicate, dispatch.

Kept apart from Sanic so every rule can be tested with plain bytes in and (status, body) out. The
order matters: the secret is checked before the body is even parsed, so a forged request learns
nothing and touches no conversation.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import UserMessage

from bot.channels.telegram_format import CHANNEL_PREFIX, channel_keyboard, parse_command
from bot.channels import inbound, limits
from bot.countries import with_country_hint

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHANNEL = "telegram"
_PREFIX = CHANNEL + ":"
# The update kinds the webhook asks for; Telegram leaves out the rest.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

# Commands and the Rasa payloads they send. Any other "/word" is sent on as plain words, so that it
# goes through the NLU pipeline and the safety screen rather than being taken for an intent name.
COMMANDS = {"start": "/greet", "help": "/ask_capabilities", "helpline": "/ask_helpline"}
FORGET_COMMAND = "forget"

# Message contents we cannot read; a message with any of these and no text or caption gets a reply.
NON_TEXT = ("sticker", "photo", "voice", "audio", "video", "video_note", "animation", "document",
            "location", "venue", "contact", "poll", "dice", "game")

ONLY_TEXT = "Sorry, I can only read text messages. Could you type what you'd like to say?"
EDITED = ("I can't see changes to a message you've already sent. If you changed something, please "
          "send it again as a new message.")
PRIVATE_ONLY = ("To keep what people tell me private, I only talk one-to-one. Please send me a "
                "direct message instead.")
EXPIRED_BUTTON = "Sorry, that button no longer works. Could you type your answer instead?"
FORGET_ASK = ("Do you want me to delete our conversation? This removes everything you've sent me "
              "from this service's records, and it can't be undone.")
FORGET_YES, FORGET_NO = "forget:yes", "forget:no"
FORGET_DONE = ("Done: I've deleted our conversation from this service's records. The messages still "
               "show in this Telegram chat; Telegram's own \"Clear history\" removes them there. "
               "You can start again any time.")
FORGET_KEPT = "Okay, nothing was deleted."
FORGET_FAILED = ("Sorry, I couldn't delete our conversation just now. Please try /forget again in a "
                 "little while.")
SOMETHING_WENT_WRONG = ("Sorry, something went wrong on my side and I couldn't answer that. Please "
                        "try again in a moment. If you're in danger right now, please call your local "
                        "emergency number.")


class RecentIds:
    """The update ids seen lately, to answer a redelivered update once.

    Telegram redelivers an update when our answer did not reach it in time. A bounded in-memory set
    is enough for one process: redeliveries come within minutes, and ids only grow. With several
    Rasa workers or replicas a redelivery may reach another process: SharedRecentIds keeps the ids
    in Redis instead.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._ids: "OrderedDict[int, None]" = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen; records it (no await between check and record)."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True


class SharedRecentIds:
    """The same, in Redis (REDIS_URL), shared by every worker: SET NX is the check and the record in
    one step, so two workers given the same update cannot both answer it. Ids expire after a day."""

    TTL_S = 86_400

    def __init__(self, redis_url: str, bot_key: str) -> None:
        from redis import asyncio as redis_asyncio

        from bot.redis_url import redis_options

        options = redis_options(redis_url)
        self.client = redis_asyncio.Redis(host=options["host"], port=options["port"], db=options["db"],
                                          username=options["username"], password=options["password"],
                                          ssl=options["ssl"], socket_timeout=5)
        self.prefix = f"assistant:telegram:{bot_key}:update:"

    async def first_time(self, update_id: int) -> bool:
        try:
            return bool(await self.client.set(f"{self.prefix}{update_id}", 1, nx=True, ex=self.TTL_S))
        except Exception as error:  # noqa: BLE001 - Redis away: answering twice beats not answering
            logger.warning("Telegram webhook: update de-duplication unavailable (%s)", type(error).__name__)
            return True


def conversation_id(chat_id: str) -> str:
    """A Telegram chat's conversation id: namespaced, so no other channel's caller can name it."""
    return _PREFIX + chat_id


def chat_of(recipient_id: str) -> str:
    """The chat id Telegram knows, from a conversation id (or a bare chat id)."""
    return recipient_id[len(_PREFIX):] if recipient_id.startswith(_PREFIX) else recipient_id


def _chat_id(message: Any) -> Optional[str]:
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and chat.get("id") is not None:
        return str(chat["id"])
    return None


def _is_private(message: Dict[str, Any]) -> bool:
    return (message.get("chat") or {}).get("type", "private") == "private"


def _metadata(user: Any) -> Dict[str, Any]:
    """Message metadata: the channel and, as a country hint (bot/nlu/country_extractor.py), the
    user's language code ('en-GB'). Nothing else about the user is kept."""
    metadata: Dict[str, Any] = {"channel": CHANNEL}
    code = user.get("language_code") if isinstance(user, dict) else None
    if isinstance(code, str) and code.strip():
        metadata["language_code"] = code.strip()
    return metadata


class UpdateHandler:
    """Handles webhook requests for one bot. `output` sends replies (TelegramOutput); `erase`
    erases one sender's conversation (bot.erasure.erase_conversation, bound to the database)."""

    def __init__(self, secret_token: str, output: Any,
                 on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 erase: Callable[[str], int], gate: Optional[limits.Gate] = None,
                 recent: Optional[Any] = None) -> None:
        if not secret_token:
            raise ValueError("a Telegram webhook without a secret token would accept forged updates")
        self._secret = secret_token.encode("utf-8")
        self.output, self.on_new_message, self.erase = output, on_new_message, erase
        self.recent = recent or RecentIds()
        self.gate = gate or limits.Gate(30, 0, 5)

    def authentic(self, header: Optional[str]) -> bool:
        return header is not None and hmac.compare_digest(header.encode("utf-8"), self._secret)

    async def handle(self, secret_header: Optional[str], body: bytes) -> Tuple[int, Dict[str, Any]]:
        """One webhook request: returns the HTTP status and JSON body to answer with."""
        if not self.authentic(secret_header):
            logger.warning("Telegram webhook: refused an update without the right secret token")
            return 403, {"ok": False, "error": "forbidden"}
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 400, {"ok": False, "error": "the body is not JSON"}
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return 400, {"ok": False, "error": "not a Telegram update"}
        if not await self.recent.first_time(update["update_id"]):
            logger.info("Telegram webhook: update %s was delivered again; answered once", update["update_id"])
            return 200, {"ok": True, "duplicate": True}
        try:
            await self.dispatch(update)
        except Exception:  # never a 500: Telegram would redeliver, and we answered (or tried to)
            logger.exception("Telegram webhook: could not handle update %s", update["update_id"])
        return 200, {"ok": True}

    async def dispatch(self, update: Dict[str, Any]) -> None:
        if isinstance(update.get("callback_query"), dict):
            await self.on_button(update["callback_query"])
        elif isinstance(update.get("message"), dict):
            await self.on_message(update["message"])
        elif isinstance(update.get("edited_message"), dict):
            message = update["edited_message"]
            if _chat_id(message) and _is_private(message):
                await self.reply(_chat_id(message), EDITED)
        else:
            kinds = [key for key in update if key != "update_id"]
            logger.debug("Telegram webhook: ignored an update of kind %s", kinds)

    async def on_message(self, message: Dict[str, Any]) -> None:
        chat_id = _chat_id(message)
        if chat_id is None:
            return
        if not _is_private(message):
            await self.reply(chat_id, PRIVATE_ONLY)
            return
        # A caption is text the person wrote (a photo captioned "goodbye" must reach the screen).
        text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
        if not isinstance(text, str) or not text.strip():
            if any(key in message for key in NON_TEXT):
                await self.reply(chat_id, ONLY_TEXT)
            return
        metadata = _metadata(message.get("from"))
        if text.lstrip().startswith("/"):
            command = parse_command(text)
            if command and command[0] == FORGET_COMMAND:
                await self.ask_to_forget(chat_id)
                return
            if command and command[0] in COMMANDS:
                text = COMMANDS[command[0]]
            else:
                text = text.lstrip().lstrip("/").strip() or COMMANDS["help"]
        await self.to_rasa(chat_id, text, metadata)

    async def on_button(self, query: Dict[str, Any]) -> None:
        if query.get("id") is not None:
            try:  # until it is answered, the user's app shows the button as loading
                await self.output.client.answer_callback_query(str(query["id"]))
            except Exception as error:
                logger.warning("Telegram: could not answer a callback query: %s", error)
        chat_id = _chat_id(query.get("message"))
        data = query.get("data")
        if chat_id is None or not isinstance(data, str) or not data:
            return
        if data.startswith(CHANNEL_PREFIX):
            await self.on_channel_button(chat_id, data[len(CHANNEL_PREFIX):])
            return
        payload = self.output.payloads.decode(data)
        if payload is None:
            await self.reply(chat_id, EXPIRED_BUTTON)
            return
        await self.to_rasa(chat_id, payload, _metadata(query.get("from")))

    async def ask_to_forget(self, chat_id: str) -> None:
        keyboard = channel_keyboard(("Yes, delete it", FORGET_YES), ("No, keep it", FORGET_NO))
        await self.output.send_markup(chat_id, FORGET_ASK, keyboard)

    async def on_channel_button(self, chat_id: str, action: str) -> None:
        if action == FORGET_NO:
            await self.reply(chat_id, FORGET_KEPT)
        elif action == FORGET_YES:
            try:
                removed = await asyncio.get_running_loop().run_in_executor(
                    None, self.erase, conversation_id(chat_id))
            except Exception:
                logger.exception("Telegram: erasing a conversation failed")
                await self.reply(chat_id, FORGET_FAILED)
                return
            logger.info("Telegram: erased a conversation on the user's request (%s events)", removed)
            await self.reply(chat_id, FORGET_DONE)
        else:
            await self.reply(chat_id, EXPIRED_BUTTON)

    async def to_rasa(self, chat_id: str, text: str, metadata: Dict[str, Any]) -> None:
        prepared = inbound.prepare(with_country_hint(text, metadata))
        if prepared is None:
            return
        sender_id = conversation_id(chat_id)
        refusal = self.gate.admit(sender_id)
        if refusal:
            await self.reply(chat_id, refusal)
            return
        message = UserMessage(prepared.text, self.output, sender_id, input_channel=CHANNEL, metadata=metadata)
        try:
            async with self.gate.turn(sender_id):
                await self.on_new_message(message)
        except Exception:
            logger.exception("Telegram: Rasa could not handle a message")
            await self.reply(chat_id, SOMETHING_WENT_WRONG)

    async def reply(self, chat_id: str, text: str) -> None:
        await self.output.send_text_message(chat_id, text)
