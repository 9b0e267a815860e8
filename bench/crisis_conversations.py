"""Scores the sealed crisis conversations (tests/data/sealed/crisis_conversations*.yml) on the running
stack, over REST, and prints the figures: the share of turns and of whole conversations that kept
the crisis thread (bot/crisis_scoring.py says what each label asks of the reply).

    .venv/bin/python bench/crisis_conversations.py [--set crisis_conversations1.yml]

Only aggregate figures are printed, never a message or a reply: the set stays sealed.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import checked_conversations, reply  # noqa: E402
from bot.content.files import read_helplines  # noqa: E402
from bot.crisis_scoring import Score, countries_from_directory, score_conversation  # noqa: E402
from bot.model import model_path  # noqa: E402
from bot.stack import Stack  # noqa: E402
from tests.support import fresh_settings  # noqa: E402


def _replies(port: int, turns: list[dict]) -> list[str]:
    sender = f"sealed-{uuid.uuid4().hex[:10]}"
    return [reply(port, sender, turn["user"], buttons=False) for turn in turns]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="crisis_conversations1.yml")
    args = parser.parse_args()
    conversations = checked_conversations(args.set)
    countries = countries_from_directory(read_helplines(ROOT / "data" / "content" / "helplines.yml"))
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        settings = fresh_settings(Path(folder))
        print(f"[crisis] starting the stack and replaying {len(conversations)} sealed conversations ...",
              flush=True)
        with Stack(settings, model_path(settings.model_dir), log_dir=Path(folder)):
            score = Score()
            for conversation in conversations:
                score_conversation(conversation["turns"], _replies(settings.rasa_port, conversation["turns"]),
                                   countries, score)
    print(f"{args.set}: turns kept {score.passed}/{score.turns} ({score.turn_rate:.1%}), "
          f"conversations kept to the end {score.conversations_passed}/{score.conversations} "
          f"({score.conversation_rate:.1%})")
    for label, (total, good) in sorted(score.by_label.items()):
        print(f"  {label:<14} {good:>3}/{total:<3} ({good / total:.0%})")


if __name__ == "__main__":
    main()
