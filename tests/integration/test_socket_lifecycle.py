"""However a socket ends, what it held is released: no ghost place, no ghost desk.

Each test ends a socket in one of the ways that skipped `disconnect()` before: a handler that
raises, a send on a socket the client already closed, a role withdrawn mid-shift, a close that
races the maintenance step. What a user would check is then read from the desk's state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat import services
from chat.core.model import TicketStatus
from chat.identity import STAFF_GROUP, visitor_group
from chat.presence import presence
from chat.runtime import desk_runtime
from tests.integration.desk_client import DeskClient
from tests.integration.test_consumer_journeys import matched_pair
from tests.integration.test_consumers import counsellor, visitor
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.usefixtures("live_desk")


async def queued_visitor(pole: str = "find-a-job") -> tuple[DeskClient, str]:
    guest = await visitor()
    await guest.send(type="join", pole=pole)
    return guest, (await guest.expect("queued"))["token"]


async def ticket(token: str) -> Any:
    return (await desk_runtime().store.read()).tickets.get(token)


async def eventually(condition: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> bool:
    """Wait on `condition` (polled) for up to `timeout` seconds; the release follows the close."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.01)
    return False


async def released(token: str) -> bool:
    """Whether the desk records the token's disconnection (soon)."""
    async def disconnected() -> bool:
        found = await ticket(token)
        return found is None or found.disconnected_at is not None
    return await eventually(disconnected)


async def counsellor_gone(counsellor_id: str) -> bool:
    """Whether this process holds no socket for the counsellor any more (soon)."""
    async def gone() -> bool:
        return counsellor_id not in presence.counsellors
    return await eventually(gone)


async def expect_close(client: DeskClient) -> int:
    """Skip frames until the server closes the socket; return the close code."""
    for _ in range(50):
        output = await client.communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return int(output.get("code", 1000))
    raise AssertionError("the socket was not closed")


async def test_a_handler_that_raises_answers_internal_error_and_keeps_the_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    guest, token = await queued_visitor()

    async def broken(**_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "visitor_end_conversation", broken)
    await guest.send(type="end")
    error = await guest.expect("error")
    assert (error["code"], error["frame"]) == ("internal_error", "end")
    await guest.send(type="ping")
    await guest.expect("pong")  # the socket lives on
    assert (await ticket(token)).status is TicketStatus.WAITING
    await guest.close()


async def test_deeply_nested_json_is_answered_and_the_socket_keeps_its_place() -> None:
    guest, token = await queued_visitor()
    nested = "[" * 5000 + "]" * 5000
    await guest.communicator.send_to(text_data='{"type": "message", "text": ' + nested + "}")
    error = await guest.expect("error")
    assert error["code"] in {"malformed_frame", "internal_error"}
    await guest.send(type="ping")
    await guest.expect("pong")
    await guest.close()
    assert await released(token)


async def test_a_visitor_socket_whose_desk_event_handler_fails_is_closed_and_released() -> None:
    guest, token = await queued_visitor()
    # A desk event the socket cannot handle (it raises KeyError): a bug's stand-in.
    await get_channel_layer().group_send(visitor_group(token), {"type": "realtime.frame"})
    assert await expect_close(guest) == CloseCode.INTERNAL_ERROR
    assert token not in presence.visitors.live_keys()
    assert await released(token)  # the grace period runs


async def test_fifty_crashed_sockets_do_not_fill_a_queue() -> None:
    tokens = []
    for _ in range(50):
        guest, token = await queued_visitor("discover-jobs")
        await get_channel_layer().group_send(visitor_group(token), {"type": "realtime.frame"})
        await expect_close(guest)
        assert await released(token)
        tokens.append(token)
    runtime = desk_runtime()
    later = time.time() + runtime.config.visitor_grace + 1
    runtime.clock = lambda: later
    await presence.maintain_once()
    state = await runtime.store.read()
    assert not set(tokens) & set(state.tickets), "crashed sockets kept their places"
    newcomer = await visitor()
    await newcomer.send(type="join", pole="discover-jobs")
    assert (await newcomer.expect("queued"))["position"] == 1
    await newcomer.close()


async def test_a_counsellor_whose_handler_fails_is_no_longer_kept_on_shift() -> None:
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    await get_channel_layer().group_send(STAFF_GROUP, {"type": "desk.colleagues"})
    assert await expect_close(camille) == CloseCode.INTERNAL_ERROR
    assert await counsellor_gone(camille.me_id)
    runtime = desk_runtime()
    later = time.time() + runtime.config.lease_ttl + 1
    runtime.clock = lambda: later
    await presence.maintain_once()
    assert (await guest.expect("requeued"))["reason"] == "counsellor_lost"
    await guest.close()


