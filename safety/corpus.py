"""The learned detector's training data, gathered from the files listed in training/sources.yml.

Kept apart from every sealed evaluation set: a message that also appears in a sealed set (short
ones such as "hi" are written by everyone) is left out of training, and the count is reported.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from safety.evaluation import read_labelled
from safety.levels import Level

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).with_name("training") / "sources.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


class CorpusError(ValueError):
    """The training data is missing, malformed, or overlaps a sealed evaluation set."""


@dataclass(frozen=True)
class Corpus:
    texts: tuple[str, ...]
    levels: tuple[Level, ...]
    digest: str  # of every source file: the cached model is rebuilt when any changes
    left_out: int = 0  # messages also in a sealed set


def gather(sources: Path = SOURCES, root: Path = ROOT) -> Corpus:
    if not sources.is_file():
        raise CorpusError(f"{sources}: no such file")
    spec = yaml.safe_load(sources.read_text(encoding="utf-8")) or {}
    digest = hashlib.sha256(sources.read_bytes())
    rows: list[tuple[str, Level]] = []
    for name in spec.get("tsv", ()):
        path = root / name
        digest.update(path.read_bytes() if path.is_file() else b"")
        rows += [(e.text, e.level) for e in read_labelled(path)]
    if spec.get("nlu_dir"):
        for path in sorted((root / spec["nlu_dir"]).glob("*.yml")):
            digest.update(path.read_bytes())
            rows += _nlu_examples(path, spec.get("nlu_levels", {}))
    sealed = _sealed_keys(root / spec["sealed_manifest"]) if spec.get("sealed_manifest") else set()
    unique = _dedupe(rows)
    kept = [(t, l) for t, l in unique if _key(t) not in sealed]
    if len({l for _, l in kept}) < len(Level):
        raise CorpusError("the training data needs examples of every level")
    return Corpus(tuple(t for t, _ in kept), tuple(l for _, l in kept), digest.hexdigest(),
                  left_out=len(unique) - len(kept))


def _nlu_examples(path: Path, mapping: dict) -> list[tuple[str, Level]]:
    out = []
    for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        name = item.get("intent")
        if not name:
            continue
        default = mapping.get("default_safety" if name.startswith("safety_") else "default", "none")
        level = Level.parse(mapping.get(name, default))
        for line in str(item.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append((_ANNOTATION.sub(r"\1", line[2:]), level))
    return out


def _dedupe(rows: list[tuple[str, Level]]) -> list[tuple[str, Level]]:
    """The first source to label a message wins: the hand-labelled sets come before the NLU data."""
    seen: dict[str, tuple[str, Level]] = {}
    for text, level in rows:
        seen.setdefault(_key(text), (text, level))
    return list(seen.values())


def _sealed_keys(manifest: Path) -> set[str]:
    if not manifest.is_file():
        raise CorpusError(f"{manifest}: no such file (the list of sealed sets to keep out of training)")
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    keys: set[str] = set()
    for entry in spec.get("sets", ()):
        keys |= {_key(e.text) for e in read_labelled(manifest.parent / entry["file"])}
    return keys


def _key(text: str) -> str:
    return " ".join(text.lower().split())
