"""The staff review app under the same load: a member of staff signed in, reloading the queue every
second while the users talk, and afterwards the check that every crisis conversation is in the queue
staff see (not only flagged in the database).

Used by bench/load.py; talks to the app over HTTP like a browser (sign-in form, CSRF token, cookie).
"""
from __future__ import annotations

import asyncio
import re
import secrets
import time
from typing import List

import aiohttp

from staff.accounts import create_user
from staff.reviews import sync

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
EVERY_S = 1.0


class StaffReader:
    def __init__(self, base_url: str, database_url: str) -> None:
        self.base, self.database_url = base_url.rstrip("/"), database_url
        self.username, self.password = f"bench-{secrets.token_hex(3)}", secrets.token_urlsafe(18)
        create_user(database_url, self.username, "reviewer", self.password)
        self.latencies_ms: List[float] = []
        self.errors = 0

    def session(self) -> aiohttp.ClientSession:
        # unsafe: keep cookies for an IP address host (127.0.0.1), as a browser does
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     timeout=aiohttp.ClientTimeout(total=30))

    async def sign_in(self, http: aiohttp.ClientSession) -> None:
        async with http.get(f"{self.base}/login") as page:
            token = CSRF.search(await page.text()).group(1)
        form = {"csrf_token": token, "username": self.username, "password": self.password}
        async with http.post(f"{self.base}/login", data=form, allow_redirects=False) as answer:
            if answer.status != 303:
                raise RuntimeError(f"the staff app refused the bench's sign-in (HTTP {answer.status})")

    async def watch(self, http: aiohttp.ClientSession, stop: asyncio.Event) -> None:
        """Loads the queue every second until `stop` is set, timing each load."""
        while not stop.is_set():
            started = time.perf_counter()
            try:
                async with http.get(f"{self.base}/?status=all", allow_redirects=False) as page:
                    await page.read()
                    if page.status != 200:
                        self.errors += 1
                    else:
                        self.latencies_ms.append((time.perf_counter() - started) * 1000)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                self.errors += 1
            try:
                await asyncio.wait_for(stop.wait(), EVERY_S)
            except asyncio.TimeoutError:
                pass

    async def listed(self, http: aiohttp.ClientSession, conversation_ids: List[str]) -> int:
        """How many of these conversations the queue (all statuses) links to."""
        review_of = {item.flag.sender_id: item.review_id for item in sync(self.database_url)}
        async with http.get(f"{self.base}/?status=all") as page:
            html = await page.text()
        return sum(f'href="/conversations/{review_of[c]}"' in html for c in conversation_ids if c in review_of)
