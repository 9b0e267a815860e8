"""How common an English word is, from spaCy's frequency table (spacy-lookups-data, a pinned wheel's
data): to tell letter strings that are not words, and places we cannot place, from ordinary words."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

# Log probabilities; the table's floor is about -19.5 (seen once in its source corpus).
RARE = -14.5    # rarer than this after "I'm in": a name, so a place we may not know
KNOWN = -17.6   # rarer than this: not a word ("asdfghjkl" is -17.75)
UNKNOWN = -20.0


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    # Only the words above KNOWN are kept (188,000 of a million): the rest all count as unknown,
    # which is all either use needs, at a fifth of the memory.
    path = resources.files("spacy_lookups_data").joinpath("data", "en_lexeme_prob.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        return {w: p for w, p in json.load(handle).items() if p > KNOWN and w.isalpha()}


def log_probability(word: str) -> float:
    """The word's log probability in English text; UNKNOWN for words rarer than KNOWN."""
    return _table().get(word.lower(), UNKNOWN)


def preload() -> None:
    """Loads the table now (about a second) rather than on the first message that needs it."""
    _table()
