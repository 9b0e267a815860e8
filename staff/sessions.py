"""Login sessions, kept on the server: the cookie holds a random token, the table only its SHA-256.

A session ends at logout, after STAFF_SESSION_IDLE_MINUTES without a request, and after
STAFF_SESSION_MAX_HOURS whatever happens. Each has its own CSRF token for the forms it renders.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import delete, insert, select, update

from bot.database import engine_for
from staff import tables
from staff.accounts import User
from staff.clock import aware, now


@dataclass(frozen=True)
class Session:
    token_hash: str
    user: User
    csrf_token: str

    def csrf_ok(self, offered: str) -> bool:
        return bool(offered) and hmac.compare_digest(self.csrf_token, offered)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(database_url: str, user: User) -> str:
    """A new session for `user`; returns the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    moment = now()
    with engine_for(database_url).begin() as connection:
        connection.execute(insert(tables.sessions).values(
            token_hash=digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
            created_at=moment, last_seen_at=moment))
    return token


def resume(database_url: str, token: str, idle: dt.timedelta, lifetime: dt.timedelta) -> Optional[Session]:
    """The live session for a cookie's token (and its last-seen time moved on), or None."""
    if not token or len(token) > 128:
        return None
    hashed, moment = digest(token), now()
    s, u = tables.sessions, tables.users
    with engine_for(database_url).begin() as connection:
        row = connection.execute(
            select(s.c.token_hash, s.c.csrf_token, s.c.created_at, s.c.last_seen_at,
                   u.c.id, u.c.username, u.c.role, u.c.active)
            .join(u, u.c.id == s.c.user_id).where(s.c.token_hash == hashed)).first()
        if row is None:
            return None
        expired = moment - aware(row.last_seen_at) > idle or moment - aware(row.created_at) > lifetime
        if expired or not row.active:
            connection.execute(delete(s).where(s.c.token_hash == hashed))
            return None
        connection.execute(update(s).where(s.c.token_hash == hashed).values(last_seen_at=moment))
    return Session(hashed, User(row.id, row.username, row.role, bool(row.active)), row.csrf_token)


def end(database_url: str, token_hash: str) -> None:
    with engine_for(database_url).begin() as connection:
        connection.execute(delete(tables.sessions).where(tables.sessions.c.token_hash == token_hash))


def purge_expired(database_url: str, idle: dt.timedelta, lifetime: dt.timedelta) -> int:
    moment, s = now(), tables.sessions
    with engine_for(database_url).begin() as connection:
        return connection.execute(delete(s).where(
            (s.c.last_seen_at < moment - idle) | (s.c.created_at < moment - lifetime))).rowcount
