"""`make run`'s launcher as a person runs it: it says when it is ready, a second start on the same
ports fails and says why, and SIGTERM stops both servers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bot.settings import ROOT
from bot.stack import port_in_use
from tests.support import free_port

pytestmark = pytest.mark.e2e


def _launch(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _wait_for(process: subprocess.Popen, words: str, timeout: float) -> str:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if words in line:
            return "".join(seen)
    raise AssertionError(f"never said {words!r}:\n{''.join(seen)[-3000:]}")


def test_ready_then_a_second_start_fails_then_sigterm_stops_everything(tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'assistant.db'}",
               RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), PYTHONPATH=str(ROOT))
    first = _launch(env)
    try:
        _wait_for(first, "ready:", timeout=600)
        assert port_in_use(rasa_port) and port_in_use(action_port)

        second = _launch(env)
        output, _ = second.communicate(timeout=600)
        assert second.returncode != 0 and "already in use" in output, output
        assert "ready:" not in output

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (port_in_use(rasa_port) or port_in_use(action_port)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not port_in_use(rasa_port) and not port_in_use(action_port)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
