"""The review queue built from what Rasa stored: order, filters, counts, the workflow, reopening,
labels for training, erasure, and what retention keeps."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlalchemy import func, select

from bot.database import engine_for
from bot.retention import apply_retention
from bot.tracker_events import EVENTS
from staff import reviews, tables
from staff.labels import PURPOSE, export_lines
from staff.reviews import Filters, ReviewError
from tests.staff.conftest import bot_event, seed, unique, user_event


def _conversation(url, level, channel="rest", at=None, text=None):
    sender = unique(f"{channel}:{level}")
    text = text or {"imminent": "i have the pills here and i'm taking them tonight",
                    "high": "i want to die", "concern": "my friend said she wants to kill herself"}[level]
    category = {"imminent": "plan_or_intent", "high": "suicidal_ideation", "concern": "third_person"}[level]
    seed(url, sender, user_event("hi", channel=channel, at=at), bot_event("Hello."),
         user_event(text, level, [category], [text], channel=channel, at=at), bot_event("I'm here."))
    return sender


def _mine(items, senders):
    return [i for i in items if i.flag.sender_id in senders]


def test_the_most_urgent_come_first_then_the_longest_waiting(staff_url):
    now = time.time()
    concern = _conversation(staff_url, "concern", at=now - 300)
    old_high = _conversation(staff_url, "high", at=now - 7200)
    new_high = _conversation(staff_url, "high", at=now - 60)
    imminent = _conversation(staff_url, "imminent", at=now - 30)
    calm = unique("rest:calm")
    seed(staff_url, calm, user_event("how do antidepressants work"), bot_event("They ..."))
    mine = {concern, old_high, new_high, imminent, calm}
    found = reviews.queue(staff_url, Filters())
    assert [i.flag.sender_id for i in _mine(found.items, mine)] == [imminent, old_high, new_high, concern]
    assert all(i.status == "new" for i in _mine(found.items, mine))
    assert found.counts["imminent"] >= 1 and found.counts["high"] >= 2 and found.counts["new"] >= 4


def test_filters_narrow_the_queue_and_refuse_unknown_values(staff_url):
    telegram = _conversation(staff_url, "high", channel="telegram")
    rest = _conversation(staff_url, "concern")
    mine = {telegram, rest}
    only = lambda **q: {i.flag.sender_id for i in _mine(reviews.queue(staff_url, Filters.parse(q)).items, mine)}  # noqa: E731
    assert only(channel="telegram") == {telegram}
    assert only(level="concern") == {rest}
    today = dt.datetime.now(dt.timezone.utc).date()
    assert only(since=str(today), until=str(today)) == mine
    assert only(until=str(today - dt.timedelta(days=1))) == set()
    for bad in ({"level": "urgent"}, {"status": "closed"}, {"since": "yesterday"}, {"channel": "x' OR 1=1"}):
        with pytest.raises(ReviewError):
            Filters.parse(bad)


def test_the_workflow_records_who_did_what(staff_url):
    sender = _conversation(staff_url, "high")
    item = next(i for i in reviews.sync(staff_url) if i.flag.sender_id == sender)
    with pytest.raises(ReviewError, match="needs an outcome"):
        reviews.set_status(staff_url, item.review_id, "resolved", None, "sam")
    reviews.set_status(staff_url, item.review_id, "in_review", None, "sam")
    reviews.add_note(staff_url, item.review_id, "Called the number they gave; no answer yet.", "sam")
    reviews.set_status(staff_url, item.review_id, "resolved", "contacted", "sam")
    done = reviews.item(staff_url, item.review_id)
    assert done.status == "resolved" and done.outcome == "contacted" and done.resolved_at is not None
    assert sender not in {i.flag.sender_id for i in reviews.queue(staff_url, Filters()).items}  # open only
    assert sender in {i.flag.sender_id for i in reviews.queue(staff_url, Filters(status="resolved")).items}
    from staff.audit import entries
    actions = [e.action for e in entries(staff_url, target=str(item.review_id))]
    assert actions[:3] == ["status_changed", "note_added", "status_changed"]
    assert all("no answer" not in json.dumps(e.detail) for e in entries(staff_url, target=str(item.review_id)))


def test_a_resolved_conversation_flagged_again_comes_back_as_new(staff_url):
    sender = _conversation(staff_url, "concern")
    item = next(i for i in reviews.sync(staff_url) if i.flag.sender_id == sender)
    reviews.set_status(staff_url, item.review_id, "resolved", "no_action_needed", "sam")
    time.sleep(0.01)
    seed(staff_url, sender, user_event("actually i want to die", "high", ["suicidal_ideation"], ["want to die"]))
    again = reviews.item(staff_url, item.review_id)
    assert again.status == "new" and again.outcome is None and again.level == "high"


def test_false_alarms_and_missed_messages_become_training_lines(staff_url):
    from staff.labels import label_missed
    from bot.tracker_events import transcript

    alarm = _conversation(staff_url, "concern", text="this essay on self-harm awareness is killing me")
    missed = _conversation(staff_url, "high")
    seed(staff_url, missed, user_event("i bought a rope today"))
    items = {i.flag.sender_id: i for i in reviews.sync(staff_url)}
    conversation = transcript(staff_url, alarm)
    from staff.labels import label_false_alarm
    reviews.set_status(staff_url, items[alarm].review_id, "resolved", "false_alarm", "sam",
                       also=lambda c: label_false_alarm(c, conversation, "sam"))
    rope = next(t for t in transcript(staff_url, missed).turns if t.text == "i bought a rope today")
    label_missed(staff_url, transcript(staff_url, missed), rope.event_id, "imminent", "sam", items[missed].review_id)
    with pytest.raises(ReviewError, match="not part of this conversation"):
        label_missed(staff_url, transcript(staff_url, missed), rope.event_id + 10_000, "high", "sam", 1)
    lines = [json.loads(line) for line in export_lines(staff_url)]
    assert {"text": "this essay on self-harm awareness is killing me", "level": "none", "kind": "false_alarm"}.items() \
        <= next(line for line in lines if line["text"].startswith("this essay")).items()
    assert any(line["text"] == "i bought a rope today" and line["level"] == "imminent" for line in lines)
    assert all(line["purpose"] == PURPOSE for line in lines)


def test_erasing_a_conversation_leaves_nothing_of_it(staff_url):
    from bot.erasure import erase_conversation
    from staff.labels import label_false_alarm
    from bot.tracker_events import transcript

    sender = _conversation(staff_url, "high")
    item = next(i for i in reviews.sync(staff_url) if i.flag.sender_id == sender)
    reviews.add_note(staff_url, item.review_id, "spoke to them", "sam")
    reviews.set_status(staff_url, item.review_id, "resolved", "false_alarm", "sam",
                       also=lambda c: label_false_alarm(c, transcript(staff_url, sender), "sam"))
    assert erase_conversation(staff_url, sender) > 0
    with engine_for(staff_url).connect() as connection:
        for table in (EVENTS, *tables.PERSONAL_TABLES):
            left = connection.execute(select(func.count()).select_from(table)
                                      .where(table.c.sender_id == sender)).scalar_one()
            assert left == 0, table.name
    assert reviews.item(staff_url, item.review_id) is None


def test_retention_keeps_a_flagged_conversation_until_staff_resolve_it(staff_url):
    sender = _conversation(staff_url, "high", at=time.time() - 200 * 86400)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=100)
    apply_retention(staff_url, 30, 90, now=later, resolved_at=reviews.resolved_lookup(staff_url))
    item = next(i for i in reviews.sync(staff_url) if i.flag.sender_id == sender)  # still there: open
    reviews.set_status(staff_url, item.review_id, "resolved", "referred", "sam")
    apply_retention(staff_url, 30, 90, now=later, resolved_at=reviews.resolved_lookup(staff_url))
    assert sender not in {i.flag.sender_id for i in reviews.sync(staff_url)}


def test_staff_open_an_unflagged_conversation_by_id_and_label_what_the_layer_missed(live):
    url = live.config.database_url
    sender = unique("telegram:77")
    seed(url, sender, user_event("hey", channel="telegram"), bot_event("Hi."),
         user_event("gonna go to sleep and not wake up this time", channel="telegram"), bot_event("Sleep well."))
    client = live.signed_in("admin")
    assert "no conversation is stored under that id" in client.get("/find", params={"id": "rest:nobody"}).text
    opened = client.get("/find", params={"id": sender})
    assert opened.status_code == 303
    page_path = opened.headers["location"]
    page = client.get(page_path).text
    assert "gonna go to sleep and not wake up this time" in page and "The safety layer missed this?" in page
    event_id = _event_of(url, sender, "gonna go to sleep and not wake up this time")
    assert f'name="event_id" value="{event_id}"' in page
    labelled = client.form(page_path, page_path + "/missed", event_id=str(event_id), level="high")
    assert labelled.status_code == 303
    assert "labelled high for training" in client.get(page_path).text
    lines = [json.loads(line) for line in client.get("/admin/labels.jsonl").text.splitlines()]
    assert {"text": "gonna go to sleep and not wake up this time", "level": "high", "kind": "missed"}.items() \
        <= lines[-1].items()
    assert sender not in {i.flag.sender_id for i in reviews.queue(url, Filters(status="all")).items}


def _event_of(url: str, sender: str, text: str) -> int:
    from bot.tracker_events import transcript

    return next(t.event_id for t in transcript(url, sender).turns if t.text == text)
