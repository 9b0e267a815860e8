"""The safety figures of the whole NLU pipeline: the screen, plus the classifier's fallback (a message
the screen missed, but which the classifier takes for a safety intent with enough confidence, gets a
direct question about suicide).

    .venv/bin/python bench/safety_pipeline.py [--thresholds 0.7,0.8,0.9] FILE.tsv [FILE.tsv ...]

For each file it prints the screen alone, then the pipeline at each classifier threshold (the
configured one is `classifier_threshold` of SafetyScreen in config.yml), in the format of
`python -m safety evaluate`. Each message is parsed once by the trained model.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot import settings  # noqa: E402
from bot.model import model_path  # noqa: E402
from safety.evaluation import evaluate, format_report, read_labelled  # noqa: E402
from safety.levels import Level  # noqa: E402


def _screen_level(safety: dict) -> Level:
    if safety.get("categories") == ["classifier_suspected"]:
        return Level.NONE  # the screen itself found nothing
    return Level.parse(safety.get("level", "none"))


def _pipeline_level(safety: dict, threshold: float) -> Level:
    screen = _screen_level(safety)
    classifier = safety.get("classifier") or {}
    suspected = (classifier.get("name", "").startswith("safety_")
                 and classifier.get("confidence", 0) >= threshold)
    return Level.CONCERN if screen < Level.CONCERN and suspected else screen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", default=["tests/data/safety_blind2.tsv"])
    parser.add_argument("--thresholds", default="0.7,0.8,0.9")
    args = parser.parse_args()
    from rasa.core.agent import Agent

    model = model_path(settings.load().model_dir)
    if not model.exists():
        raise SystemExit(f"no trained model at {model}: run `python -m bot.cli train` first")
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    for path in args.files:
        examples = read_labelled(Path(path))
        parsed = {e.text: loop.run_until_complete(agent.parse_message(e.text)).get("safety") or {}
                  for e in examples}
        print(f"== {path}: the screen alone\n")
        print(format_report(evaluate(examples, lambda t: _screen_level(parsed[t]))), "\n", flush=True)
        for threshold in (float(t) for t in args.thresholds.split(",")):
            print(f"== {path}: screen and classifier fallback at {threshold:.2f}\n")
            report = evaluate(examples, lambda t: _pipeline_level(parsed[t], threshold))
            print(format_report(report), "\n", flush=True)


if __name__ == "__main__":
    main()
