"""Undo the spellings people use to write about suicide in chat, keeping a map back to the original.

People in crisis write fast, misspell, and often disguise words ("su1c1de", "k.m.s", "sewer slide")
to get past filters on other platforms. Matching runs on the normalised text; evidence spans are
mapped back through `Normalised.span` so that staff see exactly what the person wrote.
"""
from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

_CHAR_FOLDS = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_CACHE_SIZE = 50_000
_SPECIAL = frozenset(_CHAR_FOLDS) | _INVISIBLE
_WORD = re.compile(r"[a-z0-9@$!|*]+")
_HYPHEN = re.compile(r"(?<=[a-z])[-_/](?=[a-z])")
_REPEAT = re.compile(r"([a-z])\1{2,}")
# Single characters split by spaces or dots ("s u i c i d e", "k.m.s"): only joined when the
# result is a word we screen for, so ordinary initials and lists stay untouched.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9@$!|*][ .\-_]{1,2}){2,}[a-z0-9@$!|*](?![a-z0-9])")
# A number with a unit or an ordinal ("3am", "30mg", "2nd") is never leetspeak, even in a
# message full of it.
_QUANTITY = re.compile(r"\d+(?:st|nd|rd|th|am|pm|mg|g|kg|ml|l|s|k|m|h|hrs?|mins?|x|yo|yrs?|cm|mm|km|ft|lbs?|p)?")
# Two disguised words make a message leetspeak throughout ("t0n1ght 1m g01ng t0 3nd 1t"): only
# then are words that start with a digit read as letters too.
_LEET_MESSAGE = 2
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Normalised:
    """Normalised text; char i came from original[starts[i]:ends[i]]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if not self.text or end <= start:
            return (0, 0)
        return self.starts[start], self.ends[end - 1]


class _Builder:
    """Accumulates replacement pieces with their original offsets."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def keep(self, text: str, starts: Iterable[int], ends: Iterable[int]) -> None:
        self.chars.append(text)
        self.starts.extend(starts)
        self.ends.extend(ends)

    def replace(self, text: str, start: int, end: int) -> None:
        self.keep(text, [start] * len(text), [end] * len(text))


def _substitute(norm: Normalised, pattern: re.Pattern, repl: Callable[[re.Match], str]) -> Normalised:
    """re.sub that carries the offset map: equal-length replacements keep per-char offsets."""
    changes = [(m.start(), m.end(), new) for m in pattern.finditer(norm.text) if (new := repl(m)) != m.group(0)]
    if not changes:
        return norm
    out, pos = _Builder(), 0
    for a, b, new in changes:
        out.keep(norm.text[pos:a], norm.starts[pos:a], norm.ends[pos:a])
        if len(new) == b - a:
            out.keep(new, norm.starts[a:b], norm.ends[a:b])
        elif new:
            out.replace(new, norm.starts[a], norm.ends[b - 1])
        pos = b
    out.keep(norm.text[pos:], norm.starts[pos:], norm.ends[pos:])
    return Normalised(norm.original, "".join(out.chars), tuple(out.starts), tuple(out.ends))


