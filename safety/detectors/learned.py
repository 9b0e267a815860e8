"""The learned model (safety/learned.py) as a detector: a second opinion that generalises."""
from __future__ import annotations

from safety.learned import LearnedModel, load_or_train
from safety.levels import Level
from safety.opinion import Opinion

NAME = "learned"
# The detector's own reading of its scores; safety/policy.py decides what the bot does with them.
OWN_THRESHOLD = 0.5


class LearnedDetector:
    name = NAME

    def __init__(self, model: LearnedModel | None = None) -> None:
        self.model = model or load_or_train()
        self.version = self.model.version

    def __call__(self, text: str) -> Opinion:
        scores = self.model.scores(text)
        level = Level.NONE
        if scores.concern >= OWN_THRESHOLD:
            level = Level.CONCERN
        if scores.high >= OWN_THRESHOLD:
            level = Level.IMMINENT if scores.imminent >= OWN_THRESHOLD else Level.HIGH
        return Opinion(self.name, self.version, level, scores=scores.as_dict())

    def trace(self, text: str) -> tuple[str, ...]:
        weights = ", ".join(f"{name!r} {w:+.2f}" for name, w in self.model.reasons(text))
        return (f"n-grams pushing toward risk: {weights or 'none'}",)
