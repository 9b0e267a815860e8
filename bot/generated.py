"""Files the project generates and commits (domain/helplines.yml, data/rules/crisis_turns.yml):
written only when their content changed, so an unchanged project keeps its trained model."""
from __future__ import annotations

from pathlib import Path


def write_if_changed(target: Path, text: str) -> bool:
    """Writes `text` to `target` if it differs from what is there; returns whether it did."""
    if is_current(target, text):
        return False
    target.write_text(text, encoding="utf-8")
    return True


def is_current(target: Path, text: str) -> bool:
    return target.exists() and target.read_text(encoding="utf-8") == text
