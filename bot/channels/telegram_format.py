"""Turning bot replies into Telegram messages: splitting long texts, inline keyboards, commands.

Plain functions and one small class, no I/O, so that every rule here is tested without a server.
Replies are sent as plain text (no parse_mode): nothing the bot says is ever read as markup, so no
character of it needs escaping or can be mangled.
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any, Dict, Iterable, List, Optional, Tuple

# Telegram's limits (https://core.telegram.org/bots/api#sendmessage, #inlinekeyboardbutton).
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64  # bytes

# Callback data the channel itself handles (never sent to Rasa) starts with this.
CHANNEL_PREFIX = "tg:"
# Callback data standing for a payload too long for Telegram starts with this.
LONG_PAYLOAD_PREFIX = "#"

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so an emoji can count twice."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int) -> int:
    """The largest index i such that text[:i] fits in `limit` UTF-16 units."""
    if telegram_length(text) <= limit:
        return len(text)
    low, high = 0, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if telegram_length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut(window: str) -> int:
    """Where to end a chunk inside `window`: after a paragraph, a line, a sentence or a word.

    A boundary in the first half of the window is only used when nothing better exists, so chunks
    stay close to the limit instead of leaving a stub.
    """
    floor = len(window) // 2
    for boundary in ("\n\n", "\n"):
        at = window.rfind(boundary)
        if at >= floor:
            return at + len(boundary)
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= floor:
        return ends[-1]
    spaces = [m.end() for m in re.finditer(r"\s+", window)]
    if spaces and spaces[-1] > 0:
        return spaces[-1]
    return len(window)  # one unbroken run of characters: cut it where it must be cut


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Splits `text` into messages of at most `limit` Telegram characters.

    Cuts at paragraph, then line, then sentence, then word boundaries; only a run of characters
    longer than the limit with no space in it is cut mid-word. Nothing is lost or reordered except
    the whitespace at each cut.
    """
    rest = (text or "").strip()
    chunks: List[str] = []
    while rest:
        end = _longest_prefix(rest, limit)
        if end < len(rest):
            end = _cut(rest[:end])
        chunk, rest = rest[:end].rstrip(), rest[end:].lstrip()
        if chunk:
            chunks.append(chunk)
    return chunks


def parse_command(text: str) -> Optional[Tuple[str, str]]:
    """('start', 'args') for '/start args' or '/start@SomeBot args'; None if not a command."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


class ButtonPayloads:
    """Rasa button payloads as Telegram callback data, which may hold at most 64 bytes.

    A payload that fits is sent as it is. A longer one is sent as '#' and a hash of it, and the
    payload is kept here to be looked up when the button is pressed. This memory is per process and
    bounded (the oldest entries go first); a press that cannot be resolved (after a restart, or on
    another replica) is reported to the user as an expired button, never sent on garbled.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._long: "OrderedDict[str, str]" = OrderedDict()

    def encode(self, payload: str) -> str:
        fits = len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA
        if fits and payload and not payload.startswith((CHANNEL_PREFIX, LONG_PAYLOAD_PREFIX)):
            return payload
        key = LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self.capacity:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> Optional[str]:
        """The payload a press stands for, or None if it is no longer known."""
        if not data.startswith(LONG_PAYLOAD_PREFIX):
            return data
        payload = self._long.get(data)
        if payload is not None:
            self._long.move_to_end(data)
        return payload


def inline_keyboard(buttons: Iterable[Dict[str, Any]], payloads: ButtonPayloads) -> Dict[str, Any]:
    """Rasa buttons as an inline keyboard, one button a row (titles stay readable on a phone)."""
    rows = []
    for button in buttons:
        title = str(button.get("title") or button.get("payload") or "").strip()
        if not title:
            continue
        url = button.get("url")
        payload = str(button.get("payload") or "")
        if url or payload.startswith(("https://", "http://")):
            rows.append([{"text": title, "url": url or payload}])
        else:
            rows.append([{"text": title, "callback_data": payloads.encode(payload or title)}])
    return {"inline_keyboard": rows}


def channel_keyboard(*buttons: Tuple[str, str]) -> Dict[str, Any]:
    """A keyboard of the channel's own buttons: (title, action) pairs, pressed back to the channel."""
    return {"inline_keyboard": [[{"text": title, "callback_data": CHANNEL_PREFIX + action}]
                                for title, action in buttons]}
