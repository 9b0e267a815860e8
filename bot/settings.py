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
    )
