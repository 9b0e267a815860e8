"""The scaled profile's configuration: what it needs, and how REDIS_URL is read."""
from __future__ import annotations

import dataclasses

import pytest

from bot import settings as settings_module
from bot.redis_url import redis_options
from bot.stack import child_env, endpoints_file

PG = "postgresql://postgres@127.0.0.1:5432/test"


def _settings(**values):
    return dataclasses.replace(settings_module.load(), **values)


def test_several_workers_need_redis_and_postgresql():
    with pytest.raises(SystemExit, match="needs REDIS_URL"):
        settings_module.check_exposure(_settings(rasa_workers=2, redis_url="", database_url=PG))
    with pytest.raises(SystemExit, match="needs DATABASE_URL on PostgreSQL"):
        settings_module.check_exposure(_settings(rasa_workers=2, redis_url="redis://127.0.0.1:6379/1",
                                                 database_url="sqlite:///x.db"))
    with pytest.raises(SystemExit, match="at least 1"):
        settings_module.check_exposure(_settings(rasa_workers=0))
    settings_module.check_exposure(_settings(rasa_workers=2, redis_url="redis://127.0.0.1:6379/1", database_url=PG))


def test_the_scaled_profile_uses_the_redis_lock_store_and_tells_rasa_its_workers():
    scaled = _settings(rasa_workers=2, redis_url="redis://127.0.0.1:6379/1", database_url=PG)
    assert endpoints_file(scaled) == "endpoints-scaled.yml" and endpoints_file(_settings(redis_url="")) == "endpoints.yml"
    env = child_env(scaled)
    assert env["SANIC_WORKERS"] == "2" and env["REDIS_URL"] == "redis://127.0.0.1:6379/1" and env["DATABASE_URL"] == PG


@pytest.mark.parametrize("url, expected", [
    ("redis://127.0.0.1:6379/1", {"host": "127.0.0.1", "port": 6379, "db": 1, "password": None, "ssl": False}),
    ("redis://cache.internal", {"host": "cache.internal", "port": 6379, "db": 0}),
    ("rediss://:s3cr%40t@cache.example.org:6380/2", {"port": 6380, "db": 2, "password": "s3cr@t", "ssl": True}),
])
def test_redis_urls_are_read_like_redis_py_reads_them(url, expected):
    assert expected.items() <= redis_options(url).items()


@pytest.mark.parametrize("url", ["localhost:6379", "http://127.0.0.1:6379/0", "redis://127.0.0.1:6379/one"])
def test_a_bad_redis_url_is_refused_without_echoing_a_password(url):
    with pytest.raises(SystemExit, match="REDIS_URL"):
        redis_options(url)
    with pytest.raises(SystemExit) as refused:
        redis_options("http://user:hunter2@host:6379/0")
    assert "hunter2" not in str(refused.value)
