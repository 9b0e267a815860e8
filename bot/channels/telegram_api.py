"""The few Bot API calls the channel makes, through aiogram 2.15 (installed with Rasa).

aiogram's HTTP session is created on first use, so it belongs to the event loop that first uses it:
the Rasa server's. Rasa's own channel calls `asyncio.run(set_webhook(...))` while it builds the
channel, which ties the session to a loop that is closed straight away; every later update then
fails with "Event loop is closed". Here nothing is called before the server is running.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils import exceptions

logger = logging.getLogger(__name__)

TelegramAPIError = exceptions.TelegramAPIError
# Waiting longer than this for Telegram's flood control would hold the webhook request too long.
MAX_RETRY_AFTER = 30


class TelegramClient:
    def __init__(self, token: str, api_url: str, timeout: float = 20) -> None:
        self.token, self.api_url, self.timeout = token, api_url.rstrip("/"), timeout
        self._bot: Optional[Bot] = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            self._bot = Bot(self.token, server=TelegramAPIServer.from_base(self.api_url),
                            timeout=self.timeout)
        return self._bot

    async def call(self, method: str, **params: Any) -> Any:
        """Calls `method`; objects are sent JSON-encoded, as the Bot API expects in form fields."""
        data = {key: json.dumps(value) if isinstance(value, (dict, list)) else value
                for key, value in params.items() if value is not None}
        try:
            return await self.bot.request(method, data)
        except exceptions.RetryAfter as error:
            if error.timeout > MAX_RETRY_AFTER:
                raise
            logger.warning("Telegram asked to wait %s s before %s", error.timeout, method)
            await asyncio.sleep(error.timeout)
            return await self.bot.request(method, data)

    async def set_webhook(self, url: str, secret_token: str, allowed_updates: List[str]) -> Any:
        # Pending updates are kept (no drop_pending_updates): one of them may be a crisis message
        # sent while the server was down.
        return await self.call("setWebhook", url=url, secret_token=secret_token,
                               allowed_updates=allowed_updates)

    async def send_message(self, chat_id: str, text: str,
                           reply_markup: Optional[Dict[str, Any]] = None) -> Any:
        # No parse_mode: the text is shown exactly as written.
        return await self.call("sendMessage", chat_id=chat_id, text=text, reply_markup=reply_markup)

    async def answer_callback_query(self, callback_query_id: str) -> Any:
        return await self.call("answerCallbackQuery", callback_query_id=callback_query_id)

    async def close(self) -> None:
        if self._bot is not None:
            await self._bot.session.close()  # (Bot.close() is deprecated in aiogram 2.15)
            self._bot = None
