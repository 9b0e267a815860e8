"""Alembic environment: the URL comes from the caller (bot.database.migrate), never from a file."""
from alembic import context

from bot.content.models import Base
from bot.database import run_migrations_online

run_migrations_online(context, Base.metadata, "alembic_version_assistant")
