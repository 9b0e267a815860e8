"""Rasa NLU components of our own, registered with Rasa's graph recipe on import."""
