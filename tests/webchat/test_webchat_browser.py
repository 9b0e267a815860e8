"""The chat widget in a real browser (Debian's headless Chromium, driven by Playwright), on a phone-sized
screen: first against the echo server (reconnection, rendering, embedding, keyboard), then holding
real conversations with the whole stack."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect
from websockets.exceptions import InvalidStatusCode

from sqlalchemy import select

from bot.database import engine_for
from bot.flags import EVENTS, flagged_conversations
from tests.webchat.conftest import ARTIFACTS, EchoServer, SocketClient, free_port, run_async

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_MS = 30_000
BOT = ".dsw-from-bot .dsw-bubble"
# The widget's unseen first message, with the country its crisis banner shows (en-GB browser).
GREETING = 'You said: /greet{"country_hint":"GB"}'


def bot_count(page: Page) -> int:
    return page.locator(BOT).count()


def wait_for_reply(page: Page, before: int) -> str:
    """Waits for the bot's whole answer (its typing indicator gone); returns the new messages' text."""
    page.wait_for_function(
        "([selector, before]) => document.querySelectorAll(selector).length > before"
        " && document.querySelector('.dsw-typing').hidden",
        arg=[BOT, before], timeout=REPLY_TIMEOUT_MS)
    return "\n".join(page.locator(BOT).all_inner_texts()[before:])


def say(page, text: str) -> str:
    """Types and sends a message on a page or in a frame (the chat embedded in another site)."""
    before = bot_count(page)
    page.fill(".dsw-input", text)
    page.press(".dsw-input", "Enter")
    return wait_for_reply(page, before)


def chat_frame(page: Page):
    """The chat inside the iframe another site embeds."""
    handle = page.wait_for_selector("iframe.dsw-frame", state="attached")
    frame = handle.content_frame()
    assert frame is not None
    return frame


def open_chat(page: Page, url: str) -> str:
    page.goto(f"{url}/webchat")
    return wait_for_reply(page, 0)


def session_token(page: Page) -> str:
    key = page.evaluate("Object.keys(sessionStorage).find(k => k.endsWith(':token'))")
    return json.loads(page.evaluate("key => sessionStorage.getItem(key)", key))


def assert_fits_the_screen(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in (".dsw-crisis", ".dsw-input", ".dsw-send"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], selector


# -- the widget's behaviour, against the echo server ------------------------------------------------

def test_it_shows_reconnecting_and_sends_what_was_typed_offline(phone, tmp_path):
    server = EchoServer(free_port(), tmp_path / "echo.log").start()
    try:
        assert open_chat(phone, server.url) == GREETING
        server.stop()
        expect(phone.locator(".dsw-status")).to_contain_text("Reconnecting", timeout=15_000)
        phone.fill(".dsw-input", "are you still there?")
        phone.keyboard.press("Enter")
        expect(phone.locator(".dsw-from-user").last).to_contain_text("Not sent yet")

        server.start()
        wait_for_reply(phone, 1)
        assert phone.locator(BOT).all_inner_texts() == [GREETING, "You said: are you still there?"]
        expect(phone.locator(".dsw-msg-state")).to_have_count(0)
        expect(phone.locator(".dsw-status")).not_to_contain_text("Reconnecting", timeout=10_000)
    finally:
        server.stop()


def test_bot_text_is_shown_as_text_and_only_web_links_are_clickable(phone, echo_server):
    open_chat(phone, echo_server.url)
    typed = "<img src=x onerror=alert(1)> <b>bold</b> javascript:alert(2) see https://example.org/page."
    assert say(phone, typed) == f"You said: {typed}"
    reply = phone.locator(BOT).last
    assert reply.evaluate("node => node.textContent") == f"You said: {typed}"
    assert phone.locator(".dsw-log img, .dsw-log b").count() == 0
    links = reply.locator("a")
    expect(links).to_have_count(1)
    assert links.get_attribute("href") == "https://example.org/page"
    assert "noopener" in links.get_attribute("rel")
    phone.wait_for_timeout(500)
    assert phone.dialogs == [] and phone.errors == []


def test_quick_replies_work_from_the_keyboard(phone, echo_server):
    open_chat(phone, echo_server.url)
    say(phone, "/buttons")
    expect(phone.locator(".dsw-reply")).to_have_text(["Yes, please", "No, thanks"])
    phone.focus(".dsw-log")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Yes, please"
    before = bot_count(phone)
    phone.keyboard.press("Enter")
    assert wait_for_reply(phone, before) == "You said: /affirm"
    expect(phone.locator(".dsw-from-user .dsw-bubble").last).to_have_text("Yes, please")
    expect(phone.locator(".dsw-reply")).to_have_count(0)
    assert phone.evaluate("document.activeElement.classList.contains('dsw-input')")


def test_delete_conversation_clears_the_browser_and_asks_the_assistant_to_forget(phone, echo_server):
    open_chat(phone, echo_server.url)
    say(phone, "something private")
    phone.click(".dsw-clear")
    phone.click("text=Yes, delete it")
    assert wait_for_reply(phone, 0) == "You said: /forget_confirmed"
    assert "something private" not in phone.locator(".dsw-log").inner_text()
    assert "something private" not in phone.evaluate("JSON.stringify(sessionStorage)")


def test_one_script_tag_embeds_it_in_another_allowed_site(phone, echo_server, partner_site):
    phone.goto(f"http://127.0.0.1:{partner_site}/?widget={echo_server.url}/webchat/widget.js")
    expect(phone.locator(".dsw-crisis-pill")).to_contain_text("Samaritans: call 116 123")
    assert phone.locator(".dsw-launcher-box").evaluate("box => getComputedStyle(box).position") == "fixed"
    phone.click(".dsw-launcher")
    frame = chat_frame(phone)
    assert wait_for_reply(frame, 0) == GREETING
    assert say(frame, "hello from the partner site") == "You said: hello from the partner site"
    box = phone.locator("iframe.dsw-frame").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= phone.viewport_size["width"]
    # The chat lives in the frame, on the chat's own origin: the partner site never holds the session
    # token or the transcript.
    host_storage = phone.evaluate("JSON.stringify({...sessionStorage, ...localStorage})")
    assert ":token" not in host_storage and "You said" not in host_storage and "partner site" not in host_storage
    assert frame.evaluate("Object.keys(sessionStorage).some(k => k.endsWith(':token'))")
    frame.press(".dsw-input", "Escape")
    expect(phone.locator(".dsw-launcher")).to_be_focused()
    expect(phone.locator("iframe.dsw-frame")).to_be_hidden()


def test_a_site_that_is_not_allowed_cannot_use_it_but_still_shows_a_crisis_line(phone, echo_server,
                                                                                   partner_site):
    # The same page from an origin the server does not allow (localhost is another host name): the
    # chat refuses to be framed there, and the crisis line still shows.
    phone.goto(f"http://localhost:{partner_site}/?widget={echo_server.url}/webchat/widget.js")
    expect(phone.locator(".dsw-crisis-pill")).to_contain_text("findahelpline.com")
    phone.click(".dsw-launcher")
    frame = chat_frame(phone)
    phone.wait_for_timeout(2000)
    assert frame.locator(".dsw-input").count() == 0 and frame.locator(BOT).count() == 0


# -- conversations with the real bot, through the whole stack -----------------------------------------

def test_a_conversation_with_quick_replies_survives_a_reload(phone, rasa_url):
    greeting = open_chat(phone, rasa_url)
    assert "support assistant" in greeting
    assert "Samaritans" in greeting  # the crisis reminder names the line for the browser's country
    crisis = phone.locator(".dsw-crisis")
    expect(crisis).to_contain_text("Samaritans")
    expect(crisis).to_contain_text("116 123")
    assert_fits_the_screen(phone)

    before = bot_count(phone)
    phone.get_by_role("button", name="What is depression?").click()
    answer = wait_for_reply(phone, before)
    assert "depression" in answer.lower()
    expect(phone.locator(".dsw-from-user .dsw-bubble").last).to_have_text("What is depression?")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.locator(".dsw-log").evaluate("log => { log.scrollTop = 0; }")
    phone.screenshot(path=str(ARTIFACTS / "webchat.png"))

    transcript, token = phone.locator(".dsw-log .dsw-bubble").all_inner_texts(), session_token(phone)
    phone.reload()
    expect(phone.locator(".dsw-log .dsw-bubble")).to_have_text(transcript)
    expect(phone.locator(".dsw-status")).to_be_empty()
    assert session_token(phone).split(".")[0] == token.split(".")[0]  # the same conversation, renewed
    assert "symptom" in say(phone, "what are the symptoms of depression").lower()
    assert phone.dialogs == [] and phone.errors == []


def test_a_crisis_message_gets_the_hotline_for_the_browsers_country(phone, rasa_url, stack_settings):
    open_chat(phone, rasa_url)
    reply = say(phone, "I want to kill myself")
    assert "Samaritans" in reply and "116 123" in reply, reply
    assert "Are you safe right now?" in reply
    expect(phone.locator(".dsw-reply")).to_have_text(["Yes, I'm safe right now", "No, I'm not safe"])
    # The flag is in the tracker store, with the channel it came from.
    sender = session_token(phone).split(".")[0]
    flag = next(f for f in flagged_conversations(stack_settings.database_url) if f.sender_id == sender)
    assert flag.level in ("high", "imminent") and flag.channel == "webchat"


def test_an_exercise_answer_is_heard_then_deleting_erases_it_everywhere(phone, rasa_url, stack_settings):
    open_chat(phone, rasa_url)
    assert "Step 1 of 6" in say(phone, "can we do grounding")
    expect(phone.locator(".dsw-reply")).to_have_text(["Next", "Stop"])
    say(phone, "ok")
    heard = say(phone, "my laptop, a mug and my cat called biscuit")
    assert "your cat called biscuit" in heard and "Step 3 of 6" in heard
    sender = session_token(phone).split(".")[0]
    phone.click(".dsw-clear")
    phone.click("text=Yes, delete it")
    phone.wait_for_function("() => [...document.querySelectorAll('.dsw-from-bot .dsw-bubble')]"
                            ".some(b => b.textContent.includes(\"I've deleted this conversation\"))",
                            timeout=REPLY_TIMEOUT_MS)
    assert "biscuit" not in phone.locator(".dsw-log").inner_text()
    assert "biscuit" not in phone.evaluate("JSON.stringify(sessionStorage)")
    # The reply reaches the browser before Rasa saves the turn (and erases): wait for the save.
    stored: list = []
    for _ in range(50):
        with engine_for(stack_settings.database_url).connect() as connection:
            stored = connection.execute(select(EVENTS.c.data).where(EVENTS.c.sender_id == sender)).scalars().all()
        if any("deleted this conversation" in (row or "") for row in stored):
            break
        phone.wait_for_timeout(200)
    assert any("deleted this conversation" in (row or "") for row in stored)
    assert not any("biscuit" in (row or "") for row in stored)
    assert phone.dialogs == [] and phone.errors == []


def test_markup_typed_by_the_user_is_shown_as_text_and_runs_nothing(phone, rasa_url):
    open_chat(phone, rasa_url)
    typed = "<img src=x onerror=alert(1)>"
    say(phone, typed)
    assert phone.locator(".dsw-from-user .dsw-bubble").last.evaluate("node => node.textContent") == typed
    assert phone.locator(".dsw-log img").count() == 0
    phone.wait_for_timeout(1000)
    assert phone.dialogs == [] and phone.errors == []


def test_the_real_server_refuses_foreign_origins_and_forged_sessions(rasa_url):
    async def scenario():
        with pytest.raises(InvalidStatusCode):
            await SocketClient.open(rasa_url, origin="http://evil.example")
        client = await SocketClient.open(rasa_url, origin=rasa_url)
        forged = "ab" * 16 + "." + "cd" * 16
        token = await client.session(forged)
        await client.close()
        return forged, token

    forged, token = run_async(scenario())
    assert token != forged and re.fullmatch(r"[0-9a-f]{32}\.\d+\.[0-9a-f]{32}", token)



def test_crisis_buttons_stay_until_answered_and_numbers_are_links(phone, rasa_url, stack_settings):
    open_chat(phone, rasa_url)
    reply = say(phone, "i really want to kill myself")
    assert "Are you safe right now?" in reply
    not_safe = phone.locator(".dsw-reply", has_text="No, I'm not safe")
    expect(not_safe).to_be_visible()
    assert phone.locator(".dsw-log a[href='tel:116123']").count() >= 1  # Samaritans, from the en-GB browser
    # Typing something else does not take the crisis question away, before or after the reply.
    before = bot_count(phone)
    phone.fill(".dsw-input", "give me a sec")
    phone.keyboard.press("Enter")
    expect(not_safe).to_be_visible()
    wait_for_reply(phone, before)
    expect(not_safe).to_be_visible()
    before = bot_count(phone)
    not_safe.click()
    answer = wait_for_reply(phone, before)
    assert "999" in answer
    assert phone.locator(".dsw-log a[href='tel:999']").count() >= 1
