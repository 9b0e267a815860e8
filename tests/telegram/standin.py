"""A local stand-in for the Telegram Bot API, for tests and for trying the bot without Telegram.

A real HTTP server on loopback (aiohttp, in its own thread) that speaks the Bot API as aiogram 2.15
uses it: `POST /bot<token>/<method>` with form-encoded, multipart or JSON parameters, answered with
`{"ok": true, "result": ...}`. It knows getMe, setWebhook, deleteWebhook, getWebhookInfo,
sendMessage and answerCallbackQuery, records every call, and answers an unknown method or a wrong
token as Telegram does (404 Not Found). It also plays the user: `deliver()` posts an update to the
registered webhook with the recorded secret header, the way Telegram would.

Run it on its own to chat with a running bot from the terminal (see the README, "Telegram"):

    python -m tests.telegram.standin --port 8081
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
from aiohttp import web

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Support assistant (stand-in)",
            "username": "support_standin_bot"}
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
_DEFAULT = object()


@dataclass
class ApiCall:
    method: str
    params: Dict[str, Any]


@dataclass
class SentMessage:
    message_id: int
    chat_id: int
    text: str
    reply_markup: Optional[Dict[str, Any]] = None
    parse_mode: Optional[str] = None

    @property
    def buttons(self) -> List[Dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


def _telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


@dataclass
class _State:
    calls: List[ApiCall] = field(default_factory=list)
    webhook: Optional[Dict[str, Any]] = None
    sent: List[SentMessage] = field(default_factory=list)
    answered_callbacks: List[str] = field(default_factory=list)
    failures: Dict[str, List[Tuple[int, str, Optional[Dict[str, Any]]]]] = field(default_factory=dict)


class BotApiStandIn:
    """Use as a context manager, or start() and stop(). Thread-safe: the server runs in a thread."""

    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 0,
                 on_message: Optional[Callable[[SentMessage], None]] = None) -> None:
        self.token, self.host, self.port = token, host, port
        self.on_message = on_message
        self._state = _State()
        self._changed = threading.Condition()
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(random.randint(10_000, 500_000))
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "BotApiStandIn":
        started = threading.Event()
        failure: List[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start_server())
            except BaseException as error:  # e.g. the port is taken
                failure.append(error)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="bot-api-standin", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    async def _start_server(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> "BotApiStandIn":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- the Bot API -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        params: Dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            try:
                params.update(await request.json())
            except ValueError:
                return self._error(400, "Bad Request: can't parse JSON")
        elif request.method == "POST":
            params.update({key: value for key, value in (await request.post()).items()
                           if isinstance(value, str)})
        method = request.match_info["method"]
        handler = getattr(self, f"_api_{method.lower()}", None)
        if request.match_info["token"] != self.token or handler is None:
            return self._error(404, "Not Found")
        with self._changed:
            self._state.calls.append(ApiCall(method, params))
            planned = self._state.failures.get(method.lower())
            failure = planned.pop(0) if planned else None
            self._changed.notify_all()
        if failure:
            return self._error(*failure)
        try:
            result = handler(params)
        except _ApiError as error:
            return self._error(error.code, error.description)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, parameters: Optional[Dict[str, Any]] = None) -> web.Response:
        body: Dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    def _api_getme(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return dict(BOT_USER)

    def _api_setwebhook(self, params: Dict[str, Any]) -> bool:
        url = params.get("url", "")
        if not url:
            return self._api_deletewebhook(params)
        secret = params.get("secret_token")
        allowed = params.get("allowed_updates")
        with self._changed:
            self._state.webhook = {"url": url, "secret_token": secret,
                                   "allowed_updates": json.loads(allowed) if allowed else None}
            self._changed.notify_all()
        return True

    def _api_deletewebhook(self, params: Dict[str, Any]) -> bool:
        with self._changed:
            self._state.webhook = None
            self._changed.notify_all()
        return True

    def _api_getwebhookinfo(self, params: Dict[str, Any]) -> Dict[str, Any]:
        webhook = self.webhook or {}
        info = {"url": webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
        if webhook.get("allowed_updates"):
            info["allowed_updates"] = webhook["allowed_updates"]
        return info

    def _api_sendmessage(self, params: Dict[str, Any]) -> Dict[str, Any]:
        if not str(params.get("chat_id", "")).strip():
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(params["chat_id"])
        except ValueError:
            raise _ApiError(400, "Bad Request: chat not found") from None
        text = params.get("text", "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _telegram_length(text) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            try:
                markup = json.loads(markup)
            except ValueError:
                raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object") from None
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        sent = SentMessage(next(self._message_ids), chat_id, text, markup, params.get("parse_mode"))
        with self._changed:
            self._state.sent.append(sent)
            self._changed.notify_all()
        if self.on_message:
            self.on_message(sent)
        message = {"message_id": sent.message_id, "date": int(time.time()), "from": dict(BOT_USER),
                   "chat": {"id": chat_id, "type": "private"}, "text": text}
        if markup:
            message["reply_markup"] = markup
        return message

    def _api_answercallbackquery(self, params: Dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        with self._changed:
            self._state.answered_callbacks.append(params["callback_query_id"])
            self._changed.notify_all()
        return True

    # --- what tests look at ----------------------------------------------------------------------

    @property
    def webhook(self) -> Optional[Dict[str, Any]]:
        with self._changed:
            return dict(self._state.webhook) if self._state.webhook else None

    @property
    def calls(self) -> List[ApiCall]:
        with self._changed:
            return list(self._state.calls)

    @property
    def answered_callbacks(self) -> List[str]:
        with self._changed:
            return list(self._state.answered_callbacks)

    def messages_to(self, chat_id: int) -> List[SentMessage]:
        with self._changed:
            return [m for m in self._state.sent if m.chat_id == int(chat_id)]

    def fail_next(self, method: str, code: int = 500, description: str = "Internal Server Error",
                  times: int = 1, parameters: Optional[Dict[str, Any]] = None) -> None:
        """Makes the next `times` calls of `method` fail as Telegram would; `parameters` are the
        error's ResponseParameters, e.g. {"retry_after": 2} with code 429."""
        with self._changed:
            self._state.failures.setdefault(method.lower(), []).extend(
                [(code, description, parameters)] * times)

    def _wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = ready()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the Bot API stand-in saw no {what} within {timeout:.0f} s")
                self._changed.wait(left)

    def wait_for_webhook(self, timeout: float = 60) -> Dict[str, Any]:
        return dict(self._wait(lambda: self._state.webhook, timeout, "setWebhook"))

    def wait_for_messages(self, chat_id: int, count: int = 1, after: int = 0,
                          timeout: float = 30) -> List[SentMessage]:
        """The messages sent to `chat_id` after the first `after` ones, once there are `count`."""
        def ready() -> Optional[List[SentMessage]]:
            sent = [m for m in self._state.sent if m.chat_id == int(chat_id)][after:]
            return sent if len(sent) >= count else None

        return self._wait(ready, timeout, f"{count} message(s) to chat {chat_id}")

    # --- playing Telegram: updates to the webhook ------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    @staticmethod
    def user(chat_id: int, language_code: Optional[str] = "en") -> Dict[str, Any]:
        user = {"id": int(chat_id), "is_bot": False, "first_name": "Test"}
        if language_code:
            user["language_code"] = language_code
        return user

    def message_update(self, chat_id: int, language_code: Optional[str] = "en",
                       chat_type: str = "private", kind: str = "message", **content: Any) -> Dict[str, Any]:
        """An update carrying a message; `content` is its text, sticker, photo ..."""
        message = {"message_id": random.randint(1, 10**6), "date": int(time.time()),
                   "from": self.user(chat_id, language_code),
                   "chat": {"id": int(chat_id), "type": chat_type}, **content}
        if kind == "edited_message":
            message["edit_date"] = int(time.time())
        return {"update_id": self.next_update_id(), kind: message}

    def text_update(self, chat_id: int, text: str, language_code: Optional[str] = "en") -> Dict[str, Any]:
        update = self.message_update(chat_id, language_code, text=text)
        if text.startswith("/"):
            length = len(text.split()[0])
            update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return update

    def sticker_update(self, chat_id: int) -> Dict[str, Any]:
        sticker = {"file_id": "CAACAgIAAxkBAAEC", "file_unique_id": "AgADBAADr", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "🙂"}
        return self.message_update(chat_id, sticker=sticker)

    def callback_update(self, chat_id: int, data: str, language_code: Optional[str] = "en",
                        message_id: int = 1) -> Dict[str, Any]:
        message = {"message_id": message_id, "date": int(time.time()), "from": dict(BOT_USER),
                   "chat": {"id": int(chat_id), "type": "private"}, "text": "..."}
        query = {"id": str(random.randint(10**15, 10**16)), "from": self.user(chat_id, language_code),
                 "message": message, "chat_instance": str(random.randint(10**15, 10**16)), "data": data}
        return {"update_id": self.next_update_id(), "callback_query": query}

    def deliver(self, update: Any = None, secret: Any = _DEFAULT, body: Optional[bytes] = None,
                timeout: float = 120) -> requests.Response:
        """Posts an update to the registered webhook, with the registered secret unless `secret`
        says otherwise (None: no header). `body` sends raw bytes instead of the update's JSON."""
        webhook = self.webhook
        if webhook is None:
            raise RuntimeError("no webhook is registered with the Bot API stand-in")
        secret = webhook.get("secret_token") if secret is _DEFAULT else secret
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        data = body if body is not None else json.dumps(update).encode("utf-8")
        return requests.post(webhook["url"], data=data, headers=headers, timeout=timeout)


