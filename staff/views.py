"""The staff app's pages. Each handler runs in a worker thread (database work never blocks the event
loop) and gets a guard.Context; routes are listed in staff/app.py."""
from __future__ import annotations

import datetime as dt
import secrets

from starlette.responses import RedirectResponse, Response, StreamingResponse

from bot.database import engine_for
from bot.erasure import erase_conversation
from bot.tracker_events import transcript
from staff import accounts, audit, labels, reviews
from staff.accounts import AccountError
from staff.guard import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Context, set_cookie
from staff.reviews import ReviewError
from staff import sessions

LOGIN_FAILED = ("That username and password did not match, or the account is locked for a while after "
                "too many attempts. Try again later, or ask an admin.")


def _back(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _review_id(ctx: Context) -> int:
    return int(ctx.request.path_params["review_id"])


# -- signing in and out ---------------------------------------------------------------------------

def login_form(ctx: Context, error: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = ctx.request.app.state.templates.TemplateResponse(
        ctx.request, "login.html", {"login_csrf": token, "error": error, "user": None}, status_code=status_code)
    set_cookie(response, ctx.request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


def login(ctx: Context) -> Response:
    config = ctx.config
    user = accounts.authenticate(config.database_url, ctx.form.get("username", ""), ctx.form.get("password", ""),
                                 config.staff_lockout_attempts, dt.timedelta(minutes=config.staff_lockout_minutes))
    if user is None:
        return login_form(ctx, LOGIN_FAILED, status_code=401)
    # A new session every sign-in (a session id planted before it is worth nothing), and sessions
    # left to expire are cleared out now and then.
    previous = ctx.request.cookies.get(SESSION_COOKIE, "")
    if previous:
        sessions.end(config.database_url, sessions.digest(previous))
    sessions.purge_expired(config.database_url, dt.timedelta(minutes=config.staff_session_idle_minutes),
                           dt.timedelta(hours=config.staff_session_max_hours))
    response = _back("/")
    set_cookie(response, ctx.request, SESSION_COOKIE, sessions.start(config.database_url, user))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def logout(ctx: Context) -> Response:
    sessions.end(ctx.config.database_url, ctx.session.token_hash)
    with engine_for(ctx.config.database_url).begin() as connection:
        audit.record(connection, ctx.actor, "logout")
    response = _back("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the queue and one conversation ---------------------------------------------------------------

def queue(ctx: Context) -> Response:
    try:
        filters = reviews.Filters.parse(dict(ctx.request.query_params))
    except ReviewError as error:
        return ctx.render("error.html", status_code=400, message=f"That filter cannot be used: {error}.")
    found = reviews.queue(ctx.config.database_url, filters)
    return ctx.render("queue.html", queue=found, filters=filters, levels=reviews.LEVELS,
                      statuses=reviews.STATUS_FILTERS, status_labels=reviews.STATUS_LABELS,
                      outcome_labels=reviews.OUTCOME_LABELS, now=dt.datetime.now(dt.timezone.utc),
                      notice=ctx.request.query_params.get("done", ""))


def find(ctx: Context) -> Response:
    try:
        review_id = reviews.open_by_id(ctx.config.database_url, ctx.request.query_params.get("id", ""), ctx.actor)
    except ReviewError as error:
        return ctx.render("error.html", status_code=404, message=f"Not found: {error}.")
    return _back(f"/conversations/{review_id}")


def conversation(ctx: Context) -> Response:
    url, review_id = ctx.config.database_url, _review_id(ctx)
    item = reviews.item(url, review_id)
    if item is None:
        return ctx.render("error.html", status_code=404, message="There is no such conversation; it may "
                                                                 "have been erased.")
    with engine_for(url).begin() as connection:
        audit.record(connection, ctx.actor, "viewed", str(review_id))
    return ctx.render("conversation.html", item=item, conversation=transcript(url, item.flag.sender_id),
                      notes=reviews.notes_of(url, item.flag.sender_id),
                      labelled=labels.labelled_events(url, item.flag.sender_id), levels=reviews.LEVELS,
                      status_labels=reviews.STATUS_LABELS, outcome_labels=reviews.OUTCOME_LABELS,
                      history=audit.entries(url, limit=50, target=str(review_id)),
                      error=ctx.request.query_params.get("error", ""))


def _change(ctx: Context, action) -> Response:
    review_id = _review_id(ctx)
    try:
        action(review_id)
    except ReviewError as error:
        return ctx.render("error.html", status_code=400, message=str(error),
                          back=f"/conversations/{review_id}")
    return _back(f"/conversations/{review_id}")


def set_status(ctx: Context) -> Response:
    url = ctx.config.database_url
    status, outcome = ctx.form.get("status", ""), ctx.form.get("outcome") or None

    def apply(review_id: int) -> None:
        item = reviews.item(url, review_id)
        if item is None:
            raise ReviewError("no such conversation (it may have been erased)")
        also = None
        if status == "resolved" and outcome == "false_alarm":
            flagged = transcript(url, item.flag.sender_id)
            also = lambda connection: labels.label_false_alarm(connection, flagged, ctx.actor)  # noqa: E731
        reviews.set_status(url, review_id, status, outcome, ctx.actor, also=also)

    return _change(ctx, apply)


def assign(ctx: Context) -> Response:
    who = ctx.session.user.id if ctx.form.get("to") == "me" else None
    return _change(ctx, lambda review_id: reviews.assign_to(ctx.config.database_url, review_id, who, ctx.actor))


def add_note(ctx: Context) -> Response:
    return _change(ctx, lambda review_id: reviews.add_note(ctx.config.database_url, review_id,
                                                           ctx.form.get("text", ""), ctx.actor))


def mark_missed(ctx: Context) -> Response:
    url = ctx.config.database_url

    def apply(review_id: int) -> None:
        item = reviews.item(url, review_id)
        if item is None:
            raise ReviewError("no such conversation (it may have been erased)")
        try:
            event_id = int(ctx.form.get("event_id", ""))
        except ValueError:
            raise ReviewError("which message? (no message id was sent)") from None
        labels.label_missed(url, transcript(url, item.flag.sender_id), event_id, ctx.form.get("level", ""),
                            ctx.actor, review_id)

    return _change(ctx, apply)


def erase(ctx: Context) -> Response:
    url, review_id = ctx.config.database_url, _review_id(ctx)
    if ctx.form.get("confirm", "").strip().lower() != "erase":
        return ctx.render("error.html", status_code=400, back=f"/conversations/{review_id}",
                          message="Nothing was erased: type the word erase to confirm.")
    item = reviews.item(url, review_id)
    if item is None:
        return ctx.render("error.html", status_code=404, message="There is no such conversation.")
    removed = erase_conversation(url, item.flag.sender_id)
    with engine_for(url).begin() as connection:
        audit.record(connection, ctx.actor, "erased", str(review_id), events=removed)
    return _back("/?done=erased")


# -- admins: accounts, the audit log, the training export --------------------------------------------

def users(ctx: Context, error: str = "", status_code: int = 200) -> Response:
    return ctx.render("users.html", status_code=status_code, accounts=accounts.list_users(ctx.config.database_url),
                      roles=accounts.tables.ROLES, error=error,
                      minimum=accounts.MIN_PASSWORD_LENGTH)


def create_user(ctx: Context) -> Response:
    try:
        accounts.create_user(ctx.config.database_url, ctx.form.get("username", ""), ctx.form.get("role", ""),
                             ctx.form.get("password", ""), actor=ctx.actor)
    except AccountError as error:
        return users(ctx, f"No account was created: {error}.", status_code=400)
    return _back("/admin/users")


def set_active(ctx: Context) -> Response:
    try:
        accounts.set_active(ctx.config.database_url, int(ctx.request.path_params["user_id"]),
                            ctx.form.get("active") == "yes", ctx.actor)
    except AccountError as error:
        return users(ctx, f"Nothing changed: {error}.", status_code=400)
    return _back("/admin/users")


def audit_log(ctx: Context) -> Response:
    url = ctx.config.database_url
    with engine_for(url).begin() as connection:
        audit.record(connection, ctx.actor, "audit_log_viewed")
    return ctx.render("audit.html", entries=audit.entries(url, limit=500))


def export_labels(ctx: Context) -> Response:
    url = ctx.config.database_url
    lines = list(labels.export_lines(url))
    with engine_for(url).begin() as connection:
        audit.record(connection, ctx.actor, "labels_exported", lines=len(lines))
    return StreamingResponse(iter(lines), media_type="application/x-ndjson", headers={
        "Content-Disposition": 'attachment; filename="safety-training-labels.jsonl"'})
