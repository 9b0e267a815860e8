"""Other languages: which language a message is in, and direct crisis statements in it.

The bot reads English only. This detector tells the policy when a message is in another language
(so the reply says so, with the crisis line) and catches direct statements of suicide risk in the
languages of the countries in the helpline directory, so those never depend on the bot reading them.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import yaml

from safety.levels import Level
from safety.opinion import Opinion
from safety.rules import PATTERN_DIR
from safety.verdict import Evidence

NAME = "languages"
FILE = PATTERN_DIR / "languages.yml"
_WORD = re.compile(r"[a-z]+")
_CATEGORY = {Level.HIGH: "suicidal_ideation", Level.IMMINENT: "act_under_way"}


def fold(text: str) -> str:
    """Lower case without accents, one character for one: offsets stay those of the original."""
    out = []
    for char in text.lower():
        base = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in base if not unicodedata.combining(c))
        out.append(kept[:1] if len(kept) >= 1 else char)
    return "".join(out)


class LanguageDetector:
    name = NAME

    def __init__(self, path: Path = FILE) -> None:
        raw = path.read_bytes()
        self.version = hashlib.sha256(raw + Path(__file__).read_bytes()).hexdigest()[:12]
        spec = yaml.safe_load(raw) or {}
        self.words = {lang: frozenset(words) for lang, words in spec["function_words"].items()}
        self.phrases = {lang: {key: [re.compile(rf"\b(?:{p})\b") for p in items]
                               for key, items in levels.items()}
                        for lang, levels in spec.get("phrases", {}).items()}

    def language(self, folded: str) -> str:
        """'en', another language's code, or '' when there are too few words to tell."""
        words = _WORD.findall(folded.replace("'", " "))
        counts = {lang: sum(w in vocab for w in words) for lang, vocab in self.words.items()}
        best = max((lang for lang in counts if lang != "en"), key=lambda lang: counts[lang])
        if counts[best] >= 2 and counts[best] > counts["en"] * 1.5:
            return best
        return "en" if counts["en"] else ""

    def __call__(self, text: str) -> Opinion:
        folded = fold(text)
        language = self.language(folded)
        if language == "en":
            return Opinion(self.name, self.version, language=language)
        # Too short to tell ("quiero morirme") or not English: every language's phrases apply.
        evidence = []
        for code, rules in self.phrases.items():
            found = self._phrases(text, folded, rules)
            evidence += found
            if found and not language:
                language = code
        if not language:
            return Opinion(self.name, self.version)
        level = max((e.level for e in evidence), default=Level.NONE)
        categories = tuple(dict.fromkeys(e.category for e in sorted(evidence, key=lambda e: -e.level)))
        trace = tuple(f"{language}: {e.category} {e.text!r}" for e in evidence) or (f"{language}: no crisis phrase",)
        return Opinion(self.name, self.version, level, categories, tuple(evidence), trace=trace, language=language)

    @staticmethod
    def _phrases(text: str, folded: str, rules: dict) -> list[Evidence]:
        evidence = []
        for level in (Level.IMMINENT, Level.HIGH):
            for pattern in rules.get(level.label, ()):
                for match in pattern.finditer(folded):
                    evidence.append(Evidence(text[match.start():match.end()], match.start(), match.end(),
                                             _CATEGORY[level], level))
        timed = [m for m in (p.search(folded) for p in rules.get("time", ())) if m]
        if timed and any(e.level == Level.HIGH for e in evidence):
            m = timed[0]
            evidence.append(Evidence(text[m.start():m.end()], m.start(), m.end(), "plan_or_intent", Level.IMMINENT))
        return evidence