def _fold(text: str) -> Normalised:
    lowered = text.lower()
    if len(lowered) == len(text) and not (_SPECIAL & set(text)):
        # The common case: lower-casing kept every character in place.
        return Normalised(text, lowered, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    out = _Builder()
    for i, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        folded = _CHAR_FOLDS.get(char, char).lower()
        out.keep(folded, [i] * len(folded), [i + 1] * len(folded))
    return Normalised(text, "".join(out.chars), tuple(out.starts), tuple(out.ends))


class Normaliser:
    """Configured from the `normalise` data in the pattern files; see patterns/normalise.yml.

    `known` says whether a word is ordinary English: a known word is never "corrected" towards a
    key word ("subside" stays), and leetspeak is only undone into known words."""

    def __init__(self, config: dict, vocabulary: Iterable[str] = (),
                 known: Callable[[str], bool] = lambda word: False) -> None:
        self.leet: dict[str, str] = dict(config.get("leet", {}))
        self.words: dict[str, str] = dict(config.get("words", {}))
        self.targets: tuple[str, ...] = tuple(config.get("disguised_targets", ()))
        self.vocabulary = frozenset(vocabulary) | frozenset(self.words) | frozenset(self.targets)
        self.known = known
        self.fuzzy = FuzzyWords(config.get("fuzzy_targets", ()))
        phrases = sorted(config.get("phrases", {}).items(), key=lambda kv: -len(kv[0]))
        self.phrases = dict(phrases)
        self._phrase_re = _phrase_regex(self.phrases)
        contractions = config.get("contractions", {})
        self.contractions: dict[str, str] = dict(contractions.get("words", {}))
        self._contraction_re = _contraction_regex(self.contractions, contractions.get("before", ()))
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> Normalised:
        norm = _fold(text)
        norm = _substitute(norm, _SPACED, self._join_spaced)
        norm = _substitute(norm, _HYPHEN, lambda m: " ")
        if self._phrase_re is not None:
            norm = _substitute(norm, self._phrase_re, lambda m: self.phrases[m.group(0)])
        word = self._leet_word if self._is_leet(norm.text) else self.word
        norm = _substitute(norm, _WORD, lambda m: word(m.group(0)))
        if self._contraction_re is not None:
            norm = _substitute(norm, self._contraction_re, lambda m: self.contractions[m.group(0)])
        if self._phrase_re is not None:
            # A second pass catches phrases that only appear once words are repaired ("my s3lf").
            norm = _substitute(norm, self._phrase_re, lambda m: self.phrases[m.group(0)])
        return norm

    def word(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._word(word)
            if len(self._cache) < _CACHE_SIZE:
                self._cache[word] = cached
        return cached

    def _word(self, word: str) -> str:
        if word in self.words:
            return self.words[word]
        fixed = self._deleet(word)
        if "*" in fixed:
            fixed = self._uncensor(fixed)
        if _REPEAT.search(fixed):
            fixed = self._unrepeat(fixed)
        if fixed.endswith("in") and fixed not in self.vocabulary and fixed + "g" in self.vocabulary:
            fixed += "g"  # "thinkin", "cuttin"
        if fixed not in self.words and not self._is_word(fixed):
            fixed = self.fuzzy(fixed) or fixed  # "sucidal", "suisidal", "paracetemol"
        return self.words.get(fixed, fixed)

    def _is_word(self, word: str) -> bool:
        return word in self.vocabulary or self.known(word)

    def _is_leet(self, text: str) -> bool:
        """Whether the message writes words in digits throughout ("1m g01ng t0 3nd 1t")."""
        if not _DIGIT.search(text):
            return False
        disguised = 0
        for match in _WORD.finditer(text):
            word = match.group(0)
            if word in self.words or _QUANTITY.fullmatch(word) or word.isalpha() or word.isdigit():
                continue
            read = self._deleet(word, leading=True)
            if read != word and self._is_word(read):
                disguised += 1
        return disguised >= _LEET_MESSAGE

    def _leet_word(self, word: str) -> str:
        """In a leetspeak message a leading digit is a letter too: "1t" is "it", "3nd" is "end",
        and "1" alone is "I"."""
        if word == "1":
            return "i"
        if word[0].isdigit() and not word.isdigit():
            read = self._deleet(word, leading=True)
            if self._is_word(read) or read in self.words:
                word = read
        return self.word(word)

    def _join_spaced(self, match: re.Match) -> str:
        joined = re.sub(r"[ .\-_]", "", match.group(0))
        if joined in self.targets or self._deleet(joined) in self.targets:
            return self.word(joined)
        return match.group(0)  # "u r ok" stays: only the screened words are ever joined

    def _deleet(self, word: str, leading: bool = False) -> str:
        # Numbers that start a word are quantities or times ("30mg", "3am"), never disguise,
        # unless the whole message is written in leetspeak (`leading`).
        if (word[0].isdigit() and not leading) or not any(c.isalpha() for c in word):
            return word
        chars = list(word)
        for i, char in enumerate(chars):
            if char not in self.leet:
                continue
            # Punctuation-like symbols only count inside a word: "help!" keeps its "!", "d!3"
            # loses it.
            if char.isdigit() or (i + 1 < len(chars) and chars[i + 1].isalnum()):
                chars[i] = self.leet[char]
        return "".join(chars)

    def _uncensor(self, word: str) -> str:
        if not any(c.isalpha() for c in word):
            return word
        for target in self.targets:
            if len(target) == len(word) and fnmatch.fnmatchcase(target, word.replace("*", "?")):
                return target
        return word

    def _unrepeat(self, word: str) -> str:
        double = _REPEAT.sub(r"\1\1", word)
        single = _REPEAT.sub(r"\1", word)
        for candidate in (double, single):
            if candidate in self.vocabulary:
                return candidate
        return double


class FuzzyWords:
    """Misspellings of a few long key words ("sucide", "suisidal"), by a bounded edit distance.

    A fixed list of misspellings always misses the next one; an edit distance of one (two for
    words of eight letters or more) covers them. Only words that are not English reach here, and
    the first letter must agree, so "subside" and "decide" are never read as "suicide"."""

    def __init__(self, targets: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for target in targets:
            self._by_first[target[0]].append(target)

    def __call__(self, word: str) -> str | None:
        if len(word) < 5 or not word.isalpha():
            return None
        for target in self._by_first.get(word[0], ()):
            limit = 1 if len(target) < 8 else 2
            if abs(len(target) - len(word)) <= limit and edit_distance(word, target, limit) <= limit:
                return target
        return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts one), or limit + 1 once
    every alignment exceeds the limit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _phrase_regex(phrases: dict[str, str]) -> re.Pattern | None:
    if not phrases:
        return None
    alternatives = "|".join(re.escape(key) for key in phrases)
    return re.compile(rf"(?<![a-z0-9'])(?:{alternatives})(?![a-z0-9])")


def _contraction_regex(words: dict[str, str], before: Iterable[str]) -> re.Pattern | None:
    """A contraction typed without its apostrophe, only when a verb follows: "ill be gone"."""
    following = "|".join(re.escape(word) for word in before)
    if not words or not following:
        return None
    alternatives = "|".join(re.escape(key) for key in words)
    return re.compile(rf"(?<![a-z0-9'])(?:{alternatives})(?= +(?:{following})(?![a-z0-9']))")
