"""Wording shared by the actions: how sources, evidence and buttons are shown."""
from __future__ import annotations

from typing import Iterable

from bot.content.store import Source

def button(title: str, intent: str) -> dict:
    return {"title": title, "payload": f"/{intent}"}


def source_names(sources: Iterable[Source]) -> str:
    names = list(dict.fromkeys(s.publisher for s in sources))
    return ", ".join(names)


def source_list(sources: Iterable[Source]) -> str:
    return "\n".join(f"- {s.publisher}: {s.title} {s.url}" for s in sources)


def evidence_line(strength: str, note: str) -> str:
    return f"How strong the evidence is: {strength}. {note}"


def reviewed(date) -> str:
    return f"Reviewed on {date.isoformat()}."
