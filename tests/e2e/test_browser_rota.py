"""The managers' rota page in Chromium: a shift planned on a wide screen, read on a phone, under
the strict Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer
from tests.e2e.test_browser_csp import RECORD_VIOLATIONS, log_in, violations

pytestmark = pytest.mark.browser

# After the demo's evening shifts (virtualcite/staffing/demo.py), so that it double-books nobody.
START, END = "20:30", "22:00"


def test_a_manager_plans_a_shift_at_1280_px_and_reads_it_at_360_px(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="fr-FR", width=1280, height=900)
    context.add_init_script(RECORD_VIOLATIONS)
    errors = collect_errors(page)
    log_in(page, served, "marc")
    page.locator("#rota-link").click()
    expect(page.locator("h1")).to_contain_text("Planning")
    today = page.locator("section.rota-day.today")
    expect(today.locator(".rota-shift").first).to_be_visible()  # the demo's week
    today.locator("a.add-shift").click()

    expect(page.locator("h1")).to_have_text("Planifier un créneau")
    page.get_by_label("Conseiller").select_option(label="Camille (France Travail)")
    page.get_by_label("Trouver un emploi").check()
    page.get_by_label("Heure de début").fill(START)
    page.get_by_label("Heure de fin").fill(END)
    page.get_by_role("button", name="Enregistrer le créneau").click()

    expect(page).to_have_url(re.compile(r"/fr/manage/rota/\?week=\d{4}-\d\d-\d\d#day-"))
    expect(page.locator("#rota-messages")).to_contain_text("Le créneau de Camille est planifié.")
    planned = today.locator(".rota-shift", has_text=f"{START}–{END}")
    expect(planned).to_contain_text("Camille · France Travail")
    expect(planned).to_contain_text("Trouver un emploi")
    screenshot(page, "rota-fr-1280")
    assert violations(page) == []
    context.close()

    context, page = new_page(browser, locale="fr-FR", width=360, height=740)
    context.add_init_script(RECORD_VIOLATIONS)
    narrow_errors = collect_errors(page)
    log_in(page, served, "marc")
    page.goto(served.url + "/fr/manage/rota/")
    planned = page.locator("section.rota-day.today .rota-shift", has_text=f"{START}–{END}")
    expect(planned).to_be_visible()
    expect(planned).to_contain_text("Camille · France Travail")
    expect(planned).to_contain_text("Trouver un emploi")
    # Nothing wider than the screen: the week's summary scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "rota-fr-360")
    planned.get_by_role("link", name=re.compile("^Modifier")).click()
    expect(page.get_by_label("Heure de début")).to_have_value(START)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "rota-shift-form-fr-360")
    assert violations(page) == []
    context.close()
    assert errors == [] and narrow_errors == []
