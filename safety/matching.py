"""Run only the patterns a message can match: small spaCy Matchers indexed by trigger words.

A single Matcher holding every pattern costs about a microsecond per pattern per message. A
pattern cannot match a message that lacks a word for each of its required tokens; so each pattern
gets its own small Matcher, filed under the words of its most selective required token, and a
message runs only the few whose required words it contains.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from safety.rules import Rule

ALWAYS = "\x00always"
# Common words make poor triggers: a pattern is indexed under its rarest required token. The
# second set is common in this domain's messages; the choice only affects speed, never results.
_COMMON = frozenset(STOP_WORDS) | {"not", "n't", "be", "have", "do", "'m", "'s", "'ve", "'ll", "'d", "me", "i"}
_DOMAIN_COMMON = frozenset({"want", "like", "feel", "think", "know", "go", "get", "life", "just",
                            "really", "die", "kill", "time", "day", "people", "make", "need",
                            "thing", "tell", "say", "end", "hurt", "cut", "live", "take"})


class TriggeredMatcher:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._keys: dict[int, tuple[Rule, bool]] = {}
        self._entries: list[tuple[tuple[frozenset[str], ...], Matcher, list[dict]]] = []
        self._index: dict[str, list[int]] = defaultdict(list)

    def add(self, rule: Rule, key: str, patterns: list[list[dict]], anchored: bool) -> None:
        """Index each pattern under the words of its most selective required token."""
        self._keys[self.vocab.strings[key]] = (rule, anchored)
        for pattern in patterns:
            # Patterns are validated once, by the test suite: validation dominates build time.
            matcher = Matcher(self.vocab, validate=False)
            matcher.add(key, [pattern])
            # Most selective first, so the check in __call__ usually fails on its first test.
            required = tuple(sorted(_required(pattern), key=_selectivity))
            number = len(self._entries)
            self._entries.append((required, matcher, pattern))
            trigger = required[0] if required else frozenset({ALWAYS})
            for word in trigger:
                self._index[word].append(number)

    def __len__(self) -> int:
        return len(self._entries)

    def patterns(self) -> list[list[dict]]:
        """Every compiled token pattern (for validation in tests)."""
        return [pattern for _, _, pattern in self._entries]

    def __call__(self, doc: Doc, words: Iterable[str]) -> list[tuple[Rule, bool, int, int]]:
        """Matches as (rule, end-anchored, start, end); `words` are the doc's lemmas and forms."""
        words = frozenset(words) | {ALWAYS}
        index, entries = self._index, self._entries
        candidates: set[int] = set()
        for word in words:
            numbers = index.get(word)
            if numbers:
                candidates.update(numbers)
        found: set[tuple[int, int, int]] = set()
        for number in candidates:
            required, matcher, _ = entries[number]
            # Every required token needs one of its words in the message; the first is the
            # trigger the entry was found by.
            for needed in required[1:]:
                if needed.isdisjoint(words):
                    break
            else:
                found.update(matcher(doc))
        return [(*self._keys[match_id], start, end) for match_id, start, end in found]


def _required(pattern: list[dict]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(values) for token in pattern if "OP" not in token and (values := _values(token)))


def _selectivity(values: frozenset[str]) -> tuple[int, int, int]:
    common = sum(1 for v in values if v in _COMMON)
    return (common, sum(1 for v in values if v in _DOMAIN_COMMON), len(values))


def _values(token: dict) -> set[str]:
    for attr in ("LEMMA", "LOWER"):
        spec = token.get(attr)
        if isinstance(spec, dict) and "IN" in spec:
            return set(spec["IN"])
        if isinstance(spec, str):
            return {spec}
    return set()
