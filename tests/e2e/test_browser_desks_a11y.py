"""The two desks, state by state, checked by axe-core and by keyboard in Chromium (issue 12,
item 12): a visitor from the queue to the rating, a counsellor from the shift form to a
conversation. The other pages are in test_browser_a11y.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.a11y import check_at_every_width
from tests.e2e.browser_people import accept_offer, counsellor_page, visitor_page
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser


def check(page: Page, state: str) -> None:
    """The state at both widths, then back to the desktop's for the next step."""
    check_at_every_width(page, state)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_both_desks_in_every_state_have_no_serious_finding(browser: Browser,
                                                           served: LiveServer) -> None:
    hugo = counsellor_page(browser, served, "hugo", ["change-career"])
    check(hugo, "desk-on-shift")

    visitor = visitor_page(browser, served)
    visitor.locator("#pole-change-career button.join").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    check(visitor, "visitor-waiting")

    expect(hugo.locator("li.offer").first).to_be_visible()
    check(hugo, "desk-offer")
    accept_offer(hugo)
    expect(visitor.locator("#chat-panel")).to_be_visible()
    visitor.fill("#message-text", "Bonjour, je voudrais changer de métier.")
    visitor.press("#message-text", "Enter")
    expect(hugo.get_by_text("je voudrais changer de métier")).to_be_visible()
    check(hugo, "desk-conversation")
    check(visitor, "visitor-chatting")

    visitor.click("#end-chat")
    expect(visitor.locator("#end-yes")).to_be_visible()
    check(visitor, "visitor-end-confirm")
    visitor.click("#end-yes")
    expect(visitor.locator("#ended-panel")).to_be_visible()
    check(visitor, "visitor-ended")
    visitor.locator("#rating-form input[value='5']").check()
    visitor.locator("#rating-form button[type=submit]").click()
    expect(visitor.locator("#rated")).to_be_visible()
    # The form that held the focus is gone: the focus goes to what replaced it.
    expect(visitor.locator("#rated")).to_be_focused()
    check(visitor, "visitor-rated")
