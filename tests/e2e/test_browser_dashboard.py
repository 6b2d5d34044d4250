"""The managers' dashboard in Chromium, live: a visitor joins and is served while marc
watches (issue 11, item 8), and the day's chart gains points as snapshots are written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.browser_people import accept_offer, counsellor_page, visitor_page
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The embedded default, snapshotting the poles every 2 s so the chart moves in a test."""
    server = LiveServer(Path(tmp_path_factory.mktemp("dashboard")),
                        extra_env={"SNAPSHOT_SECONDS": "2"})
    server.start()
    yield server
    server.stop()


def manager_page(browser: Browser, server: LiveServer, *, width: int = 1280) -> Page:
    _, page = new_page(browser, locale="fr-FR", width=width)
    page.goto(f"{server.url}/login/?next=/fr/manage/")
    page.fill("#id_username", "marc")
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/fr/manage/$"))
    expect(page.locator("#dashboard-live")).to_have_attribute("data-connection", "open")
    return page


def cell(page: Page, pole: str, column: int):  # type: ignore[no-untyped-def]
    """The live figure in `column` (1-based, after the pole's name) of a pole's row."""
    return page.locator(f"#poles-board tr[data-slug='{pole}'] td").nth(column - 1)


def test_the_dashboard_moves_as_a_visitor_joins_and_is_served(browser: Browser,
                                                              served_fast: LiveServer) -> None:
    marc = manager_page(browser, served_fast)
    errors = collect_errors(marc)
    expect(marc.locator("#poles-board tbody tr")).to_have_count(5)
    expect(cell(marc, "discover-jobs", 1)).to_have_text("0")

    visitor = visitor_page(browser, served_fast)
    visitor.locator("#pole-discover-jobs button.join").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    expect(cell(marc, "discover-jobs", 1)).to_have_text("1")  # waiting
    expect(cell(marc, "discover-jobs", 5)).to_have_text("0 (0)")  # nobody on shift

    counsellor = counsellor_page(browser, served_fast, "lea", ["discover-jobs"])
    accept_offer(counsellor)
    expect(cell(marc, "discover-jobs", 1)).to_have_text("0")
    expect(cell(marc, "discover-jobs", 9)).to_have_text("1")  # a conversation
    expect(cell(marc, "discover-jobs", 5)).to_have_text(re.compile(r"^1 \("))
    expect(cell(marc, "discover-jobs", 8)).to_contain_text("CIO 1 (1)")

    # The day's chart: snapshots every 2 s add points without a reload.
    expect(marc.locator("#no-day")).to_be_hidden()
    points = int(marc.locator("#dashboard-live").get_attribute("data-points") or 0)
    expect(marc.locator("#dashboard-live")).not_to_have_attribute("data-points", str(points))
    screenshot(marc, "manager-dashboard-1280")
    marc.set_viewport_size({"width": 360, "height": 800})
    expect(marc.locator("#poles-board")).to_be_visible()
    screenshot(marc, "manager-dashboard-360")
    assert errors == []
