"""Running the stack: the action server, the Rasa server and the staff review app as supervised child
processes.

Each server is restarted when it dies, with a growing pause (1 s, 2 s, 4 s ... at most 30 s, back to
1 s once it has stayed up a minute); the Rasa server never stops because the action server did (its
own replies, crisis replies included, need no action server). `stop()` ends both, whatever happened.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, Optional

from bot.settings import ROOT, Settings

MAX_BACKOFF_S = 30.0
STABLE_AFTER_S = 60.0


def child_env(settings: Settings) -> dict:
    """The environment every child process gets: our code importable, no telemetry, our settings."""
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": settings.database_url,
        "ACTION_ENDPOINT_URL": settings.action_endpoint_url,
        "ACTION_HOST": settings.action_host,
        "ACTION_TOKEN": settings.action_token,
        "ACTION_TIMEOUT": str(settings.action_timeout_s),
        "REST_TOKEN": settings.rest_token,
        "REDIS_URL": settings.redis_url,
        # Read by Rasa itself; more than one needs the Redis lock store (endpoints-scaled.yml).
        "SANIC_WORKERS": str(settings.rasa_workers),
        "STAFF_HOST": settings.staff_host,
        "STAFF_PORT": str(settings.staff_port),
        "STAFF_BASE_URL": settings.staff_url,
        # Read by Rasa and rasa-sdk themselves; message text appears only at DEBUG.
        "LOG_LEVEL": settings.log_level,
        "WEBCHAT_ALLOWED_ORIGINS": ",".join(settings.webchat_allowed_origins),
        "WEBCHAT_SECRET": settings.webchat_secret,
        "TELEGRAM_TOKEN": settings.telegram_token,
        "TELEGRAM_SECRET_TOKEN": settings.telegram_secret_token,
        "TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
        "TELEGRAM_API_URL": settings.telegram_api_url,
        # Sanic reads SANIC_* into its config: requests and websocket frames are capped at 64 KB.
        "SANIC_REQUEST_MAX_SIZE": "65536",
        "SANIC_WEBSOCKET_MAX_SIZE": "65536",
        # Library deprecation warnings drown the assistant's own output, and a warning can quote a
        # message (Rasa's "/intent" parser did).
        "PYTHONWARNINGS": "ignore",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    })
    return env


def stop_process(process: Optional[subprocess.Popen], grace_s: float = 15) -> None:
    """Ends a child started in its own session, and its children: SIGTERM, then SIGKILL after `grace_s`."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def endpoints_file(settings: Settings) -> str:
    """endpoints-scaled.yml (Redis lock store) when REDIS_URL is set, else endpoints.yml."""
    return "endpoints-scaled.yml" if settings.redis_url else "endpoints.yml"


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        if _answers(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f} s")


@dataclasses.dataclass
class Child:
    name: str
    args: list
    health_url: str
    process: Optional[subprocess.Popen] = None
    started: float = 0.0
    backoff: float = 1.0
    restart_at: Optional[float] = None
    restarts: int = 0


class Stack:
    """The three servers. Use as a context manager: all are stopped on exit, whatever happened."""

    def __init__(self, settings: Settings, model: Path, log_dir: Optional[Path] = None,
                 say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
                 servers: Optional[tuple] = None) -> None:
        """`servers`: a subset of the three to run (a second Rasa replica beside another stack)."""
        if not settings.action_token:  # only this Rasa server may call this action server
            settings = dataclasses.replace(settings, action_token=secrets.token_hex(16))
        self.settings, self.model, self.log_dir, self.say = settings, model, log_dir, say
        s = settings
        self.children: Dict[str, Child] = {
            "action-server": Child("action-server", ["bot.action_server", "--port", str(s.action_port)],
                                   f"http://127.0.0.1:{s.action_port}/health"),
            "rasa-server": Child("rasa-server", [
                "rasa", "run", "--model", str(model), "--endpoints", endpoints_file(s),
                "--credentials", "credentials.yml", "--interface", s.rasa_host, "--port", str(s.rasa_port)],
                f"http://127.0.0.1:{s.rasa_port}/"),
            # The staff review app (staff/): its sign-in page is its one anonymous page.
            "staff-app": Child("staff-app", ["staff", "serve", "--port", str(s.staff_port)],
                               f"http://127.0.0.1:{s.staff_port}/login"),
        }
        self.ports = {"action-server": s.action_port, "rasa-server": s.rasa_port, "staff-app": s.staff_port}
        if servers is not None:
            self.children = {name: child for name, child in self.children.items() if name in servers}

    @property
    def processes(self) -> Dict[str, subprocess.Popen]:
        return {name: c.process for name, c in self.children.items() if c.process is not None}

    def _spawn(self, child: Child) -> None:
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{child.name}.log", "ab")
        child.process = subprocess.Popen([sys.executable, "-m", *child.args], cwd=ROOT,
                                         env=child_env(self.settings), stdout=out,
                                         stderr=subprocess.STDOUT if out else None,
                                         start_new_session=True)
        if out:
            out.close()  # the child has its own copy
        child.started, child.restart_at = time.monotonic(), None

    def start(self, timeout: float = 120) -> "Stack":
        busy = [self.ports[name] for name in self.children if port_in_use(self.ports[name])]
        if busy:
            raise RuntimeError(f"port {busy[0]} is already in use: is the assistant already running? "
                               "Stop it, or set RASA_PORT / ACTION_PORT / STAFF_PORT")
        for child in self.children.values():
            self._spawn(child)
        for child in self.children.values():
            _wait_until_up(child.health_url, child.process, child.name, timeout)
        return self

    def stop_actions(self) -> None:
        child = self.children["action-server"]
        self._stop(child.process)
        child.process = None

    def start_actions(self, timeout: float = 60) -> None:
        child = self.children["action-server"]
        self._spawn(child)
        _wait_until_up(child.health_url, child.process, child.name, timeout)

    def kill(self, name: str) -> None:
        """Kills one server at once, as a crash would (for the supervision tests)."""
        process = self.children[name].process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    @staticmethod
    def _stop(process: Optional[subprocess.Popen]) -> None:
        stop_process(process)

    def stop(self) -> None:
        for child in self.children.values():
            self._stop(child.process)

    def supervise_once(self, now: Optional[float] = None) -> None:
        """Restarts any server that died, after its back-off pause."""
        now = time.monotonic() if now is None else now
        for child in self.children.values():
            if child.process is None or child.process.poll() is None:
                if child.process is not None and now - child.started > STABLE_AFTER_S:
                    child.backoff = 1.0
                continue
            if child.restart_at is None:
                self.say(f"[assistant] {child.name} exited with code {child.process.returncode}; "
                         f"restarting in {child.backoff:.0f} s")
                child.restart_at = now + child.backoff
                child.backoff = min(MAX_BACKOFF_S, child.backoff * 2)
            elif now >= child.restart_at:
                child.restarts += 1
                self._spawn(child)

    def supervise(self, interval: float = 0.5) -> None:
        """Runs until interrupted (Ctrl-C, or SIGTERM turned into KeyboardInterrupt by the caller)."""
        while True:
            self.supervise_once()
            time.sleep(interval)

    def wait_until_up(self, name: str, timeout: float = 120) -> None:
        child = self.children[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.supervise_once()
            if child.process is not None and child.process.poll() is None and _answers(child.health_url):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not come back within {timeout:.0f} s")

    def __enter__(self) -> "Stack":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
