"""Shared code for the assistant: settings, database, content store, channels, CLI."""
