"""`make run`'s launcher as a person runs it: it says when it is ready, the staff app takes an account
made with `make staff-user`, a second start on the same ports fails and says why, and SIGTERM stops
every server."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

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


def _staff_login(env: dict, port: int) -> int:
    """Makes an admin the way the README says, then signs in over HTTP; returns the status code."""
    made = subprocess.run(["make", "-s", "staff-user", "USERNAME=lead", "ROLE=admin"], cwd=ROOT, env=env,
                          input="a long enough password\n", capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    browser = requests.Session()
    page = browser.get(f"http://localhost:{port}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(f"http://localhost:{port}/login", data={
        "csrf_token": token, "username": "lead", "password": "a long enough password"}, timeout=10)
    assert "Flagged conversations" in signed_in.text
    return signed_in.status_code


def test_ready_then_a_second_start_fails_then_sigterm_stops_everything(tmp_path):
    rasa_port, action_port, staff_port = free_port(), free_port(), free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'assistant.db'}",
               RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), STAFF_PORT=str(staff_port),
               PYTHONPATH=str(ROOT))
    first = _launch(env)
    try:
        ready = _wait_for(first, "ready:", timeout=600)
        assert f"staff review app http://localhost:{staff_port}/" in ready
        assert port_in_use(rasa_port) and port_in_use(action_port) and port_in_use(staff_port)
        assert _staff_login(env, staff_port) == 200

        second = _launch(env)
        output, _ = second.communicate(timeout=600)
        assert second.returncode != 0 and "already in use" in output, output
        assert "ready:" not in output

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
        deadline = time.monotonic() + 30
        ports = (rasa_port, action_port, staff_port)
        while any(port_in_use(p) for p in ports) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(port_in_use(p) for p in ports)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
