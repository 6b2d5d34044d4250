"""Chat text becomes inert HTML: tags escaped, bare links made safe."""

from chat.sanitize import text_to_html


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
