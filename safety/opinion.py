"""What one detector thinks of a message: a level, the evidence for it, and how it got there."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safety.levels import Level
from safety.verdict import Evidence


@dataclass(frozen=True)
class Opinion:
    detector: str
    version: str
    level: Level = Level.NONE
    categories: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    # How sure the detector is that the message is at each level or above (learned detectors).
    scores: dict[str, float] = field(default_factory=dict)
    # A risk phrase that the detector saw and set aside (an idiom, a denial, a topic): evidence
    # that the message was read and cleared, not merely missed.
    cleared: tuple[str, ...] = ()
    # One line each: what fired and why, for `python -m safety explain`.
    trace: tuple[str, ...] = ()
    # The message's language, when the detector can tell ("en", "de", ...); "" when it cannot.
    language: str = ""
    # The names of the rules that fired and counted (pattern detectors), kept with the stored verdict
    # so that staff can see why a message was flagged.
    rules: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """What the stored verdict keeps of this opinion."""
        out: dict[str, Any] = {"name": self.detector, "version": self.version, "level": self.level.label}
        if self.scores:
            out["scores"] = {k: round(v, 3) for k, v in self.scores.items()}
        if self.language:
            out["language"] = self.language
        if self.rules:
            out["rules"] = list(self.rules)
        return out
