"""The staff review app: a secure queue of the conversations the safety layer flagged.

Its own web app (Starlette, server-rendered with Jinja2). It reads conversations from Rasa's tracker
store through bot.tracker_events and bot.flags, keeps its own tables (accounts, sessions, reviews,
notes, alerts, training labels, the audit log) through its own Alembic migrations, and never imports
Rasa.
"""
