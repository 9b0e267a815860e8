"""The sealed evaluation sets (tests/data/sealed/sealed.yml): checked against their checksums,
scored by the whole layer. Used by the CI test that holds each set's minimum, and by the bench."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from safety.corpus import ROOT
from safety.evaluation import Report, Target, evaluate, read_labelled
from safety.levels import Level

MANIFEST = ROOT / "tests" / "data" / "sealed" / "sealed.yml"


class SealBroken(ValueError):
    """A sealed set no longer matches its checksum: it was edited after it was sealed."""


@dataclass(frozen=True)
class SealedSet:
    path: Path
    sealed: str
    sha256: str
    minimum: dict[str, float] = field(default_factory=dict)

    def check(self) -> None:
        actual = hashlib.sha256(self.path.read_bytes()).hexdigest()
        if actual != self.sha256:
            raise SealBroken(f"{self.path.name}: checksum {actual} differs from the sealed {self.sha256}")

    def score(self, classify: Callable[[str], Level]) -> Report:
        self.check()
        return evaluate(read_labelled(self.path), classify)

    def below_minimum(self, report: Report) -> list[tuple[Target, float]]:
        """The targets whose value is worse than this set's recorded minimum."""
        out = []
        for target in report.targets():
            floor = self.minimum.get(target.name)
            if floor is None:
                continue
            worse = target.value < floor if target.at_least else target.value > floor
            if worse:
                out.append((target, floor))
        return out


def sealed_sets(manifest: Path = MANIFEST) -> list[SealedSet]:
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    return [SealedSet(manifest.parent / e["file"], str(e["sealed"]), e["sha256"], dict(e.get("minimum") or {}))
            for e in spec.get("sets", ())]
