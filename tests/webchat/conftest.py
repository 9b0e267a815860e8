"""Fixtures for the web chat tests: an echo server with the real channel (no model needed), the whole
stack (for conversations with the real bot), a socket.io client speaking the wire protocol, and a
headless Chromium from Debian driven by Playwright."""
from __future__ import annotations

import asyncio
import html
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import websockets

from bot.settings import ROOT
from tests.support import free_port, fresh_settings, running_stack

ECHO_SERVER = Path(__file__).with_name("echo_server.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
SECRET = "test-secret-0123456789abcdef0123456789"
ALLOWED_ORIGIN = "http://allowed.example"


def wait_for_http(url: str, process: Optional[subprocess.Popen] = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within {timeout:.0f} s")


class EchoServer:
    """The real WebChatInput in a small Sanic app whose bot echoes; stoppable and restartable."""

    def __init__(self, port: int, log: Path, secret: str = SECRET, async_rooms: bool = False,
                 allowed: tuple = (ALLOWED_ORIGIN,), extra_env: Optional[dict] = None) -> None:
        self.port, self.log, self.secret, self.async_rooms = port, log, secret, async_rooms
        self.allowed, self.extra_env = allowed, extra_env or {}
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "EchoServer":
        env = dict(os.environ, PYTHONPATH=str(ROOT), WEBCHAT_SECRET=self.secret,
                   WEBCHAT_ALLOWED_ORIGINS=",".join(self.allowed), RASA_TELEMETRY_ENABLED="false",
                   ECHO_ASYNC_ROOMS="1" if self.async_rooms else "", SANIC_REQUEST_MAX_SIZE="65536",
                   SANIC_WEBSOCKET_MAX_SIZE="65536", **self.extra_env)
        out = open(self.log, "ab")
        self.process = subprocess.Popen([sys.executable, str(ECHO_SERVER), str(self.port)], cwd=ROOT,
                                        env=env, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        out.close()
        wait_for_http(self.url + "/", self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


PARTNER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>A partner site</title></head>
<body><h1>A partner site</h1><p>Some page that embeds the chat.</p>
<script src="{widget}" defer></script></body></html>"""


@pytest.fixture(scope="module")
def partner_site():
    """Another site on this machine (another origin) whose page embeds the widget with one script tag:
    GET /?widget=<url of widget.js>. A real server, so the browser sees a loopback address."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            widget = parse_qs(urlsplit(self.path).query).get("widget", [""])[0]
            body = PARTNER_PAGE.format(widget=html.escape(widget, quote=True)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def echo_server(tmp_path_factory, partner_site):
    server = EchoServer(free_port(), tmp_path_factory.mktemp("echo") / "echo.log",
                        allowed=(ALLOWED_ORIGIN, f"http://127.0.0.1:{partner_site}")).start()
    yield server
    server.stop()


def run_async(coroutine, timeout: float = 60) -> Any:
    """Runs a coroutine to the end in a thread of its own: Playwright's sync API keeps an event loop
    running in the main thread, where asyncio.run() refuses to start another."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout)).result()


class SocketClient:
    """A socket.io client speaking the Engine.IO 4 / Socket.IO 5 wire protocol over a raw websocket,
    so a test can set any Origin header and offer any session id."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_ack = 1
        self.pending: list = []

    @classmethod
    async def open(cls, base_url: str, origin: Optional[str] = None) -> "SocketClient":
        url = base_url.replace("http://", "ws://") + "/webchat/socket.io/?EIO=4&transport=websocket"
        ws = await websockets.connect(url, origin=origin, open_timeout=10)
        client = cls(ws)
        opening = await asyncio.wait_for(ws.recv(), 10)
        assert opening.startswith("0"), opening
        await ws.send("40")
        connected = await client._packet()
        if not connected.startswith("40"):
            await ws.close()
            raise ConnectionRefusedError(connected)
        return client

    async def _packet(self, timeout: float = 15) -> str:
        while True:
            packet = await asyncio.wait_for(self.ws.recv(), timeout)
            if packet == "2":  # engine.io ping
                await self.ws.send("3")
                continue
            return packet

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data]))

    async def call(self, event: str, data: Any, timeout: float = 15) -> Any:
        ack_id = self.next_ack
        self.next_ack += 1
        await self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        prefix = f"43{ack_id}"
        deadline = time.monotonic() + timeout
        while True:
            packet = await self._packet(max(0.1, deadline - time.monotonic()))
            if packet.startswith(prefix):
                return json.loads(packet[len(prefix):])[0]
            self.pending.append(packet)

    async def event(self, name: str, timeout: float = 15) -> Any:
        """The data of the next `name` event (others that arrive first are kept for later calls)."""
        for i, packet in enumerate(self.pending):
            if packet.startswith("42") and json.loads(packet[2:])[0] == name:
                del self.pending[i]
                return json.loads(packet[2:])[1]
        deadline = time.monotonic() + timeout
        while True:
            packet = await self._packet(max(0.1, deadline - time.monotonic()))
            if packet.startswith("42"):
                event, *args = json.loads(packet[2:])
                if event == name:
                    return args[0] if args else None
            self.pending.append(packet)

    async def session(self, token: Optional[str] = None) -> str:
        await self.emit("session_request", {"session_id": token})
        return await self.event("session_confirm")

    async def say(self, text: str, **extra: Any) -> list:
        """Sends a message; returns the bot's messages up to its bot_done."""
        ack = await self.call("user_uttered", {"message": text, **extra})
        assert ack == {"ok": True}, ack
        replies = []
        while True:
            packet = await self._next_event_packet()
            event, *args = packet
            if event == "bot_done":
                return replies
            if event == "bot_uttered":
                replies.append(args[0])

    async def _next_event_packet(self, timeout: float = 30) -> list:
        while self.pending:
            packet = self.pending.pop(0)
            if packet.startswith("42"):
                return json.loads(packet[2:])
        while True:
            packet = await self._packet(timeout)
            if packet.startswith("42"):
                return json.loads(packet[2:])

    async def close(self) -> None:
        await self.ws.close()


# -- the whole stack, for conversations with the real bot ---------------------------------------

@pytest.fixture(scope="module")
def stack_settings(tmp_path_factory):
    return fresh_settings(tmp_path_factory.mktemp("webchat"))


@pytest.fixture(scope="module")
def stack(stack_settings, tmp_path_factory):
    with running_stack(stack_settings, tmp_path_factory.mktemp("logs")) as running:
        yield running


@pytest.fixture(scope="module")
def rasa_url(stack, stack_settings) -> str:
    return f"http://127.0.0.1:{stack_settings.rasa_port}"


# -- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it is
    # open, which would break every later test that runs its own loop.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page (375 px wide) in a British browser, recording any dialog that opens."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                  locale="en-GB", timezone_id="Europe/London", has_touch=True)
    page = context.new_page()
    page.dialogs = []
    page.errors = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
