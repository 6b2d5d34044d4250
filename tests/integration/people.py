"""The people of the desk tests, over Channels' communicator against the real consumers."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from tests.integration.desk_client import DeskClient, session_headers


async def visitor(path: str = "/ws/visitor/") -> DeskClient:
    """A greeted visitor page (welcome and lobby read)."""
    client = DeskClient(path)
    assert (await client.connect())[0]
    await client.send(type="hello", token=None)
    await client.expect("welcome")
    await client.expect("lobby")
    return client


async def waiting_visitor(pole: str = "find-a-job") -> tuple[DeskClient, str]:
    """A visitor holding a place in `pole`'s queue, and their token."""
    client = await visitor()
    await client.send(type="join", pole=pole)
    return client, (await client.expect("queued"))["token"]


async def staff_socket(username: str) -> DeskClient:
    """A counsellor route socket carrying `username`'s session cookie, not yet greeted."""
    headers = await database_sync_to_async(session_headers)(username)
    client = DeskClient("/ws/counsellor/", headers)
    assert (await client.connect())[0]
    return client


async def counsellor(username: str, poles: list[str] | None = None,
                     capacity: int = 2) -> DeskClient:
    """A greeted counsellor; on shift for `poles` when given."""
    client = await staff_socket(username)
    await client.send(type="hello")
    client.me_id = (await client.expect("staff_welcome"))["state"]["me"]["id"]
    if poles:
        await client.send(type="shift_start", poles=poles, capacity=capacity)
        await client.expect("staff_state")
    return client


async def matched_pair(username: str = "camille", pole: str = "find-a-job"
                       ) -> tuple[DeskClient, DeskClient, str]:
    """A counsellor and a visitor in a conversation, and its id."""
    staff = await counsellor(username, [pole])
    guest, _token = await waiting_visitor(pole)
    offer = (await staff.expect("offer"))["offer"]
    await staff.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    conversation = (await staff.expect("conversation"))["conversation"]["id"]
    return staff, guest, conversation


async def refused(client: DeskClient, code: str, frame: object = ...,
                  timeout: float = 3.0) -> dict[str, Any]:
    """The next `error` frame, which must carry `code` (and name `frame`, when given)."""
    error = await client.expect("error", timeout=timeout)
    assert error["code"] == code, error
    if frame is not ...:
        assert error["frame"] == frame, error
    return error


async def alive(client: DeskClient) -> None:
    """The socket still answers: a ping gets its pong."""
    await client.send(type="ping")
    await client.expect("pong")


async def closed_with(client: DeskClient, code: int, timeout: float = 3.0) -> None:
    """Frames are skipped until the socket closes, with `code`."""
    for _ in range(100):
        output = await client.communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            assert output.get("code") == code, output
            return
    raise AssertionError(f"the socket was not closed with {code}")


async def a_new_visitor_can_still_join(pole: str = "discover-jobs") -> None:
    """The desk still serves: a fresh page is welcomed and queued."""
    client, _token = await waiting_visitor(pole)
    await client.close()
