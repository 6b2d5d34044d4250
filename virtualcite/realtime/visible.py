"""Which text a reader would see as nothing: blanks, controls and zero-width characters.

A message made only of these shows an empty bubble on the other side, so the frames refuse it
(`empty_message`, chat/frames.py). The same class is mirrored in the pages
(frontend/static/frontend/js/dom.js `isBlank`) so a page never sends one.
"""

from __future__ import annotations

import re

# Unicode's separators (Zs, Zl, Zp), controls (Cc) and format characters (Cf, which holds the
# zero-width space, joiners, word joiner, BOM, soft hyphen, bidirectional controls and tags),
# except the "prepended concatenation marks" of Cf (U+0600-0605, 06DD, 070F, 0890-0891, 08E2,
# 110BD, 110CD), which are drawn. tests/unit/test_visible.py checks this list against the
# Unicode database of the running Python.
_SEPARATORS_CONTROLS_FORMATS = (
    "\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f"
    "\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
# Letters and marks that draw nothing: the combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian and other variation selectors, the Braille blank.
_INVISIBLE_LETTERS_MARKS = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef"
)
_BLANK = re.compile(f"[{_SEPARATORS_CONTROLS_FORMATS}{_INVISIBLE_LETTERS_MARKS}]*")


def is_blank(text: str) -> bool:
    """True when `text` would show nothing at all (empty text included)."""
    return _BLANK.fullmatch(text) is not None
