"""Staff accounts: argon2 hashes, clear refusals, the lockout, and `make staff-user`."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from sqlalchemy import insert, select

from bot.database import engine_for
from bot.settings import ROOT
from staff import tables
from staff.accounts import AccountError, authenticate, create_user
from staff.clock import now
from tests.staff.conftest import PASSWORD, unique

WINDOW = dt.timedelta(minutes=15)


def test_passwords_are_kept_as_argon2_hashes_only(staff_url):
    name = unique("alex")
    create_user(staff_url, name, "reviewer", PASSWORD)
    with engine_for(staff_url).connect() as connection:
        stored = connection.execute(select(tables.users.c.password_hash).where(tables.users.c.username == name)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(staff_url, name.upper(), PASSWORD, 5, WINDOW).username == name
    assert authenticate(staff_url, name, PASSWORD + "x", 5, WINDOW) is None


@pytest.mark.parametrize("username, role, password, message", [
    ("a", "reviewer", PASSWORD, "2 to 64 characters"),
    ("robert'); drop table staff_users;--", "admin", PASSWORD, "2 to 64 characters"),
    ("sam", "superuser", PASSWORD, "reviewer, admin"),
    ("sam", "reviewer", "short", "at least 12"),
])
def test_a_bad_account_is_refused_with_the_reason(staff_url, username, role, password, message):
    with pytest.raises(AccountError, match=message):
        create_user(staff_url, username, role, password)


def test_a_second_account_with_the_same_name_is_refused_and_the_first_kept(staff_url):
    name = unique("kim")
    create_user(staff_url, name, "admin", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        create_user(staff_url, name, "reviewer", "another long password")
    assert authenticate(staff_url, name, PASSWORD, 5, WINDOW).role == "admin"


def test_repeated_failures_lock_the_name_whether_or_not_it_exists(staff_url):
    real, ghost = unique("real"), unique("ghost")
    create_user(staff_url, real, "reviewer", PASSWORD)
    for name in (real, ghost):
        for _ in range(5):
            assert authenticate(staff_url, name, "wrong password!", 5, WINDOW) is None
    assert authenticate(staff_url, real, PASSWORD, 5, WINDOW) is None   # locked: even the right password
    # Failures older than the window no longer count.
    with engine_for(staff_url).begin() as connection:
        connection.execute(tables.login_failures.update().where(tables.login_failures.c.username == real)
                           .values(at=now() - dt.timedelta(hours=1)))
    assert authenticate(staff_url, real, PASSWORD, 5, WINDOW).username == real


def test_a_success_clears_the_failures(staff_url):
    name = unique("pat")
    create_user(staff_url, name, "reviewer", PASSWORD)
    for _ in range(4):
        authenticate(staff_url, name, "nope nope nope", 5, WINDOW)
    assert authenticate(staff_url, name, PASSWORD, 5, WINDOW) is not None
    for _ in range(4):
        authenticate(staff_url, name, "nope nope nope", 5, WINDOW)
    assert authenticate(staff_url, name, PASSWORD, 5, WINDOW) is not None


def test_the_audit_log_cannot_be_changed_or_emptied(staff_url):
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    with engine_for(staff_url).begin() as connection:
        connection.execute(insert(tables.audit).values(at=now(), actor="t", action="test", target="", detail=""))
    for statement in (update(tables.audit).values(actor="someone else"), delete(tables.audit)):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine_for(staff_url).begin() as connection:
                connection.execute(statement)


def _make_staff_user(url: str, username: str, role: str, stdin: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(["make", "-s", "staff-user", f"USERNAME={username}", f"ROLE={role}"], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_make_staff_user_reads_the_password_from_standard_input(staff_sqlite):
    name = unique("lead")
    done = _make_staff_user(staff_sqlite, name, "admin", PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert f"created admin account '{name}'" in done.stdout and PASSWORD not in done.stdout + done.stderr
    assert authenticate(staff_sqlite, name, PASSWORD, 5, WINDOW).role == "admin"


def test_make_staff_user_explains_a_bad_request(staff_sqlite):
    short = _make_staff_user(staff_sqlite, unique("x"), "admin", "short\n")
    assert short.returncode != 0 and "at least 12 characters" in short.stderr
    role = _make_staff_user(staff_sqlite, unique("x"), "owner", PASSWORD + "\n")
    assert role.returncode != 0 and "reviewer, admin" in role.stderr
    missing = subprocess.run(["make", "-s", "staff-user"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "usage: make staff-user USERNAME=name ROLE=reviewer|admin" in missing.stderr


def test_the_staff_app_never_imports_rasa():
    code = ("import sys, staff.app, staff.__main__, staff.alerts, staff.views; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', 'tensorflow'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_erasure_knows_every_staff_table_that_holds_a_conversation():
    from bot.erasure import STAFF_TABLES

    assert set(STAFF_TABLES) == {t.name for t in tables.PERSONAL_TABLES}
    assert all("sender_id" in t.c for t in tables.PERSONAL_TABLES)
