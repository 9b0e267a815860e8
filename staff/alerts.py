"""Alerts: a new `high` or `imminent` flag notifies staff within seconds, by webhook and/or e-mail.

Each conversation, level and channel is alerted once (a unique row in staff_alerts, so several staff
app processes cannot send it twice), retried with a growing pause until delivered. An alert carries no
message text: the level, the channel and a link to the conversation in the staff app.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Optional

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.database import engine_for
from staff import audit, reviews, tables
from staff.clock import aware, now

log = logging.getLogger("staff.alerts")

ALERT_LEVELS = ("high", "imminent")
# A flag older than this when first seen is not news (say, the staff app was set up on an old database).
NEW_WITHIN = dt.timedelta(hours=24)
MAX_PAUSE_S = 300
CLAIM = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Alert:
    review_id: int
    level: str
    channel: str
    flagged_at: dt.datetime
    url: str

    @property
    def summary(self) -> str:
        return (f"A conversation was flagged at {self.level} risk ({self.channel or 'unknown'} channel). "
                f"Open it in the staff app: {self.url}")


@dataclass(frozen=True)
class Notifier:
    webhook_url: str = ""
    email_to: tuple[str, ...] = ()
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "assistant-alerts@localhost"
    timeout_s: float = 10.0

    @classmethod
    def from_settings(cls, s) -> "Notifier":
        return cls(s.staff_alert_webhook_url, s.staff_alert_email_to, s.smtp_host, s.smtp_port, s.smtp_user,
                   s.smtp_password, s.smtp_starttls, s.smtp_from)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(via for via, on in (("webhook", self.webhook_url),
                                         ("email", self.email_to and self.smtp_host)) if on)

    def send(self, via: str, alert: Alert) -> None:
        """Delivers one alert; raises on any failure (the caller retries)."""
        if via == "webhook":
            self._post(alert)
        elif via == "email":
            self._mail(alert)
        else:
            raise ValueError(f"unknown alert channel {via!r}")

    def _post(self, alert: Alert) -> None:
        body = json.dumps({"text": alert.summary, "level": alert.level, "channel": alert.channel,
                           "flagged_at": alert.flagged_at.isoformat(), "conversation_url": alert.url}).encode()
        request = urllib.request.Request(self.webhook_url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            if not 200 <= response.status < 300:
                raise OSError(f"webhook answered HTTP {response.status}")

    def _mail(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = f"[assistant] a conversation was flagged: {alert.level} risk"
        message["From"] = self.smtp_from
        message["To"] = ", ".join(self.email_to)
        message.set_content(alert.summary + "\n\nNo message text is sent by e-mail; sign in to read it.\n")
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout_s) as smtp:
            if self.smtp_starttls:
                smtp.starttls()
            if self.smtp_user:
                smtp.login(self.smtp_user, self.smtp_password)
            smtp.send_message(message)


def enqueue(database_url: str, items: list[reviews.Item], channels: tuple[str, ...]) -> int:
    """Records an alert for each new high or imminent flag and channel not alerted before."""
    moment, added = now(), 0
    with engine_for(database_url).begin() as connection:
        for item in items:
            if item.level not in ALERT_LEVELS or moment - item.flag.last_flagged_at > NEW_WITHIN:
                continue
            for via in channels:
                try:
                    with connection.begin_nested():
                        connection.execute(insert(tables.alerts).values(
                            sender_id=item.flag.sender_id, level=item.level, via=via, created_at=moment,
                            attempts=0, next_attempt_at=moment))
                    added += 1
                except IntegrityError:
                    pass  # alerted already (by this process or another)
    return added


def _claim(connection, alert_id: int, moment: dt.datetime) -> bool:
    a = tables.alerts
    claimed = connection.execute(update(a).where(
        a.c.id == alert_id, a.c.delivered_at.is_(None),
        or_(a.c.claimed_until.is_(None), a.c.claimed_until < moment)).values(claimed_until=moment + CLAIM))
    return claimed.rowcount == 1


def deliver_due(database_url: str, notifier: Notifier, base_url: str) -> tuple[int, int]:
    """Sends every alert that is due; returns (delivered, failed)."""
    a, r = tables.alerts, tables.reviews
    moment, delivered, failed = now(), 0, 0
    with engine_for(database_url).connect() as connection:
        due = list(connection.execute(
            select(a, r.c.id.label("review_id")).select_from(a.outerjoin(r, r.c.sender_id == a.c.sender_id))
            .where(and_(a.c.delivered_at.is_(None), a.c.next_attempt_at <= moment)).order_by(a.c.id)))
    for row in due:
        with engine_for(database_url).begin() as connection:
            if not _claim(connection, row.id, moment):
                continue
        error = _attempt(notifier, row, base_url)
        _settle(database_url, row, error)
        delivered, failed = delivered + (error is None), failed + (error is not None)
    return delivered, failed


def _attempt(notifier: Notifier, row, base_url: str) -> Optional[str]:
    alert = Alert(row.review_id or 0, row.level, _channel_of(row.sender_id), aware(row.created_at),
                  f"{base_url}/conversations/{row.review_id}")
    try:
        notifier.send(row.via, alert)
        return None
    except Exception as error:  # noqa: BLE001 - any failure is retried; only its kind is kept
        log.warning("alert %s by %s failed (attempt %s): %s", row.id, row.via, row.attempts + 1,
                    type(error).__name__)
        return f"{type(error).__name__}: {str(error)[:200]}"


def _channel_of(sender_id: str) -> str:
    return sender_id.split(":", 1)[0] if ":" in sender_id else ""


def _settle(database_url: str, row, error: Optional[str]) -> None:
    a, moment = tables.alerts, now()
    values = {"attempts": row.attempts + 1, "claimed_until": None, "last_error": error}
    if error is None:
        values["delivered_at"] = moment
    else:
        values["next_attempt_at"] = moment + dt.timedelta(seconds=min(MAX_PAUSE_S, 2 ** (row.attempts + 1)))
    with engine_for(database_url).begin() as connection:
        connection.execute(update(a).where(a.c.id == row.id).values(**values))
        if error is None:
            audit.record(connection, audit.SYSTEM, "alert_sent", str(row.review_id or ""), via=row.via,
                         level=row.level, attempts=row.attempts + 1)


def run_once(database_url: str, notifier: Notifier, base_url: str) -> tuple[int, int]:
    """One round: notice new flags, then send what is due."""
    if not notifier.channels:
        return 0, 0
    enqueue(database_url, reviews.sync(database_url), notifier.channels)
    return deliver_due(database_url, notifier, base_url)
