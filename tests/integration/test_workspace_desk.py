"""The counsellor's workspace through the real consumers: "need a moment" on an offer, and
pseudonyms in the visitor's language."""

from __future__ import annotations

import pytest

from chat.core.model import DEFAULTS
from tests.integration.desk_client import DeskClient
from tests.integration.people import counsellor, refused, waiting_visitor
from virtualcite.pseudonyms import _EN_NOUNS, _FR_NOUNS

pytestmark = pytest.mark.usefixtures("live_desk")


async def test_an_offer_is_extended_once_and_the_desk_says_so_on_reconnect() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    guest, _token = await waiting_visitor("find-a-job")
    offer = (await camille.expect("offer"))["offer"]
    assert offer["extended"] is False

    await camille.send(type="extend_offer", visitor=offer["visitor"])
    extended = (await camille.expect("offer"))["offer"]
    assert extended == {**offer, "extended": True,
                        "expires_at": offer["expires_at"] + DEFAULTS.offer_extension}

    await camille.send(type="extend_offer", visitor=offer["visitor"])
    error = await refused(camille, "offer_already_extended", "extend_offer")
    assert error["message"]  # said in the socket's language
    await camille.send(type="extend_offer", visitor="0123456789abcdef")
    await refused(camille, "no_such_offer", "extend_offer")

    await camille.send(type="hello")  # a reload: the screen's truth keeps the extension
    [shown] = (await camille.expect("staff_welcome"))["state"]["offers"]
    assert shown == extended

    await camille.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    await camille.expect("conversation")
    for client in (guest, camille):
        await client.close()


async def test_a_french_page_gets_a_french_pseudonym_and_an_english_one_an_english_one() -> None:
    camille = await counsellor("camille", ["find-a-job", "discover-jobs"], capacity=2)
    french_nouns = {noun for noun, _gender in _FR_NOUNS}
    for language, pole, word, nouns in (("fr-FR,fr;q=0.9", "find-a-job", 0, french_nouns),
                                        ("en-GB,en;q=0.9", "discover-jobs", 1, set(_EN_NOUNS))):
        guest = DeskClient("/ws/visitor/", [(b"accept-language", language.encode())])
        assert (await guest.connect())[0]
        await guest.send(type="hello", token=None)
        await guest.expect("welcome")
        await guest.send(type="join", pole=pole)
        await guest.expect("queued")
        offer = (await camille.expect("offer"))["offer"]
        assert offer["pole"] == pole
        assert offer["pseudonym"].split()[word] in nouns, offer["pseudonym"]
    await camille.close()
