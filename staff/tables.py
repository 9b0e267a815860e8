"""The staff app's own tables. The schema is created and changed by staff/migrations only."""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

metadata = MetaData()

ROLES = ("reviewer", "admin")
STATUSES = ("new", "in_review", "resolved")
OUTCOMES = ("contacted", "referred", "no_action_needed", "false_alarm")

users = Table(
    "staff_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

# A session is known by the SHA-256 of its cookie: a copy of this table opens no session.
sessions = Table(
    "staff_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

# Failed logins, by the name typed whether or not such an account exists.
login_failures = Table(
    "staff_login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Tables below hold something about one person's conversation: each carries its sender_id, so that
# erasing the conversation (bot.erasure) erases them too.
reviews = Table(
    "staff_reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, unique=True),
    Column("status", String(16), nullable=False, default="new"),
    Column("outcome", String(32)),
    Column("assigned_to", Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
)

notes = Table(
    "staff_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("author", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A message labelled for training the safety layer: a false alarm (level none) or one it missed.
# Only the event id is kept: the text is read from the tracker store when exported, so erasing the
# conversation leaves no copy here.
labels = Table(
    "staff_labels", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("event_id", Integer, nullable=False, unique=True),
    Column("kind", String(16), nullable=False),      # false_alarm | missed
    Column("level", String(16), nullable=False),
    Column("labelled_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One alert per conversation, level and delivery channel: retried until delivered, never sent twice.
alerts = Table(
    "staff_alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("level", String(16), nullable=False),
    Column("via", String(16), nullable=False),        # webhook | email
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", String(300)),
    UniqueConstraint("sender_id", "level", "via", name="uq_staff_alerts_once"),
)

# Append-only (the migration adds triggers refusing UPDATE and DELETE). Never holds message text.
audit = Table(
    "staff_audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", String(255), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

PERSONAL_TABLES = (notes, labels, alerts, reviews)
