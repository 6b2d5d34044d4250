"""The live desk over Channels' communicator: journeys, bad frames, limits and roles."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from chat.limits import LOBBY_INTERVAL_SECONDS
from chat.lobby import lobby_figures
from tests.integration.desk_client import DeskClient, session_headers
from virtualcite.figures.models import VisitRecord
from virtualcite.realtime.limits import MAX_CONNECTIONS_PER_TOKEN, MAX_MESSAGE_CHARS
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.usefixtures("live_desk")


async def visitor() -> DeskClient:
    client = DeskClient("/ws/visitor/")
    assert (await client.connect())[0]
    await client.send(type="hello", token=None)
    await client.expect("welcome")
    await client.expect("lobby")
    return client


async def counsellor(username: str, poles: list[str], capacity: int = 2) -> DeskClient:
    headers = await database_sync_to_async(session_headers)(username)
    client = DeskClient("/ws/counsellor/", headers)
    assert (await client.connect())[0]
    await client.send(type="hello")
    client.me_id = (await client.expect("staff_welcome"))["state"]["me"]["id"]
    await client.send(type="shift_start", poles=poles, capacity=capacity)
    await client.expect("staff_state")
    return client


async def test_a_visitor_is_matched_chats_both_ways_ends_and_rates() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    queued = await guest.expect("queued")
    assert queued["position"] == 1
    offer = (await camille.expect("offer"))["offer"]
    assert offer["pole"] == "find-a-job"
    assert queued["token"] not in json.dumps(offer)  # counsellors never see the token
    await camille.send(type="accept", visitor=offer["visitor"])
    matched = await guest.expect("matched")
    assert matched["counsellor"]["name"] == "Camille"
    assert matched["counsellor"]["institution"] == "France Travail"
    conversation = (await camille.expect("conversation"))["conversation"]["id"]

    await guest.send(type="message", text="Bonjour <b>aide</b> https://example.org")
    received = await camille.expect("message", sender="visitor")
    assert received["sender"] == "visitor"
    assert "&lt;b&gt;" in received["html"] and 'href="https://example.org"' in received["html"]
    await camille.send(type="message", conversation=conversation, text="Bonjour !")
    assert (await guest.expect("message", sender="counsellor"))["author"]["name"] == "Camille"

    await camille.send(type="end", conversation=conversation, outcome_tags=["information"])
    ended = await guest.expect("ended")
    assert ended["can_rate"] is True
    await guest.send(type="rate", conversation=conversation, score=5)
    await guest.expect("rated")
    record = await database_sync_to_async(VisitRecord.objects.get)()
    assert (record.pole, record.rating, record.outcome_tags) == ("find-a-job", 5, ["information"])
    assert (record.outcome, record.ended_by) == ("served", "counsellor")
    for client in (guest, camille):
        await client.close()


async def test_a_malformed_or_unknown_frame_gets_an_error_and_the_socket_lives_on() -> None:
    guest = await visitor()
    await guest.communicator.send_to(text_data="{not json")
    assert (await guest.expect("error"))["code"] == "malformed_frame"
    await guest.send(type="teleport")
    assert (await guest.expect("error"))["code"] == "unknown_frame"
    await guest.send(type="join", pole="find-a-job", extra=1)
    assert (await guest.expect("error"))["code"] == "malformed_frame"
    await guest.send(type="ping")
    await guest.expect("pong")
    await guest.close()


async def test_unknown_pole_and_closed_pole_are_refused_with_their_reason() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="astrology")
    assert (await guest.expect("error"))["code"] == "unknown_pole"
    await guest.close()


async def test_a_message_too_long_is_refused() -> None:
    guest = await visitor()
    await guest.send(type="message", text="x" * (MAX_MESSAGE_CHARS + 1))
    assert (await guest.expect("error"))["code"] == "message_too_long"
    await guest.close()


async def test_a_message_outside_a_conversation_is_refused() -> None:
    guest = await visitor()
    await guest.send(type="message", text="hello?")
    assert (await guest.expect("error"))["code"] == "no_conversation"
    await guest.close()


async def test_a_flood_is_rate_limited_then_closed() -> None:
    guest = await visitor()
    for _ in range(60):
        await guest.send(type="ping")
    codes = set()
    for _ in range(60):
        output = await guest.communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            assert output["code"] == CloseCode.ABUSE
            break
        codes.add(json.loads(output["text"]).get("code"))
    else:
        raise AssertionError("the flood was never closed")
    assert "rate_limited" in codes


async def test_too_many_tabs_on_one_token_are_refused() -> None:
    first = await visitor()
    await first.send(type="join", pole="find-a-job")
    token = (await first.expect("queued"))["token"]
    tabs = []
    for _ in range(MAX_CONNECTIONS_PER_TOKEN - 1):
        tab = DeskClient("/ws/visitor/")
        await tab.connect()
        await tab.send(type="hello", token=token)
        assert (await tab.expect("welcome"))["state"]["status"] == "waiting"
        tabs.append(tab)
    extra = DeskClient("/ws/visitor/")
    await extra.connect()
    await extra.send(type="hello", token=token)
    assert (await extra.expect("error"))["code"] == "too_many_connections"
    assert (await extra.communicator.receive_output(timeout=2))["code"] == \
        CloseCode.TOO_MANY_CONNECTIONS
    for client in (first, *tabs):
        await client.close()


async def test_a_reconnecting_visitor_gets_their_place_back() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="discover-jobs")
    token = (await guest.expect("queued"))["token"]
    await guest.close()
    again = DeskClient("/ws/visitor/")
    await again.connect()
    await again.send(type="hello", token=token)
    welcome = await again.expect("welcome")
    assert welcome["token"] == token
    assert welcome["state"]["status"] == "waiting"
    assert welcome["state"]["position"] == 1
    await again.close()


async def test_anonymous_sockets_are_refused_on_the_counsellor_route() -> None:
    client = DeskClient("/ws/counsellor/")
    await client.connect()
    assert (await client.communicator.receive_output(timeout=2))["code"] == \
        CloseCode.UNAUTHENTICATED


async def test_a_manager_is_refused_on_the_counsellor_route() -> None:
    headers = await database_sync_to_async(session_headers)("marc")
    client = DeskClient("/ws/counsellor/", headers)
    await client.connect()
    assert (await client.communicator.receive_output(timeout=2))["code"] == CloseCode.FORBIDDEN


async def test_a_session_from_before_a_password_change_is_refused() -> None:
    headers = await database_sync_to_async(session_headers)("camille")
    await database_sync_to_async(_change_password)("camille")
    client = DeskClient("/ws/counsellor/", headers)
    await client.connect()
    assert (await client.communicator.receive_output(timeout=2))["code"] == \
        CloseCode.UNAUTHENTICATED


def _change_password(username: str) -> None:
    from django.contrib.auth.models import User

    user = User.objects.get(username=username)
    user.set_password("a completely new passphrase")
    user.save()


async def test_a_counsellor_cannot_serve_a_pole_outside_their_profile() -> None:
    headers = await database_sync_to_async(session_headers)("camille")
    client = DeskClient("/ws/counsellor/", headers)
    await client.connect()
    await client.send(type="hello")
    await client.expect("staff_welcome")
    await client.send(type="shift_start", poles=["create-business"], capacity=1)
    assert (await client.expect("error"))["code"] == "forbidden"
    await client.close()


async def test_a_foreign_origin_is_refused() -> None:
    client = DeskClient("/ws/visitor/")
    client.communicator.scope["headers"] = [(b"origin", b"http://evil.example")]
    connected, _ = await client.connect()
    assert not connected


class HeldInterval:
    """The lobby's clock and wait, held by the test: time stands still during the burst and
    the batching interval ends when the test says so, however long the joins took."""

    def __init__(self) -> None:
        self.ended = asyncio.Event()
        self.waits: list[float] = []

    def clock(self) -> float:
        return 0.0

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self.ended.wait()


def waiting_in(frame: dict[str, Any], pole: str) -> list[int]:
    return [figures["waiting"] for figures in frame["poles"] if figures["slug"] == pole]


async def test_a_burst_of_queue_changes_reaches_the_lobby_as_one_frame_with_the_latest_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    interval = HeldInterval()
    monkeypatch.setattr(lobby_figures, "clock", interval.clock)
    monkeypatch.setattr(lobby_figures, "sleep", interval.sleep)
    watcher = await visitor()
    joiners = [await visitor() for _ in range(6)]
    for joiner in joiners:
        await joiner.send(type="join", pole="discover-jobs")
        await joiner.expect("queued")

    # The first change goes out at once; the five others wait for the interval to end.
    assert waiting_in(await watcher.expect("lobby"), "discover-jobs") == [1]
    interval.ended.set()
    assert waiting_in(await watcher.expect("lobby"), "discover-jobs") == [6]
    assert interval.waits == [LOBBY_INTERVAL_SECONDS]
    for client in (watcher, *joiners):
        await client.close()
