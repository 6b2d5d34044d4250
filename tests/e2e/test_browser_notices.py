"""The visitor's screen for the desk's rarer moments, with a scripted desk in place of the server.

Playwright answers the page's websocket itself with frames built from `chat.frames`, so every
frame is a valid protocol frame, and moments that take minutes on a real desk (a counsellor
lost, a block, a full queue) are shown at once. The pages and scripts still come from the real
server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from chat.frames import (
    Blocked,
    CounsellorCard,
    CounsellorJoined,
    CounsellorLeft,
    Error,
    Frame,
    Lobby,
    Matched,
    PoleStatus,
    Position,
    Queued,
    Requeued,
    StateFrame,
    VisitorState,
    Welcome,
)
from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser

NOW = 1_800_000_000.0
CAMILLE = CounsellorCard(id="c1", name="Camille", institution="France Travail")
KARIM = CounsellorCard(id="c2", name="Karim", institution="AFPA")


def status(slug: str, *, open_: bool = True, waiting: int = 0) -> PoleStatus:
    return PoleStatus(slug=slug, name=slug, colour="#1f5f8b", open=open_,
                      opens_at=None if open_ else NOW + 3600, counsellors_online=1,
                      counsellors_available=1, waiting=waiting, longest_wait=0.0,
                      estimate_seconds=None)




class ScriptedDesk:
    """Stands in for /ws/visitor/: greets, then answers each client frame with `on_frame`."""

    def __init__(self, page: Page, state: VisitorState,
                 on_frame: Callable[[dict[str, object]], list[Frame]] | None = None) -> None:
        self.state = state
        self.on_frame = on_frame or (lambda frame: [])
        self.received: list[dict[str, object]] = []
        self.socket: WebSocketRoute | None = None
        page.route_web_socket(re.compile(r"/ws/visitor/"), self._route)

    def _route(self, socket: WebSocketRoute) -> None:
        self.socket = socket
        socket.on_message(self._receive)

    def _receive(self, message: str | bytes) -> None:
        frame = json.loads(message)
        self.received.append(frame)
        if frame["type"] == "hello":
            self.push(Welcome(token="t0ken", state=self.state, server_time=NOW),
                      Lobby(poles=[status("find-a-job"), status("create-business", open_=False)]))
        else:
            self.push(*self.on_frame(frame))

    def push(self, *frames: Frame) -> None:
        assert self.socket is not None
        for frame in frames:
            self.socket.send(frame.model_dump_json())


def test_a_closed_pole_and_a_full_queue_say_so_and_offer_the_library(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Error(code="queue_full", message="The queue is full.", frame="join")])
    page.goto(served.url + "/")
    expect(page.locator("#pole-create-business button.join")).to_be_disabled()
    expect(page.locator("#pole-create-business .pole-status")).to_contain_text("Opens")

    page.locator("#pole-find-a-job button.join").click()
    notice = page.locator("#notice")
    expect(notice).to_contain_text("is full")
    expect(notice.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/(fr|en)/library/find-a-job/$"))
    expect(notice).to_be_focused()
    screenshot(page, "notice-queue-full")

    desk.on_frame = lambda frame: [
        Error(code="pole_closed", message="Closed.", frame="join")]
    page.locator("#pole-find-a-job button.join").click()
    expect(notice).to_contain_text("is closed")
    expect(notice.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/(fr|en)/library/find-a-job/$"))
    assert [frame["type"] for frame in desk.received] == ["hello", "join", "join"]
    context.close()
    assert errors == []


def test_a_full_queue_also_offers_the_poles_next_group_rooms(browser: Browser,
                                                             served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Error(code="queue_full", message="The queue is full.", frame="join")])
    page.goto(served.url + "/")
    page.locator("#pole-change-career button.join").click()  # the demo room's pole
    notice = page.locator("#notice")
    expect(notice).to_contain_text("is full")
    expect(notice.get_by_role("link", name=re.compile("library"))).to_have_attribute(
        "href", re.compile(r"^/(fr|en)/library/change-career/$"))
    expect(notice.get_by_role("link", name="Club reconversion : construire son projet")
           ).to_have_attribute("href", re.compile(r"^/(fr|en)/rooms/club-reconversion/$"))
    expect(notice).to_contain_text("Its next group rooms:")
    screenshot(page, "notice-queue-full-rooms")
    context.close()
    assert errors == []


def test_a_lost_counsellor_puts_the_visitor_back_at_the_head_of_the_queue(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Queued(token="t0ken", pole="find-a-job", position=3, estimate_seconds=600, version=1)])
    page.goto(served.url + "/")
    page.locator("#pole-find-a-job button.join").click()
    expect(page.locator("#queue-position")).to_contain_text("3")
    expect(page.locator("#queue-estimate")).to_contain_text("about 10 minutes")
    assert page.evaluate("sessionStorage.getItem('vc.token')") == "t0ken"

    desk.push(Matched(conversation="k1", counsellor=CAMILLE))
    expect(page.locator("#chat-with")).to_contain_text("Camille (France Travail)")
    desk.push(CounsellorJoined(conversation="k1", counsellor=KARIM))
    expect(page.locator("#chat-with")).to_contain_text("Karim (AFPA)")
    expect(page.locator("#live")).to_contain_text("Karim (AFPA) joined the conversation.")
    desk.push(CounsellorLeft(conversation="k1", counsellor=KARIM, reason="left"))
    expect(page.locator("#chat-with")).not_to_contain_text("Karim")

    desk.push(Requeued(pole="find-a-job", reason="counsellor_lost"))
    expect(page.locator("#queue-panel")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("head of the queue")
    screenshot(page, "notice-counsellor-lost")

    # A state frame is the truth: it replaces whatever the screen showed.
    desk.push(StateFrame(state=VisitorState(status="chatting", pole="find-a-job",
                                          conversation="k2", counsellors=[KARIM])))
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#chat-with")).to_contain_text("Karim (AFPA)")
    context.close()
    assert errors == []


def test_a_blocked_visitor_is_told_until_when(browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="chatting", pole="find-a-job",
                                           conversation="k1", counsellors=[CAMILLE]))
    page.goto(served.url + "/")
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#transcript")).to_contain_text("Earlier messages are not shown again")
    desk.push(Blocked(until=NOW + 86400))
    expect(page.locator("#notice")).to_contain_text("suspended your access")
    expect(page.locator("#chat-panel")).to_be_hidden()
    # The token stays: the server refuses it until the block ends, even after a reload.
    assert page.evaluate("sessionStorage.getItem('vc.token')") is not None
    context.close()
    assert errors == []


def test_a_late_position_is_ignored_and_a_place_that_goes_back_says_why(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Queued(token="t0ken", pole="find-a-job", position=3, estimate_seconds=None, version=5)])
    page.goto(served.url + "/")
    page.locator("#pole-find-a-job button.join").click()
    expect(page.locator("#queue-position")).to_contain_text("3")
    desk.push(Position(pole="find-a-job", position=2, estimate_seconds=None,
                       reason="requeued_ahead", version=9))
    expect(page.locator("#live")).to_contain_text("back ahead of you")
    expect(page.locator("#queue-position")).to_contain_text("2")
    # Computed before the last one, arriving after it: not shown. The frame after it (same
    # version as the shown one) proves the page has handled it.
    desk.push(Position(pole="find-a-job", position=5, estimate_seconds=None, version=7))
    desk.push(Position(pole="find-a-job", position=2, estimate_seconds=600, version=9))
    expect(page.locator("#queue-estimate")).to_contain_text("about 10 minutes")
    expect(page.locator("#queue-position")).to_contain_text("2")
    context.close()
    assert errors == []
