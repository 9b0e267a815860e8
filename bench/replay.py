"""What the conversation benches share: reading a sealed set only when it matches its checksum in
tests/data/sealed/sealed.yml, and sending one message over REST as a real client would."""
from __future__ import annotations

import hashlib
from pathlib import Path

import requests
import yaml

SEALED = Path(__file__).resolve().parent.parent / "tests" / "data" / "sealed"


def checked_conversations(name: str) -> list[dict]:
    manifest = yaml.safe_load((SEALED / "sealed.yml").read_text(encoding="utf-8"))
    entry = next((e for e in manifest.get("conversations", ()) if e["file"] == name), None)
    if entry is None:
        raise SystemExit(f"{name} is not listed under `conversations:` in sealed.yml")
    raw = (SEALED / name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise SystemExit(f"{name} does not match its checksum in sealed.yml: refusing to score it")
    return yaml.safe_load(raw)["conversations"]


def reply(port: int, sender: str, text: str, buttons: bool = True) -> str:
    """The bot's messages for one user message, joined, with button titles as "[title]" lines."""
    response = requests.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    lines = []
    for message in response.json():
        lines.append(message.get("text") or "")
        if buttons:
            lines.extend(f"[{b.get('title', '')}]" for b in message.get("buttons") or ())
    return "\n".join(lines)
