"""What counts as a message that shows nothing (virtualcite/realtime/visible.py)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from virtualcite.realtime.visible import is_blank

# Format characters that are drawn: the "prepended concatenation marks" (Arabic number signs
# and the like) show a visible sign, so a message of them is not empty.
DRAWN_FORMATS = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891,
                 0x08E2, 0x110BD, 0x110CD}


def test_every_separator_control_and_invisible_format_character_of_unicode_is_blank() -> None:
    missing = [hex(code) for code in range(sys.maxunicode + 1)
               if not 0xD800 <= code <= 0xDFFF and code not in DRAWN_FORMATS
               and unicodedata.category(chr(code)) in {"Zs", "Zl", "Zp", "Cc", "Cf"}
               and not is_blank(chr(code))]
    assert missing == []


@pytest.mark.parametrize("text", [
    "", " ", "\t\n\r", "\u00a0", "\u3000", "\u200b", "\u200c\u200d", "\u2060", "\ufeff",
    "\u00ad", "\u202e\u202c", "\u2066\u2069", "\u034f", "\u115f\u1160", "\u3164", "\u2800",
    "\ufe0f", "\U000e0041\U000e007f", " \u200b \ufeff ",
])
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " a ", "\u200bx", "😀", "\u0600", ".", "\u0301a", "é"])
def test_text_with_anything_to_see_is_not_blank(text: str) -> None:
    assert not is_blank(text)
