"""The web chat channel over the wire, with a bot that echoes (no model needed): origins, server-issued
sessions, websocket only, metadata, and the files it serves."""
from __future__ import annotations

import hashlib
import hmac
import json
import stat

import pytest
import requests
from websockets.exceptions import InvalidStatusCode

from bot.channels.socketio import _metadata, own_origins
from bot.channels.webchat_sessions import SessionSigner, webchat_secret
from tests.webchat.conftest import ALLOWED_ORIGIN, SECRET, EchoServer, SocketClient, free_port, run_async


async def whoami(client: SocketClient, **extra) -> dict:
    (reply,) = await client.say("/whoami", **extra)
    return json.loads(reply["text"])


# -- sessions --------------------------------------------------------------------------------------

def test_the_server_issues_the_session_and_resumes_it_on_a_reload(echo_server):
    async def scenario():
        first = await SocketClient.open(echo_server.url)
        token = await first.session()
        me = await whoami(first)
        await first.close()

        assert token.split(".")[0] == me["sender_id"] and len(me["sender_id"]) == 32
        again = await SocketClient.open(echo_server.url)  # a reload: a new socket offers the token
        renewed = await again.session(token)
        assert renewed.split(".")[0] == token.split(".")[0]  # the same conversation, a fresh expiry
        assert (await whoami(again))["sender_id"] == me["sender_id"]
        await again.close()

    run_async(scenario())


@pytest.mark.parametrize("offered", [
    "my-chosen-id",
    "0" * 32 + "." + "0" * 32,
    None,  # the signature made with another secret goes here (below)
])
def test_a_forged_or_unknown_session_id_is_not_accepted(echo_server, offered):
    if offered is None:
        session_id = "1f" * 16
        expires = "99999999999"
        signature = hmac.new(b"some other secret", f"webchat-session-v2\x00{session_id}.{expires}".encode(),
                             hashlib.sha256).hexdigest()[:32]
        offered = f"{session_id}.{expires}.{signature}"

    async def scenario():
        client = await SocketClient.open(echo_server.url)
        token = await client.session(offered)
        me = await whoami(client)
        await client.close()
        return token, me

    token, me = run_async(scenario())
    assert token != offered and me["sender_id"] != offered.split(".")[0]
    assert me["sender_id"] == token.split(".")[0]


def test_a_message_cannot_name_another_conversation(echo_server):
    async def scenario():
        victim = await SocketClient.open(echo_server.url)
        victim_id = (await victim.session()).split(".")[0]
        attacker = await SocketClient.open(echo_server.url)
        await attacker.session()
        me = await whoami(attacker, session_id=victim_id, sender=victim_id)
        await victim.close()
        await attacker.close()
        return victim_id, me

    victim_id, me = run_async(scenario())
    assert me["sender_id"] != victim_id


def test_messages_before_a_session_are_refused(echo_server):
    async def scenario():
        client = await SocketClient.open(echo_server.url)
        ack = await client.call("user_uttered", {"message": "hello", "session_id": "1f" * 16})
        await client.close()
        return ack

    assert run_async(scenario()) == {"ok": False, "error": "no_session"}


def test_replies_reach_every_tab_of_the_conversation(echo_server):
    async def scenario():
        one = await SocketClient.open(echo_server.url)
        token = await one.session()
        two = await SocketClient.open(echo_server.url)
        await two.session(token)
        replies = await one.say("hello")
        echoed = await two.event("bot_uttered")
        await one.close()
        await two.close()
        return replies, echoed

    replies, echoed = run_async(scenario())
    assert replies == [{"text": "You said: hello"}] and echoed == {"text": "You said: hello"}


def test_another_worker_with_the_same_secret_accepts_the_session(echo_server, tmp_path):
    sibling = EchoServer(free_port(), tmp_path / "sibling.log").start()
    stranger = EchoServer(free_port(), tmp_path / "stranger.log", secret="another-secret-9876543210").start()

    async def scenario():
        client = await SocketClient.open(echo_server.url)
        token = await client.session()
        await client.close()
        on_sibling = await SocketClient.open(sibling.url)
        on_stranger = await SocketClient.open(stranger.url)
        results = await on_sibling.session(token), await on_stranger.session(token)
        await on_sibling.close()
        await on_stranger.close()
        return token, results

    try:
        token, (sibling_token, stranger_token) = run_async(scenario())
    finally:
        sibling.stop()
        stranger.stop()
    assert sibling_token == token and stranger_token != token


def test_replies_arrive_when_enter_room_is_a_coroutine(tmp_path):
    """python-socketio >= 5.10 made enter_room a coroutine, which Rasa's own channel never awaits."""
    server = EchoServer(free_port(), tmp_path / "echo.log", async_rooms=True).start()

    async def scenario():
        client = await SocketClient.open(server.url)
        await client.session()
        replies = await client.say("still there?")
        await client.close()
        return replies

    try:
        assert run_async(scenario()) == [{"text": "You said: still there?"}]
    finally:
        server.stop()


# -- origins and transports ------------------------------------------------------------------------

