"""Compares NLU configurations: training time against intent accuracy on held-out messages.

The held-out set (tests/data/nlu_heldout.yml) was written separately from the training data, so it
measures how a new user's own phrasing is understood. The safety intents are not in it: the safety
screen decides those, and has its own evaluation (python -m safety evaluate).

    .venv/bin/python bench/nlu_choice.py [--out var/nlu-choice]

Prints one line per configuration. Used to choose the classifier in config.yml (README, "Figures").
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import settings  # noqa: E402
from bot.stack import child_env  # noqa: E402

CLASSIFIERS = {
    "logistic-regression": {"name": "LogisticRegressionClassifier"},
    "diet-30-epochs": {"name": "DIETClassifier", "epochs": 30, "entity_recognition": False,
                       "constrain_similarities": True},
    "diet-60-epochs": {"name": "DIETClassifier", "epochs": 60, "entity_recognition": False,
                       "constrain_similarities": True},
}


def _config(classifier: dict) -> dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    # The classifier alone is measured: the safety screen, which overrides it, has its own evaluation.
    skip = ("DIETClassifier", "LogisticRegressionClassifier", "safety.rasa_component.SafetyScreen")
    pipeline = [c for c in config["pipeline"] if c["name"] not in skip]
    at = next(i for i, c in enumerate(pipeline) if "CountryExtractor" in c["name"])
    pipeline.insert(at, classifier)
    config["pipeline"] = pipeline
    return config


def _run(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "var" / "nlu-choice"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    env = child_env(settings.load())
    heldout = ROOT / "tests" / "data" / "nlu_heldout.yml"
    for name, classifier in CLASSIFIERS.items():
        config = out / f"{name}.yml"
        config.write_text(yaml.safe_dump(_config(classifier), sort_keys=False))
        started = time.monotonic()
        _run(["train", "nlu", "--config", str(config), "--nlu", "data/nlu",
              "--out", str(out / "models"), "--fixed-model-name", name], env)
        seconds = time.monotonic() - started
        _run(["test", "nlu", "--model", str(out / "models" / f"{name}.tar.gz"),
              "--nlu", str(heldout), "--out", str(out / name)], env)
        report = json.loads((out / name / "intent_report.json").read_text())
        print(f"{name:22s} train {seconds:6.1f} s   intent accuracy {report['accuracy']:.3f}   "
              f"macro F1 {report['macro avg']['f1-score']:.3f}", flush=True)


if __name__ == "__main__":
    main()
