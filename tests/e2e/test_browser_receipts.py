"""Delivery receipts in Chromium (docs/protocol.md, "Delivery receipts and resending"): a
message is marked received on the sender's page only once the other side's page showed it; one
without a receipt is sent again with its client_id; the receiving page shows a message sent
again once, and receipts it each time."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from chat.frames import Delivered, MessageOut
from tests.e2e.browser import collect_errors, new_page
from tests.e2e.browser_people import accept_offer, counsellor_page, open_conversation
from tests.e2e.live_server import LiveServer
from tests.e2e.test_browser_notices import CAMILLE, NOW, ScriptedDesk
from tests.e2e.test_browser_visitor_moments import chatting, sent
from virtualcite.realtime.protocol import Pong

pytestmark = pytest.mark.browser


def wait_for(page: Page, condition: Callable[[], object], what: str,
             timeout: float = 15.0) -> None:
    """Let the page run until `condition()` holds (frames reach the script between waits)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        page.wait_for_timeout(50)


def test_both_sides_see_their_messages_received_by_the_other(
        browser: Browser, served: LiveServer) -> None:
    counsellor = counsellor_page(browser, served, "camille", ["find-a-job"])  # English
    context, visitor = new_page(browser)  # French
    errors = collect_errors(visitor)
    visitor.goto(served.url + "/")
    visitor.locator("#pole-find-a-job button.join").click()
    accept_offer(counsellor)
    conversation = open_conversation(counsellor)

    conversation.locator(".conversation-message textarea").fill("Bonjour, je vous écoute.")
    conversation.locator(".conversation-message textarea").press("Enter")
    expect(visitor.locator("#transcript")).to_contain_text("je vous écoute")
    mine = conversation.locator(".transcript .line.mine").last
    expect(mine.locator(".delivery")).to_have_text("Received")

    visitor.locator("#message-text").fill("Merci, une question sur les formations.")
    visitor.locator("#message-text").press("Enter")
    expect(conversation.locator(".transcript")).to_contain_text("une question")
    expect(visitor.locator("#transcript .line.visitor .delivery").last).to_have_text("Reçu")
    expect(visitor.locator("#transcript .line.visitor")).to_have_count(1)
    expect(conversation.locator(".transcript .line.visitor")).to_have_count(1)
    context.close()
    assert errors == []


def test_a_message_without_a_receipt_is_sent_again_with_its_client_id_until_one_comes(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, chatting(), lambda frame: (
        [Pong(server_time=NOW)] if frame["type"] == "ping" else []))
    page.goto(served.url + "/")
    # Connected in a conversation: the page says so, for the counsellor's page to resend.
    wait_for(page, lambda: sent(desk, "received"), "the page's resumed receipt")
    assert sent(desk, "received")[0] == {"type": "received", "client_ids": [], "resumed": True}

    page.locator("#message-text").fill("Toujours là ?")
    page.locator("#message-text").press("Enter")
    (first,) = sent(desk, "message")
    desk.push(MessageOut(conversation="k1", sender="visitor", author=None, html="Toujours là ?",
                         sent_at=NOW, client_id=first["client_id"]))
    line = page.locator("#transcript .line.visitor").last
    expect(line.locator(".delivery")).to_have_text("Sent")  # the server took it; no receipt

    # The counsellor's page comes back: what has no receipt goes again at once, well before
    # the 5 s timer (a resend waits RESEND_GAP_MS, 1 s, after the last send for its echo).
    page.wait_for_timeout(1100)
    desk.push(Delivered(conversation="k1", receiver="counsellor", client_ids=[], resumed=True))
    pushed = time.monotonic()
    wait_for(page, lambda: len(sent(desk, "message")) == 2, "the resend on `resumed`")
    assert time.monotonic() - pushed < 2.5, "sent again at once, not by the 5 s timer"
    again = sent(desk, "message")[-1]
    assert (again["text"], again["client_id"]) == ("Toujours là ?", first["client_id"])

    # Still no receipt: sent again 5 s after the last send, as the same message.
    wait_for(page, lambda: len(sent(desk, "message")) == 3, "the resend after 5 s")
    assert sent(desk, "message")[-1] == again
    expect(line.locator(".delivery")).to_have_text("Sent")

    desk.push(Delivered(conversation="k1", receiver="counsellor",
                        client_ids=[first["client_id"]], resumed=False))
    expect(line.locator(".delivery")).to_have_text("Received")
    expect(page.locator("#transcript .line.visitor")).to_have_count(1)
    context.close()
    assert errors == []


