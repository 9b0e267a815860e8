"""Staff accounts: argon2 password hashes, roles, and a lockout after repeated failed logins.

A failed login says the same thing, and takes about as long, whether or not the username exists, and
whether or not it is locked.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.database import engine_for
from staff import audit, tables
from staff.clock import aware, now

HASHER = PasswordHasher()
# Verified against when the username does not exist, so that a miss costs as much as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password, only for timing")
MIN_PASSWORD_LENGTH = 12
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool = True
    last_login_at: Optional[dt.datetime] = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def normalise_username(raw: str) -> str:
    return (raw or "").strip().lower()


def check_new_account(username: str, role: str, password: str) -> None:
    if not 2 <= len(username) <= 64 or not set(username) <= USERNAME_CHARS:
        raise AccountError("a username is 2 to 64 characters: letters, digits, '.', '_' or '-'")
    if role not in tables.ROLES:
        raise AccountError(f"the role must be one of: {', '.join(tables.ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(database_url: str, username: str, role: str, password: str, actor: str = audit.SYSTEM) -> User:
    username = normalise_username(username)
    check_new_account(username, role, password)
    try:
        with engine_for(database_url).begin() as connection:
            result = connection.execute(insert(tables.users).values(
                username=username, password_hash=HASHER.hash(password), role=role, active=True,
                created_at=now()))
            audit.record(connection, actor, "account_created", username, role=role)
    except IntegrityError:
        raise AccountError(f"an account named {username!r} already exists") from None
    return User(result.inserted_primary_key[0], username, role)


def _user(row) -> User:
    return User(row.id, row.username, row.role, bool(row.active), aware(row.last_login_at))


def get_user(database_url: str, user_id: int) -> Optional[User]:
    with engine_for(database_url).connect() as connection:
        row = connection.execute(select(tables.users).where(tables.users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(database_url: str) -> list[User]:
    with engine_for(database_url).connect() as connection:
        return [_user(r) for r in connection.execute(select(tables.users).order_by(tables.users.c.username))]


def set_active(database_url: str, user_id: int, active: bool, actor: str) -> User:
    with engine_for(database_url).begin() as connection:
        row = connection.execute(select(tables.users).where(tables.users.c.id == user_id)).first()
        if row is None:
            raise AccountError("no such account")
        if row.username == actor and not active:
            raise AccountError("you cannot disable your own account")
        connection.execute(update(tables.users).where(tables.users.c.id == user_id).values(active=active))
        if not active:  # a disabled account's sessions end now
            connection.execute(delete(tables.sessions).where(tables.sessions.c.user_id == user_id))
        audit.record(connection, actor, "account_enabled" if active else "account_disabled", row.username)
    return User(row.id, row.username, row.role, active)


def _recent_failures(connection, username: str, since: dt.datetime) -> int:
    query = select(func.count()).select_from(tables.login_failures).where(
        tables.login_failures.c.username == username, tables.login_failures.c.at >= since)
    return connection.execute(query).scalar_one()


def authenticate(database_url: str, username: str, password: str, attempts: int,
                 window: dt.timedelta) -> Optional[User]:
    """The user, or None for a wrong name, a wrong password, a disabled account or a lockout alike."""
    username = normalise_username(username)[:64]
    with engine_for(database_url).begin() as connection:
        locked = _recent_failures(connection, username, now() - window) >= attempts
        row = connection.execute(select(tables.users).where(tables.users.c.username == username)).first()
        good = _verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None
        if locked or not good or not row.active:
            connection.execute(insert(tables.login_failures).values(username=username, at=now()))
            audit.record(connection, audit.SYSTEM, "login_failed", username, locked=locked)
            return None
        connection.execute(delete(tables.login_failures).where(tables.login_failures.c.username == username))
        connection.execute(update(tables.users).where(tables.users.c.id == row.id).values(last_login_at=now()))
        audit.record(connection, username, "login")
    return _user(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
