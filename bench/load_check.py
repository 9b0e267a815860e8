"""Did the store keep everything? Checks bench/load.py's conversations against the database, reading
Rasa's events table through bot/tracker_events.py and the flags through bot/flags.py (no Rasa import).

For every simulated conversation:
- every user message sent is stored as a `user` event, in the order sent (messages the server
  refused, saying so, are left out: they were never taken in);
- every bot message the client received is stored, in order, as (part of) a `bot` event that follows
  that user message and precedes the next. "Part of": the web chat sends a reply paragraph by
  paragraph and Telegram splits long texts, so a received text must occur in the stored text, after
  the previous part. Received messages without text (custom JSON) are not checked;
- a conversation with a crisis message is flagged at level high or above.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

from bench.load_users import CRISIS
from bot.flags import flagged_conversations
from bot.tracker_events import transcript
from safety import Level


@dataclass
class Loss:
    conversations: int = 0
    user_messages: int = 0
    bot_messages: int = 0
    crises: int = 0
    lost_user: int = 0
    lost_bot: int = 0
    unflagged: int = 0
    examples: List[str] = field(default_factory=list)

    @property
    def lost_messages(self) -> int:
        return self.lost_user + self.lost_bot

    def note(self, line: str) -> None:
        if len(self.examples) < 8:
            self.examples.append(line)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _segments(turns) -> List[tuple[str, List[str]]]:
    """(user text, the bot texts that followed it) for each stored user message, in order."""
    segments: List[tuple[str, List[str]]] = []
    for turn in turns:
        if turn.speaker == "user":
            segments.append((_norm(turn.text), []))
        elif segments:
            segments[-1][1].append(_norm(turn.text))
    return segments


def _unmatched(parts: List[str], stored: List[str]) -> int:
    """How many received parts are not found, in order, in the stored bot texts."""
    missing, index, offset = 0, 0, 0
    for part in map(_norm, parts):
        for i in range(index, len(stored)):
            at = stored[i].find(part, offset if i == index else 0)
            if at >= 0:
                index, offset = i, at + len(part)
                break
        else:
            missing += 1
    return missing


def check(database_url: str, runs) -> Loss:
    loss = Loss()
    flagged = {f.sender_id for f in flagged_conversations(database_url, minimum=Level.HIGH)}
    for run in runs:
        taken = [s for s in run.sent if s.accepted]
        if not taken:
            continue
        loss.conversations += 1
        segments = _segments(transcript(database_url, run.conversation_id).turns)
        position = 0
        for sent in taken:
            loss.user_messages += 1
            loss.bot_messages += len(sent.replies)
            found = next((k for k in range(position, len(segments)) if segments[k][0] == _norm(sent.text)), None)
            if found is None:
                loss.lost_user += 1
                loss.lost_bot += len(sent.replies)
                loss.note(f"{run.conversation_id}: user message {sent.text!r} not stored in order")
                continue
            position = found + 1
            missing = _unmatched(sent.replies, segments[found][1])
            if missing:
                loss.lost_bot += missing
                loss.note(f"{run.conversation_id}: {missing} of {len(sent.replies)} replies to "
                          f"{sent.text!r} not stored in order")
        if any(s.text in CRISIS for s in taken):
            loss.crises += 1
            if run.conversation_id not in flagged:
                loss.unflagged += 1
                loss.note(f"{run.conversation_id}: crisis conversation ({run.channel}) not flagged high")
    return loss
