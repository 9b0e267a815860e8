"""Running the stack: the action server and the Rasa server as child processes, stopped together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

from bot.settings import ROOT, Settings


def child_env(settings: Settings) -> dict:
    """The environment every child process gets: our code importable, no telemetry, our settings."""
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": settings.database_url,
        "ACTION_ENDPOINT_URL": settings.action_endpoint_url,
        # Read by Rasa and rasa-sdk themselves; message text appears only at DEBUG.
        "LOG_LEVEL": settings.log_level,
        "WEBCHAT_ALLOWED_ORIGINS": ",".join(settings.webchat_allowed_origins),
        "WEBCHAT_SECRET": settings.webchat_secret,
        "TELEGRAM_TOKEN": settings.telegram_token,
        "TELEGRAM_SECRET_TOKEN": settings.telegram_secret_token,
        "TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
        "TELEGRAM_API_URL": settings.telegram_api_url,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    })
    return env


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f} s")


class Stack:
    """The two servers. Use as a context manager: both are stopped on exit, whatever happened."""

    def __init__(self, settings: Settings, model: Path, log_dir: Optional[Path] = None) -> None:
        self.settings, self.model, self.log_dir = settings, model, log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=child_env(self.settings),
                                   stdout=out, stderr=subprocess.STDOUT if out else None,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def _spawn_actions(self) -> subprocess.Popen:
        return self._spawn("action-server", ["rasa_sdk", "--actions", "actions",
                                             "--port", str(self.settings.action_port)])

    def _wait_for_actions(self, process: subprocess.Popen, timeout: float) -> None:
        url = f"http://127.0.0.1:{self.settings.action_port}/health"
        _wait_until_up(url, process, "action server", timeout)

    def start(self, timeout: float = 120) -> "Stack":
        s = self.settings
        actions = self._spawn_actions()
        rasa = self._spawn("rasa-server", [
            "rasa", "run", "--model", str(self.model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--interface", s.rasa_host, "--port", str(s.rasa_port)])
        self._wait_for_actions(actions, timeout)
        _wait_until_up(f"http://127.0.0.1:{s.rasa_port}/", rasa, "Rasa server", timeout)
        return self

    def stop_actions(self) -> None:
        self._stop(self.processes.pop("action-server", None))

    def start_actions(self, timeout: float = 60) -> None:
        self._wait_for_actions(self._spawn_actions(), timeout)

    @staticmethod
    def _stop(process: Optional[subprocess.Popen]) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self._stop(self.processes.pop(name))

    def wait(self) -> int:
        """Blocks until one server exits; returns its exit code."""
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}", file=sys.stderr)
                    return process.returncode or 1
            time.sleep(0.5)

    def __enter__(self) -> "Stack":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
