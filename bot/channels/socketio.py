"""The web chat channel: Rasa's socket.io channel, made safe to put on a public web page.

Compared with Rasa's stock `socketio` channel:

- replies reach the browser with session persistence always on, on every python-socketio version
  (`enter_room` became a coroutine in 5.10, which Rasa 3.6 never awaits);
- only pages from allowed origins can connect: `WEBCHAT_ALLOWED_ORIGINS` plus the server's own origin
  and localhost (the stock server turns the origin check off);
- the server issues signed random session ids and ignores any id a message claims, so no one can
  join another person's conversation (`bot/channels/webchat_sessions.py`);
- websocket transport only, so several Rasa workers need no sticky sessions;
- only the browser's `locale` and `time_zone` pass into the message metadata (a country hint for the
  crisis replies), nothing else the client sends;
- it serves the widget itself: `GET /webchat` is a page with the chat, and
  `<script src="https://your.host/webchat/widget.js"></script>` embeds it in any allowed page.

Enable it in credentials.yml with `bot.channels.socketio.WebChatInput:` (no options needed).
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import settings as settings_module
from bot.channels import inbound, limits
from bot.channels import webchat_assets as assets
from bot.channels.webchat_sessions import SessionSigner, webchat_secret

logger = logging.getLogger(__name__)

USER_EVENT, BOT_EVENT = "user_uttered", "bot_uttered"
SESSION_REQUEST, SESSION_CONFIRM = "session_request", "session_confirm"
# Sent to the conversation's room once the bot has answered a message: the widget's typing indicator
# stops then, however many messages the answer had.
BOT_DONE = "bot_done"
SOCKETIO_PATH = "/webchat/socket.io"
MAX_MESSAGE_CHARS = inbound.MAX_MESSAGE_CHARS
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$")
_TIME_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,3}$")


async def _maybe_await(result: Any) -> Any:
    """python-socketio < 5.10 returns None from enter_room/leave_room, >= 5.10 a coroutine."""
    if inspect.isawaitable(result):
        return await result
    return result


def own_origins(host: str, port: int, secure: bool = False) -> List[str]:
    scheme = "https" if secure else "http"
    hosts = dict.fromkeys([host, "localhost", "127.0.0.1"])
    return [f"{scheme}://{h}:{port}" for h in hosts if h and h not in ("0.0.0.0", "::")]


def _metadata(raw: Any) -> Dict[Text, Text]:
    """Only what the country finder reads, and only if it looks like what it claims to be."""
    if not isinstance(raw, dict):
        return {}
    metadata = {}
    locale, zone = raw.get("locale"), raw.get("time_zone")
    if isinstance(locale, str) and len(locale) <= 35 and _LOCALE.match(locale):
        metadata["locale"] = locale
    if isinstance(zone, str) and len(zone) <= 64 and _TIME_ZONE.match(zone):
        metadata["time_zone"] = zone
    return metadata


def environ_address(environ: Dict) -> Optional[str]:
    """The client's address as Sanic saw it (the proxy's, behind a reverse proxy); engine.io's own
    REMOTE_ADDR is always 127.0.0.1 under Sanic."""
    request = environ.get("sanic.request")
    return getattr(request, "ip", None) or None


def _refuse_binary_packets(sio: AsyncServer) -> None:
    """The widget only sends text. python-socketio 5.9 keeps a binary packet's parts after its client
    has gone (CVE-2026-48804), so binary events and acks (packet types 5 and 6, attachments as bytes)
    are dropped before it sees them."""
    handle = getattr(sio, "_handle_eio_message", None)
    if handle is None:  # another python-socketio: its own handling stays
        return

    async def only_text(eio_sid: Text, data: Any) -> None:
        if isinstance(data, (bytes, bytearray)) or (isinstance(data, str) and data[:1] in ("5", "6")):
            return None
        return await handle(eio_sid, data)

    sio.eio.on("message", only_text)


class WebChatOutput(SocketIOOutput):
    @classmethod
    def name(cls) -> Text:
        return "webchat"

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # The stock method passes the payload's keys to emit() as arguments; send it as data instead.
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatBlueprint(SocketBlueprint):
    """Attaches socket.io to the app and, once the server knows its port, allows its own origin."""

    def __init__(self, sio: AsyncServer, socketio_path: Text, allowed: List[str], *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(sio, socketio_path, *args, **kwargs)
        self.ctx.allowed = allowed

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        allowed = self.ctx.allowed

        async def allow_own_origin(app: Sanic, _loop: Any) -> None:
            state = app.state
            if state.port:
                for origin in own_origins(state.host or "127.0.0.1", state.port, bool(state.ssl)):
                    if origin not in allowed:
                        allowed.append(origin)

        app.register_listener(allow_own_origin, "before_server_start")
        super().register(app, options)


class WebChatInput(SocketIOInput):
    """The socket.io channel of the web chat widget."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(socketio_path=credentials.get("socketio_path", SOCKETIO_PATH))

    def __init__(self, socketio_path: Text = SOCKETIO_PATH,
                 settings: Optional[settings_module.Settings] = None,
                 signer: Optional[SessionSigner] = None) -> None:
        super().__init__(user_message_evt=USER_EVENT, bot_message_evt=BOT_EVENT,
                         session_persistence=True, socketio_path=socketio_path)
        self.settings = settings or settings_module.load()
        self.signer = signer or SessionSigner(webchat_secret(self.settings.webchat_secret))
        # One list object, shared with the socket.io server: the server's own origin joins it at start.
        self.allowed_origins: List[str] = list(dict.fromkeys([
            *(o.rstrip("/") for o in self.settings.webchat_allowed_origins),
            *own_origins(self.settings.rasa_host, self.settings.rasa_port)]))
        self._tasks: Set[asyncio.Task] = set()
        self.gate = limits.gate_from(self.settings)

    def url_prefix(self) -> Text:
        # Rasa mounts channels under /webhooks/; an absolute prefix puts the page at /webchat.
        return "/webchat"

    def origin_allowed(self, origin: Optional[str]) -> bool:
        """Requests without an Origin header come from outside a browser, where origins mean nothing."""
        return origin is None or origin in self.allowed_origins

    def get_output_channel(self) -> Optional[WebChatOutput]:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.allowed_origins,
                          transports=["websocket"], max_http_buffer_size=64 * 1024)
        self.sio = sio
        _refuse_binary_packets(sio)
        bp = WebChatBlueprint(sio, self.socketio_path, self.allowed_origins, "webchat", __name__)
        self._add_pages(bp)
        self._add_socket_handlers(sio, on_new_message)
        return bp

    # -- HTTP: the page, the widget, the socket.io client, the helpline list ----------------------

    def _add_pages(self, bp: Blueprint) -> None:
        bp.add_route(self._page_handler(assets.INDEX, lambda: assets.PAGE_POLICY), "/", methods=["GET"],
                     name="webchat_page", strict_slashes=False)
        # The frame another site embeds: only the allowed sites may frame it.
        bp.add_route(self._page_handler(assets.FRAME, lambda: assets.frame_policy(self.allowed_origins)),
                     "/frame", methods=["GET"], name="webchat_frame")

        for filename, (path, content_type) in assets.FILES.items():
            bp.add_route(self._file_handler(path, content_type), f"/{filename}", methods=["GET"],
                         name=f"webchat_{filename.replace('.', '_')}")

        # Built once: the directory is generated at setup, and a server restart picks up a new one.
        payload = json.dumps(assets.helplines_payload(self.settings.helplines_file))

        async def helplines(request: Request) -> HTTPResponse:
            headers = dict(assets.COMMON_HEADERS)
            origin = request.headers.get("origin")
            if origin and origin in self.allowed_origins:
                headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin"})
            return response.raw(payload, content_type="application/json", headers=headers)

        bp.add_route(helplines, "/helplines.json", methods=["GET"], name="webchat_helplines")

    @staticmethod
    def _page_handler(path, policy: Callable[[], str]) -> Callable[[Request], Awaitable[HTTPResponse]]:
        """An HTML page with its Content-Security-Policy (read per request: the allowed origins grow
        when the server learns its own)."""
        async def serve(_: Request) -> HTTPResponse:
            body = assets.read(path)
            if body is None:
                return response.text(f"The web chat page {path.name} is missing.", status=500)
            return response.raw(body, content_type=assets.HTML,
                                headers={**assets.COMMON_HEADERS, "Content-Security-Policy": policy()})

        return serve

    @staticmethod
    def _file_handler(path, content_type: str) -> Callable[[Request], Awaitable[HTTPResponse]]:
        async def serve(_: Request) -> HTTPResponse:
            body = assets.read(path)
            if body is None:
                logger.error("web chat file %s is missing: run `make setup` (npm ci in webchat/)", path)
                return response.text("Not found", status=404)
            # Any page may load the widget with a <script> tag: the origin check guards the socket.
            return response.raw(body, content_type=content_type, headers=assets.COMMON_HEADERS)

        return serve

    # -- socket.io -------------------------------------------------------------------------------

    def _add_socket_handlers(self, sio: AsyncServer,
                             on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            # engine.io refused foreign origins already; this also holds if its check ever changes.
            if not self.origin_allowed(environ.get("HTTP_ORIGIN")):
                logger.info("web chat: refused a connection from origin %s", environ.get("HTTP_ORIGIN"))
                return False
            await sio.save_session(sid, {"address": environ_address(environ)})
            return True

        @sio.on(SESSION_REQUEST)
        async def session_request(sid: Text, data: Any = None) -> None:
            offered = data.get("session_id") if isinstance(data, dict) else None
            session = self.signer.verify(offered) if offered else None
            if offered and session is None:
                logger.info("web chat: refused a session id this server did not issue")
            session = self.signer.renew(session) if session else self.signer.issue()
            state = await sio.get_session(sid)
            previous = state.get("sender_id")
            if previous and previous != session.sender_id:
                await _maybe_await(sio.leave_room(sid, previous))
            await sio.save_session(sid, {**state, "sender_id": session.sender_id})
            await _maybe_await(sio.enter_room(sid, session.sender_id))
            await sio.emit(SESSION_CONFIRM, session.token, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any = None) -> Dict[Text, Any]:
            # The conversation is the one this socket was given, whatever session id the data names.
            state = await sio.get_session(sid)
            sender_id = state.get("sender_id")
            if not sender_id:
                return {"ok": False, "error": "no_session"}
            prepared = inbound.prepare(data.get("message") if isinstance(data, dict) else None)
            if prepared is None:
                return {"ok": False, "error": "empty"}
            refusal = self.gate.admit(sender_id, state.get("address"))
            if refusal == limits.BUSY:  # the widget keeps it queued and sends it again shortly
                return {"ok": False, "error": "busy"}
            if refusal:  # shown as not sent, with this reply saying why
                await sio.emit(self.bot_message_evt, {"text": refusal}, room=sid)
                return {"ok": False, "error": "rate_limited"}
            message = UserMessage(prepared.text, WebChatOutput(sio, self.bot_message_evt), sender_id,
                                  input_channel=self.name(),
                                  metadata=_metadata(data.get(self.metadata_key)))
            # Acknowledge receipt now; the reply follows as bot_uttered events. A message too long to
            # read is still answered (asking for shorter parts, with the crisis line).
            task = asyncio.ensure_future(self._answer(sio, message, on_new_message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return {"ok": False, "error": "too_long"} if prepared.too_long else {"ok": True}

    async def _answer(self, sio: AsyncServer, message: UserMessage,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            async with self.gate.turn(message.sender_id):
                await on_new_message(message)
        except Exception:  # noqa: BLE001 - logged without the message text, which is health data
            logger.exception("web chat: handling a message for %s failed", message.sender_id)
        finally:
            await sio.emit(BOT_DONE, {}, room=message.sender_id)