async def test_a_send_racing_the_clients_close_still_releases_the_counsellor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from autobahn.exception import Disconnected

    from chat.consumers.counsellor import CounsellorSocket

    camille = await counsellor("camille", ["find-a-job"])

    async def closed_protocol(self: CounsellorSocket, **_kwargs: Any) -> None:
        raise Disconnected("Attempt to send on a closed protocol")

    monkeypatch.setattr(CounsellorSocket, "send", closed_protocol)
    await get_channel_layer().group_send(
        STAFF_GROUP, {"type": "desk.colleagues", "colleagues": []})
    await camille.close()
    assert await counsellor_gone(camille.me_id)


async def test_a_counsellor_whose_role_is_withdrawn_is_taken_off_the_desk_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth.models import Group, User

    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await database_sync_to_async(
        lambda: User.objects.get(username="camille").groups.remove(
            Group.objects.get(name="counsellor")))()
    monkeypatch.setattr("virtualcite.realtime.staff_auth.ROLE_RECHECK_SECONDS", 0.0)
    await camille.send(type="message", conversation=conversation, text="Bonjour")
    assert (await camille.expect("error"))["code"] == "forbidden"
    assert await expect_close(camille) == CloseCode.FORBIDDEN
    requeued = await guest.expect("requeued")  # at once, not after the lease
    assert requeued["reason"] == "counsellor_lost"
    state = await desk_runtime().store.read()
    assert camille.me_id not in state.counsellors  # the next visitor is not offered to her
    assert await counsellor_gone(camille.me_id)
    await guest.close()


async def test_a_socket_closed_while_a_step_waits_for_the_store_is_not_renewed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    guest, token = await queued_visitor()
    store = desk_runtime().store
    original = store.mutate
    closing: list[DeskClient] = [guest]

    async def close_first(change: Any) -> Any:
        # The socket closes (and its disconnection is recorded) while the step is queued.
        if closing:
            await closing.pop().close()
        return await original(change)

    monkeypatch.setattr(store, "mutate", close_first)
    await presence.maintain_once()
    monkeypatch.undo()
    assert (await ticket(token)).disconnected_at is not None, "the closed page was renewed"


async def test_a_dropped_counsellor_keeps_only_a_short_lease() -> None:
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    await camille.communicator.disconnect(code=CloseCode.DROPPED)  # frozen, no close frame
    assert await counsellor_gone(camille.me_id)
    runtime = desk_runtime()
    soon = time.time() + runtime.config.dropped_lease + 0.5
    runtime.clock = lambda: soon
    await presence.maintain_once()
    assert (await guest.expect("requeued"))["reason"] == "counsellor_lost"
    await guest.close()


async def assert_keeps_the_whole_lease(camille: DeskClient, guest: DeskClient) -> None:
    """Past the dropped lease (3 s) camille, whose socket closed, is still on shift and her
    visitor was not requeued: she has her whole lease (20 s) to come back."""
    assert await counsellor_gone(camille.me_id)
    runtime = desk_runtime()
    soon = time.time() + runtime.config.dropped_lease + 0.5
    runtime.clock = lambda: soon
    await presence.maintain_once()
    assert camille.me_id in (await runtime.store.read()).counsellors
    await guest.send(type="ping")
    await guest.expect("pong")
    assert "requeued" not in [frame["type"] for frame in guest.seen]


async def test_a_counsellor_whose_page_reloads_keeps_the_whole_lease() -> None:
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    await camille.communicator.disconnect(code=1001)  # the page went away cleanly
    await assert_keeps_the_whole_lease(camille, guest)
    await guest.close()


async def test_a_counsellor_closed_by_a_draining_server_keeps_the_whole_lease() -> None:
    """The drain's close (1012) is the server's own: even a client that never answers it,
    and is dropped for that (1006), keeps its 20 s to come back on another process."""
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    await camille.communicator.send_input({"type": "server.drain"})
    assert await expect_close(camille) == CloseCode.SERVICE_RESTART
    await camille.communicator.disconnect(code=CloseCode.DROPPED)
    await assert_keeps_the_whole_lease(camille, guest)
    await guest.close()


async def test_a_visitor_closed_by_a_draining_server_keeps_the_offer_made_to_them() -> None:
    """Handed over (1012), the page is coming back within seconds: the offer stands, the lease
    runs; a page that closed on its own would have it withdrawn at once."""
    camille = await counsellor("camille", ["find-a-job"])
    guest, token = await queued_visitor()
    await camille.expect("offer")
    await guest.communicator.send_input({"type": "server.drain"})
    assert await expect_close(guest) == CloseCode.SERVICE_RESTART
    await guest.communicator.disconnect(code=CloseCode.SERVICE_RESTART)  # waits for the release
    held = await ticket(token)
    assert (held.status, held.disconnected_at) == (TicketStatus.OFFERED, None)
    await camille.send(type="ping")
    await camille.expect("pong")
    assert "offer_gone" not in [frame["type"] for frame in camille.seen]
    await camille.close()
