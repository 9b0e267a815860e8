"""Rasa's SQL tracker store on our one DATABASE_URL, so conversations, content and reviews share a database."""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from bot import settings
from bot.database import ensure_sqlite_dir


class DatabaseTrackerStore(SQLTrackerStore):
    """Configured from settings (DATABASE_URL) instead of separate host/port/db keys."""

    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 host: Optional[str] = None, **kwargs: Any) -> None:
        url = make_url(settings.load().database_url)
        ensure_sqlite_dir(str(url))
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query),
            **kwargs,
        )
