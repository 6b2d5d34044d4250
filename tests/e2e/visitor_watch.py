"""What the visitor's page does outside its own DOM, watched from the browser: the chime it
plays (Web Audio oscillators), the notifications it shows, and whether the tab is away.

Headless Chromium has no other window to switch to, so the test says when the visitor looks
away: `away(page, True)` makes the document hidden and unfocused and fires the events a real
tab switch fires. The page's code reads the same properties it reads in a real browser.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

WATCH = """
(() => {
  window.__away = false;
  const away = () => window.__away;
  Object.defineProperty(Document.prototype, "visibilityState",
                        { configurable: true, get: () => (away() ? "hidden" : "visible") });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: away });
  Document.prototype.hasFocus = () => !away();
  // Each chime is two tones: count the oscillators started on a running context.
  window.__tones = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    if (this.context.state === "running") window.__tones += 1;
    return start.apply(this, args);
  };
  // The permission prompt is the browser's; the test plays the visitor who allows it.
  window.__notes = [];
  class RecordedNotification {
    static permission = "default";
    static requestPermission() {
      RecordedNotification.permission = "granted";
      return Promise.resolve("granted");
    }
    constructor(title, options) { window.__notes.push({ title, body: options.body }); }
    close() {}
  }
  window.Notification = RecordedNotification;
})();
"""


def watch_visitor(context: BrowserContext) -> None:
    """Record the chimes and notifications of every page of `context`, from its first load."""
    context.add_init_script(WATCH)


def away(page: Page, is_away: bool) -> None:
    page.evaluate("""(isAway) => {
        window.__away = isAway;
        document.dispatchEvent(new Event("visibilitychange"));
        window.dispatchEvent(new Event(isAway ? "blur" : "focus"));
    }""", is_away)


def chimes(page: Page) -> int:
    """How many chimes the page played (two tones each)."""
    tones: int = page.evaluate("window.__tones")
    return tones // 2


def notifications(page: Page) -> list[str]:
    """The body of each notification shown."""
    return [note["body"] for note in page.evaluate("window.__notes")]