def test_a_counsellors_message_sent_again_is_shown_once_and_receipted_each_time(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, chatting())
    page.goto(served.url + "/")
    wait_for(page, lambda: sent(desk, "received"), "the page's resumed receipt")
    hello = MessageOut(conversation="k1", sender="counsellor", author=CAMILLE, html="Bonjour",
                       sent_at=NOW, client_id="c-hello")
    desk.push(hello)
    expect(page.locator("#transcript .line.counsellor")).to_have_count(1)
    wait_for(page, lambda: any("c-hello" in frame["client_ids"]
                               for frame in sent(desk, "received")), "the receipt")
    desk.push(hello)  # its receipt was lost: the counsellor's page sends it again
    wait_for(page, lambda: sum("c-hello" in frame["client_ids"]
                               for frame in sent(desk, "received")) == 2, "a second receipt")
    expect(page.locator("#transcript .line.counsellor")).to_have_count(1)
    assert all(set(frame) == {"type", "client_ids", "resumed"} for frame in sent(desk, "received"))
    context.close()
    assert errors == []


def test_a_counsellors_message_the_visitors_page_never_got_is_sent_again_and_shown_once(
        browser: Browser, served: LiveServer) -> None:
    """The server hands the message on, but the visitor's page does not get it (a socket that
    dies with its process, played here by Playwright dropping that one frame on its way)."""
    context, visitor = new_page(browser)  # French
    errors = collect_errors(visitor)
    dropped: list[dict[str, object]] = []
    passed: list[dict[str, object]] = []  # the counsellor's messages the page did get

    def lossy(route: WebSocketRoute) -> None:
        server = route.connect_to_server()
        route.on_message(server.send)

        def to_page(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame["type"] == "message" and frame["sender"] == "counsellor" and not dropped:
                dropped.append(frame)  # the first counsellor message never reaches the page
                return
            if frame["type"] == "message" and frame["sender"] == "counsellor":
                passed.append(frame)
            route.send(payload)
        server.on_message(to_page)

    visitor.route_web_socket(re.compile(r"/ws/visitor/"), lossy)
    visitor.goto(served.url + "/")
    expect(visitor.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    # Not Camille: the module's server still has her on shift from the first test.
    counsellor = counsellor_page(browser, served, "karim", ["find-training"])  # English
    visitor.locator("#pole-find-training button.join").click()
    accept_offer(counsellor)
    conversation = open_conversation(counsellor)

    conversation.locator(".conversation-message textarea").fill("Bonjour, je suis Karim.")
    conversation.locator(".conversation-message textarea").press("Enter")
    mine = conversation.locator(".transcript .line.mine").last
    expect(mine.locator(".delivery")).to_have_text("Sent")  # taken by the server, not shown
    assert len(dropped) == 1
    # Sent again 5 s later, with the same client_id: shown once, then received.
    expect(visitor.locator("#transcript .line.counsellor")).to_contain_text(
        "je suis Karim", timeout=15_000)
    expect(mine.locator(".delivery")).to_have_text("Received")
    expect(visitor.locator("#transcript .line.counsellor")).to_have_count(1)
    expect(conversation.locator(".transcript .line.mine")).to_have_count(1)
    assert [frame["client_id"] for frame in passed] == [dropped[0]["client_id"]]
    counsellor.context.close()
    context.close()
    assert errors == []
