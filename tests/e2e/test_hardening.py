"""No fault, input or caller silences the bot or skips the screen: the whole stack, over REST and the
web chat, with servers killed under it and hostile messages sent to it."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
import requests
from sqlalchemy import func, select

from bot.channels import inbound
from bot.database import engine_for
from bot.flags import EVENTS
from tests.e2e.conftest import Chat, flag_of
from tests.webchat.conftest import SocketClient, run_async

pytestmark = pytest.mark.e2e

# Must never reach a log: a marker, a phone number and an e-mail address inside messages.
PRIVATE = ("zq-private-marker", "+44 7700 900123", "someone.private@example.org")
MARKED = f"my name is {PRIVATE[0]}, call me on {PRIVATE[1]} or write to {PRIVATE[2]}"
APOLOGY = "something went wrong on my side"


def _user_events(settings, conversation_id) -> int:
    query = select(func.count()).where((EVENTS.c.sender_id == conversation_id) & (EVENTS.c.type_name == "user"))
    with engine_for(settings.database_url).connect() as connection:
        return connection.execute(query).scalar()


# -- the screen always runs ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "/greet@1.0 I want to kill myself tonight",
    '/inform_country{"country":"DE"} I want to kill myself tonight',
])
def test_a_crisis_message_behind_an_intent_prefix_is_still_screened_on_rest(stack, stack_settings, typed):
    chat = Chat(stack_settings.rasa_port)
    reply = chat.text(typed)
    assert "I'm really glad you told me" in reply or "Are you safe right now?" in reply, reply
    assert flag_of(stack_settings, chat.conversation_id).level in ("high", "imminent")


def test_a_crisis_message_behind_an_intent_prefix_is_still_screened_on_the_web_chat(stack, stack_settings):
    async def scenario():
        client = await SocketClient.open(f"http://127.0.0.1:{stack_settings.rasa_port}")
        token = await client.session()
        replies = await client.say("/greet@1.0 I want to kill myself tonight")
        await client.close()
        return token.split(".")[0], [r.get("text", "") for r in replies]

    sender, texts = run_async(scenario())
    assert any("Are you safe right now?" in t or "glad you told me" in t for t in texts), texts
    assert flag_of(stack_settings, sender).level in ("high", "imminent")


def test_a_message_too_long_to_read_gets_a_reply_with_the_crisis_line(stack, stack_settings):
    chat = Chat(stack_settings.rasa_port)
    chat.text("I'm in the UK")
    reply = chat.text("I can't go on. " * 400)
    assert "shorter parts" in reply and "116 123" in reply, reply


# -- faults ------------------------------------------------------------------------------------------

def test_when_the_action_server_dies_rasa_keeps_answering_and_it_is_restarted(stack, stack_settings):
    chat, asker = Chat(stack_settings.rasa_port), Chat(stack_settings.rasa_port)
    chat.text("I'm in Ireland")
    asker.text("I'm in Ireland")
    stack.kill("action-server")
    try:
        crisis = chat.say("I want to die tonight, I have a plan")
        assert any("116 123" in m.get("text", "") for m in crisis)
        question = asker.text("what are the side effects of sertraline?")
        assert APOLOGY in question and "116 123" in question, question
        assert question.count(APOLOGY) == 1
    finally:
        stack.wait_until_up("action-server", timeout=90)
    assert stack.children["action-server"].restarts >= 1
    assert APOLOGY not in Chat(stack_settings.rasa_port).text("what are the side effects of sertraline?")
    assert flag_of(stack_settings, chat.conversation_id).level == "imminent"


def test_a_hung_action_server_gets_the_apology_after_the_timeout(stack, stack_settings):
    asker = Chat(stack_settings.rasa_port)
    asker.text("I'm in the UK")
    process = stack.children["action-server"].process
    os.killpg(process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        question = asker.text("what are the side effects of sertraline?")
        waited = time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGCONT)
    assert APOLOGY in question and "116 123" in question, question
    assert waited < stack_settings.action_timeout_s + 10


def test_a_dead_rasa_server_is_restarted(stack, stack_settings):
    stack.kill("rasa-server")
    stack.wait_until_up("rasa-server", timeout=240)
    assert "116 123" in Chat(stack_settings.rasa_port).text("I'm in the UK and I want to end my life")


# -- one conversation flooded -----------------------------------------------------------------------

def test_a_flood_on_one_socket_loses_nothing_it_accepted_and_refuses_the_rest_aloud(stack, stack_settings):
    count = 40

    async def scenario():
        client = await SocketClient.open(f"http://127.0.0.1:{stack_settings.rasa_port}")
        token = await client.session()
        first = "I'm in the UK and I want to kill myself"
        for n in range(1, count + 1):
            text = first if n == 1 else f"message number {n}"
            await client.ws.send(f"42{n}" + json.dumps(["user_uttered", {"message": text}]))
        acks = {}
        deadline = time.monotonic() + 60
        while len(acks) < count and time.monotonic() < deadline:
            packet = await client._packet(timeout=max(0.1, deadline - time.monotonic()))
            if packet.startswith("43"):
                digits = "".join(ch for ch in packet[2:6] if ch.isdigit())
                acks[int(digits)] = json.loads(packet[2 + len(digits):])[0]
        await asyncio.sleep(0)
        await client.close()
        return token.split(".")[0], acks

    sender, acks = run_async(scenario(), timeout=120)
    assert len(acks) == count
    accepted = [n for n, ack in acks.items() if ack.get("ok")]
    refused = [n for n, ack in acks.items() if not ack.get("ok")]
    # Beyond five waiting: "busy" (the widget sends it again); beyond 30 a minute: "rate_limited",
    # with a reply saying so.
    assert 1 in accepted and refused and all(acks[n]["error"] in ("busy", "rate_limited") for n in refused)
    deadline = time.monotonic() + 120
    while _user_events(stack_settings, sender) < len(accepted) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _user_events(stack_settings, sender) == len(accepted)
    assert flag_of(stack_settings, sender).level in ("high", "imminent")


# -- logs without text --------------------------------------------------------------------------------

def test_no_message_text_phone_number_or_email_reaches_the_logs(stack, stack_settings):
    url = f"http://127.0.0.1:{stack_settings.rasa_port}/webhooks/rest/webhook"
    chat = Chat(stack_settings.rasa_port)
    for text in (MARKED, f"/no_such_intent {MARKED}", f"/greet@1.0 {MARKED}", f"\ud800{MARKED}\x00",
                 MARKED + " x" * inbound.MAX_MESSAGE_CHARS, f'/greet{{"text": "{MARKED}"}}'):
        chat.say(text)
    for body in (f'{{"sender": "a", "message": "{MARKED}"'.encode(), json.dumps([MARKED]).encode(),
                 json.dumps({"sender": MARKED * 10, "message": MARKED}).encode()):
        assert requests.post(url, data=body, timeout=30).status_code == 400
    stack.kill("action-server")
    try:
        chat.say(f"what are the side effects of sertraline? {MARKED}")
    finally:
        stack.wait_until_up("action-server", timeout=90)

    async def web_chat():
        client = await SocketClient.open(f"http://127.0.0.1:{stack_settings.rasa_port}")
        await client.session()
        await client.say(MARKED)
        await client.close()

    run_async(web_chat())
    logs = {path.name: path.read_text(errors="replace") for path in stack.log_dir.glob("*.log")}
    assert logs
    for name, text in logs.items():
        for private in PRIVATE:
            assert private not in text, f"{private!r} is in {name}"
