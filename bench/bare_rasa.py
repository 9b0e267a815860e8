"""The anchor for bench/load.py: a bare `rasa init` bot on the same machine, with Rasa's own SQL tracker
store on a SQLite file, measured by one user over REST.

    PYTHONPATH=. .venv/bin/python bench/bare_rasa.py [--messages 60] [--users 20 50]

The first run builds the project with `rasa init --no-prompt` (which trains its model: about five
minutes on two cores) and keeps it under var/bench/bare-rasa/<Rasa version>/, so later runs start at
once. Prints the bare bot's per-message latency (p50, p95) for one user; with --users, first its
throughput and latency with that many users at once, each waiting for its reply before the next
message as bench/load.py's users do (what one Rasa process carries on this machine, whatever the bot).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.stack import stop_process  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CACHE = ROOT / "var" / "bench" / "bare-rasa"
# The init bot's own intents: greet, mood_unhappy, affirm, bot_challenge, mood_great, goodbye.
CONVERSATION = ["hi", "I am sad", "yes", "are you a bot?", "I am feeling great", "bye"]
TRAIN_TIMEOUT_S = 45 * 60
START_TIMEOUT_S = 240


def rasa_version() -> str:
    """Read from the installed package's metadata: importing Rasa here would cost seconds."""
    from importlib.metadata import version

    return version("rasa")


def _env() -> dict:
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
                PYTHONWARNINGS="ignore", SQLALCHEMY_SILENCE_UBER_WARNING="1")


def _model_in(project: Path) -> Optional[Path]:
    models = sorted((project / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def ensure_project(log=print) -> tuple[Path, Path]:
    """(project folder, model): the cached ones, or built now with `rasa init` (which trains)."""
    project = CACHE / rasa_version()
    model = _model_in(project) if project.is_dir() else None
    if model:
        return project, model
    CACHE.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so an interrupted build never looks like a finished one.
    building = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    log(f"[bare rasa] building the `rasa init` bot in {project.relative_to(ROOT)} "
        f"(trains a model: about five minutes on two cores) ...")
    started = time.monotonic()
    try:
        with open(building / "init.log", "wb") as out:
            subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(building)],
                           cwd=building, env=_env(), stdout=out, stderr=subprocess.STDOUT,
                           timeout=TRAIN_TIMEOUT_S, check=True, start_new_session=True)
        if _model_in(building) is None:
            raise RuntimeError(f"`rasa init` trained no model; see {building / 'init.log'}")
        shutil.rmtree(project, ignore_errors=True)
        building.rename(project)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    log(f"[bare rasa] built in {time.monotonic() - started:.0f} s")
    return project, _model_in(project)


class BareRasa:
    """`rasa run` of the bare bot on a port, with the SQL tracker store on a fresh SQLite file.
    A context manager: the server is stopped on exit, whatever happened."""

    def __init__(self, project: Path, model: Path, port: int, workdir: Path) -> None:
        self.project, self.model, self.port, self.workdir = project, model, port, workdir
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "BareRasa":
        endpoints = self.workdir / "endpoints.yml"
        database = self.workdir / "bare-rasa.db"
        endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")
        with open(self.workdir / "bare-rasa.log", "wb") as out:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--endpoints", str(endpoints),
                 "--credentials", str(self.project / "credentials.yml"), "--interface", "127.0.0.1",
                 "--port", str(self.port)],
                cwd=self.project, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bare Rasa server exited with code {self.process.returncode}; "
                                   f"see {self.workdir / 'bare-rasa.log'}")
            try:
                requests.get(self.url + "/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError(f"the bare Rasa server did not answer within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        stop_process(process)

    def __exit__(self, *exc) -> None:
        self.stop()


def talk(url: str, messages: List[str]) -> List[float]:
    """One conversation over REST; each message's round trip in ms."""
    sender, timings = f"bare-{uuid.uuid4().hex[:8]}", []
    with requests.Session() as session:
        for text in messages:
            started = time.perf_counter()
            answer = session.post(url + "/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                  timeout=60)
            answer.raise_for_status()
            if not answer.json():
                raise RuntimeError(f"the bare bot did not answer {text!r}")
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def one_user(url: str, messages: int) -> List[float]:
    """About `messages` messages, one conversation after another, after one warm-up conversation."""
    talk(url, CONVERSATION)  # first use of each code path
    timings: List[float] = []
    while len(timings) < messages:
        timings += talk(url, CONVERSATION)
    return timings


def many_users(url: str, users: int) -> tuple[List[float], float]:
    """`users` conversations at once, each waiting for its reply before the next message, as
    bench/load.py's users do; (latencies in ms, messages per second)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        conversations = list(pool.map(lambda _: talk(url, CONVERSATION), range(users)))
    timings = [ms for conversation in conversations for ms in conversation]
    return timings, len(timings) / (time.perf_counter() - started)


def measure(messages: int, port: int, log=print) -> List[float]:
    """Builds (or reuses) the bare bot, runs it, and returns one user's per-message latencies (ms)."""
    project, model = ensure_project(log)
    workdir = Path(tempfile.mkdtemp(prefix="bench-bare-rasa-"))
    try:
        log(f"[bare rasa] starting `rasa run` with {model.name} on port {port} ...")
        with BareRasa(project, model, port, workdir) as server:
            return one_user(server.url, messages)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--build-only", action="store_true", help="build the cached project, then stop")
    parser.add_argument("--users", type=int, nargs="*", default=[],
                        help="also run this many users at once, each count in turn (e.g. --users 20 50)")
    args = parser.parse_args()
    if args.build_only:
        print(ensure_project()[1])
        return
    from tests.support import free_port

    if args.users:
        _crowds(args.users, free_port())

    timings = sorted(measure(args.messages, free_port()))
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"bare Rasa {rasa_version()}, one user, {len(timings)} messages over REST: "
          f"p50 {statistics.median(timings):.0f} ms   p95 {p95:.0f} ms")


def _crowds(counts: List[int], port: int) -> None:
    project, model = ensure_project()
    workdir = Path(tempfile.mkdtemp(prefix="bench-bare-rasa-"))
    try:
        with BareRasa(project, model, port, workdir) as server:
            talk(server.url, CONVERSATION)
            for users in counts:
                timings, rate = many_users(server.url, users)
                timings.sort()
                p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
                print(f"bare Rasa, one process, {users} users at once: {len(timings)} messages, {rate:.1f} "
                      f"messages/s, p50 {statistics.median(timings):.0f} ms   p95 {p95:.0f} ms", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
