"""Custom actions, a module per area. Thin: queries live in bot.content.store, run in a worker thread."""
