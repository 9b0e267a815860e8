"""How a helpline is named in a reply: shared by the generated crisis responses and the actions,
so a number reads the same wherever it appears."""
from __future__ import annotations

from typing import Optional, Protocol, Sequence


class HelplineLike(Protocol):
    name: str
    call: Optional[str]
    text: Optional[str]
    chat: Optional[str]
    hours: str


def text_phrase(text: str) -> str:
    """'741741' -> 'text 741741'; 'text HOME to 741741' stays as written."""
    return text if text.lower().startswith("text ") else f"text {text}"


def ways_to_reach(line: HelplineLike) -> str:
    ways = []
    if line.call:
        ways.append(f"call {line.call}")
    if line.text:
        ways.append(text_phrase(line.text))
    if not ways and getattr(line, "chat", None):
        ways.append(f"chat online at {line.chat}")
    return " or ".join(ways)


def describe(line: HelplineLike) -> str:
    """'Samaritans: call 116 123 (24/7)'."""
    return f"{line.name}: {ways_to_reach(line)} ({line.hours})"


def text_alternative(lines: Sequence[HelplineLike]) -> Optional[HelplineLike]:
    """A second line to text, when the first one cannot take texts."""
    if not lines or lines[0].text:
        return None
    return next((line for line in lines[1:] if line.text), None)


def general_lines(lines: Sequence[HelplineLike]) -> list:
    """The lines for anyone in crisis (not a youth, abuse or poison line), in the directory's order."""
    general = [line for line in lines if getattr(line, "kind", "crisis") in ("crisis", "support")]
    return general or list(lines)
