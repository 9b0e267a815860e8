"""Rasa input channels of our own: the web chat widget (socket.io) and Telegram."""
