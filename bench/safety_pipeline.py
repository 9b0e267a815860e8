"""The safety figures of the whole NLU pipeline: the screen, plus the classifier's fallback (a
message the screen missed but the classifier took for a safety intent gets a direct check-in).

    .venv/bin/python bench/safety_pipeline.py tests/data/safety_blind.tsv [...]

Prints, per file, the same table as `python -m safety evaluate`, for the level the running assistant
acts on (parse data `safety.level`).
"""
from __future__ import annotations

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


def main(paths: list[str]) -> None:
    from rasa.core.agent import Agent

    model = model_path(settings.load().model_dir)
    if not model.exists():
        raise SystemExit(f"no trained model at {model}: run `python -m bot.cli train` first")
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def level(text: str) -> Level:
        parsed = loop.run_until_complete(agent.parse_message(text))
        return Level.parse((parsed.get("safety") or {}).get("level", "none"))

    for path in paths:
        print(f"{path}: the whole NLU pipeline (screen and classifier fallback)\n")
        print(format_report(evaluate(read_labelled(Path(path)), level)), "\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/safety_labelled.tsv", "tests/data/safety_blind.tsv"])
