"""What every channel does to a message before Rasa sees it, and how many it takes in."""
from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, strategies as st

from bot.channels import inbound, limits
from bot.channels.webchat_sessions import SessionSigner

INTENTS = inbound.domain_intents()


def test_the_payloads_are_the_domain_intents_the_buttons_and_widget_send():
    for intent in ("greet", "affirm", "inform_country", "forget_confirmed", "crisis_not_safe", "message_too_long"):
        assert intent in INTENTS


@pytest.mark.parametrize("text", [
    "/affirm", "/crisis_not_safe", '/greet{"country_hint":"GB"}', '/greet{"country_hint": "GB"}',
    '/inform_country{"country": "DE"}', '/exercise_grounding{"country": "GB", "country_hint": "GB"}',
])
def test_a_button_payload_stays_a_payload(text):
    assert inbound.prepare(text) == inbound.Inbound(text)


@pytest.mark.parametrize("text", [
    "/greet@1.0 I want to kill myself",
    '/inform_country{"country":"DE"} I want to kill myself',
    '/greet{"country_hint":"GB", "text": "I want to die"}',
    '/greet{"country_hint":"Great Britain"}',
    "/no_such_intent", "/kill_myself", "//affirm", "/affirm please", "/Affirm", "/greet{}",
])
def test_anything_else_loses_its_slash_and_is_read_as_words(text):
    prepared = inbound.prepare(text)
    assert prepared is not None and not prepared.text.startswith("/")
    assert prepared.text == text.lstrip("/").strip()


def test_text_is_cleaned_of_what_is_not_text():
    assert inbound.clean("I \ud800feel\x00 low\x1b[31m\ufffe\ufdd0 \U0010ffff today\n\tok") == "I feel low[31m  today\n\tok"


@pytest.mark.parametrize("raw", [None, 5, ["a"], "", "   ", "/", "\ud800", "\x00\x01"])
def test_nothing_to_read_is_none(raw):
    assert inbound.prepare(raw) is None


def test_a_message_over_the_limit_becomes_the_too_long_payload():
    assert inbound.prepare("x" * inbound.MAX_MESSAGE_CHARS).text == "x" * inbound.MAX_MESSAGE_CHARS
    over = inbound.prepare("I want to die " * 1000)
    assert over == inbound.Inbound(inbound.TOO_LONG_PAYLOAD, too_long=True)
    assert inbound.is_payload(over.text, INTENTS)


@given(st.text(max_size=300))
def test_whatever_arrives_rasa_gets_text_it_can_screen(raw):
    prepared = inbound.prepare(raw)
    if prepared is None:
        return
    text = prepared.text
    assert text and len(text) <= inbound.MAX_MESSAGE_CHARS
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    assert not text.startswith("/") or inbound.is_payload(text, INTENTS)
    text.encode("utf-8")  # never raises


# -- limits ----------------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_rate_limit_refills_over_a_minute():
    clock = Clock()
    limiter = limits.RateLimiter(3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another key has its own bucket
    clock.now += 20  # a third of a minute: one message's worth
    assert limiter.allow("a") and not limiter.allow("a")


def test_the_gate_refuses_beyond_the_waiting_limit_and_rate_limits_addresses_but_not_loopback():
    gate = limits.Gate(per_conversation=100, per_address=2, max_waiting=2)
    assert gate.admit("c1") is None and gate.admit("c1") is None
    assert gate.admit("c1") == limits.BUSY
    assert gate.admit("c2", "203.0.113.9") is None and gate.admit("c3", "203.0.113.9") is None
    assert gate.admit("c4", "203.0.113.9") == limits.RATE_LIMITED
    assert all(gate.admit(f"l{i}", "127.0.0.1") is None for i in range(5))


def test_admitted_messages_take_their_turns_in_order_and_free_the_line():
    gate = limits.Gate(per_conversation=100, per_address=100, max_waiting=5)
    order = []

    async def one(n):
        async with gate.turn("c"):
            order.append(("start", n))
            await asyncio.sleep(0.01)
            order.append(("end", n))

    async def scenario():
        for _ in range(3):
            assert gate.admit("c") is None
        await asyncio.gather(one(1), one(2), one(3))

    asyncio.run(scenario())
    assert order == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]
    assert gate.lines == {}


# -- web chat tokens -------------------------------------------------------------------------------

def test_a_web_chat_token_expires_and_renewing_keeps_the_conversation():
    clock = Clock()
    signer = SessionSigner(b"k" * 32, lifetime_s=3600, clock=clock)
    session = signer.issue()
    assert signer.verify(session.token) == session
    clock.now += 1800
    renewed = signer.renew(session)
    assert renewed.sender_id == session.sender_id and renewed.token != session.token
    clock.now += 1801
    assert signer.verify(session.token) is None          # the old token has expired
    assert signer.verify(renewed.token).sender_id == session.sender_id
    forged = renewed.token.replace(renewed.token.split(".")[1], "99999999999")
    assert signer.verify(forged) is None                 # the expiry is signed
