"""Alerts on a new high or imminent flag: a local webhook receiver and a local SMTP server (aiosmtpd)
stand in for the team's chat tool and mail server."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from bot.database import engine_for
from staff import tables
from staff.alerts import Notifier, run_once
from tests.staff.conftest import LiveApp, bot_event, config_for, seed, unique, user_event
from tests.support import free_port

SECRET_TEXT = "i have the pills and i'm taking them at midnight"


class Webhook:
    """Receives alerts; answers 503 to the first `fail_first` posts (a chat tool having a bad minute)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.failures_left = fail_first
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.failures_left > 0:
                    hook.failures_left -= 1
                    self.send_response(503)
                else:
                    hook.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/staff"

    def __enter__(self) -> "Webhook":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


def _crisis(url: str, level: str = "imminent") -> str:
    sender = unique("telegram:4242")
    seed(url, sender, user_event("hey", channel="telegram"), bot_event("Hi."),
         user_event(SECRET_TEXT, level, ["plan_or_intent"], ["taking them at midnight"], channel="telegram"))
    return sender


def _due_now(url: str) -> None:
    """Skips the retry pause (the test should not sleep through it)."""
    with engine_for(url).begin() as connection:
        connection.execute(update(tables.alerts).values(next_attempt_at=tables.alerts.c.created_at))


def test_a_webhook_alert_is_retried_until_delivered_and_sent_once(staff_sqlite):
    staff_url = staff_sqlite  # a database of its own: the counts below are exact
    with Webhook(fail_first=2) as hook:
        notifier = Notifier(webhook_url=hook.url)
        _crisis(staff_url)
        assert run_once(staff_url, notifier, "https://staff.example.org") == (0, 1)
        _due_now(staff_url)
        assert run_once(staff_url, notifier, "https://staff.example.org") == (0, 1)
        _due_now(staff_url)
        assert run_once(staff_url, notifier, "https://staff.example.org") == (1, 0)
        for _ in range(3):
            _due_now(staff_url)
            assert run_once(staff_url, notifier, "https://staff.example.org") == (0, 0)
    assert len(hook.received) == 1
    alert = hook.received[0]
    assert alert["level"] == "imminent" and alert["channel"] == "telegram"
    assert alert["conversation_url"].startswith("https://staff.example.org/conversations/")
    assert "midnight" not in json.dumps(alert) and "pills" not in json.dumps(alert)


def test_an_escalation_alerts_again_but_a_concern_does_not(staff_url):
    with Webhook() as hook:
        notifier = Notifier(webhook_url=hook.url)
        concern = unique("rest:c")
        seed(staff_url, concern, user_event("my brother talks about suicide", "concern", ["third_person"], ["suicide"]))
        high = unique("rest:h")
        seed(staff_url, high, user_event("i want to die", "high", ["suicidal_ideation"], ["want to die"]))
        run_once(staff_url, notifier, "http://localhost:8000")
        seed(staff_url, high, user_event("i have the rope ready", "imminent", ["means"], ["rope ready"]))
        run_once(staff_url, notifier, "http://localhost:8000")
        run_once(staff_url, notifier, "http://localhost:8000")
    mine = [a["level"] for a in hook.received]
    assert mine.count("high") >= 1 and mine.count("imminent") >= 1
    assert not any(a["level"] == "concern" for a in hook.received)


def test_an_email_alert_carries_a_link_and_no_message_text(staff_sqlite, mailbox):
    notifier = Notifier(email_to=("oncall@example.org",), smtp_host="127.0.0.1", smtp_port=mailbox.port,
                        smtp_starttls=False, smtp_from="alerts@example.org")
    _crisis(staff_sqlite, "high")
    assert run_once(staff_sqlite, notifier, "http://localhost:8000") == (1, 0)
    assert run_once(staff_sqlite, notifier, "http://localhost:8000") == (0, 0)
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    body = mail.content.decode()
    assert mail.rcpt_tos == ["oncall@example.org"] and "high risk" in body
    assert "http://localhost:8000/conversations/" in body
    assert "pills" not in body and "midnight" not in body


def test_the_running_app_alerts_within_seconds_of_a_flag(staff_sqlite):
    with Webhook() as hook:
        config = config_for(staff_sqlite, staff_alert_webhook_url=hook.url, staff_alert_poll_s=1)
        with LiveApp(config):
            flagged_at = time.monotonic()
            _crisis(staff_sqlite)
            while not hook.received and time.monotonic() - flagged_at < 15:
                time.sleep(0.1)
            waited = time.monotonic() - flagged_at
    assert len(hook.received) == 1, f"no alert after {waited:.1f} s"
    print(f"alert arrived {waited:.1f} s after the flag")  # a figure, not an assertion
