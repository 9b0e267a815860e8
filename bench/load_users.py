"""Simulated users for bench/load.py: what they say, and one client per channel.

Each user holds one conversation and waits for the whole reply to a message before sending the next.
A message's latency runs from sending it until its whole reply has arrived:

- REST: the HTTP response, which carries the reply;
- web chat (socket.io): the server's `bot_done` event, which bot/channels/socketio.py emits to the
  conversation's room once Rasa has finished answering, after every `bot_uttered` of that answer (one
  socket, so they arrive in order). No quiet period is needed, so none is added to the figures;
- Telegram: the webhook's HTTP response. bot/channels/telegram_updates.py answers it only after Rasa
  has handled the update and every sendMessage has been answered by the Bot API stand-in, which
  records a message before answering; so the stand-in has the whole reply by then. Replies that
  arrive for a chat later than that are counted at the end as `late`.
"""
from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp
import websockets

ORDINARY = ["hi", "what is depression", "tell me more", "how do antidepressants work",
            "can we do a breathing exercise", "next", "thanks", "I'm in the UK"]
ORDINARY_QUICK = ["hi", "what is depression", "can we do a breathing exercise", "next", "I'm in the UK"]
CRISIS = ["I want to kill myself tonight", "i have the pills ready and i'm going to take them all"]
SAFE = "yes I'm safe"
CHANNELS = ("rest", "webchat", "telegram")
WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def script(index: int, quick: bool) -> tuple[List[str], bool]:
    """User number `index`'s messages, and whether they include a crisis (one user in five)."""
    crisis = index % 5 == 4
    if not crisis:
        return list(ORDINARY_QUICK if quick else ORDINARY), False
    said = CRISIS[(index // 5) % len(CRISIS)]
    if quick:
        return ["hi", said, SAFE, "what is depression", "thanks"], True
    return ORDINARY[:2] + [said, SAFE] + ORDINARY[2:], True


@dataclass
class Sent:
    """One message and what came of it."""
    text: str
    latency_ms: float = 0.0
    replies: List[str] = field(default_factory=list)   # the texts of the bot's messages received
    other_parts: int = 0                               # received messages without text (custom JSON ...)
    error: Optional[str] = None                        # http-<status>, timeout, missing, refused, ...
    accepted: bool = True                              # False: the server refused it, saying so


@dataclass
class UserRun:
    index: int
    channel: str
    level: str
    crisis: bool
    conversation_id: str = ""
    sent: List[Sent] = field(default_factory=list)
    chat_id: Optional[int] = None                      # Telegram only


@dataclass
class Target:
    """Where the users talk to: the Rasa server and the Telegram stand-in playing Telegram."""
    rasa_url: str
    standin: Any
    telegram_secret: str
    timeout_s: float
    http: Optional[aiohttp.ClientSession] = None
    chats: set = field(default_factory=set)


def _texts(messages: List[Dict[str, Any]], sent: Sent) -> None:
    for message in messages:
        text = message.get("text") if isinstance(message, dict) else None
        if isinstance(text, str) and text.strip():
            sent.replies.append(text)
        else:
            sent.other_parts += 1


class RestClient:
    def __init__(self, target: Target, run: UserRun) -> None:
        self.target, self.sender = target, f"load-{uuid.uuid4().hex[:12]}"
        run.conversation_id = f"rest:{self.sender}"

    async def open(self) -> None:
        pass

    async def say(self, sent: Sent) -> None:
        url = self.target.rasa_url + "/webhooks/rest/webhook"
        async with self.target.http.post(url, json={"sender": self.sender, "message": sent.text}) as answer:
            body = await answer.read()
        if answer.status == 429:
            sent.error, sent.accepted = "refused", False
            return
        if answer.status != 200:
            sent.error = f"http-{answer.status}"
            return
        _texts(json.loads(body), sent)

    async def close(self) -> None:
        pass


class WebChatClient:
    """Engine.IO 4 / Socket.IO 5 over a raw websocket (websocket transport only), as the widget speaks
    it. A reader task answers the server's pings at once and queues events and acknowledgements."""

    def __init__(self, target: Target, run: UserRun) -> None:
        self.target, self.run = target, run
        self.ws: Any = None
        self.events: asyncio.Queue = asyncio.Queue()
        self.acks: Dict[int, asyncio.Future] = {}
        self.next_ack = 1
        self.reader: Optional[asyncio.Task] = None

    async def open(self) -> None:
        url = self.target.rasa_url.replace("http://", "ws://") + "/webchat/socket.io/?EIO=4&transport=websocket"
        # No websocket-level pings from our side: Engine.IO has its own, which the reader answers.
        self.ws = await websockets.connect(url, open_timeout=15, ping_interval=None, close_timeout=5,
                                           max_size=2 ** 20)
        opening = await asyncio.wait_for(self.ws.recv(), 15)
        if not opening.startswith("0"):
            raise ConnectionError(f"unexpected Engine.IO opening {opening[:40]!r}")
        await self.ws.send("40")
        connected = await asyncio.wait_for(self.ws.recv(), 15)
        if not connected.startswith("40"):
            raise ConnectionError(f"socket.io connection refused: {connected[:60]!r}")
        self.reader = asyncio.ensure_future(self._read())
        await self.ws.send("42" + json.dumps(["session_request", {"session_id": None}]))
        token = await self._event("session_confirm", 15)
        # The signed token is <id>.<expiry>.<signature>; the id is the conversation's sender id.
        self.run.conversation_id = str(token).split(".")[0]

    async def _read(self) -> None:
        try:
            async for packet in self.ws:
                if packet == "2":                       # Engine.IO ping
                    await self.ws.send("3")
                elif packet.startswith("42"):
                    self.events.put_nowait(json.loads(packet[2:]))
                elif packet.startswith("43"):
                    digits = len(packet) - len(packet[2:].lstrip("0123456789"))
                    future = self.acks.pop(int(packet[2:digits]), None)
                    if future and not future.done():
                        future.set_result(json.loads(packet[digits:])[0])
        except websockets.ConnectionClosed:
            pass
        finally:
            self.events.put_nowait(["_closed", None])

    async def _event(self, name: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            event, *args = await asyncio.wait_for(self.events.get(), max(0.01, deadline - time.monotonic()))
            if event == name:
                return args[0] if args else None
            if event == "_closed":
                raise ConnectionError("the socket closed")

    async def say(self, sent: Sent) -> None:
        ack_id, self.next_ack = self.next_ack, self.next_ack + 1
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        await self.ws.send(f"42{ack_id}" + json.dumps(["user_uttered", {"message": sent.text}]))
        ack = await future
        if ack != {"ok": True}:
            sent.error, sent.accepted = f"refused-{(ack or {}).get('error')}", False
            return
        received: List[Dict[str, Any]] = []
        while True:
            event, *args = await self.events.get()
            if event == "bot_uttered":
                received.append(args[0] if args else {})
            elif event == "bot_done":
                break
            elif event == "_closed":
                raise ConnectionError("the socket closed before the reply was complete")
        _texts(received, sent)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


class TelegramClient:
    """A Telegram user: updates (unique, increasing update_id) posted to the webhook with the secret
    header, as Telegram does; the replies are what the Bot API stand-in received for the chat."""

    def __init__(self, target: Target, run: UserRun) -> None:
        self.target, self.run = target, run
        chat = random.randint(10 ** 8, 10 ** 9)
        while chat in target.chats:
            chat = random.randint(10 ** 8, 10 ** 9)
        target.chats.add(chat)
        run.chat_id, run.conversation_id = chat, f"telegram:{chat}"

    async def open(self) -> None:
        pass

    async def say(self, sent: Sent) -> None:
        standin, chat = self.target.standin, self.run.chat_id
        before = len(standin.messages_to(chat))
        update = standin.text_update(chat, sent.text, "en")
        async with self.target.http.post(self.target.rasa_url + WEBHOOK_PATH, json=update,
                                         headers={SECRET_HEADER: self.target.telegram_secret}) as answer:
            await answer.read()
        if answer.status != 200:
            sent.error = f"http-{answer.status}"
            return
        sent.replies = [m.text for m in standin.messages_to(chat)[before:]]

    async def close(self) -> None:
        pass


CLIENTS = {"rest": RestClient, "webchat": WebChatClient, "telegram": TelegramClient}


async def run_user(target: Target, run: UserRun, messages: List[str], progress: List[int]) -> UserRun:
    """One user's conversation. After a timeout or a broken connection the user stops: a late reply
    would otherwise be taken for the next message's."""
    client = CLIENTS[run.channel](target, run)
    try:
        await asyncio.wait_for(client.open(), target.timeout_s)
    except Exception as error:  # noqa: BLE001 - counted, reported, and the other users go on
        run.sent.append(Sent(messages[0], error=f"connect-{type(error).__name__}", accepted=False))
        return run
    try:
        for text in messages:
            sent = Sent(text)
            run.sent.append(sent)
            started = time.perf_counter()
            try:
                await asyncio.wait_for(client.say(sent), target.timeout_s)
            except asyncio.TimeoutError:
                sent.error = "timeout"
            except Exception as error:  # noqa: BLE001 - as above
                sent.error = f"{type(error).__name__}"
            sent.latency_ms = (time.perf_counter() - started) * 1000
            if sent.error is None and not sent.replies and not sent.other_parts:
                sent.error = "missing"
            progress[0] += 1
            if sent.error and sent.error != "missing":
                break
    finally:
        try:
            await asyncio.wait_for(client.close(), 10)
        except Exception:  # noqa: BLE001 - closing a socket that already broke
            pass
    return run
