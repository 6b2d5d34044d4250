"""The visitor's page against a real `virtualcite serve --demo` and a real counsellor, in
Chromium: the question written while waiting reaches the server only as the first message of
the conversation (transcript-free), the page in each state at 1280 and 360 px (screenshots in
test-artefacts/screenshots/), and a token open in too many tabs (close 4009).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.browser_people import accept_offer, counsellor_page, open_conversation
from tests.e2e.live_server import LiveServer
from virtualcite.realtime.limits import MAX_CONNECTIONS_PER_TOKEN

pytestmark = pytest.mark.browser


class SentFrames:
    """Every frame the page sends on its visitor sockets, in order, as the server gets them."""

    def __init__(self, page: Page) -> None:
        self.frames: list[dict[str, object]] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        if "/ws/visitor/" in socket.url:
            socket.on("framesent", lambda payload: self.frames.append(json.loads(payload)))

    def carrying(self, text: str) -> list[dict[str, object]]:
        return [frame for frame in self.frames if text in json.dumps(frame, ensure_ascii=False)]


# (width, height, counsellor, pole): each journey its own counsellor and pole.
JOURNEYS = [(1280, 900, "camille", "find-a-job"), (360, 740, "karim", "find-training")]


@pytest.mark.parametrize(("width", "height", "username", "pole"), JOURNEYS,
                         ids=[f"{width}px" for width, *_ in JOURNEYS])
def test_the_question_written_while_waiting_is_the_first_message_and_never_sent_before(
        browser: Browser, served: LiveServer, width: int, height: int, username: str,
        pole: str) -> None:
    context, visitor = new_page(browser, width=width, height=height)  # French
    errors = collect_errors(visitor)
    sent = SentFrames(visitor)
    visitor.goto(served.url + "/")
    expect(visitor.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    expect(visitor.locator(f"#pole-{pole} .pole-live")).to_be_visible()
    screenshot(visitor, f"visitor-lobby-{width}")

    visitor.locator(f"#pole-{pole} button.join").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    expect(visitor.locator(".intro")).to_be_hidden()
    question = f"Ma question écrite en attendant ({width} px) : une formation de cuisinier ?"
    visitor.locator("#draft-text").fill(question)
    expect(visitor.locator("#queue-call")).to_contain_text("nous vous appellerons ici")
    screenshot(visitor, f"visitor-waiting-{width}")
    # A reload keeps it (this tab's sessionStorage), still unsent.
    visitor.reload()
    expect(visitor.locator("#draft-text")).to_have_value(question)
    assert sent.carrying(question) == []

    counsellor = counsellor_page(browser, served, username, [pole])
    accept_offer(counsellor)
    conversation = open_conversation(counsellor)
    expect(conversation.locator(".transcript")).to_contain_text(question)
    own = visitor.locator("#transcript .line.visitor").first
    expect(own).to_contain_text(question)
    expect(own.locator(".delivery")).to_have_text("Reçu")
    # The only frame that ever carried it: the conversation's first message.
    (carrier,) = sent.carrying(question)
    assert carrier["type"] == "message" and carrier["text"] == question
    messages = [frame for frame in sent.frames if frame["type"] == "message"]
    assert messages[0] is carrier
    assert visitor.evaluate("sessionStorage.getItem('vc.draft')") is None
    expect(visitor.locator("#draft-text")).to_have_value("")

    conversation.locator(".conversation-message textarea").fill(
        "Bonjour ! Regardons ensemble les formations de cuisine.")
    conversation.locator(".conversation-message textarea").press("Enter")
    expect(visitor.locator("#transcript")).to_contain_text("Regardons ensemble")
    visitor.locator("#message-text").fill("Merci, je vous écoute.")
    visitor.locator("#message-text").press("Enter")
    expect(visitor.locator("#transcript .line.visitor .delivery").last).to_have_text("Reçu")
    screenshot(visitor, f"visitor-chatting-{width}")

    visitor.locator("#end-chat").click()
    expect(visitor.locator("#end-confirm")).to_be_visible()
    screenshot(visitor, f"visitor-end-confirm-{width}")
    visitor.locator("#end-yes").click()
    expect(visitor.locator("#ended-panel")).to_be_visible()
    expect(visitor.locator("#next-steps")).to_contain_text("Et maintenant ?")
    expect(visitor.locator("#rating-form")).to_be_visible()
    expect(conversation.locator(".closed-note")).to_be_visible()
    screenshot(visitor, f"visitor-ended-{width}")

    counsellor.click("#shift-end")
    counsellor.context.close()
    context.close()
    assert errors == []


def test_a_token_open_in_too_many_tabs_stops_and_says_why(browser: Browser,
                                                          served: LiveServer) -> None:
    context, first = new_page(browser, locale="en-US")
    errors = collect_errors(first)
    first.goto(served.url + "/")
    expect(first.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    first.locator("#pole-discover-jobs button.join").click()
    expect(first.locator("#queue-panel")).to_be_visible()
    token = first.evaluate("sessionStorage.getItem('vc.token')")
    # Tabs opened from this one start with a copy of its sessionStorage, as browsers do.
    context.add_init_script(f"sessionStorage.setItem('vc.token', {json.dumps(token)});")
    others = []
    for _ in range(MAX_CONNECTIONS_PER_TOKEN - 1):
        tab = context.new_page()
        tab.goto(served.url + "/")
        expect(tab.locator("#queue-panel")).to_be_visible()
        others.append(tab)

    extra = context.new_page()
    extra.goto(served.url + "/")
    expect(extra.locator("#visitor-desk")).to_have_attribute("data-connection", "closed")
    expect(extra.locator("#connection")).to_contain_text("already open in other tabs")
    expect(extra.locator("#connection")).not_to_contain_text("Reconnecting")
    first.locator("#leave-queue").click()
    expect(first.locator("#lobby")).to_be_visible()
    context.close()
    assert errors == []
    assert re.match(r"^[-\w]{22}$", token)
