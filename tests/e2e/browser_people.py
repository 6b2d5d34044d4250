"""The people of the browser journeys: a counsellor on shift, a visitor in the lobby, an
offer accepted, each in their own Chromium context."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.browser import new_page
from tests.e2e.live_server import LiveServer


def counsellor_page(browser: Browser, server: LiveServer, username: str, poles: list[str], *,
                    capacity: int | None = None, locale: str = "en-US", width: int = 1200,
                    prepare: Callable[[BrowserContext], None] | None = None) -> Page:
    """Log in as a demo counsellor and start a shift on exactly `poles` (with `capacity`, or
    the profile's); `prepare` sets up the context first (permissions, init scripts)."""
    context, page = new_page(browser, locale=locale, width=width)
    if prepare is not None:
        prepare(context)
    page.goto(f"{server.url}/login/?next=/desk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/desk/$"))
    expect(page.locator("#counsellor-desk")).to_have_attribute("data-connection", "open")
    expect(page.locator("#shift-form")).to_be_visible()
    for box in page.locator("#shift-poles input").all():
        box.set_checked(box.get_attribute("value") in poles)
    if capacity is not None:
        page.fill("#shift-capacity", str(capacity))
    page.click("#shift-form button[type=submit]")
    expect(page.locator("#shift-on")).to_be_visible()
    return page


def visitor_page(browser: Browser, server: LiveServer) -> Page:
    _, page = new_page(browser)
    page.goto(server.url + "/")
    expect(page.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    return page


def open_conversation(page: Page) -> Locator:
    return page.locator("#conversation-panels section.conversation:not([hidden])")


def accept_offer(counsellor: Page) -> None:
    offer = counsellor.locator("li.offer").first
    expect(offer).to_be_visible()
    expect(offer.locator(".countdown")).to_contain_text(re.compile(r"\d+ seconds? left"))
    offer.locator("button.accept").click()
    expect(open_conversation(counsellor)).to_be_visible()
