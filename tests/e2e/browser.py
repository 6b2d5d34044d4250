"""Playwright driving Debian's Chromium, with the flags it needs to start quickly offline.

Without the networking flags Chromium stalls on first run (component updates, sync, QUIC).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "screenshots"
# Long enough for a desk round trip on a loaded CI machine, short enough to fail fast.
EXPECT_TIMEOUT_MS = 15_000


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, *, locale: str = "fr-FR", width: int = 1200,
             height: int = 900) -> tuple[BrowserContext, Page]:
    """A fresh context (its own cookies and sessionStorage): one person, one tab."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height},
                                  extra_http_headers={"Accept-Language": locale.split("-")[0]})
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    page = context.new_page()
    return context, page


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def collect_errors(page: Page) -> list[str]:
    """Uncaught page errors and console errors, except failed websocket connections (expected
    while a server restarts)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and "WebSocket" not in message.text:
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    return errors
