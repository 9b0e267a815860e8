"""Finding the user's country: from what they wrote, or as a hint from channel metadata.

Plain Python; the Rasa component in bot/nlu/ is a thin adapter over this.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from bot import places, words
from bot.content.files import read_helplines

# A city counts after one of these words, or when the message is little more than the name.
PLACE_WORDS = {"in", "from", "near", "around", "outside", "at", "to"}
SHORT_MESSAGE = 4
LONGEST_NAME = 5   # words
_WORD = re.compile(r"\w+")
# "I'm in X", "I live in X", "we moved to X", "I'm from X": X is a place, even one we cannot place.
_PLACE_PHRASE = re.compile(
    r"\b(?:(?:i'?m|i am|we'?re|we are|i live|we live|living|based|staying|moved|moving|relocated)\s+(?:in|to)"
    r"|(?:i'?m|i am|we'?re|we are|come|coming)\s+from)\s+(?:the\s+)?([^\W\d_][\w'-]*)", re.IGNORECASE)
# The entity value for a place named but not found: it replaces an earlier country, which must not
# be reused for a place that may be elsewhere; the replies then point to the international directory.
UNKNOWN = "unknown"


def _key(name: str) -> str:
    return " ".join(_WORD.findall(name.lower()))


@dataclass(frozen=True)
class _Match:
    kind: str           # "country", "code" or "city"
    code: str
    start: int          # word positions in the message
    end: int
    text: str           # as written


class CountryFinder:
    """Finds the country a person names: a country in any case or in its own language, a code or an
    abbreviation (bot/places.py), or a city. Returns ISO codes, also for countries the helpline
    directory does not list (the reply then says so and points to the international directory).

    Names are looked up word by word in dictionaries (tens of thousands of city names make a phrase
    matcher slow to build); the longest name at each position wins ("northern ireland", not "ireland").
    """

    def __init__(self, helplines_file: Path) -> None:
        countries = read_helplines(helplines_file)["countries"]
        self.codes = {c["code"] for c in countries}
        names = {_key(n): c for n, c in places.country_names().items()}
        for country in countries:
            names.update({_key(n): country["code"] for n in (country["name"], *country["aliases"])})
        self._names = {
            "country": names,
            "code": {code.lower(): code for code in places.iso_codes()},
            "city": {_key(name): place.code for name, place in places.city_names().items()},
        }
        self._locales = {l.lower(): c["code"] for c in countries for l in c["locales"]}
        self._zones = {z: c["code"] for c in countries for z in c["time_zones"]}

    def stated(self, text: str) -> Optional[str]:
        """The country the person says they are in: an ISO code, UNKNOWN for a place named that we
        cannot place ("I'm in Narnia now"), or None when no place is named."""
        return self.in_text(text) or (UNKNOWN if unplaced(text) else None)

    def in_text(self, text: str) -> Optional[str]:
        """The ISO code of the last country named in the text (a country before a city), if any."""
        tokens = list(_WORD.finditer(text))
        lowered = [t.group().lower() for t in tokens]
        found = [m for m in self._matches(text, tokens, lowered) if self._counts(text, lowered, m)]
        countries = [m for m in found if m.kind != "city"]
        chosen = (countries or found)[-1] if found else None
        return chosen.code if chosen else None

    def _matches(self, text: str, tokens: list, lowered: list[str]) -> list[_Match]:
        found, i = [], 0
        while i < len(tokens):
            match = self._longest_at(text, tokens, lowered, i)
            if match:
                found.append(match)
            i = match.end if match else i + 1
        return found

    def _longest_at(self, text: str, tokens: list, lowered: list[str], i: int) -> Optional[_Match]:
        for n in range(min(LONGEST_NAME, len(tokens) - i), 0, -1):
            key = " ".join(lowered[i:i + n])
            for kind in ("country", "code", "city"):
                code = self._names[kind].get(key)
                if code and (kind != "code" or n == 1):
                    return _Match(kind, code, i, i + n, text[tokens[i].start():tokens[i + n - 1].end()])
        return None

    @staticmethod
    def _counts(text: str, lowered: list[str], match: _Match) -> bool:
        before = lowered[match.start - 1] if match.start > 0 else ""
        in_place = before in PLACE_WORDS or (before == "the" and match.start > 1 and
                                             lowered[match.start - 2] in PLACE_WORDS)
        short = len(lowered) <= SHORT_MESSAGE
        name = match.text.lower()
        if match.kind == "city":
            alone = len(lowered) - (match.end - match.start) <= 2
            # "a helpline number for mumbai"; but "for reading" is not Reading
            return in_place if name in places.WORD_CITIES else in_place or alone or before == "for"
        if len(name) <= 2 and name.isalpha():
            if name in places.NOT_CODES:
                return False
            capitals = match.text.isupper() and not text.isupper() and not _shouted(lowered, text, match)
            if name in places.WORD_CODES:
                return capitals or (before == "the" and name in places.THE_CODES)
            return capitals or short or in_place or before == "the"
        if name in places.WORD_NAMES:
            return in_place or short or match.text[0].isupper()
        return True

    def from_metadata(self, metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
        """A hint from the browser locale ('en-GB'), time zone or Telegram language code ('pt-br')."""
        if not isinstance(metadata, Mapping):
            return None
        for key in ("locale", "language_code", "language"):
            code = self._from_locale(metadata.get(key))
            if code:
                return code
        zone = metadata.get("time_zone") or metadata.get("timezone")
        return self._zones.get(zone) if isinstance(zone, str) else None

    def _from_locale(self, value: Any) -> Optional[str]:
        if not isinstance(value, str) or not value.strip():
            return None
        locale = value.strip().replace("_", "-").lower()
        if locale in self._locales:
            return self._locales[locale]
        parts = locale.split("-")
        region = parts[-1].upper() if len(parts) > 1 else None
        return region if region in self.codes else None


def _shouted(lowered: list[str], text: str, match: _Match) -> bool:
    """Capitals that are shouting, not a code: "i cant concentrate AT ALL"."""
    words = [w.group() for w in _WORD.finditer(text)]
    neighbours = words[max(0, match.start - 1):match.start] + words[match.end:match.end + 1]
    return any(len(w) > 2 and w.isupper() for w in neighbours)


def unplaced(text: str) -> bool:
    """Whether the text names where the person is with a word too rare to be anything but a name."""
    return any(words.log_probability(m.group(1)) < words.RARE for m in _PLACE_PHRASE.finditer(text))


@lru_cache(maxsize=1)
def default_finder() -> CountryFinder:
    from bot import settings

    return CountryFinder(settings.load().helplines_file)


def with_country_hint(payload: str, metadata: Optional[Mapping[str, Any]]) -> str:
    """A button or command payload ('/greet') skips the NLU pipeline, and with it the country hint
    from metadata; this carries the hint in the payload itself ('/greet{"country_hint": "GB"}')."""
    if not payload.startswith("/") or "{" in payload:
        return payload
    hint = default_finder().from_metadata(metadata)
    return f'{payload}{{"country_hint": "{hint}"}}' if hint else payload
