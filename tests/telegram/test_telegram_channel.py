"""The Telegram channel's blueprint, served by a real Sanic server, with the Bot API stand-in as
Telegram and a fake Rasa agent behind it (tests/telegram/conftest.py)."""
from __future__ import annotations

import json
import logging

import pytest
from rasa.shared.exceptions import RasaException
from sqlalchemy import func, insert, select

from bot.channels import telegram_updates as texts
from bot.channels.telegram import TelegramInput
from bot.channels.telegram_format import MAX_TEXT, telegram_length
from bot.database import engine_for
from bot.flags import EVENTS
from tests.telegram.conftest import (SECRET, TOKEN, WEBHOOK_PATH, FakeRasa, SanicServer, free_port,
                                     new_chat_id)


def test_the_webhook_is_registered_with_the_secret_once_the_server_runs(standin, telegram):
    webhook = standin.wait_for_webhook(timeout=10)
    assert webhook["url"] == telegram.server.url + WEBHOOK_PATH
    assert webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ["message", "edited_message", "callback_query"]


def test_a_text_message_reaches_rasa_with_the_language_code_and_the_reply_reaches_telegram(
        standin, telegram):
    chat = new_chat_id()
    answer = standin.deliver(standin.text_update(chat, "I feel low today", language_code="en-GB"))
    assert answer.status_code == 200
    [message] = telegram.rasa.messages
    assert message.text == "I feel low today" and message.sender_id == f"telegram:{chat}"
    assert message.input_channel == "telegram"
    assert message.metadata == {"channel": "telegram", "language_code": "en-GB"}
    [reply] = standin.messages_to(chat)
    assert reply.text == "You said: I feel low today" and reply.parse_mode is None


def test_without_a_language_code_the_metadata_only_names_the_channel(standin, telegram):
    standin.deliver(standin.text_update(new_chat_id(), "hello", language_code=None))
    assert telegram.rasa.messages[0].metadata == {"channel": "telegram"}


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_an_update_without_the_right_secret_is_refused_and_touches_nothing(standin, telegram, secret):
    chat = new_chat_id()
    answer = standin.deliver(standin.text_update(chat, "hello"), secret=secret)
    assert answer.status_code == 403
    assert telegram.rasa.messages == [] and standin.messages_to(chat) == []


def test_the_secret_is_checked_before_the_body_is_read(telegram):
    assert telegram.server.post(b"{not json", secret="wrong").status_code == 403


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}',
                                  b'{"update_id": "7"}'])
def test_a_malformed_update_gets_400(telegram, body):
    assert telegram.server.post(body).status_code == 400
    assert telegram.rasa.messages == []


def test_a_sticker_gets_a_polite_reply_and_nothing_reaches_rasa(standin, telegram):
    chat = new_chat_id()
    assert standin.deliver(standin.sticker_update(chat)).status_code == 200
    assert [m.text for m in standin.messages_to(chat)] == [texts.ONLY_TEXT]
    assert telegram.rasa.messages == []


@pytest.mark.parametrize("content", [{"voice": {"file_id": "v", "duration": 3}},
                                     {"photo": [{"file_id": "p", "width": 90, "height": 90}]},
                                     {"location": {"latitude": 51.5, "longitude": -0.1}}])
def test_other_non_text_messages_get_the_same_reply(standin, telegram, content):
    chat = new_chat_id()
    assert standin.deliver(standin.message_update(chat, **content)).status_code == 200
    assert [m.text for m in standin.messages_to(chat)] == [texts.ONLY_TEXT]


def test_a_caption_is_read_as_text(standin, telegram):
    chat = new_chat_id()
    photo = [{"file_id": "p", "width": 90, "height": 90}]
    standin.deliver(standin.message_update(chat, photo=photo, caption="this is goodbye"))
    assert [m.text for m in telegram.rasa.messages] == ["this is goodbye"]


def test_an_edited_message_gets_a_polite_reply(standin, telegram):
    chat = new_chat_id()
    update = standin.message_update(chat, kind="edited_message", text="edited words")
    assert standin.deliver(update).status_code == 200
    assert [m.text for m in standin.messages_to(chat)] == [texts.EDITED]
    assert telegram.rasa.messages == []


