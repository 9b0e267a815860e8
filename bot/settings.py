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

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

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
    )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_exposure(settings: Settings) -> None:
    """Refuses settings that would put a conversation within reach of anyone on the network."""
    if settings.rasa_host not in LOOPBACK_HOSTS and not settings.rest_token:
        raise SystemExit(f"RASA_HOST={settings.rasa_host} listens beyond this machine: set REST_TOKEN so "
                         "the REST channel is not open to anyone who can reach it")
    if settings.action_host not in LOOPBACK_HOSTS and not settings.action_token:
        raise SystemExit(f"ACTION_HOST={settings.action_host} listens beyond this machine: set ACTION_TOKEN")
