"""Telegram end to end: a real `rasa run` and action server (started once for this module), with the
Bot API stand-in playing Telegram and its users."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.channels import telegram_updates as texts
from bot.channels.telegram_format import MAX_TEXT, telegram_length
from bot.database import engine_for
from bot.flags import EVENTS, flagged_conversations
from tests.telegram.conftest import SECRET, TelegramUser, new_chat_id

pytestmark = pytest.mark.e2e


def _events(settings, sender=None) -> int:
    query = select(func.count()).select_from(EVENTS)
    if sender is not None:
        query = query.where(EVENTS.c.sender_id == f"telegram:{sender}")
    with engine_for(settings.database_url).connect() as connection:
        return connection.execute(query).scalar()


def test_the_webhook_is_registered_with_the_secret_at_start_up(e2e_stack, e2e_standin, e2e_settings):
    webhook = e2e_standin.webhook
    assert webhook["url"] == e2e_settings.telegram_webhook_url
    assert webhook["secret_token"] == SECRET


def test_a_message_reaches_the_bot_and_the_reply_reaches_telegram(user):
    replies = user.say("hi there")
    assert replies and "support assistant" in replies[0].text
    assert all(r.parse_mode is None for r in replies)


def test_start_says_what_the_bot_is_then_reminds_of_a_crisis_line(user):
    replies = user.say("/start")
    assert "not a therapist or an emergency service" in replies[0].text
    assert "/ask_helpline" in [b.get("callback_data") for b in replies[0].buttons]
    assert any("crisis" in r.text for r in replies[1:])


def test_start_names_the_line_for_the_users_language_region(e2e_standin):
    replies = TelegramUser(e2e_standin, language_code="en-GB").say("/start")
    assert "Samaritans" in replies[-1].text and "116 123" in replies[-1].text


def test_a_button_press_is_answered_and_handled(user, e2e_standin):
    update = e2e_standin.callback_update(user.chat_id, "/ask_capabilities", user.language_code)
    replies = user.send(update)
    assert update["callback_query"]["id"] in e2e_standin.answered_callbacks
    assert "coping exercises" in replies[0].text
    assert {b["callback_data"] for b in replies[0].buttons} >= {"/ask_treatment_overview", "/ask_coping"}


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_a_forged_update_gets_403_and_changes_nothing(e2e_stack, e2e_standin, e2e_settings, secret):
    chat = new_chat_id()
    before = _events(e2e_settings)
    answer = e2e_standin.deliver(e2e_standin.text_update(chat, "I want to kill myself"), secret=secret)
    assert answer.status_code == 403
    assert _events(e2e_settings) == before and _events(e2e_settings, chat) == 0
    assert e2e_standin.messages_to(chat) == []


def test_malformed_json_gets_400(e2e_stack, e2e_standin):
    assert e2e_standin.deliver(body=b'{"update_id": 1, "message": ').status_code == 400


def test_a_sticker_gets_200_and_a_polite_reply(e2e_stack, e2e_standin, e2e_settings):
    chat = new_chat_id()
    assert e2e_standin.deliver(e2e_standin.sticker_update(chat)).status_code == 200
    assert [m.text for m in e2e_standin.messages_to(chat)] == [texts.ONLY_TEXT]
    assert _events(e2e_settings, chat) == 0


def test_a_redelivered_update_is_answered_once(user, e2e_standin, e2e_settings):
    update = e2e_standin.text_update(user.chat_id, "thank you", user.language_code)
    first = user.send(update)
    again = user.send(update)
    assert first and again == []
    with engine_for(e2e_settings.database_url).connect() as connection:
        said = connection.execute(select(func.count()).select_from(EVENTS).where(
            (EVENTS.c.sender_id == f"telegram:{user.chat_id}") & (EVENTS.c.type_name == "user"))).scalar()
    assert said == 1


def test_a_long_reply_is_split_at_telegrams_limit(user):
    # The test database's "what is depression" summary is ~12 000 characters (conftest.py).
    replies = user.press("/ask_what_is_depression")
    assert all(telegram_length(r.text) <= MAX_TEXT for r in replies)
    parts = [r for r in replies if "lasts for weeks" in r.text]
    assert len(parts) >= 3
    assert sum(p.text.count("Depression is more than feeling sad") for p in parts) == 6 * 12
    assert parts[0].text.startswith("What depression is. Depression is more than")  # title first


def test_forget_erases_the_conversation_after_confirmation(user, e2e_settings):
    user.say("hello")
    stored = _events(e2e_settings, user.chat_id)
    assert stored > 0
    [question] = user.say("/forget")
    assert question.text == texts.FORGET_ASK
    assert _events(e2e_settings, user.chat_id) == stored  # nothing yet
    [done] = user.press(question.buttons[0]["callback_data"])
    assert done.text == texts.FORGET_DONE
    assert _events(e2e_settings, user.chat_id) == 0


def test_an_exercise_takes_typed_answers_with_its_buttons_on_every_step(user):
    started = user.say("can we do grounding")
    assert started[-1].text.startswith("Step 1 of 6")
    assert [b["text"] for b in started[-1].buttons] == ["Next", "Stop"]
    user.say("ok")
    replies = user.say("my phone, a lamp, the door and my dog")
    assert "your dog" in replies[0].text and replies[-1].text.startswith("Step 3 of 6")


def test_a_typed_request_to_delete_asks_then_erases_through_the_bot(user, e2e_settings):
    feeling = user.say("my grandma died last month and i miss her")
    assert "your grandma" in feeling[0].text
    question = user.say("delete everything i said")[-1]
    yes = next(b["callback_data"] for b in question.buttons if b["text"] == "Yes, delete it")
    done = user.press(yes)
    assert "deleted" in done[0].text
    # The reply reaches Telegram before Rasa saves the turn (and erases): wait for the save.
    rows: list = []
    for _ in range(50):
        with engine_for(e2e_settings.database_url).connect() as connection:
            query = select(EVENTS.c.data).where(EVENTS.c.sender_id == f"telegram:{user.chat_id}")
            rows = connection.execute(query).scalars().all()
        if any("deleted this conversation" in (row or "") for row in rows):
            break
        time.sleep(0.2)
    assert any("deleted this conversation" in (row or "") for row in rows)
    assert not any("grandma" in (row or "") for row in rows)


def test_a_crisis_message_gets_the_hotline_for_the_user_s_country_first(e2e_stack, e2e_standin, e2e_settings):
    user = TelegramUser(e2e_standin, language_code="en-GB")
    replies = user.say("I want to kill myself")
    assert "Samaritans" in replies[0].text and "116 123" in replies[0].text
    assert replies[-1].text == "Are you safe right now?"
    assert {b["callback_data"] for b in replies[-1].buttons} == {"/crisis_safe_now", "/crisis_not_safe"}
    flag = next(f for f in flagged_conversations(e2e_settings.database_url)
                if f.sender_id == f"telegram:{user.chat_id}")
    assert flag.level in ("high", "imminent") and flag.channel == "telegram"


def test_a_crisis_message_without_a_country_still_names_crisis_lines_first(user):
    first = user.say("kms")[0].text
    assert "988" in first and "116 123" in first


def test_crisis_mode_keeps_the_thread_with_the_inline_keyboard(e2e_stack, e2e_standin, e2e_settings):
    user = TelegramUser(e2e_standin, language_code="en-GB")
    asked = user.say("i want to end my life")[-1]
    again = user.say("scotland")
    assert any("116 123" in r.text for r in again) and again[-1].text == "Are you safe right now?"
    not_safe = next(b["callback_data"] for b in again[-1].buttons if b["text"] == "No, I'm not safe")
    assert asked.text == "Are you safe right now?"
    replies = user.press(not_safe)
    assert "999" in replies[0].text
    assert "/crisis_safe_now" in {b["callback_data"] for b in replies[-1].buttons}
    flag = next(f for f in flagged_conversations(e2e_settings.database_url) if f.sender_id == f"telegram:{user.chat_id}")
    assert flag.level == "imminent"
