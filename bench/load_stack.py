"""The two deployments bench/load.py puts under load, each started fresh and removed afterwards.

- "sqlite, 1 worker": a new SQLite file, one Rasa worker, no Redis;
- "postgresql+redis, 2 workers": a new PostgreSQL database `assistant_bench_<random>` on the local
  server (dropped at the end WITH (FORCE)), Redis for the lock store, two Rasa workers.

Both get the content loaded, free loopback ports, and the Telegram channel pointed at the local Bot
API stand-in (tests/telegram/standin.py). A random bot token per run keeps Telegram's update
de-duplication keys in Redis (which outlive a run by a day) apart from earlier runs'.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import secrets
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text

from bot import settings as settings_module
from bot.content.loader import load_content
from bot.database import engine_for, migrate
from bot.stack import Stack
from staff.database import migrate as migrate_staff
from tests.support import free_port
from tests.telegram.standin import BotApiStandIn

POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = "redis://127.0.0.1:6379/3"
START_TIMEOUT_S = 300   # two workers each load the model on two cores


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    database: str       # "sqlite" or "postgresql"
    workers: int
    redis_url: str = ""


PROFILES = (Profile("sqlite, 1 worker", "sqlite", 1),
            Profile("postgresql+redis, 2 workers", "postgresql", 2, REDIS_URL))


@dataclasses.dataclass
class Running:
    profile: Profile
    settings: settings_module.Settings
    stack: Stack
    standin: BotApiStandIn
    workdir: Path

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def staff_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.staff_port}"


def _prepare(url: str, content_dir: Path) -> None:
    migrate(url)
    migrate_staff(url)
    load_content(url, content_dir)


@contextmanager
def fresh_database(kind: str, workdir: Path, content_dir: Path) -> Iterator[str]:
    """A new database with the schema and the content; removed afterwards, whatever happened."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'assistant.db'}"
        try:
            _prepare(url, content_dir)
            yield url
        finally:
            engine_for(url).dispose()
        return
    name = f"assistant_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True,
                          connect_args={"connect_timeout": 10})
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            _prepare(url, content_dir)
            yield url
        finally:
            engine_for(url).dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def running(profile: Profile, model: Path, log_dir: Path, say=print) -> Iterator[Running]:
    """The whole stack of one profile on a fresh database, with the Telegram stand-in; everything is
    stopped and removed on exit."""
    base = settings_module.load()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    token = f"{random.randint(10 ** 8, 10 ** 9)}:bench-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(24)
    try:
        with fresh_database(profile.database, workdir, base.content_dir) as url, \
                BotApiStandIn(token) as standin:
            rasa_port = free_port()
            settings = dataclasses.replace(
                base, database_url=url, rasa_port=rasa_port, action_port=free_port(),
                staff_port=free_port(), redis_url=profile.redis_url, rasa_workers=profile.workers,
                # Our own secret: otherwise the servers would create var/webchat-secret.
                webchat_secret=secrets.token_hex(24),
                telegram_token=token, telegram_secret_token=secret, telegram_api_url=standin.url,
                telegram_webhook_url=f"http://127.0.0.1:{rasa_port}/webhooks/telegram/webhook",
                log_level="INFO")
            try:
                settings_module.check_exposure(settings)
            except SystemExit as refusal:  # a refused configuration fails this profile, not the run
                raise RuntimeError(str(refusal)) from None
            stack = Stack(settings, model, log_dir=log_dir, say=say)
            try:
                stack.start(timeout=START_TIMEOUT_S)
                standin.wait_for_webhook(timeout=60)
                yield Running(profile, stack.settings, stack, standin, workdir)
            finally:
                stack.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if profile.redis_url:
            _forget_update_ids(profile.redis_url, token)


def _forget_update_ids(redis_url: str, token: str) -> None:
    """Removes the Telegram update ids this run's bot left in Redis (bot/channels/telegram.py keys
    them by a hash of the token; they would otherwise stay a day)."""
    import redis

    from bot.redis_url import redis_options

    options = redis_options(redis_url)
    client = redis.Redis(host=options["host"], port=options["port"], db=options["db"],
                         username=options["username"], password=options["password"], ssl=options["ssl"],
                         socket_timeout=5)
    try:
        bot_key = hashlib.sha256(token.encode()).hexdigest()[:12]
        keys = list(client.scan_iter(f"assistant:telegram:{bot_key}:update:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
    except redis.RedisError:
        pass  # Redis away: the keys expire by themselves within a day
    finally:
        client.close()
