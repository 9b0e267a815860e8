"""How common an English word is, from spaCy's frequency table (spacy-lookups-data, a pinned wheel's
data): to tell letter strings that are not words, and places we cannot place, from ordinary words."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

# Log probabilities; the table's floor is about -19.5 (seen once in its source corpus).
RARE = -14.5


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    path = resources.files("spacy_lookups_data").joinpath("data", "en_lexeme_prob.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        return {w: p for w, p in json.load(handle).items() if w.isalpha() and p > -19}


def log_probability(word: str) -> float:
    """The word's log probability in English text; -20 for words the table does not know."""
    return _table().get(word.lower(), -20.0)
