"""Nothing is acknowledged that was not delivered, across processes: the counsellor's daphne
is SIGKILLed, and a message the visitor sends before the counsellor's page is back on another
process is acknowledged (the server took it) but never receipted; the visitor's client, which
follows docs/protocol.md ("Delivery receipts and resending"), sends it again when the
counsellor's page says it is back, and the counsellor gets it exactly once.

Three processes on one private Redis: the visitor on the first, the counsellor on the second
(killed), then on the third, so every frame after the kill crosses Redis's pub/sub.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.journeys import accept_offer, counsellor_on, queued
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.e2e.ws_client import WsClient

pytestmark = pytest.mark.redis


@pytest.fixture
def three_daphnes(tmp_path: Path, redis_url: str) -> Iterator[list[LiveServer]]:
    servers = list(start_two_daphnes(tmp_path, redis_url))
    third = LiveServer(tmp_path, redis_url=redis_url, demo=False)
    third.start()
    servers.append(third)
    yield servers
    for server in servers:
        server.stop()


class Sending:
    """A page's own messages as the doc says to keep them: acknowledged is not delivered; one
    without a receipt is sent again, with its client_id, on a `resumed` receipt."""

    def __init__(self, client: WsClient, **route: Any) -> None:
        self.client = client
        self.route = route  # the conversation, on the counsellor route
        self.unconfirmed: dict[str, str] = {}  # client_id -> text

    async def send(self, client_id: str, text: str) -> None:
        self.unconfirmed[client_id] = text
        await self.client.send(type="message", text=text, client_id=client_id, **self.route)
        await self.client.expect("message", client_id=client_id)  # the acknowledgement

    async def on_delivered(self, frame: dict[str, Any]) -> None:
        for client_id in frame["client_ids"]:
            self.unconfirmed.pop(client_id, None)
        if frame["resumed"]:
            for client_id, text in list(self.unconfirmed.items()):
                await self.client.send(type="message", text=text, client_id=client_id,
                                       **self.route)


def messages_with(client: WsClient, client_id: str) -> list[dict[str, Any]]:
    return [frame for frame in client.seen
            if frame["type"] == "message" and frame["client_id"] == client_id]


async def test_a_message_lost_with_the_counsellors_process_is_resent_and_arrives_once(
        three_daphnes: list[LiveServer]) -> None:
    visitors_side, staff_side, fallback = three_daphnes
    camille = await counsellor_on(staff_side, "camille", ["find-a-job"])
    guest = await queued(visitors_side, "find-a-job")
    conversation = await accept_offer(camille, guest)
    visitor = Sending(guest)

    # Before the kill, across two processes: a receipt comes back as `delivered`.
    await visitor.send("v1", "Bonjour")
    await camille.expect("message", client_id="v1")
    await camille.send(type="received", conversation=conversation, client_ids=["v1"])
    await visitor.on_delivered(await guest.expect("delivered", client_ids=["v1"]))
    assert visitor.unconfirmed == {}

    await asyncio.to_thread(staff_side.kill)
    await visitor.send("v2", "Vous êtes toujours là ?")  # acknowledged: the server took it
    assert visitor.unconfirmed == {"v2": "Vous êtes toujours là ?"}

    # The counsellor's page reconnects to another process within its lease, and says so with
    # the ids it shows.
    camille = await counsellor_on(fallback, "camille")
    welcome = next(frame for frame in camille.seen if frame["type"] == "staff_welcome")
    assert [c["id"] for c in welcome["state"]["conversations"]] == [conversation]
    await camille.send(type="received", conversation=conversation, client_ids=["v1"],
                       resumed=True)
    resumed = await guest.expect("delivered", resumed=True)
    # Nothing ever said v2 was delivered: it reached nobody.
    assert all("v2" not in frame["client_ids"]
               for frame in guest.seen if frame["type"] == "delivered")
    # And it is lost: a typing notice the visitor's socket relays after it reaches the
    # counsellor's new socket with no v2 before it (one publisher's frames keep their order).
    await guest.send(type="typing", active=True)
    await camille.expect("typing", sender="visitor")
    assert messages_with(camille, "v2") == []
    await visitor.on_delivered(resumed)  # the rule: v2 goes again, same client_id

    got = await camille.expect("message", client_id="v2")
    assert got["sender"] == "visitor" and "toujours là" in got["html"]
    await camille.send(type="received", conversation=conversation, client_ids=["v2"])
    await visitor.on_delivered(await guest.expect("delivered", client_ids=["v2"]))
    assert visitor.unconfirmed == {}

    # Exactly once: a later message from the same socket comes after any copy of v2 would.
    await visitor.send("v3", "Merci")
    await camille.expect("message", client_id="v3")
    assert len(messages_with(camille, "v2")) == 1
    for client in (guest, camille):
        await client.close()
