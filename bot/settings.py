"""All configuration, read once from environment variables, with defaults that work on a fresh clone.

Every variable is documented in `.env.example`. Nothing here is secret by default; secrets (tokens)
only ever come from the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be true or false, got {raw!r}")


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _default_database_url() -> str:
    return f"sqlite:///{ROOT / 'var' / 'assistant.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    content_dir: Path = ROOT / "data" / "content"
    model_dir: Path = ROOT / "models"
    log_level: str = "INFO"
    # Web chat (bot/channels/socketio.py): origins allowed to open a socket; empty = the server's own
    # origin and localhost.
    webchat_allowed_origins: tuple[str, ...] = ()
    # Signs web chat session ids; several machines must share it. Empty: a random one is kept in
    # var/webchat-secret (bot/channels/webchat_sessions.py).
    webchat_secret: str = ""
    # Telegram (bot/channels/telegram.py): off unless a token is set.
    telegram_token: str = ""
    telegram_secret_token: str = ""
    telegram_webhook_url: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    # REST channel: required as "Authorization: Bearer <token>" when set; must be set when the Rasa
    # server listens beyond loopback (check_exposure refuses to start otherwise).
    rest_token: str = ""
    # The action server: only the Rasa server may call it (a token the launcher makes per start).
    action_host: str = "127.0.0.1"
    action_token: str = ""
    action_timeout_s: int = 20   # then the Rasa server apologises and gives the crisis line
    # Messages taken in per minute, per conversation and per client address (loopback exempt), and how
    # many of one conversation's messages may wait while it is being answered.
    rate_limit_per_conversation: int = 30
    rate_limit_per_address: int = 300
    max_waiting_messages: int = 5
    # Retention (python -m bot.cli retention): unflagged conversations are deleted this many days after
    # their last message; flagged ones this many days after staff resolve them.
    retention_days: int = 30
    flagged_retention_days: int = 90
    # Scale-out: Redis for Rasa's lock store and Telegram's update de-duplication, shared by every
    # Rasa worker and replica; several Sanic workers per Rasa server need it.
    redis_url: str = ""
    rasa_workers: int = 1
    # The staff review app (staff/): where it listens, and the address staff open (alerts link there).
    staff_host: str = "127.0.0.1"
    staff_port: int = 8000
    staff_base_url: str = ""
    # Proxies whose X-Forwarded-Proto/For are believed (the HTTPS terminator in front of the app).
    staff_trusted_proxies: str = "127.0.0.1"
    staff_session_idle_minutes: int = 15
    staff_session_max_hours: int = 12
    staff_lockout_attempts: int = 5
    staff_lockout_minutes: int = 15
    # Alerts on a new high or imminent flag: a webhook (JSON POST) and/or e-mail over SMTP.
    staff_alert_webhook_url: str = ""
    staff_alert_email_to: tuple[str, ...] = ()
    staff_alert_poll_s: int = 2
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "assistant-alerts@localhost"

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def staff_url(self) -> str:
        return (self.staff_base_url or f"http://localhost:{self.staff_port}").rstrip("/")

    @property
    def helplines_file(self) -> Path:
        return self.content_dir / "helplines.yml"


def load() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL") or _default_database_url(),
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_int("RASA_PORT", 5005),
        action_port=_int("ACTION_PORT", 5055),
        content_dir=Path(env.get("CONTENT_DIR") or ROOT / "data" / "content"),
        model_dir=Path(env.get("MODEL_DIR") or ROOT / "models"),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        webchat_allowed_origins=_list(env.get("WEBCHAT_ALLOWED_ORIGINS", "")),
        webchat_secret=env.get("WEBCHAT_SECRET", "").strip(),
        telegram_token=env.get("TELEGRAM_TOKEN", "").strip(),
        telegram_secret_token=env.get("TELEGRAM_SECRET_TOKEN", "").strip(),
        telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip(),
        telegram_api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").strip().rstrip("/"),
        rest_token=env.get("REST_TOKEN", "").strip(),
        action_host=env.get("ACTION_HOST", "127.0.0.1"),
        action_token=env.get("ACTION_TOKEN", "").strip(),
        action_timeout_s=_int("ACTION_TIMEOUT", 20),
        rate_limit_per_conversation=_int("RATE_LIMIT_PER_CONVERSATION", 30),
        rate_limit_per_address=_int("RATE_LIMIT_PER_ADDRESS", 300),
        max_waiting_messages=_int("MAX_WAITING_MESSAGES", 5),
        retention_days=_int("RETENTION_DAYS", 30),
        flagged_retention_days=_int("FLAGGED_RETENTION_DAYS", 90),
        redis_url=env.get("REDIS_URL", "").strip(),
        rasa_workers=_int("SANIC_WORKERS", 1),
        staff_host=env.get("STAFF_HOST", "127.0.0.1").strip() or "127.0.0.1",
        staff_port=_int("STAFF_PORT", 8000),
        staff_base_url=env.get("STAFF_BASE_URL", "").strip(),
        staff_trusted_proxies=env.get("STAFF_TRUSTED_PROXIES", "127.0.0.1").strip(),
        staff_session_idle_minutes=_int("STAFF_SESSION_IDLE_MINUTES", 15),
        staff_session_max_hours=_int("STAFF_SESSION_MAX_HOURS", 12),
        staff_lockout_attempts=_int("STAFF_LOCKOUT_ATTEMPTS", 5),
        staff_lockout_minutes=_int("STAFF_LOCKOUT_MINUTES", 15),
        staff_alert_webhook_url=env.get("STAFF_ALERT_WEBHOOK_URL", "").strip(),
        staff_alert_email_to=_list(env.get("STAFF_ALERT_EMAIL_TO", "")),
        staff_alert_poll_s=_int("STAFF_ALERT_POLL_SECONDS", 2),
        smtp_host=env.get("SMTP_HOST", "").strip(),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_user=env.get("SMTP_USER", "").strip(),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool("SMTP_STARTTLS", True),
        smtp_from=env.get("SMTP_FROM", "").strip() or "assistant-alerts@localhost",
    )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_exposure(settings: Settings) -> None:
    """Refuses settings that would put a conversation within reach of anyone on the network."""
    if settings.rasa_host not in LOOPBACK_HOSTS and not settings.rest_token:
        raise SystemExit(f"RASA_HOST={settings.rasa_host} listens beyond this machine: set REST_TOKEN so "
                         "the REST channel is not open to anyone who can reach it")
    if settings.rasa_workers > 1 and not settings.redis_url:
        raise SystemExit(f"SANIC_WORKERS={settings.rasa_workers} needs REDIS_URL: several workers must share "
                         "one lock store, or two of them could answer the same conversation at once")
    if settings.rasa_workers < 1:
        raise SystemExit("SANIC_WORKERS must be at least 1")
    if settings.rasa_workers > 1 and settings.database_url.startswith("sqlite"):
        raise SystemExit(f"SANIC_WORKERS={settings.rasa_workers} needs DATABASE_URL on PostgreSQL: several "
                         "processes writing one SQLite file would wait on each other's locks")
    if settings.action_host not in LOOPBACK_HOSTS and not settings.action_token:
        raise SystemExit(f"ACTION_HOST={settings.action_host} listens beyond this machine: set ACTION_TOKEN")
