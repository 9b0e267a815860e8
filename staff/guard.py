"""What every page of the staff app passes through: the session, the role, CSRF, and safe headers.

Routes are made with `page()` (signed-in staff, optionally admins only) or `public()` (the login page
and static files only): there is no other way to add one, and a test walks the route table to check
that every non-public route refuses an anonymous request.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from staff import sessions
from staff.sessions import Session

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
MAX_FORM_BYTES = 64 * 1024
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware: every response gets the headers above (pages are never cached or framed)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Context:
    """What a page handler gets: the request, the posted form, the signed-in session."""

    request: Request
    session: Optional[Session]
    form: dict[str, str] = field(default_factory=dict)

    @property
    def config(self):
        return self.request.app.state.config

    @property
    def actor(self) -> str:
        return self.session.user.username if self.session else "anonymous"

    def render(self, template: str, status_code: int = 200, **values: Any) -> Response:
        values.update(user=self.session.user if self.session else None,
                      csrf_token=self.session.csrf_token if self.session else "")
        return self.request.app.state.templates.TemplateResponse(self.request, template, values,
                                                                 status_code=status_code)


def secure_cookies(request: Request) -> bool:
    """Secure when the browser reached us over HTTPS (directly or through a trusted proxy)."""
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: Optional[int] = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=secure_cookies(request))


async def read_form(request: Request) -> dict[str, str]:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise _Refused(413, "That form is too large.")
    try:
        form = await request.form(max_files=0, max_fields=50)
    except Exception:  # noqa: BLE001 - malformed bodies of every kind get the same answer
        raise _Refused(400, "That form could not be read.") from None
    return {key: value for key, value in form.items() if isinstance(value, str)}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _refusal(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)


async def current_session(request: Request) -> Optional[Session]:
    config = request.app.state.config
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return await run_in_threadpool(
        sessions.resume, config.database_url, token,
        dt.timedelta(minutes=config.staff_session_idle_minutes), dt.timedelta(hours=config.staff_session_max_hours))


def page(path: str, handler: Callable[[Context], Response], methods=("GET",), admin: bool = False) -> Route:
    """A route for signed-in staff (admins only when `admin`); POSTs need the session's CSRF token."""
    async def endpoint(request: Request) -> Response:
        session = await current_session(request)
        if session is None:
            if request.method in ("GET", "HEAD"):
                return RedirectResponse("/login", status_code=303)
            return _refusal(403, "Sign in first.")
        if admin and not session.user.is_admin:
            return _refusal(403, "Only admins can do that.")
        form: dict[str, str] = {}
        try:
            if request.method in UNSAFE_METHODS:
                form = await read_form(request)
                if not session.csrf_ok(form.get("csrf_token", "") or request.headers.get("x-csrf-token", "")):
                    raise _Refused(403, "This form has expired or did not come from this app: reload the "
                                        "page and try again.")
        except _Refused as refused:
            return _refusal(refused.status, refused.message)
        return await run_in_threadpool(handler, Context(request, session, form))

    endpoint.guarded = "admin" if admin else "staff"
    return Route(path, endpoint, methods=list(methods), name=handler.__name__)


def public(path: str, handler: Callable[[Context], Response], methods=("GET",)) -> Route:
    """The login page only. POSTs still need the login form's CSRF token (a double-submit cookie)."""
    async def endpoint(request: Request) -> Response:
        form: dict[str, str] = {}
        try:
            if request.method in UNSAFE_METHODS:
                form = await read_form(request)
                expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
                if not expected or not secrets.compare_digest(expected, form.get("csrf_token", "")):
                    raise _Refused(403, "The sign-in form has expired: reload the page and try again.")
        except _Refused as refused:
            return _refusal(refused.status, refused.message)
        return await run_in_threadpool(handler, Context(request, None, form))

    endpoint.guarded = "public"
    return Route(path, endpoint, methods=list(methods), name=handler.__name__)
