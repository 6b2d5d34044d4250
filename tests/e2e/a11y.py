"""One state of a page checked as a keyboard and screen-reader user meets it, at a desktop's
and a phone's width: a screenshot for the reviewer, axe-core's serious and critical findings
(tests/e2e/axe.py), and the focus ring of every tab stop (tests/e2e/focus_ring.py)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.axe import assert_accessible
from tests.e2e.browser import screenshot
from tests.e2e.focus_ring import focus_ring_failures

WIDTHS = ((1280, 900), (360, 740))


def check_at_every_width(page: Page, state: str) -> None:
    """Screenshot, axe, then the ring of every tab stop, at each width; the page is left at
    the last (a phone's)."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"a11y-{state}-{width}")
        assert_accessible(page, f"{state}-{width}")
        assert focus_ring_failures(page) == [], f"{state} at {width} px"
