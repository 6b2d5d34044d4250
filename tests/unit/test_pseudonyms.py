"""Generated pseudonyms speak the page's language, and drawing another gives another."""

from __future__ import annotations

from virtualcite.pseudonyms import _EN_NOUNS, _FR_NOUNS, new_pseudonym


def test_a_french_page_gets_a_french_name_and_an_english_page_an_english_one() -> None:
    french_nouns = {noun for noun, _gender in _FR_NOUNS}
    for _ in range(50):
        assert new_pseudonym("fr").split()[0] in french_nouns
        assert new_pseudonym("en-gb").split()[1] in _EN_NOUNS


def test_french_adjectives_agree_with_the_noun() -> None:
    for _ in range(200):
        noun, adjective, _number = new_pseudonym("fr").split()
        if noun == "Loutre":
            assert adjective in {"calme", "curieuse", "vive", "patiente", "brillante", "sereine",
                                 "agile", "joyeuse", "attentive", "paisible", "hardie", "sage"}


def test_drawing_another_never_gives_the_same_name_back() -> None:
    for _ in range(200):
        current = new_pseudonym("fr")
        assert new_pseudonym("fr", avoid=current) != current
