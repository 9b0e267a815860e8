"""The staff app over real HTTP, as an attacker would try it: every route, CSRF, roles, sessions,
the lockout, injection, headers and where it listens."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import func, select
from starlette.routing import Mount, Route

from bot.database import engine_for
from bot.settings import ROOT
from staff import tables
from staff.app import routes
from tests.staff.conftest import PASSWORD, LiveApp, bot_event, config_for, seed, unique, user_event
from tests.support import free_port

PUBLIC = {"/login"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}:]+(:int)?\}", "1", path)


def _every_route():
    for route in routes():
        if isinstance(route, Route):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def _flagged(url: str, text: str = "i'm going to end it tonight") -> str:
    sender = unique("rest:person")
    seed(url, sender, user_event("hi"), bot_event("Hello."),
         user_event(text, "imminent", ["plan_or_intent"], [text], rules=["plan_with_time"]),
         bot_event("Please call 988 now."))
    return sender


def _count(url: str, table) -> int:
    with engine_for(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_every_route_is_either_public_or_refuses_an_anonymous_request(live):
    guarded = {route.path: getattr(route.endpoint, "guarded", None) for route in routes() if isinstance(route, Route)}
    assert all(guarded.values()), "every route is made with guard.page() or guard.public()"
    assert {path for path, kind in guarded.items() if kind == "public"} == PUBLIC
    assert [r.path for r in routes() if isinstance(r, Mount)] == ["/static"]
    anonymous = live.client()
    checked = 0
    for method, path in _every_route():
        if path in PUBLIC:
            continue
        response = anonymous.http.request(method, live.base + _concrete(path), data={"x": "1"},
                                          allow_redirects=False, timeout=10)
        assert response.status_code in (303, 403), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"] == "/login"
        assert "Staff review" not in response.text  # no page, not even an empty one
        checked += 1
    assert checked >= 13
    assert anonymous.get("/login").status_code == 200
    assert anonymous.get("/static/staff.css").status_code == 200


def test_a_post_without_the_csrf_token_changes_nothing(live):
    url = live.config.database_url
    _flagged(url)
    client = live.signed_in("admin")
    client.get("/")  # the queue creates the review row
    before = (_count(url, tables.notes), _count(url, tables.users), _count(url, tables.reviews))
    for path, data in [("/conversations/1/notes", {"text": "no token"}),
                       ("/conversations/1/status", {"status": "resolved", "outcome": "contacted"}),
                       ("/conversations/1/erase", {"confirm": "erase"}),
                       ("/admin/users", {"username": "intruder", "role": "admin", "password": PASSWORD}),
                       ("/logout", {})]:
        for token in (None, "forged-token"):
            fields = dict(data) if token is None else {**data, "csrf_token": token}
            response = client.post(path, fields)
            assert response.status_code == 403, (path, token)
            assert "reload the page" in response.text
    assert (_count(url, tables.notes), _count(url, tables.users), _count(url, tables.reviews)) == before
    assert client.get("/").status_code == 200  # still signed in: the forged logout did nothing
    assert client.csrf("/conversations/1")      # and the conversation was not erased


def test_the_login_form_needs_its_own_token(live):
    name = live.account("admin")
    response = requests.post(live.base + "/login", data={"username": name, "password": PASSWORD},
                             allow_redirects=False, timeout=10)
    assert response.status_code == 403 and "staff_session" not in response.headers.get("set-cookie", "")


def test_a_reviewer_works_the_queue_but_cannot_reach_accounts_or_the_audit_log(live):
    _flagged(live.config.database_url)
    reviewer = live.signed_in("reviewer")
    assert reviewer.get("/").status_code == 200
    assert "Accounts" not in reviewer.get("/").text
    for path in ("/admin/users", "/admin/audit", "/admin/labels.jsonl"):
        assert reviewer.get(path).status_code == 403
    token = reviewer.csrf("/")
    for path, data in [("/admin/users", {"username": "mine", "role": "admin", "password": PASSWORD}),
                       ("/admin/users/1/active", {"active": "no"}),
                       ("/conversations/1/erase", {"confirm": "erase"})]:
        assert reviewer.post(path, {"csrf_token": token, **data}).status_code == 403
    assert "mine" not in [u for (u,) in engine_for(live.config.database_url).connect().execute(
        select(tables.users.c.username))]
    admin = live.signed_in("admin")
    assert admin.get("/admin/users").status_code == 200 and admin.get("/admin/audit").status_code == 200


def test_the_session_cookie_is_strict_and_dies_at_logout(live):
    client = live.client()
    name = live.account("reviewer")
    response = client.login(name, PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "staff_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain http on loopback
    stolen = client.http.cookies.get("staff_session")
    assert client.form("/", "/logout").status_code == 303
    thief = live.client()
    thief.http.cookies.set("staff_session", stolen)
    assert thief.get("/").status_code == 303
    assert client.get("/").status_code == 303


def test_over_https_behind_the_proxy_the_cookie_is_secure(live):
    client = live.client()
    https = {"X-Forwarded-Proto": "https"}
    page = client.get("/login", headers=https)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert "Secure" in page.headers["set-cookie"]
    # A Secure cookie is not sent back over plain http: send it as the browser would over https.
    cookie = f"staff_login_csrf={client.http.cookies.get('staff_login_csrf')}"
    response = requests.post(live.base + "/login", data={"csrf_token": token, "username": live.account(),
                                                          "password": PASSWORD},
                             headers={**https, "Cookie": cookie}, allow_redirects=False, timeout=10)
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def test_an_idle_session_expires(staff_sqlite):
    with LiveApp(config_for(staff_sqlite, staff_session_idle_minutes=0)) as app:
        client = app.client()
        client.login(app.account(), PASSWORD)
        time.sleep(0.05)
        assert client.get("/").status_code == 303


def test_the_lockout_says_the_same_whether_or_not_the_name_exists(live):
    real, ghost = live.account("admin"), unique("nobody")
    answers = {}
    for name in (real, ghost):
        client = live.client()
        failures = [client.login(name, "wrong password!") for _ in range(5)]
        answers[name] = {(r.status_code, "did not match, or the account is locked" in r.text) for r in failures}
        locked = client.login(name, PASSWORD if name == real else "wrong password!")
        assert locked.status_code == 401 and "did not match, or the account is locked" in locked.text
        assert "staff_session" not in locked.headers.get("set-cookie", "")
    assert answers[real] == answers[ghost] == {(401, True)}


def test_injection_in_filters_and_notes_does_nothing(live):
    url = live.config.database_url
    _flagged(url)
    client = live.signed_in("reviewer")
    client.get("/")
    users_before = _count(url, tables.users)
    for query in ({"level": "high' OR '1'='1"}, {"status": "open; DROP TABLE staff_reviews;--"},
                  {"channel": "rest' UNION SELECT password_hash FROM staff_users--"},
                  {"since": "2026-01-01' OR 1=1--"}):
        response = client.get("/", params=query)
        assert response.status_code == 400 and "That filter cannot be used" in response.text
        assert "$argon2" not in response.text
    assert client.get("/", params={"status": "all"}).text.count('href="/conversations/') >= 1
    assert _count(url, tables.users) == users_before
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert client.form("/conversations/1", "/conversations/1/notes", text=attack).status_code == 303
    page = client.get("/conversations/1").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_a_message_is_shown_as_text_never_as_html(live):
    url = live.config.database_url
    _flagged(url, text='<b onmouseover="steal()">i will kill myself</b>')
    page = live.signed_in("reviewer").get("/conversations/1").text
    assert '<b onmouseover' not in page and "&lt;b onmouseover=" in page


def test_every_page_carries_the_protective_headers(live):
    client = live.signed_in("admin")
    for path in ("/login", "/", "/admin/users", "/static/staff.css"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no scripts at all
        assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
        assert "server" not in {k.lower() for k in headers}


def test_bad_input_gets_a_clear_answer(live):
    client = live.signed_in("reviewer")
    assert client.get("/conversations/999999").status_code == 404
    assert "no such conversation" in client.get("/conversations/999999").text.lower()
    too_big = client.post("/conversations/1/notes", {"csrf_token": client.csrf("/"), "text": "x" * 70000})
    assert too_big.status_code == 413
    assert client.get("/conversations/not-a-number").status_code == 404


def test_it_answers_on_loopback_only_by_default(staff_sqlite, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": staff_sqlite, "STAFF_PORT": str(port), "PYTHONPATH": str(ROOT)}
    env.pop("STAFF_HOST", None)
    server = subprocess.Popen([sys.executable, "-m", "staff", "serve"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            pytest.fail("the staff app did not start")
        # 127.0.0.2 is this machine too, but not the address the app bound.
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.2", port)) != 0
        others = [a for a in _addresses() if not a.startswith("127.")]
        for address in others:
            with socket.socket() as probe:
                probe.settimeout(2)
                assert probe.connect_ex((address, port)) != 0, address
    finally:
        server.terminate()
        server.wait(timeout=20)


def _addresses() -> list[str]:
    try:
        return [a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except socket.gaierror:
        return []


def test_signing_in_again_ends_the_session_held_before(live):
    client = live.client()
    name = live.account()
    client.login(name, PASSWORD)
    before = client.http.cookies.get("staff_session")
    client.login(name, PASSWORD)
    assert client.http.cookies.get("staff_session") != before
    old = live.client()
    old.http.cookies.set("staff_session", before)
    assert old.get("/").status_code == 303
