"""Choose the learned detector's thresholds on a development set it was not trained on.

    .venv/bin/python bench/safety_learned.py [--dev tests/data/safety_blind2.tsv]

Trains the learned model on the training data without the development set, then prints, for
several policy thresholds, the layer's figures on that set (and on the training sets, which the
patterns were tuned on). Never point it at a sealed set: those are scored only before and after a
piece of work (bench/safety_sealed.py).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]

from safety.corpus import Corpus, gather, _key  # noqa: E402
from safety.detectors.languages import LanguageDetector  # noqa: E402
from safety.detectors.learned import LearnedDetector  # noqa: E402
from safety.detectors.patterns import PatternDetector  # noqa: E402
from safety.evaluation import evaluate, read_labelled  # noqa: E402
from safety.learned import LearnedModel  # noqa: E402
from safety.detectors.languages import fold  # noqa: E402
from safety.policy import Thresholds, decide  # noqa: E402
from safety.vocabulary import Vocabulary  # noqa: E402

GRID = [Thresholds(), Thresholds(cleared_ask=0.8), Thresholds(cleared_ask=0.9), Thresholds(confirm=0.7),
        Thresholds(confirm=0.9), Thresholds(ask=0.5), Thresholds(ask=0.7), Thresholds(ask_without_words=1.01)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", action="store_true", help="list the disagreements at the default thresholds")
    parser.add_argument("--dev", type=Path, default=ROOT / "tests/data/safety_blind2.tsv")
    args = parser.parse_args()
    if "sealed" in args.dev.parts:
        raise SystemExit("refusing to tune on a sealed set")
    dev = read_labelled(args.dev)
    corpus = gather()
    held = {_key(e.text) for e in dev}
    keep = [i for i, t in enumerate(corpus.texts) if _key(t) not in held]
    train = Corpus(tuple(corpus.texts[i] for i in keep), tuple(corpus.levels[i] for i in keep), "dev")
    started = time.perf_counter()
    learned = LearnedDetector(LearnedModel.train(train, "dev"))
    print(f"trained on {len(train.texts)} messages without {args.dev.name} in {time.perf_counter() - started:.1f} s\n")
    detectors = [PatternDetector(), learned, LanguageDetector()]
    vocabulary = Vocabulary()
    opinions = {e.text: ([d(e.text) for d in detectors], tuple(vocabulary.words(fold(e.text)))) for e in dev}
    print(f"{'thresholds':58} " + " ".join(f"{t.name[:22]:>22}" for t in _targets(dev, opinions, GRID[0])))
    if "--show" in sys.argv:
        _show(dev, opinions, GRID[0])
    for thresholds in GRID:
        targets = _targets(dev, opinions, thresholds)
        label = (f"confirm {thresholds.confirm} ask {thresholds.ask} cleared {thresholds.cleared_confirm}/"
                 f"{thresholds.cleared_ask} imminent {thresholds.imminent}")
        print(f"{label:58} " + " ".join(f"{t.value:22.1%}" for t in targets))


def _targets(dev, opinions, thresholds):
    return evaluate(dev, lambda text: decide(*opinions[text][:1], thresholds, opinions[text][1]).level).targets()



def _show(dev, opinions, thresholds) -> None:
    """The development set's disagreements (never run on a sealed set)."""
    for e in dev:
        verdict = decide(opinions[e.text][0], thresholds, opinions[e.text][1])
        if (e.level == 0) != (verdict.level == 0) or (e.level >= 2) != (verdict.level >= 2):
            print(f"  {e.level.label:8} -> {verdict.level.label:8} {verdict.reasons[0][:60]:60} {e.text}")


if __name__ == "__main__":
    main()
