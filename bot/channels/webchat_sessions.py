"""Web chat session ids: random, issued and signed by the server, never chosen by the client.

A browser keeps the token it was given (`<id>.<expiry>.<signature>`) to resume its conversation after
a reload. The server accepts a token only if the signature matches and it has not expired, so no one
can join another person's conversation by guessing or choosing an id, and a token copied from a
browser stops working a while after that browser stopped using it: every reconnection renews it. The signature is an HMAC with a secret every Rasa worker
shares, so any worker accepts the ids the others issued.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional

from bot.settings import ROOT

logger = logging.getLogger(__name__)

SECRET_FILE = ROOT / "var" / "webchat-secret"
_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9]{1,12})\.([0-9a-f]{32})$")
_CONTEXT = b"webchat-session-v2\x00"
TOKEN_LIFETIME_S = 12 * 3600


class Session(NamedTuple):
    token: str       # what the browser keeps
    sender_id: str   # the conversation's id in the tracker store


def webchat_secret(configured: str, secret_file: Path = SECRET_FILE) -> bytes:
    """The configured secret (settings: WEBCHAT_SECRET) if set; otherwise a random secret kept in
    var/webchat-secret (created once, readable by the owner only), so workers on one machine and
    restarts agree on it. Several machines must share WEBCHAT_SECRET."""
    if configured:
        return configured.encode()
    try:
        return _read_or_create(secret_file)
    except OSError as exc:
        logger.warning("cannot keep the web chat secret in %s (%s): using one for this process only; "
                       "set WEBCHAT_SECRET so sessions survive a restart", secret_file, exc.strerror)
        return secrets.token_bytes(32)


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".webchat-secret-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            os.chmod(temporary, 0o600)
            try:
                os.link(temporary, path)  # atomic: the first worker wins, the others read its secret
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    value = path.read_text().strip()
    if len(value) < 32:
        raise OSError(0, "the file is too short to be a secret")
    return value.encode()


class SessionSigner:
    def __init__(self, secret: bytes, lifetime_s: int = TOKEN_LIFETIME_S,
                 clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("WEBCHAT_SECRET must be at least 16 characters long")
        self._secret, self.lifetime_s, self.clock = secret, lifetime_s, clock

    def _signature(self, session_id: str, expires: str) -> str:
        signed = _CONTEXT + f"{session_id}.{expires}".encode()
        return hmac.new(self._secret, signed, hashlib.sha256).hexdigest()[:32]

    def _token(self, session_id: str) -> Session:
        expires = str(int(self.clock()) + self.lifetime_s)
        return Session(f"{session_id}.{expires}.{self._signature(session_id, expires)}", session_id)

    def issue(self) -> Session:
        """A new conversation: a random 128-bit id, signed with its expiry."""
        return self._token(secrets.token_hex(16))

    def renew(self, session: Session) -> Session:
        """The same conversation with a fresh expiry (sent on every reconnection)."""
        return self._token(session.sender_id)

    def verify(self, token: object) -> Optional[Session]:
        """The session a token stands for, or None if this server (or a sibling) did not issue it or
        it has expired."""
        match = _TOKEN.match(token) if isinstance(token, str) else None
        if not match:
            return None
        session_id, expires, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(session_id, expires)):
            return None
        if int(expires) < self.clock():
            return None
        return Session(token, session_id)
