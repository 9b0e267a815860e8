"""One REDIS_URL, read the same way by the lock store and the Telegram channel."""
from __future__ import annotations

from urllib.parse import unquote, urlparse


def redis_options(url: str) -> dict:
    """host, port, db, username, password and ssl from redis://[user:password@]host[:port][/db]."""
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise SystemExit(f"REDIS_URL must look like redis://host:6379/0, got {url.split('@')[-1]!r}")
    path = (parsed.path or "/0").lstrip("/") or "0"
    if not path.isdigit():
        raise SystemExit("REDIS_URL's database (after the last /) must be a number")
    return {"host": parsed.hostname, "port": parsed.port or 6379, "db": int(path),
            "username": unquote(parsed.username) if parsed.username else None,
            "password": unquote(parsed.password) if parsed.password else None,
            "ssl": parsed.scheme == "rediss"}
