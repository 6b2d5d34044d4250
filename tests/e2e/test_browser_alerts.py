"""A pole that needs help, in real Chromium: the manager sets its threshold in the admin,
visitors queue past it, a counsellor on shift for another pole sees the banner and adds the
pole to their shift in one click, then is offered one of its visitors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser


def logged_in(browser: Browser, served: LiveServer, username: str, path: str) -> Page:
    _, page = new_page(browser)  # French, the default language
    page.goto(f"{served.url}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    return page


def test_a_counsellor_adds_a_pole_that_needs_help_to_their_shift(browser: Browser,
                                                                   served: LiveServer) -> None:
    manager = logged_in(browser, served, "marc", "/admin/login/?next=/admin/virtualcite/pole/")
    manager.get_by_role("link", name="Trouver une formation").click()
    manager.fill("#id_alert_waiting_over", "1")
    manager.uncheck("#id_alert_nobody_available")  # the banner then names the queue alone
    manager.click("input[name=_save]")
    expect(manager.locator(".messagelist")).to_be_visible()
    manager.context.close()

    visitors = []
    for _ in range(2):
        _, visitor = new_page(browser)
        visitor.goto(served.url + "/")
        expect(visitor.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
        visitor.locator("#pole-find-training button.join").click()
        expect(visitor.locator("#queue-panel")).to_be_visible()
        visitors.append(visitor)

    # Karim may serve find-training and find-a-job; his shift is find-a-job only.
    karim = logged_in(browser, served, "karim", "/login/?next=/desk/")
    errors = collect_errors(karim)
    karim.wait_for_url(re.compile(r"/desk/$"))
    expect(karim.locator("#counsellor-desk")).to_have_attribute("data-connection", "open")
    for box in karim.locator("#shift-poles input").all():
        box.set_checked(box.get_attribute("value") == "find-a-job")
    karim.click("#shift-form button[type=submit]")
    expect(karim.locator("#shift-on")).to_be_visible()

    banner = karim.locator("#pole-alerts li[data-pole=find-training]")
    expect(banner).to_have_text(re.compile(
        r"^Trouver une formation a besoin d’aide : 2 personnes attendent"))
    expect(karim.locator("#pole-alerts li")).to_have_count(1)
    screenshot(karim, "desk-pole-alert")

    banner.get_by_role("button", name=re.compile("Ajouter à ma permanence")).click()
    expect(karim.locator("#shift-status")).to_contain_text("Trouver une formation")
    expect(karim.locator("#pole-alerts")).to_be_hidden()
    offer = karim.locator("li.offer").first
    expect(offer).to_contain_text("Trouver une formation")

    for visitor in visitors:
        visitor.context.close()
    karim.click("#shift-end")
    karim.context.close()
    assert errors == []
