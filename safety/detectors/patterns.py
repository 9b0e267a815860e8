"""The pattern screen (safety/screen.py) as a detector: hand-written rules, exact and explainable."""
from __future__ import annotations

import hashlib
from pathlib import Path

from safety.opinion import Opinion
from safety.rules import PATTERN_DIR
from safety.screen import Screen

NAME = "patterns"


def pattern_version(pattern_dir: Path = PATTERN_DIR) -> str:
    """A digest of the pattern files and the code that reads them."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parents[1]
    files = sorted(pattern_dir.glob("*.yml")) + [code / n for n in
                                                 ("screen.py", "judge.py", "context.py", "rules.py", "normalise.py", "matching.py")]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class PatternDetector:
    name = NAME

    def __init__(self, screen: Screen | None = None) -> None:
        self.screen = screen or Screen()
        self.version = pattern_version()

    def __call__(self, text: str) -> Opinion:
        reading = self.screen.read(text)
        verdict = reading.verdict
        trace = tuple(f"{o.rule} matched {o.text!r}" + (f": set aside, {o.set_aside}" if o.set_aside else "")
                      for o in reading.phrases)
        if reading.markers:
            trace += ("markers: " + ", ".join(dict.fromkeys(reading.markers)),)
        rules = tuple(dict.fromkeys(o.rule for o in reading.phrases if not o.set_aside))
        return Opinion(self.name, self.version, verdict.level, verdict.categories, verdict.evidence,
                       cleared=reading.cleared, trace=trace, rules=rules)