@pytest.mark.parametrize("origin", ["http://evil.example", "https://allowed.example", "null"])
def test_pages_from_other_origins_cannot_connect(echo_server, origin):
    async def scenario():
        await SocketClient.open(echo_server.url, origin=origin)

    with pytest.raises(InvalidStatusCode) as refused:
        run_async(scenario())
    assert refused.value.status_code == 400


@pytest.mark.parametrize("origin", [None, "own", "localhost", ALLOWED_ORIGIN])
def test_the_own_origin_and_configured_origins_can_connect(echo_server, origin):
    origin = {"own": echo_server.url,
              "localhost": f"http://localhost:{echo_server.port}"}.get(origin, origin)

    async def scenario():
        client = await SocketClient.open(echo_server.url, origin=origin)
        token = await client.session()
        await client.close()
        return token

    assert run_async(scenario())


def test_long_polling_is_refused(echo_server):
    response = requests.get(f"{echo_server.url}/webchat/socket.io/?EIO=4&transport=polling", timeout=5)
    assert response.status_code == 400


# -- metadata ---------------------------------------------------------------------------------------

def test_only_the_locale_and_time_zone_reach_the_bot(echo_server):
    async def scenario():
        client = await SocketClient.open(echo_server.url)
        await client.session()
        me = await whoami(client, metadata={"locale": "en-GB", "time_zone": "Europe/London",
                                            "sender_id": "x", "country": "US"})
        await client.close()
        return me

    assert run_async(scenario())["metadata"] == {"locale": "en-GB", "time_zone": "Europe/London"}


@pytest.mark.parametrize("raw, expected", [
    ({"locale": "pt-BR", "time_zone": "America/Sao_Paulo"}, {"locale": "pt-BR", "time_zone": "America/Sao_Paulo"}),
    ({"locale": "<script>", "time_zone": "../../etc/passwd"}, {}),
    ({"locale": "en-" + "x" * 60}, {}),
    ("{\"locale\": \"en-GB\"}", {}),
    (None, {}),
])
def test_metadata_is_checked(raw, expected):
    assert _metadata(raw) == expected


# -- what it serves -----------------------------------------------------------------------------------

def test_the_page_the_widget_and_the_socket_client_are_served(echo_server):
    page = requests.get(f"{echo_server.url}/webchat", timeout=5)
    assert page.status_code == 200 and 'src="/webchat/widget.js"' in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for name, content_type, marker in [("widget.js", "javascript", "SupportChatWidget"),
                                       ("widget.css", "text/css", ".dsw"),
                                       ("socket.io.min.js", "javascript", "Socket.IO v4")]:
        response = requests.get(f"{echo_server.url}/webchat/{name}", timeout=5)
        assert response.status_code == 200, name
        assert content_type in response.headers["Content-Type"] and marker in response.text


def test_the_helplines_come_from_the_directory_and_only_allowed_origins_may_read_them(echo_server):
    url = f"{echo_server.url}/webchat/helplines.json"
    helplines = requests.get(url, headers={"Origin": ALLOWED_ORIGIN}, timeout=5)
    uk = helplines.json()["countries"]["GB"]
    assert uk["line"]["name"] == "Samaritans" and uk["line"]["call"] == "116 123" and uk["emergency"] == "999"
    assert helplines.json()["international"]["url"] == "https://findahelpline.com"
    assert helplines.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    foreign = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=5)
    assert "Access-Control-Allow-Origin" not in foreign.headers


# -- the pieces -------------------------------------------------------------------------------------

def test_session_tokens_are_signed():
    signer = SessionSigner(b"x" * 32)
    session = signer.issue()
    assert signer.verify(session.token) == session
    assert signer.issue().sender_id != session.sender_id
    tampered = session.token[:-1] + ("0" if session.token[-1] != "0" else "1")
    assert signer.verify(tampered) is None
    assert signer.verify(session.sender_id) is None and signer.verify(None) is None
    assert SessionSigner(b"y" * 32).verify(session.token) is None


def test_the_secret_comes_from_the_environment_or_a_private_file(tmp_path):
    assert webchat_secret(SECRET) == SECRET.encode()
    path = tmp_path / "var" / "webchat-secret"
    first = webchat_secret("", path)
    assert webchat_secret("", path) == first and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_own_origins():
    assert own_origins("127.0.0.1", 5005) == ["http://127.0.0.1:5005", "http://localhost:5005"]
    assert own_origins("0.0.0.0", 80, secure=True) == ["https://localhost:80", "https://127.0.0.1:80"]


def test_binary_packets_are_refused():
    """python-socketio 5.9 keeps a binary packet's parts after its client leaves (CVE-2026-48804); the
    widget never sends one, so the channel drops them before python-socketio sees them."""
    import asyncio

    from bot.channels.socketio import WebChatInput

    channel = WebChatInput()
    channel.blueprint(lambda message: None)
    sio = channel.sio
    handler = sio.eio.handlers["message"]

    async def scenario():
        await handler("eio-1", '51-["user_uttered",{"_placeholder":true,"num":0}]')
        await handler("eio-1", b"\x00\x01 an attachment")

    asyncio.run(scenario())
    assert sio._binary_packet == {}
