"""The socket.io client from Python (python-socketio's AsyncClient) holds a conversation with the real
web chat channel: the lock's python-engineio needs the aiohttp shim on Rasa 3.6's aiohttp."""
from __future__ import annotations

import asyncio

import socketio

import tests.aiohttp_wstimeout_compat  # noqa: F401  (before the client opens a websocket)
from tests.webchat.conftest import run_async


def test_asyncclient_talks_to_the_web_chat_over_websocket(echo_server):
    async def scenario():
        client = socketio.AsyncClient(reconnection=False)
        session, replies = asyncio.get_running_loop().create_future(), asyncio.Queue()
        client.on("session_confirm", lambda token: session.set_result(token))
        client.on("bot_uttered", lambda data: replies.put_nowait(data))
        await client.connect(echo_server.url, socketio_path="/webchat/socket.io", transports=["websocket"])
        await client.emit("session_request", {"session_id": None})
        token = await asyncio.wait_for(session, 10)
        ack = await client.call("user_uttered", {"message": "hello from python"}, timeout=10)
        reply = await asyncio.wait_for(replies.get(), 10)
        await client.disconnect()
        return token, ack, reply

    token, ack, reply = run_async(scenario())
    assert token and ack == {"ok": True}
    assert reply["text"] == "You said: hello from python"
