"""The Bot API stand-in speaks the protocol as aiogram 2.15 (the client the channel uses) expects."""
from __future__ import annotations

import asyncio
import json

import pytest
import requests
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils import exceptions

from tests.telegram.conftest import TOKEN


def _run(standin, call):
    async def go():
        bot = Bot(TOKEN, server=TelegramAPIServer.from_base(standin.url))
        try:
            return await call(bot)
        finally:
            await bot.session.close()

    return asyncio.run(go())


def test_get_me(standin):
    me = _run(standin, lambda bot: bot.get_me())
    assert me.is_bot and me.username == "support_standin_bot"


def test_set_webhook_records_the_url_and_secret_and_get_webhook_info_reports_it(standin):
    async def call(bot):
        await bot.request("setWebhook", {"url": "http://127.0.0.1:9/hook", "secret_token": "abc",
                                         "allowed_updates": json.dumps(["message"])})
        return await bot.get_webhook_info()

    info = _run(standin, call)
    assert standin.webhook == {"url": "http://127.0.0.1:9/hook", "secret_token": "abc",
                               "allowed_updates": ["message"]}
    assert info.url == "http://127.0.0.1:9/hook"
    assert _run(standin, lambda bot: bot.delete_webhook()) is True
    assert standin.webhook is None


def test_send_message_records_text_and_keyboard_and_returns_a_message(standin):
    keyboard = InlineKeyboardMarkup().row(InlineKeyboardButton("Yes", callback_data="/affirm"))
    sent = _run(standin, lambda bot: bot.send_message(42, "Hello & <welcome>", reply_markup=keyboard))
    assert sent.message_id and sent.chat.id == 42 and sent.text == "Hello & <welcome>"
    [recorded] = standin.messages_to(42)
    assert recorded.text == "Hello & <welcome>" and recorded.parse_mode is None
    assert recorded.buttons == [{"text": "Yes", "callback_data": "/affirm"}]


def test_answer_callback_query_is_recorded(standin):
    assert _run(standin, lambda bot: bot.answer_callback_query("12345")) is True
    assert standin.answered_callbacks == ["12345"]


@pytest.mark.parametrize("text, error", [("x" * 4097, exceptions.MessageIsTooLong),
                                         ("", exceptions.MessageTextIsEmpty)])
def test_send_message_refuses_what_telegram_refuses(standin, text, error):
    with pytest.raises(error):
        _run(standin, lambda bot: bot.send_message(42, text))


def test_callback_data_over_64_bytes_is_refused(standin):
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": "/" + "y" * 64}]]}
    with pytest.raises(exceptions.BadRequest, match="(?i)button_data_invalid"):
        _run(standin, lambda bot: bot.request("sendMessage", {"chat_id": 1, "text": "hi",
                                                               "reply_markup": json.dumps(keyboard)}))


def test_unknown_methods_and_wrong_tokens_answer_like_telegram(standin):
    for url in (f"{standin.url}/bot{TOKEN}/sendTelepathy", f"{standin.url}/bot1:wrong/getMe"):
        answer = requests.post(url, timeout=5)
        assert answer.status_code == 404
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_json_bodies_are_understood_too(standin):
    answer = requests.post(f"{standin.url}/bot{TOKEN}/sendMessage", json={"chat_id": 7, "text": "hi"},
                           timeout=5)
    assert answer.json()["ok"] is True and standin.messages_to(7)[0].text == "hi"


def test_planned_failures(standin):
    standin.fail_next("getMe", 502, "Bad Gateway")
    with pytest.raises(exceptions.TelegramAPIError):
        _run(standin, lambda bot: bot.get_me())
    assert _run(standin, lambda bot: bot.get_me()).is_bot
