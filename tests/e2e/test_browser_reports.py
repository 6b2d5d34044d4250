"""The managers' reports in Chromium, on `virtualcite serve --demo` (its demo figures): the
charts are drawn under the strict Content-Security-Policy, and the yearly report prints."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
# The total of every pole's visits in a chart, and the number of its datasets.
CHART_TOTALS = """(id) => {
  const sets = window.Chart.getChart(document.getElementById(id)).data.datasets;
  const total = (values) => values.reduce((sum, value) => sum + (value || 0), 0);
  return [sets.length, sets.reduce((sum, set) => sum + total(set.data), 0)];
}"""


def recent_weekday() -> date:
    """A working day of last week, well inside the demo's weeks whatever today is."""
    day = date.today() - timedelta(days=7)
    return day - timedelta(days=max(0, day.weekday() - 4))


def manager_page(browser: Browser, served: LiveServer,
                 locale: str = "en-US") -> tuple[BrowserContext, Page, list[str]]:
    context, page = new_page(browser, locale=locale)
    context.add_init_script(RECORD_VIOLATIONS)
    errors = collect_errors(page)
    page.goto(served.url + "/login/")
    page.fill("#id_username", "marc")
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    return context, page, errors


def visits_in_table(page: Page) -> int:
    """All poles' visits, from the cell under the table's "visits" header."""
    column = page.locator("#table-queues thead th").evaluate_all(
        "headers => headers.findIndex(th => th.dataset.key === 'visits')")
    text = page.locator("#table-queues tr[data-row='all:'] > *").nth(column).inner_text()
    return int(text.replace(",", ""))


def expect_charts_drawn(page: Page) -> None:
    for canvas in ("#visits-chart", "#service-chart"):
        expect(page.locator(canvas)).to_have_attribute("data-drawn", "true")
    datasets, visits = page.evaluate(CHART_TOTALS, "visits-chart")
    assert datasets == page.locator("#table-queues tr[data-row^='pole:']").count() > 0
    assert visits == visits_in_table(page)  # the chart draws the table's figures
    assert page.evaluate("window.__violations") == []


def test_the_reports_draw_their_charts_under_the_policy(browser: Browser,
                                                       served: LiveServer) -> None:
    context, page, errors = manager_page(browser, served)
    page.click("#reports-link")
    expect(page).to_have_url(re.compile(r"/en/manage/reports/$"))
    expect(page.locator("#demo-notice")).to_contain_text("demo figures")
    page.click("#previous-period")  # last month: a full one of the six demo weeks
    expect(page).to_have_url(re.compile(r"period=month&date=\d{4}-\d\d-01$"))
    expect_charts_drawn(page)
    assert visits_in_table(page) > 500
    screenshot(page, "reports-month-en")
    page.locator(".period-kinds a", has_text="Year").click()
    expect(page.locator("#table-buckets tbody tr")).to_have_count(12)
    expect_charts_drawn(page)
    page.select_option("#period-kind", "day")
    page.fill("#period-date", recent_weekday().isoformat())
    page.click(".period-form button[type=submit]")
    expect(page.locator("#table-buckets tbody tr")).to_have_count(24)
    expect_charts_drawn(page)
    context.close()
    assert errors == []


def test_the_yearly_report_prints_without_the_sites_frame(browser: Browser, served: LiveServer,
                                                         tmp_path: Path) -> None:
    context, page, errors = manager_page(browser, served, locale="fr-FR")
    page.goto(served.url + "/fr/manage/reports/")
    page.click("#year-report")
    expect(page.locator("h1")).to_contain_text("Rapport annuel d’auto-évaluation")
    expect(page.locator("#print-report")).to_be_visible()  # its script ran
    expect(page.locator("#table-institutions tbody tr").first).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".no-print"):
        assert page.eval_on_selector(hidden, "e => getComputedStyle(e).display") == "none"
    expect(page.locator("#table-queues")).to_be_visible()
    expect(page.locator("#demo-notice")).to_be_visible()  # printed too: the figures are demo
    screenshot(page, "year-report-print-fr")
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert page.evaluate("window.__violations") == []
    context.close()
    assert errors == []
