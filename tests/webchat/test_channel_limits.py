"""Every channel's input rules over the wire, against the real channels in the echo server: the REST
channel's validation, isolation and token; the web chat's length limit, "/payload" rule and
one-at-a-time answering; hostile input never gets a 5xx."""
from __future__ import annotations

import asyncio
import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.channels import inbound
from tests.webchat.conftest import EchoServer, SocketClient, free_port, run_async


@pytest.fixture(scope="module")
def rest(tmp_path_factory):
    server = EchoServer(free_port(), tmp_path_factory.mktemp("rest") / "echo.log").start()
    yield f"{server.url}/webhooks/rest/webhook"
    server.stop()


@pytest.fixture(scope="module")
def rest_with_token(tmp_path_factory):
    server = EchoServer(free_port(), tmp_path_factory.mktemp("rest-token") / "echo.log",
                        extra_env={"REST_TOKEN": "s3cret-token"}).start()
    yield f"{server.url}/webhooks/rest/webhook"
    server.stop()


def whoami(url: str, sender: str, **extra) -> dict:
    answer = requests.post(url, json={"sender": sender, "message": "/whoami", **extra}, timeout=10)
    assert answer.status_code == 200, answer.text
    return json.loads(answer.json()[0]["text"])


# -- REST: isolation -------------------------------------------------------------------------------

def test_a_rest_sender_is_its_own_conversation_never_a_telegram_or_web_chat_one(rest):
    assert whoami(rest, "912858736")["sender_id"] == "rest:912858736"
    assert whoami(rest, "telegram:912858736")["sender_id"] == "rest:telegram:912858736"


def test_the_client_cannot_claim_another_channel_and_only_flat_small_metadata_passes(rest):
    me = whoami(rest, "someone", input_channel="telegram", metadata={"locale": "en-GB", "nested": {"a": 1}})
    assert me["input_channel"] == "rest"
    assert me["metadata"] == {"locale": "en-GB"}


@pytest.mark.parametrize("body", [
    b"", b"[]", b'"hello"', b"null", b"{not json", b"\xff\xfe",
    b'{"message": "hi"}',                                   # no sender: refused, never "default"
    b'{"sender": "", "message": "hi"}',
    b'{"sender": "' + b"x" * 129 + b'", "message": "hi"}',
    b'{"sender": ["a"], "message": "hi"}',
    b'{"sender": "a", "message": 5}',
    b'{"sender": "a", "message": "   "}',
    b'{"sender": "a", "message": "hi", "metadata": "x"}',
    b'{"sender": "a", "message": "hi", "metadata": {"k": "' + b"v" * 3000 + b'"}}',
])
def test_a_bad_body_gets_400_with_a_reason(rest, body):
    answer = requests.post(rest, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]


def test_a_body_over_64_kb_is_refused_before_it_is_read(rest):
    body = json.dumps({"sender": "a", "message": "x" * 70_000})
    assert requests.post(rest, data=body, timeout=10).status_code == 413


def test_with_a_token_set_a_caller_needs_it(rest_with_token):
    body = {"sender": "a", "message": "hello"}
    assert requests.post(rest_with_token, json=body, timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.post(rest_with_token, json=body, headers=wrong, timeout=10).status_code == 401
    right = {"Authorization": "Bearer s3cret-token"}
    answer = requests.post(rest_with_token, json=body, headers=right, timeout=10)
    assert answer.status_code == 200 and answer.json()[0]["text"] == "You said: hello"


# -- every channel: text, length, payloads -----------------------------------------------------------

def say_rest(url: str, sender: str, text: str) -> str:
    answer = requests.post(url, json={"sender": sender, "message": text}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()[0]["text"]


@pytest.mark.parametrize("typed, received", [
    ("/greet@1.0 I want to kill myself", "greet@1.0 I want to kill myself"),
    ('/inform_country{"country":"DE"} I want to kill myself', 'inform_country{"country":"DE"} I want to kill myself'),
    ("/kill_myself", "kill_myself"),
    ('/greet{"text": "I want to die"}', 'greet{"text": "I want to die"}'),
    ("/affirm", "/affirm"),
    ('/greet{"country_hint":"GB"}', '/greet{"country_hint":"GB"}'),
    ("I feel low\ud800 today\x07", "I feel low today"),
])
def test_only_an_exact_button_payload_keeps_its_slash_on_rest(rest, typed, received):
    assert say_rest(rest, "payloads", typed) == f"You said: {received}"


def test_a_message_over_the_limit_is_answered_not_read(rest):
    assert say_rest(rest, "long", "x" * (inbound.MAX_MESSAGE_CHARS + 1)) == f"You said: {inbound.TOO_LONG_PAYLOAD}"
    assert say_rest(rest, "long", "x" * inbound.MAX_MESSAGE_CHARS) == "You said: " + "x" * inbound.MAX_MESSAGE_CHARS


def test_the_web_chat_applies_the_same_rules(echo_server):
    async def scenario():
        client = await SocketClient.open(echo_server.url)
        await client.session()
        [reply] = await client.say("/greet@1.0 I want to kill myself")
        assert reply["text"] == "You said: greet@1.0 I want to kill myself"
        [reply] = await client.say("a lone surrogate \ud83d here")
        assert reply["text"] == "You said: a lone surrogate  here"
        ack = await client.call("user_uttered", {"message": "x" * (inbound.MAX_MESSAGE_CHARS + 1)})
        assert ack == {"ok": False, "error": "too_long"}
        await client.close()

    run_async(scenario())


# -- one conversation at a time ----------------------------------------------------------------------

def test_messages_beyond_the_waiting_limit_are_refused_with_a_reply_and_the_rest_all_answered(rest):
    async def scenario():
        loop = asyncio.get_running_loop()

        def post(text):
            return requests.post(rest, json={"sender": "flood", "message": text}, timeout=30)

        answers = await asyncio.gather(*(loop.run_in_executor(None, post, "slow") for _ in range(8)))
        return answers

    answers = run_async(scenario())
    codes = sorted(a.status_code for a in answers)
    answered = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert len(answered) + len(refused) == 8 and answered and refused, codes
    assert all(a.json()[0]["text"] == "You said: slow" for a in answered)
    assert all("still answering" in a.json()[0]["text"] for a in refused)


# -- hostile input: never a 5xx --------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"sender": st.text(max_size=40), "message": st.text(max_size=200)},
                          optional={"metadata": json_values}).map(lambda v: json.dumps(v).encode()),
))
def test_no_body_makes_the_rest_channel_fail(rest, body):
    answer = requests.post(rest, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code in (200, 400, 429), (answer.status_code, body)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=st.sampled_from(["user_uttered", "session_request", "something_else"]), data=json_values)
def test_no_socket_io_event_makes_the_web_chat_fail(echo_server, event, data):
    async def scenario():
        client = await SocketClient.open(echo_server.url)
        await client.session()
        if event == "user_uttered":
            ack = await client.call(event, data)
            assert isinstance(ack, dict) and "ok" in ack
        else:
            await client.emit(event, data)
        [reply] = await client.say("still there?")  # the socket and the server survived it
        assert reply["text"] == "You said: still there?"
        await client.close()

    run_async(scenario())
