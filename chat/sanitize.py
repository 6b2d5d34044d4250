"""The one place where chat text becomes HTML: no markup kept, links linkified safely.

Everything a person types (a visitor's or counsellor's message, a colleague message, a
documentalist's review) goes through `text_to_html` before any browser sees it. This is on
the hot path (docs/benchmarks.md): one cleaner built once, escaping and linkifying in a
single parse, and no parse at all for text with nothing to escape and no possible link.
"""

from __future__ import annotations

import re
from functools import partial

from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner

# Links open outside the desk (the conversation stays put) and pass no referrer or ranking.
_SAFE_REL = "noopener noreferrer nofollow"
_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Nothing bleach would escape (<, >, &, NUL, CR) and nothing a link could be made of (a dot,
# a colon, a slash, an at sign): such text comes out of the cleaner unchanged.
_PLAIN = re.compile(r"^[^<>&\x00\r.:/@]*$")


def _safe_link(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict | None:
    attrs[(None, "rel")] = _SAFE_REL
    attrs[(None, "target")] = "_blank"
    return attrs


_cleaner = Cleaner(
    tags=set(), attributes={}, protocols=_PROTOCOLS, strip=False,
    filters=[partial(LinkifyFilter, callbacks=[_safe_link], skip_tags=None, parse_email=False)],
)


def text_to_html(text: str) -> str:
    """Escape every tag the text contains and turn bare URLs into safe links."""
    return text if _PLAIN.match(text) else _cleaner.clean(text)
