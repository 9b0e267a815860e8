"""Scores the sealed everyday conversations (tests/data/sealed/conversations*.yml) on the running
stack, over REST, and prints the share of turns handled well, answered with the fallback, answered
wrongly, and answered with an intro already given (bot/conversation_scoring.py says how each label
is judged). A "yes, delete it" turn is judged on the database: the conversation must be gone.

    .venv/bin/python bench/conversations.py [--set conversations1.yml] [--misses]

Only aggregate figures are printed, never a message or a reply: the set stays sealed. `--misses`
also prints each turn not handled well, and only for a spent set: one scored after its round, with a
newer sealed set listed after it in sealed.yml (which then measures the work), as the sealed-set rule
says a set may join development only then.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import uuid
from pathlib import Path

import yaml
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import SEALED, checked_conversations, reply  # noqa: E402
from bot.content.files import read_exercises, read_helplines  # noqa: E402
from bot.conversation_scoring import OUTCOMES, Context, Score, judge  # noqa: E402
from bot.crisis_scoring import countries_from_directory  # noqa: E402
from bot.database import engine_for  # noqa: E402
from bot.flags import EVENTS  # noqa: E402
from bot.model import model_path  # noqa: E402
from bot.stack import Stack  # noqa: E402
from tests.support import CONTENT, fresh_settings  # noqa: E402


def _erased(database_url: str, sender: str, said: list[str]):
    """A check that none of what the person said before is still stored for their sender id."""
    def check() -> bool:
        with engine_for(database_url).connect() as connection:
            rows = connection.execute(select(EVENTS.c.data).where(EVENTS.c.sender_id == f"rest:{sender}")).scalars()
            stored = "\n".join(row or "" for row in rows)
        return not any(text in stored for text in said if len(text) > 3)
    return check


def _spent(name: str) -> bool:
    manifest = yaml.safe_load((SEALED / "sealed.yml").read_text(encoding="utf-8"))
    everyday = [e for e in manifest.get("conversations", ()) if e["file"].startswith("conversations")]
    names = [e["file"] for e in everyday]
    entry = everyday[names.index(name)] if name in names else None
    return entry is not None and "result" in entry and names.index(name) < len(names) - 1


def _replay(conversation: dict, settings, base: Context, score: Score, misses: list | None = None) -> None:
    sender = f"sealed-{uuid.uuid4().hex[:10]}"
    ctx = Context(countries=base.countries, exercise_titles=base.exercise_titles)
    said: list[str] = []
    all_well = True
    for turn in conversation["turns"]:
        text = reply(settings.rasa_port, sender, turn["user"])
        ctx.erased = _erased(settings.database_url, sender, list(said))
        outcome = judge(turn, text, ctx)
        score.add(str(turn["means"]).split(":")[0], outcome)
        all_well = all_well and outcome == "well"
        if misses is not None and outcome != "well":
            misses.append((conversation.get("id", "?"), turn, outcome, text))
        said.append(turn["user"])
        ctx.remember(text)
    score.conversations += 1
    score.conversations_well += all_well


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="conversations1.yml")
    parser.add_argument("--misses", action="store_true", help="print the turns not handled well (spent sets only)")
    args = parser.parse_args()
    if args.misses and not _spent(args.set):
        raise SystemExit(f"{args.set} is not spent (scored after its round, with a newer sealed set): "
                         "its misses stay unread")
    conversations = checked_conversations(args.set)
    misses: list | None = [] if args.misses else None
    base = Context(countries=countries_from_directory(read_helplines(CONTENT / "helplines.yml")),
                   exercise_titles={e["exercise"]: e["title"] for e in read_exercises(CONTENT)})
    logging.disable(logging.INFO)
    score = Score()
    with tempfile.TemporaryDirectory() as folder:
        settings = fresh_settings(Path(folder))
        print(f"[conversations] starting the stack and replaying {len(conversations)} sealed conversations ...",
              flush=True)
        with Stack(settings, model_path(settings.model_dir), log_dir=Path(folder)):
            for conversation in conversations:
                _replay(conversation, settings, base, score, misses)
    print(f"{args.set}: {score.turns} turns, {score.conversations} conversations; whole conversations "
          f"handled well {score.conversations_well}/{score.conversations}")
    for outcome in OUTCOMES:
        print(f"  {outcome:<15} {score.outcomes[outcome]:>4}  ({score.rate(outcome):.1%})")
    print("  by label (handled well):")
    for label, (total, good) in sorted(score.by_label.items()):
        print(f"    {label:<22} {good:>3}/{total:<3}")
    for conversation_id, turn, outcome, text in misses or ():
        print(f"\n[{conversation_id}] {turn['means']} -> {outcome}\n  USER: {turn['user']}\n  "
              f"GOOD: {turn.get('good')} BAD: {turn.get('bad')}\n  BOT:  " + text.replace("\n", "\n        ")[:700])


if __name__ == "__main__":
    main()
