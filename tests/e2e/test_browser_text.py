"""Chat text as real Chromium shows it: typed entities as typed, links that cannot be
disguised, and the page's own idea of an empty message the same as the server's."""

from __future__ import annotations

import sys

import pytest
from playwright.sync_api import Browser

from tests.e2e.browser import collect_errors, new_page
from tests.e2e.live_server import LiveServer
from virtualcite.realtime.sanitize import text_to_html
from virtualcite.realtime.visible import is_blank

pytestmark = pytest.mark.browser

# Shows `text` through the page's own dom.js, as a message bubble would.
RENDER = """async ([html, texts]) => {
  const src = document.querySelector('script[type=module]').src;
  const dom = await import(new URL('dom.js', src).href);
  const bubble = document.createElement('p');
  bubble.append(dom.safeFragment(html));
  document.body.append(bubble);
  const links = [...bubble.querySelectorAll('a')].map((a) => ({
    href: a.getAttribute('href'), text: a.textContent, dir: a.getAttribute('dir'),
    direction: getComputedStyle(a).direction, bidi: getComputedStyle(a).unicodeBidi,
  }));
  return { shown: bubble.textContent, links, blank: texts.map((t) => dom.isBlank(t)) };
}"""


def blank_candidates() -> list[str]:
    """One of every character the server counts as blank, and a few that are not."""
    blank = [chr(code) for code in range(sys.maxunicode + 1)
             if not 0xD800 <= code <= 0xDFFF and is_blank(chr(code))]
    return [*blank, "", " \u200b ", "a", "\u200bx", "😀", "\u0600", "é", "\u0301"]


def test_typed_text_is_shown_as_typed_and_links_read_as_they_go(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser)
    errors = collect_errors(page)
    page.goto(served.url + "/")
    typed = "&lt;b&gt; &amp; <i>x</i> \u202ehttps://example.org/\u202egpj.exe"
    candidates = blank_candidates()
    result = page.evaluate(RENDER, [text_to_html(typed), candidates])
    context.close()
    assert errors == []
    # The bubble shows the characters typed, the link's address encoded where it had controls.
    assert result["shown"] == typed.replace("https://example.org/\u202e",
                                            "https://example.org/%E2%80%AE")
    [link] = result["links"]
    assert link["href"] == link["text"] == "https://example.org/%E2%80%AEgpj.exe"
    assert (link["dir"], link["direction"], link["bidi"]) == ("ltr", "ltr", "isolate")
    assert result["blank"] == [is_blank(text) for text in candidates]
