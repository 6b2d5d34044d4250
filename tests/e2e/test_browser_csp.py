"""Every page, the admin's included, works under the strict Content-Security-Policy, in Chromium.

A violation shows up twice: as a `securitypolicyviolation` event in the page (recorded by an
init script) and as a console error (collect_errors). Either fails the test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import collect_errors, new_page
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watched_page(browser: Browser) -> tuple[BrowserContext, Page, list[str]]:
    context, page = new_page(browser, locale="en-US")
    context.add_init_script(RECORD_VIOLATIONS)
    return context, page, collect_errors(page)


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found


def log_in(page: Page, served: LiveServer, username: str, path: str = "/login/") -> None:
    page.goto(served.url + path)
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def test_the_public_pages_run_under_the_policy(browser: Browser, served: LiveServer) -> None:
    context, page, errors = watched_page(browser)
    page.goto(served.url + "/")
    expect(page.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    # The pole colours come from the nonce'd block, not from a blocked style attribute.
    colour = page.evaluate("getComputedStyle(document.querySelector('#pole-discover-jobs'))"
                           ".getPropertyValue('--pole-colour').trim()")
    assert colour == "#7a4a9e"  # the demo colour of this pole
    assert violations(page) == []
    page.goto(served.url + "/library/find-a-job/")
    expect(page.locator("h1")).to_contain_text("Find a job")
    assert violations(page) == []
    page.goto(served.url + "/rooms/")
    # The agenda's pole colours come from the same nonce'd block.
    colour = page.evaluate("getComputedStyle(document.querySelector('#pole-create-business'))"
                           ".getPropertyValue('--pole-colour').trim()")
    assert colour == "#a12622"
    page.goto(served.url + "/rooms/club-reconversion/")
    expect(page.locator("h1")).to_contain_text("Club reconversion")
    # The live room: its script, its socket and what it builds (a place on the waiting list).
    expect(page.locator("#room-live")).to_have_attribute("data-connection", "open")
    page.click("#join")
    expect(page.locator("#waiting-position")).to_be_visible()
    assert violations(page) == []
    context.close()
    assert errors == []


def test_the_desk_the_managers_and_the_host_pages_run_under_the_policy(browser: Browser,
                                                             served: LiveServer) -> None:
    context, page, errors = watched_page(browser)
    log_in(page, served, "camille")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.locator("#counsellor-desk")).to_have_attribute("data-connection", "open")
    assert violations(page) == []
    context.close()
    context, page, more_errors = watched_page(browser)
    log_in(page, served, "marc")
    page.goto(served.url + "/fr/manage/")
    expect(page.locator("#dashboard-live")).to_have_attribute("data-connection", "open")
    expect(page.locator("#poles-board tbody tr")).to_have_count(5)
    assert violations(page) == []
    context.close()
    context, page, host_errors = watched_page(browser)
    log_in(page, served, "nadia")
    page.locator("#hosted-rooms a[href$='/rooms/club-reconversion/host/']").click()
    expect(page.locator("#host-live")).to_have_attribute("data-connection", "open")
    expect(page.locator("#steps li")).to_have_count(3)  # built from host_welcome
    expect(page.locator("#resource option").first).to_be_attached()  # from the json_script
    assert violations(page) == []
    context.close()
    assert errors == [] and more_errors == [] and host_errors == []


def test_the_admin_runs_under_the_policy(browser: Browser, served: LiveServer) -> None:
    context, page, errors = watched_page(browser)
    log_in(page, served, "marc", path="/admin/login/")
    expect(page.locator("#site-name")).to_be_visible()
    assert violations(page) == []
    page.goto(served.url + "/admin/virtualcite/pole/")
    expect(page.locator("#result_list")).to_be_visible()
    assert violations(page) == []
    page.goto(served.url + "/admin/virtualcite/pole/add/")
    # Inline formsets are driven by the admin's scripts: "Add another" must work.
    rows = page.locator(".dynamic-opening_hours")
    before = rows.count()
    page.locator(".add-row a").first.click()
    expect(rows).to_have_count(before + 1)
    assert violations(page) == []
    page.goto(served.url + "/admin/rooms/room/add/")
    schedules = page.locator(".dynamic-schedules")
    before = schedules.count()
    page.locator("#schedules-group .add-row a").click()
    expect(schedules).to_have_count(before + 1)
    expect(page.locator("#id_facilitators_from")).to_be_visible()  # the two-list chooser
    assert violations(page) == []
    context.close()
    assert errors == []
