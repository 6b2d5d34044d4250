"""The keyboard's path through a page, and the focus ring at each stop, measured in Chromium.

`focus_ring_failures(page)` presses Tab from the top of the page to its end and, at each
element reached, reads the ring the browser draws (`outline`, and the `box-shadow` halo of
site.css) and the background around the element. A stop fails when it shows no ring at all,
a ring thinner than 2 px, or one that stands out from the background by less than 3:1 (WCAG
1.4.11, with the relative luminance of WCAG 2.x); of a two-tone ring, the part that contrasts
most counts, as long as the two parts contrast with each other by 3:1 too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

# More tab stops than any page has (the report's tables and links: about 60), so that a page
# whose focus never leaves it (a focus trap) fails instead of looping.
MAX_TAB_STOPS = 300
MIN_CONTRAST = 3.0
MIN_RING_PX = 2.0

_MEASURE = (Path(__file__).parent / "focus_ring.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TabStop:
    """An element Tab reached: how a reader would find it, and what is wrong with its ring."""

    label: str  # tag#id.classes "its text"
    problems: tuple[str, ...]


def tab_stops(page: Page) -> list[TabStop]:
    """The page's tab stops in order, from its top, each with its ring measured.

    Chromium's Tab starts after the element last focused, and past the page's last stop goes
    to the page itself (the body) before its first: so Tab first runs to the end, unmeasured.
    """
    page.evaluate("window.__tabStops = new WeakSet()")
    for _ in range(MAX_TAB_STOPS):
        if page.evaluate("document.activeElement === document.body"):
            break
        page.keyboard.press("Tab")
    stops: list[TabStop] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(_MEASURE, {"minContrast": MIN_CONTRAST, "minWidth": MIN_RING_PX})
        if stop is None:
            return stops
        stops.append(TabStop(label=stop["label"], problems=tuple(stop["problems"])))
    raise AssertionError(f"the focus never left {page.url} after {MAX_TAB_STOPS} Tab presses")


def focus_ring_failures(page: Page) -> list[str]:
    """Each tab stop whose ring is missing or too faint, with the reason; none is good."""
    return [f"{stop.label}: {problem}" for stop in tab_stops(page) for problem in stop.problems]
