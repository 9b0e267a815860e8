"""The safety layer: every detector, then the policy. The bot and `python -m safety` both use this.

    >>> layer = SafetyLayer()
    >>> layer.message("I want to die").level.label
    'high'

Building loads the patterns and the learned model (about two seconds; the model is trained once
and cached, see safety/learned.py). A message longer than MAX_CHARS is screened by its first and
last MAX_CHARS / 2 characters, so cost stays bounded; the verdict says so.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from safety.conversation import combine
from safety.detectors import Detector
from safety.detectors.languages import fold
from safety.policy import decide
from safety.vocabulary import Vocabulary
from safety.verdict import Evidence, Verdict

MAX_CHARS = 5000


class SafetyLayer:
    def __init__(self, detectors: Sequence[Detector] | None = None) -> None:
        if detectors is None:
            from safety.detectors.languages import LanguageDetector
            from safety.detectors.learned import LearnedDetector
            from safety.detectors.patterns import PatternDetector

            detectors = (PatternDetector(), LearnedDetector(), LanguageDetector())
        self.detectors = tuple(detectors)
        self.vocabulary = Vocabulary()

    def _decide(self, text: str) -> Verdict:
        words = tuple(dict.fromkeys(self.vocabulary.words(fold(text))))
        return decide([d(text) for d in self.detectors], risk_words=words)

    @property
    def versions(self) -> dict[str, str]:
        return {d.name: d.version for d in self.detectors}

    def message(self, text: str) -> Verdict:
        text = _clean(text)
        if len(text) <= MAX_CHARS:
            return self._decide(text)
        half = MAX_CHARS // 2
        head = self._decide(text[:half])
        tail = _shifted(self._decide(text[-half:]), len(text) - half)
        both = combine([head, tail])
        top = max((head, tail), key=lambda v: v.level)
        note = f"the message has {len(text)} characters: its first and last {half} were screened"
        return replace(both, detectors=top.detectors, language=head.language or tail.language,
                       reasons=top.reasons + (note,))

    def conversation(self, texts: Iterable[str]) -> Verdict:
        return combine([self.message(text) for text in texts])

    def explain(self, text: str) -> str:
        """Which rule or feature fired, which vetoes applied, and why the level was chosen."""
        text = _clean(text)
        verdict = self.message(text)
        lines = [f"level: {verdict.level.label}" + (f"  ({', '.join(verdict.categories)})" if verdict.categories else "")]
        lines += [f"  because: {reason}" for reason in verdict.reasons]
        if verdict.language:
            lines.append(f"  language: {verdict.language} (the bot reads English only)")
        for evidence in verdict.evidence:
            lines.append(f"  evidence: {evidence.text!r} [{evidence.start}:{evidence.end}] "
                         f"{evidence.category} -> {evidence.level.label}")
        window = text[:MAX_CHARS]
        for detector in self.detectors:
            opinion = detector(window)
            scores = " ".join(f"{k} {v:.2f}" for k, v in opinion.scores.items())
            lines.append(f"{detector.name} {detector.version}: {opinion.level.label}" + (f"  [{scores}]" if scores else ""))
            trace = opinion.trace + tuple(getattr(detector, "trace", lambda _: ())(window))
            lines += [f"  {line}" for line in trace] or ["  nothing matched"]
        return "\n".join(lines)


def _clean(text: str) -> str:
    """Lone surrogates (from broken clients) would crash the tokenizers: replace them."""
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def _shifted(verdict: Verdict, offset: int) -> Verdict:
    moved = tuple(Evidence(e.text, e.start + offset, e.end + offset, e.category, e.level) for e in verdict.evidence)
    return replace(verdict, evidence=moved)
