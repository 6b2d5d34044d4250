"""The visitor's page when its server stops (close 1012, docs/protocol.md, "A process
stopping"): it says it is reconnecting, comes back after 0.5-3 s with its token, and shows its
place again. A scripted desk stands in for the server (tests/e2e/test_browser_notices.py), so
that the close and the second socket are the test's; the page and its scripts are the real
server's.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, expect

from chat.frames import Queued, VisitorState
from tests.e2e.browser import collect_errors, new_page
from tests.e2e.live_server import LiveServer
from tests.e2e.test_browser_notices import ScriptedDesk
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.browser


def test_the_visitor_page_comes_back_after_a_server_restart_and_keeps_its_place(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Queued(token="t0ken", pole="find-a-job", position=2, estimate_seconds=None, version=5)])
    page.goto(served.url + "/")
    page.locator("#pole-find-a-job button.join").click()
    expect(page.locator("#queue-position")).to_contain_text("2")
    root = page.locator("[data-ws-path]")
    expect(root).to_have_attribute("data-connection", "open")

    # The process stops: the desk it hands over to still has the place.
    desk.state = VisitorState(status="waiting", pole="find-a-job", position=2, version=6)
    first = desk.socket
    assert first is not None
    closed_at = time.monotonic()
    first.close(code=int(CloseCode.SERVICE_RESTART), reason="")
    expect(root).to_have_attribute("data-connection", "reconnecting")
    expect(page.locator("#connection")).to_contain_text("Reconnecting")
    expect(root).to_have_attribute("data-connection", "open", timeout=10_000)
    came_back_after = time.monotonic() - closed_at

    assert desk.socket is not first, "a second socket was opened"
    hellos = [frame for frame in desk.received if frame["type"] == "hello"]
    assert [hello["token"] for hello in hellos] == [None, "t0ken"]
    # 0.5-3 s (docs/protocol.md), with what Playwright takes to see the attribute change.
    assert 0.5 <= came_back_after <= 3.5, came_back_after
    expect(page.locator("#queue-position")).to_contain_text("2")
    expect(page.locator("#connection")).to_be_hidden()
    assert [frame["type"] for frame in desk.received].count("join") == 1, "joined again"
    context.close()
    assert errors == []