# --- standalone: chat with a running bot from the terminal ----------------------------------------

def _print_message(message: SentMessage) -> None:
    print(f"\nbot> {message.text}")
    for number, button in enumerate(message.buttons, start=1):
        print(f"     [!{number}] {button['text']}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.telegram.standin", description=(
        "A local Telegram Bot API stand-in. Start it, then start the bot with TELEGRAM_API_URL "
        "pointing at it, and type messages here."))
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=os.environ.get("TELEGRAM_TOKEN") or "123456:standin-token",
                        help="the bot token to accept (default: $TELEGRAM_TOKEN)")
    parser.add_argument("--chat-id", type=int, default=424242)
    parser.add_argument("--language-code", default="en-GB",
                        help="the user's Telegram language code (a country hint for the bot)")
    args = parser.parse_args(argv)

    buttons: List[Dict[str, Any]] = []

    def show(message: SentMessage) -> None:
        if message.buttons:
            buttons[:] = message.buttons
        _print_message(message)

    with BotApiStandIn(args.token, port=args.port, on_message=show) as standin:
        print(f"Bot API stand-in at {standin.url}  (token {args.token})")
        print(f"Start the bot with TELEGRAM_API_URL={standin.url} TELEGRAM_TOKEN={args.token}")
        print("Waiting for the bot to register its webhook ... (Ctrl-C to stop)")
        try:
            webhook = standin.wait_for_webhook(timeout=24 * 3600)
            print(f"Webhook registered: {webhook['url']}. Type a message; !N presses button N; "
                  "Ctrl-D to quit.")
            print("you> ", end="", flush=True)
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    print("you> ", end="", flush=True)
                    continue
                if line[0] == "!" and line[1:].isdigit() and 0 < int(line[1:]) <= len(buttons):
                    data = buttons[int(line[1:]) - 1].get("callback_data", "")
                    update = standin.callback_update(args.chat_id, data, args.language_code)
                else:
                    update = standin.text_update(args.chat_id, line, args.language_code)
                try:
                    answer = standin.deliver(update)
                    if answer.status_code != 200:
                        print(f"(webhook answered {answer.status_code}: {answer.text})")
                except requests.RequestException as error:
                    print(f"(could not reach the webhook: {error})")
                print("you> ", end="", flush=True)
        except KeyboardInterrupt:
            pass
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
