"""The safety layer: plain Python, spaCy and scikit-learn, no Rasa import (but the adapter).

    >>> from safety.layer import SafetyLayer
    >>> SafetyLayer().message("I want to die").level.label
    'high'

Detectors (safety/detectors/) each give an opinion; safety/policy.py combines them into the verdict.
"""
from safety.conversation import combine
from safety.levels import Level
from safety.verdict import Evidence, Verdict

__all__ = ["Level", "Evidence", "Verdict", "Screen", "SafetyLayer", "combine"]


def __getattr__(name: str):
    # These pull in spaCy and scikit-learn; importing them lazily lets the command line set up first.
    if name == "Screen":
        from safety.screen import Screen

        return Screen
    if name == "SafetyLayer":
        from safety.layer import SafetyLayer

        return SafetyLayer
    raise AttributeError(f"module 'safety' has no attribute {name!r}")
