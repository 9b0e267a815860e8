"""Flagged conversations, read back from events that Rasa's own SQL tracker store wrote."""
from __future__ import annotations

import asyncio
import time

from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.flags import flagged_conversations
from bot.tracker_store import DatabaseTrackerStore


def _user(text: str, intent: str, level: str, categories=(), evidence=()) -> UserUttered:
    safety = {"level": level, "categories": list(categories),
              "evidence": [{"text": e, "start": 0, "end": len(e), "category": categories[0], "level": level}
                           for e in evidence]}
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [], "safety": safety}
    return UserUttered(text, parse["intent"], [], parse, input_channel="rest", timestamp=time.time())


def _save(store: DatabaseTrackerStore, sender: str, *events) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, list(events))))


def _store(url: str, monkeypatch) -> DatabaseTrackerStore:
    monkeypatch.setenv("DATABASE_URL", url)
    return DatabaseTrackerStore()


def test_flags_are_built_from_the_tracker_store(database_url, monkeypatch):
    store = _store(database_url, monkeypatch)
    sender = f"flags-{time.time_ns()}"
    _save(store, sender,
          _user("hello", "greet", "none"),
          _user("i want to die", "safety_high", "high", ["suicidal_ideation"], ["want to die"]),
          _user("jk", "retract", "none"))
    calm = f"calm-{time.time_ns()}"
    _save(store, calm, _user("hi", "greet", "none"))
    flags = {f.sender_id: f for f in flagged_conversations(database_url)}
    assert calm not in flags
    flag = flags[sender]
    assert (flag.level, flag.categories, flag.evidence, flag.channel) == (
        "high", ["suicidal_ideation"], ["want to die"], "rest")
    assert flag.flagged_messages == 1


def test_context_and_disclosures_raise_the_level_and_urgent_comes_first(database_url, monkeypatch):
    store = _store(database_url, monkeypatch)
    means_after_ideation = f"means-{time.time_ns()}"
    _save(store, means_after_ideation,
          _user("i want to die", "safety_high", "high", ["suicidal_ideation"], ["want to die"]),
          _user("i have the pills here", "safety_means_mention", "concern", ["means"], ["pills"]))
    disclosed = f"disclosed-{time.time_ns()}"
    _save(store, disclosed,
          _user("what's the point", "safety_concern", "concern", ["hopelessness"], ["what's the point"]),
          SlotSet("risk_disclosed", "high"))
    flags = flagged_conversations(database_url)
    levels = {f.sender_id: f.level for f in flags}
    assert levels[means_after_ideation] == "imminent" and levels[disclosed] == "high"
    order = [f.sender_id for f in flags]
    assert order.index(means_after_ideation) < order.index(disclosed)


def test_crisis_mode_answers_raise_the_level_and_are_kept_for_review(database_url, monkeypatch):
    store = _store(database_url, monkeypatch)
    not_safe = f"not-safe-{time.time_ns()}"
    _save(store, not_safe,
          _user("i want to die", "safety_high", "high", ["suicidal_ideation"], ["want to die"]),
          ActiveLoop("unsafe_form"), SlotSet("crisis_safe", "yes"), SlotSet("cssrs_method", "no"))
    unsure = f"unsure-{time.time_ns()}"
    _save(store, unsure,
          _user("what's the point", "safety_concern", "concern", ["hopelessness"], ["what's the point"]),
          SlotSet("suicidal_thoughts", "unsure"))
    calm = f"calm-slots-{time.time_ns()}"
    _save(store, calm, _user("hi", "greet", "none"), SlotSet("crisis_safe", None))
    flags = {f.sender_id: f for f in flagged_conversations(database_url)}
    assert flags[not_safe].level == "imminent"
    assert flags[not_safe].answers == {"not_safe_path": True, "crisis_safe": "yes", "cssrs_method": "no"}
    assert flags[unsure].level == "high" and flags[unsure].answers == {"suicidal_thoughts": "unsure"}
    assert calm not in flags


def test_erasing_a_conversation_removes_it_and_its_flag(database_url, monkeypatch):
    from bot.erasure import erase_conversation

    store = _store(database_url, monkeypatch)
    sender = f"erase-{time.time_ns()}"
    _save(store, sender, _user("i want to die", "safety_high", "high", ["suicidal_ideation"], ["want to die"]))
    assert erase_conversation(database_url, sender) == 1
    assert sender not in {f.sender_id for f in flagged_conversations(database_url)}
    assert erase_conversation(database_url, sender) == 0


def test_the_flags_command_lists_the_most_urgent_first(sqlite_url, monkeypatch, capsys):
    from bot.cli import main

    store = _store(sqlite_url, monkeypatch)
    _save(store, "concern-1", _user("what's the point", "safety_concern", "concern", ["hopelessness"],
                                    ["what's the point"]))
    _save(store, "high-1", _user("i want to die", "safety_high", "high", ["suicidal_ideation"], ["want to die"]))
    assert main(["flags"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("high") and "high-1" in lines[0] and "[want to die]" in lines[0]
    assert lines[1].startswith("concern") and "concern-1" in lines[1]