def test_in_a_group_the_bot_asks_for_a_private_chat(standin, telegram):
    chat = -new_chat_id()
    update = standin.message_update(chat, chat_type="group", text="/start")
    assert standin.deliver(update).status_code == 200
    assert [m.text for m in standin.messages_to(chat)] == [texts.PRIVATE_ONLY]
    assert telegram.rasa.messages == []


def test_other_update_kinds_are_accepted_and_ignored(standin, telegram):
    update = {"update_id": standin.next_update_id(),
              "my_chat_member": {"chat": {"id": 5, "type": "private"}, "date": 0,
                                 "old_chat_member": {"status": "member"},
                                 "new_chat_member": {"status": "kicked"}}}
    assert standin.deliver(update).status_code == 200
    assert telegram.rasa.messages == [] and standin.messages_to(5) == []


def test_a_redelivered_update_is_handled_once(standin, telegram):
    chat = new_chat_id()
    update = standin.text_update(chat, "hello")
    assert [standin.deliver(update).status_code for _ in range(3)] == [200, 200, 200]
    assert len(telegram.rasa.messages) == 1 and len(standin.messages_to(chat)) == 1


@pytest.mark.parametrize("command, payload", [
    ("/start", "/greet"), ("/start@support_standin_bot", "/greet"), ("/help", "/ask_capabilities"),
    ("/helpline", "/ask_helpline"),
    # any other command is sent as words, through NLU and the safety screen, never as an intent
    ("/affirm", "affirm"), ("/want to die", "want to die"), ("/", "/ask_capabilities"),
    ("/greet@1.0 I want to kill myself", "greet@1.0 I want to kill myself"),
    ('/inform_country{"country":"DE"} I want to kill myself', 'inform_country{"country":"DE"} I want to kill myself')])
def test_commands(standin, telegram, command, payload):
    standin.deliver(standin.text_update(new_chat_id(), command))
    assert [m.text for m in telegram.rasa.messages] == [payload]


def test_a_button_press_is_answered_and_sent_to_rasa_as_the_user_s_message(standin, telegram):
    chat = new_chat_id()
    update = standin.callback_update(chat, "/affirm", language_code="en-AU")
    assert standin.deliver(update).status_code == 200
    assert standin.answered_callbacks == [update["callback_query"]["id"]]
    [message] = telegram.rasa.messages
    # a payload skips NLU, so the country hint from the language travels in the payload itself
    assert (message.text, message.sender_id) == ('/affirm{"country_hint": "AU"}', f"telegram:{chat}")
    assert message.metadata == {"channel": "telegram", "language_code": "en-AU"}


def test_bot_buttons_are_an_inline_keyboard_and_long_payloads_survive(standin, telegram):
    chat = new_chat_id()
    standin.deliver(standin.text_update(chat, "buttons"))
    [question] = standin.messages_to(chat)
    assert [b["text"] for b in question.buttons] == ["Yes", "The United Kingdom"]
    short, long = (b["callback_data"] for b in question.buttons)
    assert short == "/affirm" and len(long.encode()) <= 64
    standin.deliver(standin.callback_update(chat, long))
    assert telegram.rasa.messages[-1].text == FakeRasa.LONG_PAYLOAD


def test_an_unknown_long_payload_key_says_the_button_expired(standin, telegram):
    chat = new_chat_id()
    standin.deliver(standin.callback_update(chat, "#" + "0" * 40))
    assert [m.text for m in standin.messages_to(chat)] == [texts.EXPIRED_BUTTON]
    assert telegram.rasa.messages == []


def test_a_long_reply_is_split_below_telegrams_limit(standin, telegram):
    chat = new_chat_id()
    standin.deliver(standin.text_update(chat, "long"))
    parts = standin.messages_to(chat)
    assert len(parts) >= 3 and all(telegram_length(p.text) <= MAX_TEXT for p in parts)
    assert all(p.text.endswith("too much.") for p in parts)  # cut between paragraphs
    assert sum(p.text.count("Slow breathing") for p in parts) == 12 * 11


