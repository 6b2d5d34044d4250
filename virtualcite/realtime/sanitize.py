"""The one place where chat text becomes HTML: no markup kept, links linkified safely.

Everything a person types (a visitor's or counsellor's message, a colleague message, a
documentalist's review) goes through `text_to_html` before any browser sees it. The text is
plain text, never HTML: it is escaped whole first (so a typed `&lt;b&gt;` or `&amp;` is shown
exactly as typed, not as `<b>` or `&`), then bare URLs in it become links. This is on the hot
path (docs/benchmarks.md): one linker built once, and no parse at all for text with nothing to
escape and no possible link.
"""

from __future__ import annotations

import html
import re

from bleach.linkifier import TLDS, Linker, build_url_re

# Links open outside the desk (the conversation stays put) and pass no referrer or ranking.
_SAFE_REL = "noopener noreferrer nofollow"
_PROTOCOLS = ("http", "https", "mailto")
# Nothing escaping changes (<, >, &), nothing the HTML parser rewrites (NUL, CR) and nothing a
# link could be made of (a dot, a colon, a slash, an at sign): such text is its own HTML.
_PLAIN = re.compile(r"^[^<>&\x00\r.:/@]*$")
# bleach's URL pattern run on the escaped text, whose `<` and `>` are `&lt;` and `&gt;` by
# then: a URL stops at them as it would at the characters themselves.
_URL = re.compile(
    build_url_re(TLDS, _PROTOCOLS).pattern.replace(
        r"(?:[/?][^\s\{\}\|\\\^`<>" + '"' + r"]*)?",
        r"(?:[/?](?:(?!&(?:lt|gt);)[^\s\{\}\|\\\^`<>" + '"' + r"])*)?"),
    re.IGNORECASE | re.VERBOSE | re.UNICODE)
# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): inside a link
# they would draw its address in another order than the one it goes to.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _percent_encoded(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def _safe_link(attrs: dict[tuple[str | None, str] | str, str],
               new: bool = False) -> dict[tuple[str | None, str] | str, str]:
    """A link shows where it goes: no bidi control reorders it, and it reads left to right
    whatever surrounds it (`dir` isolates it from the text around)."""
    href = attrs.get((None, "href"), "")
    attrs[(None, "href")] = _BIDI_CONTROLS.sub(_percent_encoded, href)
    attrs["_text"] = _BIDI_CONTROLS.sub(_percent_encoded, attrs.get("_text", ""))
    attrs[(None, "rel")] = _SAFE_REL
    attrs[(None, "target")] = "_blank"
    attrs[(None, "dir")] = "ltr"
    return attrs


if _URL.pattern == build_url_re(TLDS, _PROTOCOLS).pattern:
    raise RuntimeError("bleach's URL pattern changed: adapt _URL to stop at &lt; and &gt;")
_linker = Linker(callbacks=[_safe_link], skip_tags=None, parse_email=False, url_re=_URL)


def text_to_html(text: str) -> str:
    """Escape the whole text and turn bare URLs into safe links."""
    if _PLAIN.match(text):
        return text
    return str(_linker.linkify(html.escape(text, quote=False)))
