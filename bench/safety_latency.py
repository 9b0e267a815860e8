"""Latency of the safety layer: build time, p50/p95/p99 per ordinary message, and long messages.

    .venv/bin/python bench/safety_latency.py [--samples 5000] [FILE.tsv ...]

The layer (safety/layer.py) is what the bot runs on every message: the pattern screen, the learned
detector, the other-language phrases and the policy.

Messages come from the labelled set (and the development set); the list is repeated until there
are at least --samples timings. Each message is timed on its own with perf_counter_ns.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safety.evaluation import read_labelled  # noqa: E402

DEFAULT_FILES = [ROOT / "tests/data/safety_labelled.tsv", ROOT / "tests/data/safety_dev.tsv"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--samples", type=int, default=5000)
    args = parser.parse_args()
    texts = _texts(args.files)
    if not texts:
        print("no messages found in " + ", ".join(map(str, args.files)), file=sys.stderr)
        return 1

    started = time.perf_counter()
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]
    from safety.layer import SafetyLayer  # imported here so the timing below excludes the imports
    from safety.learned import load_or_train

    load_or_train()  # a first run trains and caches the model: not part of building the layer
    imported = time.perf_counter()
    screen = SafetyLayer()
    built = time.perf_counter()
    for text in texts[:50]:  # warm the lemmatizer's and matcher's caches
        screen.message(text)

    wall, cpu = _time(screen, texts, args.samples)
    print(f"messages: {len(texts)} distinct, {len(wall)} timed")
    print(f"import spaCy, scikit-learn + safety: {imported - started:.2f} s")
    print(f"SafetyLayer() build time:   {built - imported:.2f} s")
    # Wall time includes being descheduled by other processes on a busy machine; thread CPU time
    # is the screen's own work. Both are shown so a loaded machine does not hide a regression.
    print("per message      wall       cpu")
    for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100)):
        print(f"{name}:      {_percentile(wall, q) * 1000:7.3f} ms {_percentile(cpu, q) * 1000:7.3f} ms")
    print(f"mean:     {statistics.fmean(wall) * 1000:7.3f} ms {statistics.fmean(cpu) * 1000:7.3f} ms")
    _long(screen)
    return 0


def _long(layer) -> None:
    """Long messages: a vent with risk words throughout, at 5,000 characters and far beyond."""
    vent = "i took the pills out again and thought about the bridge, i want to die but work is fine. "
    for size in (1000, 5000, 32000):
        text = (vent * (size // len(vent) + 1))[:size]
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            layer.message(text)
            timings.append(time.perf_counter() - start)
        print(f"{size:6} characters: {min(timings) * 1000:7.1f} ms best of 5, {max(timings) * 1000:7.1f} ms worst")


def _texts(files: list[Path]) -> list[str]:
    texts: list[str] = []
    for path in files:
        if path.is_file():
            texts.extend(example.text for example in read_labelled(path))
    return texts


def _time(screen, texts: list[str], samples: int) -> tuple[list[float], list[float]]:
    rounds = -(-samples // len(texts))
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            screen.message(text)
            cpu.append((time.thread_time_ns() - start_cpu) / 1e9)
            wall.append((time.perf_counter_ns() - start) / 1e9)
    return wall, cpu


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[index]


if __name__ == "__main__":
    sys.exit(main())
