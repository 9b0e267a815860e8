"""Helpers the end-to-end fixtures share: free loopback ports, a fresh database with the content, and
the whole stack (a real `rasa run` and action server) on them."""
from __future__ import annotations

import dataclasses
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from bot import settings as settings_module
from bot.content.loader import load_content
from bot.database import migrate
from bot.model import model_path
from bot.settings import ROOT, Settings
from bot.stack import Stack
from staff.database import migrate as migrate_staff

CONTENT = ROOT / "data" / "content"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_settings(folder: Path, **overrides) -> Settings:
    """Settings on a new SQLite database in `folder`, with the content loaded and free ports."""
    url = f"sqlite:///{folder / 'assistant.db'}"
    migrate(url)
    migrate_staff(url)
    load_content(url, CONTENT)
    values = {"database_url": url, "rasa_port": free_port(), "action_port": free_port(),
              "staff_port": free_port(), **overrides}
    return dataclasses.replace(settings_module.load(), **values)


@contextmanager
def running_stack(settings: Settings, log_dir: Path) -> Iterator[Stack]:
    model = model_path(settings.model_dir)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (or `python -m bot.cli train`) first")
    with Stack(settings, model, log_dir=log_dir) as stack:
        yield stack
