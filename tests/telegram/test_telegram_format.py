"""Splitting long replies, commands, and button payloads as Telegram callback data."""
from __future__ import annotations

import re

import pytest

from bot.channels.telegram_format import (MAX_CALLBACK_DATA, MAX_TEXT, ButtonPayloads, channel_keyboard,
                                          inline_keyboard, parse_command, split_text, telegram_length)


def _words(text: str) -> list:
    return re.split(r"\s+", text.strip())


def test_a_short_text_is_one_message_exactly_as_written():
    text = 'Call 116 123 (free, 24/7). Or text "SHOUT" to 85258 <- any time & it\'s *free*_.'
    assert split_text(text) == [text]


def test_an_empty_text_is_no_message():
    assert split_text("") == [] and split_text("  \n\n ") == []


def test_long_text_is_split_at_paragraphs_and_nothing_is_lost():
    paragraphs = [f"Paragraph {n}. " + "Some calm, careful words. " * 40 for n in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(telegram_length(c) <= MAX_TEXT for c in chunks)
    assert all(c.endswith("words.") for c in chunks)  # whole paragraphs
    assert _words(" ".join(chunks)) == _words(text)


def test_a_long_paragraph_is_split_at_sentences():
    text = " ".join(f"Sentence number {n} is here." for n in range(400))
    chunks = split_text(text, limit=500)
    assert all(len(c) <= 500 and c.endswith("here.") for c in chunks)
    assert _words(" ".join(chunks)) == _words(text)


def test_a_sentence_longer_than_the_limit_is_split_between_words():
    text = " ".join(["word"] * 300)
    chunks = split_text(text, limit=100)
    assert all(len(c) <= 100 and c.startswith("word") and c.endswith("word") for c in chunks)
    assert _words(" ".join(chunks)) == _words(text)


def test_a_run_without_spaces_is_cut_where_it_must_be():
    assert split_text("x" * 250, limit=100) == ["x" * 100, "x" * 100, "x" * 50]


def test_the_limit_counts_emoji_as_telegram_does():
    text = "🙂" * 3000  # 3000 characters, 6000 UTF-16 units
    chunks = split_text(text)
    assert len(chunks) == 2 and all(telegram_length(c) <= MAX_TEXT for c in chunks)
    assert "".join(chunks) == text


@pytest.mark.parametrize("text, expected", [
    ("/start", ("start", "")),
    ("/start@SupportBot", ("start", "")),
    ("/Help me please", ("help", "me please")),
    ("  /forget  ", ("forget", "")),
    ("hello /start", None),
    ("/", None),
    ("/ I want to talk", None),
])
def test_commands(text, expected):
    assert parse_command(text) == expected


def test_short_payloads_are_sent_as_they_are():
    payloads = ButtonPayloads()
    assert payloads.encode("/affirm") == "/affirm"
    assert payloads.decode("/affirm") == "/affirm"


def test_a_payload_longer_than_64_bytes_is_sent_as_a_key_and_resolved_on_press():
    payloads = ButtonPayloads()
    long = '/inform_country{"country": "Bosnia and Herzegovina", "note": "ünïcödé"}'
    assert len(long.encode()) > MAX_CALLBACK_DATA
    key = payloads.encode(long)
    assert len(key.encode()) <= MAX_CALLBACK_DATA and key != long
    assert payloads.decode(key) == long
    assert ButtonPayloads().decode(key) is None  # another process (or after a restart): unknown


def test_payloads_that_look_like_keys_cannot_be_confused_with_them():
    payloads = ButtonPayloads()
    for payload in ("#abc", "tg:forget:yes"):
        key = payloads.encode(payload)
        assert key != payload and payloads.decode(key) == payload


def test_the_payload_memory_is_bounded():
    payloads = ButtonPayloads(capacity=2)
    keys = [payloads.encode("/x" + "y" * 70 + str(n)) for n in range(3)]
    assert payloads.decode(keys[0]) is None and payloads.decode(keys[2]) is not None


def test_buttons_become_an_inline_keyboard_one_a_row():
    keyboard = inline_keyboard([{"title": "Yes, I'm safe right now", "payload": "/affirm"},
                                {"title": "No, I'm not safe", "payload": "/deny"},
                                {"title": "Find a Helpline", "url": "https://findahelpline.com"}],
                               ButtonPayloads())
    assert keyboard == {"inline_keyboard": [
        [{"text": "Yes, I'm safe right now", "callback_data": "/affirm"}],
        [{"text": "No, I'm not safe", "callback_data": "/deny"}],
        [{"text": "Find a Helpline", "url": "https://findahelpline.com"}]]}


def test_channel_buttons_are_marked_as_the_channel_s_own():
    assert channel_keyboard(("Yes", "forget:yes")) == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "tg:forget:yes"}]]}
