"""Delivery receipts through the real consumers: `received` from one side's page reaches the
other side as `delivered`, ids only, and only a member of the conversation may send one
(docs/protocol.md, "Delivery receipts and resending")."""

from __future__ import annotations

import json

import pytest

from chat.limits import MAX_RECEIPT_IDS
from tests.integration.people import alive, counsellor, matched_pair, refused, visitor

pytestmark = pytest.mark.usefixtures("live_desk")


async def test_the_visitors_receipt_reaches_the_counsellor_as_delivered() -> None:
    staff, guest, conversation = await matched_pair()
    await staff.send(type="message", conversation=conversation, text="Bonjour", client_id="c1")
    shown = await guest.expect("message", sender="counsellor")
    await guest.send(type="received", client_ids=[shown["client_id"]])

    delivered = await staff.expect("delivered")
    assert delivered == {"type": "delivered", "conversation": conversation,
                         "receiver": "visitor", "client_ids": ["c1"], "resumed": False}


async def test_the_counsellors_receipt_reaches_the_visitor_as_delivered() -> None:
    staff, guest, conversation = await matched_pair()
    await guest.send(type="message", text="Une question", client_id="v1")
    await staff.expect("message", sender="visitor")
    await staff.send(type="received", conversation=conversation, client_ids=["v1"],
                     resumed=True)

    delivered = await guest.expect("delivered")
    assert delivered == {"type": "delivered", "conversation": conversation,
                         "receiver": "counsellor", "client_ids": ["v1"], "resumed": True}


async def test_a_receipt_never_comes_back_to_the_socket_that_sent_it() -> None:
    staff, guest, _conversation = await matched_pair()
    await guest.send(type="received", client_ids=["c1"])
    await staff.expect("delivered")
    await alive(guest)  # the pong came first: no `delivered` of its own on the way
    assert not [frame for frame in guest.seen if frame["type"] == "delivered"]


async def test_a_receipt_for_a_conversation_the_counsellor_is_not_in_is_refused() -> None:
    _staff, guest, conversation = await matched_pair()
    hugo = await counsellor("hugo", ["find-training"])
    await hugo.send(type="received", conversation=conversation, client_ids=["v1"])
    await refused(hugo, "not_in_conversation", frame="received")
    await hugo.send(type="received", client_ids=["v1"])  # naming none is no way in either
    await refused(hugo, "not_in_conversation", frame="received")
    await alive(hugo)
    await alive(guest)
    assert not [frame for frame in guest.seen if frame["type"] == "delivered"]


async def test_a_visitor_without_a_conversation_cannot_send_a_receipt() -> None:
    guest = await visitor()
    await guest.send(type="received", client_ids=["c1"])
    await refused(guest, "no_conversation", frame="received")
    await alive(guest)


async def test_a_receipt_carries_ids_only_never_text() -> None:
    staff, guest, conversation = await matched_pair()
    await guest.send(type="received", client_ids=["c1"], text="un secret")
    await refused(guest, "malformed_frame", frame="received")
    await guest.send(type="message", text="un secret", client_id="v1")
    await staff.expect("message", sender="visitor")
    await staff.send(type="received", conversation=conversation, client_ids=["v1"])
    delivered = await guest.expect("delivered")
    assert "un secret" not in json.dumps(delivered)
    assert set(delivered) == {"type", "conversation", "receiver", "client_ids", "resumed"}


async def test_a_receipt_is_bounded_in_ids_and_id_length() -> None:
    staff, guest, _conversation = await matched_pair()
    await guest.send(type="received", client_ids=[f"m{n}" for n in range(MAX_RECEIPT_IDS + 1)])
    await refused(guest, "malformed_frame", frame="received")
    await guest.send(type="received", client_ids=["x" * 65])
    await refused(guest, "malformed_frame", frame="received")
    await guest.send(type="received", client_ids=[""])
    await refused(guest, "malformed_frame", frame="received")
    await guest.send(type="received", client_ids=[f"m{n}" for n in range(MAX_RECEIPT_IDS)])
    assert len((await staff.expect("delivered"))["client_ids"]) == MAX_RECEIPT_IDS
