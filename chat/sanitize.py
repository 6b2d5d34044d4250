"""The one place where chat text becomes HTML: no markup kept, links linkified safely.

Everything a person types (a visitor's or counsellor's message, a colleague message, a
documentalist's review) goes through `text_to_html` before any browser sees it.
"""

from __future__ import annotations

import bleach
from bleach.linkifier import Linker

# Links open outside the desk (the conversation stays put) and pass no referrer or ranking.
_SAFE_REL = "noopener noreferrer nofollow"
_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _safe_link(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict | None:
    attrs[(None, "rel")] = _SAFE_REL
    attrs[(None, "target")] = "_blank"
    return attrs


_linker = Linker(callbacks=[_safe_link], skip_tags=None, parse_email=False)


def text_to_html(text: str) -> str:
    """Escape every tag the text contains, then turn bare URLs into safe links."""
    escaped = bleach.clean(text, tags=set(), attributes={}, protocols=_PROTOCOLS, strip=False)
    return _linker.linkify(escaped)
