"""What every channel does to a message before Rasa sees it: one set of rules for web chat, Telegram
and REST.

- Text is cleaned of code points that are not text (lone UTF-16 surrogates, control characters,
  non-characters): they crashed components further on and can never be something a person meant.
- One length limit for every channel. A longer message is not read; Rasa gets the payload
  `/message_too_long` instead, whose reply asks for shorter parts and names the crisis line.
- The safety screen always runs: Rasa takes any text starting with "/" for an intent and throws away
  the NLU result, the screen's verdict with it. So a message keeps its "/" only when it is exactly a
  button payload the assistant itself sends (a domain intent, optionally with a country code);
  anything else loses its leading slashes and is read as the words it is.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

import yaml

from bot.settings import ROOT

MAX_MESSAGE_CHARS = 5000
TOO_LONG_PAYLOAD = "/message_too_long"
DOMAIN_DIR = ROOT / "domain"

_PAYLOAD = re.compile(r"^/([a-z][a-z0-9_]*)(\{.*\})?$", re.DOTALL)
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
# Entities a payload may carry: the country the widget's banner shows or the person chose there.
_PAYLOAD_ENTITIES = frozenset({"country", "country_hint"})
_KEEP_CONTROLS = frozenset("\n\t")
_LEADING_SLASHES = re.compile(r"^[\s/]+")  # "/\n/ hi" must not keep a slash after the first is gone


class Inbound(NamedTuple):
    """A message ready for Rasa: `text` is what Rasa gets; `too_long` says it replaced the original."""
    text: str
    too_long: bool = False


@functools.lru_cache(maxsize=4)
def domain_intents(domain_dir: Path = DOMAIN_DIR) -> frozenset:
    intents: set = set()
    for path in sorted(Path(domain_dir).glob("*.yml")):
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        for item in data.get("intents") or []:
            intents.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return frozenset(intents)


def clean(text: str) -> str:
    """The text without surrogates, control characters (newlines and tabs stay) or non-characters."""
    return "".join(ch for ch in text if _is_text(ch)).strip()


def _is_text(ch: str) -> bool:
    if ch in _KEEP_CONTROLS:
        return True
    category = unicodedata.category(ch)
    if category in ("Cs", "Cc"):  # surrogates, control characters
        return False
    point = ord(ch)
    return not (0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE)


def is_payload(text: str, intents: Iterable[str]) -> bool:
    """True only for a payload the assistant's own buttons send: `/intent` or `/intent{"country": "DE"}`."""
    match = _PAYLOAD.match(text)
    if not match or match.group(1) not in intents:
        return False
    if match.group(2) is None:
        return True
    try:
        entities = json.loads(match.group(2))
    except ValueError:
        return False
    return (isinstance(entities, dict) and bool(entities) and set(entities) <= _PAYLOAD_ENTITIES
            and all(isinstance(v, str) and _COUNTRY_CODE.match(v) for v in entities.values()))


def as_words(text: str) -> str:
    """A "/..." message that is not a payload, as plain words ("/greet@1.0 hi" becomes "greet@1.0 hi")."""
    return _LEADING_SLASHES.sub("", text).strip() if text.startswith("/") else text


def prepare(raw: object, intents: Optional[Iterable[str]] = None) -> Optional[Inbound]:
    """What Rasa should get for a message a channel received, or None when there is nothing to read."""
    if not isinstance(raw, str):
        return None
    text = clean(raw)
    if len(text) > MAX_MESSAGE_CHARS:
        return Inbound(TOO_LONG_PAYLOAD, too_long=True)
    if text.startswith("/") and not is_payload(text, domain_intents() if intents is None else intents):
        text = as_words(text)
    return Inbound(text) if text else None
