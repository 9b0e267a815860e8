"""Risk vocabulary: whether a message has any word worth asking about (patterns/vocabulary.yml)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from safety.rules import PATTERN_DIR

_WORD = re.compile(r"[a-z0-9]+")


class Vocabulary:
    def __init__(self, path: Path = PATTERN_DIR / "vocabulary.yml") -> None:
        stems = {str(s).lower() for s in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stems", ())}
        # Short stems match whole words only: "sh" is self-harm, "she" is not.
        self.exact = frozenset(s for s in stems if len(s) <= 3)
        self.stems = tuple(sorted(s for s in stems if len(s) > 3))

    def words(self, folded: str) -> list[str]:
        """The words of the (lower-cased, accent-free) text that are or begin with a risk stem."""
        return [w for w in _WORD.findall(folded) if w in self.exact or w.startswith(self.stems)]