def test_a_failed_send_does_not_stop_the_rest_of_the_reply(standin, telegram):
    chat = new_chat_id()
    standin.fail_next("sendMessage", 500, "Internal Server Error")
    assert standin.deliver(standin.text_update(chat, "long")).status_code == 200
    assert len(standin.messages_to(chat)) >= 2


def test_when_rasa_fails_the_user_still_gets_an_answer_and_telegram_a_200(standin, telegram):
    chat = new_chat_id()
    assert standin.deliver(standin.text_update(chat, "boom")).status_code == 200
    assert [m.text for m in standin.messages_to(chat)] == [texts.SOMETHING_WENT_WRONG]


def _events(url: str, chat: str) -> int:
    with engine_for(url).connect() as connection:
        query = select(func.count()).where(EVENTS.c.sender_id == f"telegram:{chat}")
        return connection.execute(query).scalar()


@pytest.fixture
def conversations(telegram):
    """Two stored conversations, as Rasa's tracker store would hold them."""
    engine = engine_for(telegram.database_url)
    EVENTS.metadata.create_all(engine)
    chat, other = str(new_chat_id()), str(new_chat_id())
    with engine.begin() as connection:
        for sender in (chat, other, chat):
            connection.execute(insert(EVENTS).values(sender_id=f"telegram:{sender}", type_name="user", timestamp=1.0,
                                                     data=json.dumps({"text": "something private"})))
    return chat, other


def test_forget_asks_first_and_erases_the_conversation_on_confirmation(standin, telegram, conversations):
    chat, other = conversations
    standin.deliver(standin.text_update(int(chat), "/forget"))
    [question] = standin.messages_to(int(chat))
    assert question.text == texts.FORGET_ASK
    assert [b["text"] for b in question.buttons] == ["Yes, delete it", "No, keep it"]
    assert _events(telegram.database_url, chat) == 2  # nothing yet, and nothing sent to Rasa
    assert telegram.rasa.messages == []

    yes = question.buttons[0]["callback_data"]
    standin.deliver(standin.callback_update(int(chat), yes))
    assert standin.messages_to(int(chat))[-1].text == texts.FORGET_DONE
    assert _events(telegram.database_url, chat) == 0
    assert _events(telegram.database_url, other) == 1
    assert telegram.rasa.messages == []


def test_forget_cancelled_deletes_nothing(standin, telegram, conversations):
    chat, _ = conversations
    standin.deliver(standin.text_update(int(chat), "/forget"))
    no = standin.messages_to(int(chat))[0].buttons[1]["callback_data"]
    standin.deliver(standin.callback_update(int(chat), no))
    assert standin.messages_to(int(chat))[-1].text == texts.FORGET_KEPT
    assert _events(telegram.database_url, chat) == 2


def test_a_failed_webhook_registration_is_logged_and_the_server_keeps_serving(
        standin, make_channel, caplog):
    standin.fail_next("setWebhook", 500, "Internal Server Error")
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram"):
        channel = make_channel()
    assert "could not register the webhook" in caplog.text
    chat = new_chat_id()
    answer = channel.server.post(json.dumps(standin.text_update(chat, "hello")).encode())
    assert answer.status_code == 200 and standin.messages_to(chat)[0].text == "You said: hello"


def test_a_wrong_token_is_logged_not_fatal(standin, make_channel, caplog):
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram"):
        make_channel(token="42:not-the-token")
    assert "could not register the webhook" in caplog.text and "NotFound" in caplog.text


# --- configuration -------------------------------------------------------------------------------

def _from_env(monkeypatch, **env) -> TelegramInput:
    for name in ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_URL"):
        monkeypatch.setenv(name, env.get(name, ""))
    return TelegramInput.from_credentials(None)


def test_without_a_token_the_channel_is_off_and_never_calls_telegram(standin, monkeypatch):
    channel = _from_env(monkeypatch, TELEGRAM_SECRET_TOKEN=SECRET, TELEGRAM_API_URL=standin.url,
                        TELEGRAM_WEBHOOK_URL="http://127.0.0.1:9/webhooks/telegram/webhook")
    assert channel.config is None and channel.get_output_channel() is None
    rasa = FakeRasa()
    server = SanicServer(channel.blueprint(rasa)).start()
    try:
        answer = server.post(json.dumps(standin.text_update(1, "hello")).encode())
        assert answer.status_code == 503
    finally:
        server.stop()
    assert rasa.messages == [] and standin.calls == []


