"""Benchmark of the running stack over the REST channel.

    .venv/bin/python bench/stack_latency.py [--messages 120] [--users 20] [--per-user 15]

Starts the Rasa server and the action server on free loopback ports with a fresh SQLite database,
then prints: start-up time, per-message latency (p50, p95) for one user, throughput and latency with
concurrent users, the model's training time and the Rasa server's resident memory.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import settings as settings_module  # noqa: E402
from bot.content.loader import load_content  # noqa: E402
from bot.database import migrate  # noqa: E402
from bot.model import training_seconds_file, train_if_needed  # noqa: E402
from bot.stack import Stack, child_env  # noqa: E402
from tests.support import free_port  # noqa: E402

# A realistic mix: smalltalk (rules only), content questions and exercises (action round trips), a crisis.
CONVERSATION = [
    "hi", "what is depression", "tell me more", "what are the symptoms", "how do antidepressants work",
    "what are the side effects", "can we do a breathing exercise", "next", "next", "thanks",
    "is there a helpline", "I'm in the UK", "I feel so hopeless, I want to die", "yes I'm safe", "bye",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _talk(url: str, messages: list[str]) -> list[float]:
    sender, timings = f"bench-{uuid.uuid4().hex[:8]}", []
    with requests.Session() as session:
        for text in messages:
            started = time.perf_counter()
            response = session.post(url, json={"sender": sender, "message": text}, timeout=60)
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=120)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=15)
    args = parser.parse_args()
    base = settings_module.load()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    migrate(url)
    load_content(url, base.content_dir)
    settings = dataclasses.replace(base, database_url=url, rasa_port=free_port(), action_port=free_port())
    model = train_if_needed(settings.model_dir, child_env(settings), log=print)
    started = time.monotonic()
    with Stack(settings, model, log_dir=workdir / "logs") as stack:
        startup = time.monotonic() - started
        endpoint = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
        _talk(endpoint, CONVERSATION)  # warm-up: first use of each code path
        # One person after another, each holding the whole conversation.
        single = [t for _ in range(max(1, args.messages // len(CONVERSATION))) for t in _talk(endpoint, CONVERSATION)]
        with ThreadPoolExecutor(args.users) as pool:
            began = time.perf_counter()
            runs = list(pool.map(lambda _: _talk(endpoint, CONVERSATION[:args.per_user]), range(args.users)))
            elapsed = time.perf_counter() - began
        rss = _rss_mb(stack.processes["rasa-server"].pid)
    concurrent = [t for run in runs for t in run]
    training = training_seconds_file(model)
    print(f"model                     {model.name}")
    # Rasa reuses cached components when only some inputs changed: a first training takes longer.
    print(f"last training took        {training.read_text().strip() + ' s' if training.exists() else 'not recorded'}")
    print(f"servers ready in          {startup:.1f} s")
    print(f"one user, {len(single)} messages   p50 {statistics.median(single):.0f} ms   "
          f"p95 {_percentile(single, 0.95):.0f} ms")
    print(f"{args.users} users, {len(concurrent)} messages  {len(concurrent) / elapsed:.1f} messages/s   "
          f"p50 {statistics.median(concurrent):.0f} ms   p95 {_percentile(concurrent, 0.95):.0f} ms")
    print(f"Rasa server memory (RSS)  {rss:.0f} MB")


if __name__ == "__main__":
    main()
