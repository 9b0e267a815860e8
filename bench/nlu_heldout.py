"""Intent accuracy on the held-out NLU sets, through the whole pipeline (the message-shape component
and the safety screen included, so a false alarm counts as an error), in three ways:

- as classified: the classifier's own best intent, before the message-shape component and the
  safety screen, looking past the low-confidence fallback (what bench/nlu_choice.py measured);
- as labelled: the pipeline's intent, fallback included, must equal the label;
- as acted on: what the dialogue does with it. An exercise offered instead of started (a statement
  such as "I can't sleep", `exercise_offer`) counts as that exercise, and hopelessness answered by the
  safety check-in (`safety_concern` for a `feeling_hopeless` message) counts as right, because both
  are by design (docs/conversations.md).

    .venv/bin/python bench/nlu_heldout.py [--json]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = ("tests/data/nlu_heldout.yml", "tests/data/nlu_heldout_listen.yml")
BY_DESIGN = {("feeling_hopeless", "safety_concern")}


def examples(path: Path) -> list[tuple[str, str]]:
    found = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in str(item["examples"]).splitlines():
            if line.strip().startswith("- "):
                found.append((line.strip()[2:], item["intent"]))
    return found


def acted_on(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "exercise_offer":
        return next((e["value"] for e in parse.get("entities") or [] if e.get("entity") == "exercise_offered"), intent)
    return intent


def _classified(parse: dict) -> str:
    """The classifier's own best intent, before the message-shape component and the safety screen."""
    before = (parse.get("second_look") or {}).get("classifier")
    if before and before.get("name") != "nlu_fallback":
        return before["name"]
    choice = (parse.get("safety") or {}).get("classifier") or {}
    if choice.get("name"):
        return choice["name"]
    ranking = [r["name"] for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    return ranking[0] if ranking else ""


def score(agent, path: Path) -> dict:
    classified = labelled = acted = 0
    pairs = examples(path)
    for text, label in pairs:
        parse = asyncio.run(agent.parse_message(text))
        classified += _classified(parse) == label
        labelled += (parse.get("intent") or {}).get("name") == label
        did = acted_on(parse)
        acted += did == label or (label, did) in BY_DESIGN
    n = len(pairs)
    return {"messages": n, "as_classified": classified / n, "as_labelled": labelled / n, "as_acted_on": acted / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    from bot import settings
    from bot.model import model_path

    agent = Agent.load(str(model_path(settings.load().model_dir)))
    results = {name: score(agent, ROOT / name) for name in SETS}
    if args.json:
        print(json.dumps(results))
        return
    for name, r in results.items():
        print(f"{name}: {r['messages']} messages, intent accuracy as classified {r['as_classified']:.1%}, "
              f"as labelled {r['as_labelled']:.1%}, as acted on {r['as_acted_on']:.1%}")


if __name__ == "__main__":
    main()
