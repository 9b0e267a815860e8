"""Crisis-detection screen: plain Python and spaCy, no Rasa import.

    >>> from safety import Screen
    >>> Screen().message("I want to die").level.label
    'high'
"""
from safety.conversation import combine
from safety.levels import Level
from safety.verdict import Evidence, Verdict

__all__ = ["Level", "Evidence", "Verdict", "Screen", "combine"]


def __getattr__(name: str):
    # Screen pulls in spaCy; importing it lazily lets the command line set up first (see __main__).
    if name == "Screen":
        from safety.screen import Screen

        return Screen
    raise AttributeError(f"module 'safety' has no attribute {name!r}")