def test_without_a_secret_the_channel_refuses_to_start(monkeypatch):
    with pytest.raises(RasaException, match="TELEGRAM_SECRET_TOKEN is not set"):
        _from_env(monkeypatch, TELEGRAM_TOKEN=TOKEN)


@pytest.mark.parametrize("env, message", [
    ({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "has spaces in it"}, "TELEGRAM_SECRET_TOKEN must be"),
    ({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "x" * 257}, "TELEGRAM_SECRET_TOKEN must be"),
    ({"TELEGRAM_TOKEN": "not a token", "TELEGRAM_SECRET_TOKEN": SECRET}, "TELEGRAM_TOKEN does not look"),
])
def test_a_bad_configuration_is_a_clear_error(monkeypatch, env, message):
    with pytest.raises(RasaException, match=message):
        _from_env(monkeypatch, **env)


def test_a_full_configuration_turns_the_channel_on(monkeypatch, standin):
    channel = _from_env(monkeypatch, TELEGRAM_TOKEN=TOKEN, TELEGRAM_SECRET_TOKEN=SECRET,
                        TELEGRAM_API_URL=standin.url, TELEGRAM_WEBHOOK_URL="https://example.org/hook")
    assert channel.config.secret_token == SECRET and channel.config.api_url == standin.url
    assert channel.name() == "telegram" and channel.get_output_channel().name() == "telegram"
    assert standin.calls == []  # nothing is called before the server runs


def test_flood_control_is_waited_out(standin, telegram):
    chat = new_chat_id()
    standin.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1})
    standin.deliver(standin.text_update(chat, "hello"))
    assert [m.text for m in standin.messages_to(chat)] == ["You said: hello"]


def test_an_unreachable_api_is_logged_without_the_token(make_channel, caplog):
    with caplog.at_level(logging.WARNING):
        channel = make_channel(api_url=f"http://127.0.0.1:{free_port()}")
        answer = channel.server.post(json.dumps({"update_id": 1, "message": {
            "message_id": 1, "chat": {"id": 3, "type": "private"}, "text": "hello"}}).encode())
    assert answer.status_code == 200 and channel.rasa.messages[0].text == "hello"
    assert "could not register the webhook" in caplog.text and "sendMessage failed" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


# -- hostile input: never a 5xx ------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=15)
_updates = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=1, max_value=2**31)},
    optional={"message": st.fixed_dictionaries(
        {"chat": st.fixed_dictionaries({"id": st.integers(), "type": st.sampled_from(["private", "group", 5])})},
        optional={"text": st.text(max_size=300), "from": _json, "caption": _json}),
        "callback_query": _json, "edited_message": _json})


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=200), _json.map(lambda v: json.dumps(v).encode()),
                      _updates.map(lambda v: json.dumps(v).encode())))
def test_no_update_makes_the_webhook_fail(telegram, body):
    assert telegram.server.post(body).status_code in (200, 400)


def test_with_redis_a_redelivery_to_another_worker_is_answered_once(standin, make_channel, monkeypatch):
    """Two workers (two channels, as SANIC_WORKERS makes) share the record of updates in Redis."""
    from tests.faults.servers import OwnRedis

    redis_server = OwnRedis().start()
    try:
        monkeypatch.setenv("REDIS_URL", redis_server.url)
        first, second = make_channel(), make_channel()
        chat = new_chat_id()
        body = json.dumps(standin.text_update(chat, "hello")).encode()
        answers = [worker.server.post(body, secret=SECRET) for worker in (first, second, second, first)]
        assert [a.status_code for a in answers] == [200] * 4
        assert len(first.rasa.messages) + len(second.rasa.messages) == 1
        assert len(standin.messages_to(chat)) == 1
        # Redis gone: updates are still answered (twice at worst), never dropped.
        redis_server.stop()
        other = new_chat_id()
        assert first.server.post(json.dumps(standin.text_update(other, "hi")).encode(),
                                 secret=SECRET).status_code == 200
        assert len(standin.messages_to(other)) == 1
    finally:
        redis_server.stop()
