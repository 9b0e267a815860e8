"""A stand-in for the Rasa server in the web chat tests: the real web chat channel, a bot that echoes.

Run as `python tests/webchat/echo_server.py PORT`. It needs no trained model, so the channel's own
behaviour (origins, sessions, transports, metadata, reconnection) can be tested in seconds.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys

from sanic import Sanic, response
from socketio import AsyncServer

from bot.channels.rest import RestInput
from bot.channels.socketio import WebChatInput


def make_rooms_coroutines() -> None:
    """What python-socketio >= 5.10 did: enter_room and leave_room became coroutines."""
    enter, leave = AsyncServer.enter_room, AsyncServer.leave_room

    async def enter_room(self, *args, **kwargs):
        return enter(self, *args, **kwargs)

    async def leave_room(self, *args, **kwargs):
        return leave(self, *args, **kwargs)

    AsyncServer.enter_room, AsyncServer.leave_room = enter_room, leave_room


async def echo(message) -> None:
    out, sender = message.output_channel, message.sender_id
    if message.text in ("/whoami", "whoami"):  # a "/word" that is no payload arrives as the word
        await out.send_text_message(sender, json.dumps({"sender_id": sender, "metadata": message.metadata,
                                                        "input_channel": message.input_channel}))
    elif message.text in ("/buttons", "buttons"):
        await out.send_text_with_buttons(sender, "Pick one", [
            {"title": "Yes, please", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}])
    elif message.text == "slow":  # keeps the conversation busy, as a slow model would
        await asyncio.sleep(0.6)
        await out.send_text_message(sender, "You said: slow")
    else:
        await out.send_text_message(sender, f"You said: {message.text}")


def main(port: int) -> None:
    if os.environ.get("ECHO_ASYNC_ROOMS"):
        make_rooms_coroutines()
    channel = WebChatInput.from_credentials(None)
    app = Sanic("webchat_echo")
    app.blueprint(channel.blueprint(echo), url_prefix=channel.url_prefix())
    app.blueprint(RestInput().blueprint(echo), url_prefix="/webhooks/rest")

    @app.get("/")
    async def health(_request):
        return response.text("ok")

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


if __name__ == "__main__":
    main(int(sys.argv[1]))
