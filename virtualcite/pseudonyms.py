"""Generated pseudonyms in the page's language: people are told apart without a real name.

Nobody types a pseudonym (a real name would slip in); a person who dislikes theirs draws
another. French names agree in gender (the noun's), English ones need not.
"""

from __future__ import annotations

import secrets

# (noun, gender) and adjectives in both genders: "Héron calme", "Loutre curieuse".
_FR_NOUNS = (("Héron", "m"), ("Loutre", "f"), ("Lynx", "m"), ("Faucon", "m"), ("Érable", "m"),
             ("Comète", "f"), ("Rivière", "f"), ("Mésange", "f"), ("Colibri", "m"),
             ("Hirondelle", "f"), ("Cèdre", "m"), ("Étoile", "f"))
_FR_ADJECTIVES = (("calme", "calme"), ("curieux", "curieuse"), ("vif", "vive"),
                  ("patient", "patiente"), ("brillant", "brillante"), ("serein", "sereine"),
                  ("agile", "agile"), ("joyeux", "joyeuse"), ("attentif", "attentive"),
                  ("paisible", "paisible"), ("hardi", "hardie"), ("sage", "sage"))
_EN_ADJECTIVES = ("Curious", "Bold", "Calm", "Bright", "Keen", "Steady", "Swift", "Gentle",
                  "Brave", "Wise", "Lively", "Patient")
_EN_NOUNS = ("Heron", "Otter", "Lynx", "Falcon", "Maple", "Cedar", "Comet", "River",
             "Harbour", "Meadow", "Beacon", "Willow")


def new_pseudonym(language: str, *, avoid: str | None = None) -> str:
    """A friendly name in `language` (French unless it is English), never `avoid`."""
    while True:
        number = secrets.randbelow(90) + 10
        if language.startswith("en"):
            name = f"{secrets.choice(_EN_ADJECTIVES)} {secrets.choice(_EN_NOUNS)} {number}"
        else:
            noun, gender = secrets.choice(_FR_NOUNS)
            masculine, feminine = secrets.choice(_FR_ADJECTIVES)
            name = f"{noun} {masculine if gender == 'm' else feminine} {number}"
        if name != avoid:
            return name
