"""The safety layer's figures on every labelled set, oldest first: the sets tuned on, then the sealed
sets (tests/data/sealed/sealed.yml) with their baseline and their result now.

    .venv/bin/python bench/safety_sealed.py

Prints figures only, never a sealed set's misses.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]

import yaml  # noqa: E402

from safety.evaluation import evaluate, read_labelled  # noqa: E402
from safety.layer import SafetyLayer  # noqa: E402
from safety.sealed import MANIFEST, sealed_sets  # noqa: E402

TUNED = ["safety_labelled.tsv", "safety_blind.tsv", "safety_dev.tsv", "safety_blind2.tsv"]
COLUMNS = ["answered", "detected_high", "imminent", "concern", "none_high", "none_asked"]
HEADER = ("answered (>=98%)", "high+ (>=95%)", "imminent (>=90%)", "concern (>=90%)",
          "none->high (<=2%)", "none asked (<=5%)")


def main() -> None:
    layer = SafetyLayer()
    classify = lambda text: layer.message(text).level  # noqa: E731
    print(f"{'set':34} {'n':>4} " + " ".join(f"{h:>18}" for h in HEADER))
    for name in TUNED:
        path = ROOT / "tests" / "data" / name
        report = evaluate(read_labelled(path), classify)
        _row(f"{name} (trained on)", report.total(list(report.confusion)), [t.value for t in report.targets()])
    recorded = {e["file"]: e for e in (yaml.safe_load(MANIFEST.read_text()) or {}).get("sets", ())}
    for sealed in sealed_sets():
        report = sealed.score(classify)
        entry = recorded[sealed.path.name]
        if entry.get("baseline"):
            _row(f"{sealed.path.name} baseline", None, [entry["baseline"][c] for c in COLUMNS])
        _row(f"{sealed.path.name} now (sealed {sealed.sealed})", report.total(list(report.confusion)),
             [t.value for t in report.targets()])


def _row(label: str, n: int | None, values: list[float]) -> None:
    print(f"{label:34} {n if n is not None else '':>4} " + " ".join(f"{v:18.1%}" for v in values))


if __name__ == "__main__":
    main()
