"""The staff review app in a real browser (Debian's headless Chromium), against the whole stack: a
person in crisis talks to the bot, and a member of staff signs in, finds the conversation at the top
of the queue, reads it with the safety layer's evidence, resolves it and sees it all in the audit log."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from staff import reviews
from staff.accounts import create_user
from tests.e2e.conftest import Chat, flag_of
from tests.webchat.conftest import ARTIFACTS, browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
CRISIS = "i've got all my pills counted out and i'm going to take them tonight"


@pytest.fixture
def staff_page(browser, stack_settings):  # noqa: F811 - pytest's fixture injection
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.base = f"http://localhost:{stack_settings.staff_port}"
    yield page
    context.close()


def test_staff_find_read_and_resolve_a_conversation_the_bot_flagged(stack, stack_settings, staff_page):
    url = stack_settings.database_url
    create_user(url, "lead", "admin", PASSWORD)
    # Others flagged first, less urgently: the queue still puts the imminent one on top.
    for text in ("my friend keeps saying she wants to kill herself", "honestly i just want to die"):
        Chat(stack_settings.rasa_port).say(text)
    person = Chat(stack_settings.rasa_port)
    person.say("hi")
    reply = person.text(CRISIS)
    assert reply  # the crisis reply itself is the crisis tests' business
    flag = flag_of(stack_settings, person.conversation_id)
    assert flag is not None and flag.level == "imminent"

    page = staff_page
    page.goto(page.base + "/")
    expect(page).to_have_url(page.base + "/login")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Flagged conversations")

    # Other end-to-end tests share this stack's database: find this person's row, and check that the
    # queue puts every imminent conversation (this one among them) above the others.
    review_id = next(i.review_id for i in reviews.sync(url) if i.flag.sender_id == person.conversation_id)
    row = page.locator("table.queue tbody tr", has=page.locator(f'a[href="/conversations/{review_id}"]'))
    expect(row.locator(".badge")).to_have_text("imminent")
    levels = page.locator("table.queue tbody tr .badge").all_inner_texts()
    rank = {"IMMINENT": 0, "HIGH": 1, "CONCERN": 2}
    assert [rank[level.upper()] for level in levels] == sorted(rank[level.upper()] for level in levels)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-queue.png"), full_page=True)

    row.locator("a").click()
    flagged = page.locator(".turn.flagged")
    expect(flagged.first.locator(".text")).to_have_text(CRISIS)
    expect(flagged.first.locator(".evidence")).to_contain_text("imminent")
    expect(flagged.first.locator(".evidence")).to_contain_text("patterns")
    expect(page.locator(".facts")).to_contain_text("rest")
    expect(page.locator(".turn.bot").first).to_be_visible()

    page.click("text=Assign to me")
    expect(page.locator(".facts")).to_contain_text("In review; assigned to lead")
    page.fill("textarea[name=text]", "Reached them by the callback number; they are with a friend now.")
    page.click("text=Add note")
    expect(page.locator(".notes")).to_contain_text("with a friend now")
    page.select_option("select[name=status]", "resolved")
    page.select_option("select[name=outcome]", "contacted")
    page.click("text=Save status")
    expect(page.locator(".facts")).to_contain_text("Resolved: contacted")
    page.screenshot(path=str(ARTIFACTS / "staff-conversation.png"), full_page=True)

    page.click("text=Audit log")
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("audit log viewed")
    log = " ".join(rows.all_inner_texts())
    for action in ("status changed", "note added", "assigned", "viewed", "login"):
        assert action in log, action
    assert CRISIS not in log and "with a friend" not in log  # the log says what happened, not what was said

    page.goto(page.base + "/")
    assert f'href="/conversations/{review_id}"' not in page.content()  # resolved: out of the open queue
