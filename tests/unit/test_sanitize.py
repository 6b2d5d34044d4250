"""Chat text becomes inert HTML: tags escaped, bare links made safe."""

import html
import re

import pytest

from virtualcite.realtime.sanitize import text_to_html


def test_tags_are_escaped_not_kept() -> None:
    assert text_to_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_bare_url_becomes_a_safe_link() -> None:
    html = text_to_html("see https://www.onisep.fr/metiers please")
    assert '<a href="https://www.onisep.fr/metiers"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert 'target="_blank"' in html


def test_a_javascript_url_is_not_linkified() -> None:
    assert "<a" not in text_to_html("javascript:alert(1)")


def test_plain_text_comes_back_unchanged() -> None:
    assert text_to_html("Bonjour, je cherche une formation") == \
        "Bonjour, je cherche une formation"


def test_ampersands_are_escaped() -> None:
    assert text_to_html("CV & lettre") == "CV &amp; lettre"


def test_typed_entities_are_shown_as_typed() -> None:
    # The text is plain text: `&lt;b&gt;` typed must read `&lt;b&gt;` on screen, not `<b>`.
    assert text_to_html("&lt;b&gt; and &amp; and &#x41;") == \
        "&amp;lt;b&amp;gt; and &amp;amp; and &amp;#x41;"
    assert html.unescape(text_to_html("&lt;b&gt; &amp; &copy;")) == "&lt;b&gt; &amp; &copy;"


def test_a_link_stops_where_markup_starts() -> None:
    html_ = text_to_html("https://example.org/a<script>x</script>")
    assert '<a href="https://example.org/a"' in html_
    assert "&lt;script&gt;x&lt;/script&gt;" in html_


def test_a_link_keeps_its_query_string() -> None:
    assert 'href="https://example.org/?a=1&amp;b=2"' in text_to_html("https://example.org/?a=1&b=2")


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                     "\u2066", "\u2067", "\u2068", "\u2069"])
def test_a_bidi_control_inside_a_link_cannot_reorder_it(control: str) -> None:
    html_ = text_to_html(f"see https://example.org/{control}gro.live")
    link = re.search(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html_)
    assert link is not None
    href, shown = link.groups()
    assert control not in href and control not in shown
    encoded = "".join(f"%{byte:02X}" for byte in control.encode())
    assert href == shown == f"https://example.org/{encoded}gro.live"


def test_a_link_is_isolated_from_the_text_around_it() -> None:
    # An override before the link cannot flow into it: `dir` makes the link a bidi isolate.
    assert 'dir="ltr"' in text_to_html("\u202ehttps://example.org/abc")
