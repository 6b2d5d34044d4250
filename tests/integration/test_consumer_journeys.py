"""Counsellor journeys over Channels' communicator: invite, decline, block, a lost counsellor."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from chat import services
from chat.presence import presence
from chat.runtime import desk_runtime
from tests.integration.desk_client import DeskClient
from tests.integration.test_consumers import counsellor, visitor
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.store.errors import StoreUnavailable

pytestmark = pytest.mark.usefixtures("live_desk")


async def matched_pair(username: str, pole: str):
    staff = await counsellor(username, [pole])
    guest = await visitor()
    await guest.send(type="join", pole=pole)
    await guest.expect("queued")
    offer = (await staff.expect("offer"))["offer"]
    await staff.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    conversation = (await staff.expect("conversation"))["conversation"]["id"]
    return staff, guest, conversation


async def test_an_invited_colleague_of_another_institution_joins_the_conversation() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    karim = await counsellor("karim", ["find-training"])
    await camille.send(type="invite", conversation=conversation, colleague=karim.me_id)
    joined = await guest.expect("counsellor_joined")
    assert joined["counsellor"]["institution"] == "AFPA"
    await karim.expect("conversation")
    await karim.send(type="message", conversation=conversation, text="Je complète.")
    assert (await guest.expect("message", sender="counsellor"))["author"]["name"] == "Karim"
    await karim.send(type="leave_conversation", conversation=conversation)
    await guest.expect("counsellor_left")
    await camille.send(type="message", conversation=conversation, text="Toujours là.")
    await guest.expect("message", sender="counsellor")
    for client in (camille, karim, guest):
        await client.close()


async def test_a_declined_offer_goes_to_the_next_counsellor_and_the_visitor_keeps_their_place(
) -> None:
    camille = await counsellor("camille", ["find-a-job"], capacity=1)
    karim = await counsellor("karim", ["find-a-job"], capacity=1)
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    await guest.expect("queued")
    first, second = camille, karim
    offer = None
    for staff in (camille, karim):
        try:
            offer = (await staff.expect("offer", timeout=1))["offer"]
            first, second = staff, (karim if staff is camille else camille)
            break
        except Exception:
            continue
    assert offer is not None
    await first.send(type="decline", visitor=offer["visitor"])
    assert (await first.expect("offer_gone"))["reason"] == "declined"
    assert (await second.expect("offer"))["offer"]["visitor"] == offer["visitor"]
    for client in (camille, karim, guest):
        await client.close()


async def test_a_blocked_visitor_is_told_and_cannot_join_again() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="block", conversation=conversation, hours=2)
    assert (await guest.expect("ended"))["can_rate"] is False
    await guest.expect("blocked")
    await guest.send(type="join", pole="find-a-job")
    assert (await guest.expect("error"))["code"] == "blocked"
    token = guest.seen[0]["token"] or next(f["token"] for f in guest.seen if f["type"] == "queued")
    reloaded = DeskClient("/ws/visitor/")
    await reloaded.connect()
    await reloaded.send(type="hello", token=token)
    welcome = await reloaded.expect("welcome")
    assert welcome["token"] == token  # a reload keeps the token, and so the block
    assert welcome["state"]["blocked_until"] > time.time()
    for client in (camille, guest, reloaded):
        await client.close()


async def test_a_socket_that_never_says_hello_is_closed(monkeypatch) -> None:
    monkeypatch.setattr("virtualcite.realtime.socket.HELLO_TIMEOUT_SECONDS", 0.2)
    silent = DeskClient("/ws/visitor/")
    await silent.connect()
    assert (await silent.communicator.receive_output(timeout=2))["code"] == CloseCode.HELLO_TIMEOUT


async def test_a_hello_the_desk_is_slow_to_answer_is_not_taken_for_silence(monkeypatch) -> None:
    """Under a reconnect storm a resume can wait longer than the hello timeout: the client
    said hello in time, so it gets its welcome instead of a 4008 close."""
    monkeypatch.setattr("virtualcite.realtime.socket.HELLO_TIMEOUT_SECONDS", 0.2)
    answer = services.visitor_hello

    async def slow_hello(*, token: str | None) -> Any:
        await asyncio.sleep(0.6)  # three timeouts' worth
        return await answer(token=token)

    monkeypatch.setattr(services, "visitor_hello", slow_hello)
    guest = DeskClient("/ws/visitor/")
    await guest.connect()
    await guest.send(type="hello", token=None)
    await guest.expect("welcome", timeout=3)
    await guest.send(type="ping")
    await guest.expect("pong")
    await guest.close()


async def test_a_refused_hello_leaves_the_client_another_timeout_to_say_it_again(
        monkeypatch) -> None:
    monkeypatch.setattr("virtualcite.realtime.socket.HELLO_TIMEOUT_SECONDS", 0.2)

    async def unavailable(*, token: str | None) -> Any:
        raise StoreUnavailable("the desk's store is away")

    monkeypatch.setattr(services, "visitor_hello", unavailable)
    guest = DeskClient("/ws/visitor/")
    await guest.connect()
    await guest.send(type="hello", token=None)
    assert (await guest.expect("error"))["code"] == "service_unavailable"
    # Nothing more from the client: closed a timeout after the refused hello.
    assert (await guest.communicator.receive_output(timeout=2))["code"] == CloseCode.HELLO_TIMEOUT


async def test_a_lost_counsellor_puts_the_visitor_back_at_the_head_of_the_queue() -> None:
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    waiting = await visitor()
    await waiting.send(type="join", pole="find-a-job")
    await waiting.expect("queued")
    await camille.close()  # the browser is gone; the lease is no longer renewed
    runtime = desk_runtime()
    later = time.time() + runtime.config.lease_ttl + 1
    runtime.clock = lambda: later
    await presence.maintain_once()
    requeued = await guest.expect("requeued")
    await presence.maintain_once()  # the page is corrected when a difference lasts two steps
    assert requeued["reason"] == "counsellor_lost"
    state = await guest.expect("state")
    assert state["state"]["status"] == "waiting"
    assert state["state"]["position"] == 1  # ahead of the visitor who was already waiting
    for client in (guest, waiting):
        await client.close()


async def test_a_closed_pole_says_when_it_opens(settings) -> None:
    from channels.db import database_sync_to_async

    from virtualcite.models import Pole

    await database_sync_to_async(
        lambda: Pole.objects.get(slug="discover-jobs").opening_hours.all().delete())()
    desk_runtime().directory.invalidate()
    guest = await visitor()
    await guest.send(type="join", pole="discover-jobs")
    error = await guest.expect("error")
    assert error["code"] == "pole_closed"
    await guest.close()


async def test_a_lost_colleague_of_a_shared_conversation_is_named_to_both_sides() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    karim = await counsellor("karim", ["find-training"])
    await camille.send(type="invite", conversation=conversation, colleague=karim.me_id)
    await karim.expect("conversation")
    await guest.expect("counsellor_joined")
    await karim.close()  # Karim's browser is gone; Camille's socket keeps her lease
    runtime = desk_runtime()
    later = time.time() + runtime.config.lease_ttl + 1
    runtime.clock = lambda: later
    await presence.maintain_once()
    for side in (camille, guest):
        left = await side.expect("counsellor_left")
        assert (left["counsellor"]["name"], left["reason"]) == ("Karim", "lost")
    await camille.send(type="message", conversation=conversation, text="Je reste là.")
    assert (await guest.expect("message", sender="counsellor"))["author"]["name"] == "Camille"
    for client in (camille, guest):
        await client.close()


async def test_a_greeting_sent_at_once_reaches_a_visitor_whose_socket_is_slow_to_hear_the_match(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from chat.consumers.visitor import VisitorSocket

    camille = await counsellor("camille", ["find-a-job"])
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    await guest.expect("queued")
    offer = (await camille.expect("offer"))["offer"]
    # The visitor's socket hears desk events late (a busy process, a slow layer): the
    # greeting must not depend on the visitor having handled `matched` first.
    heard = asyncio.Event()
    handle = VisitorSocket.realtime_frame

    async def slow(self: VisitorSocket, message: FrameMessage) -> None:
        if message.frame["type"] == "matched":
            await heard.wait()
        await handle(self, message)

    monkeypatch.setattr(VisitorSocket, "realtime_frame", slow)
    await camille.send(type="accept", visitor=offer["visitor"])
    conversation = (await camille.expect("conversation"))["conversation"]["id"]
    await camille.send(type="message", conversation=conversation, text="Bonjour, je vous écoute.")
    await camille.expect("message", sender="counsellor")  # the counsellor's own echo
    heard.set()
    greeting = await guest.expect("message", sender="counsellor")
    assert greeting["conversation"] == conversation
    for client in (camille, guest):
        await client.close()


async def test_the_visitor_is_called_while_offered_and_told_when_the_offer_passes() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    offer = (await camille.expect("offer"))["offer"]
    called = await guest.expect("calling")
    assert called["active"] is True

    await camille.send(type="decline", visitor=offer["visitor"])
    passed = await guest.expect("calling")
    assert passed["active"] is False and passed["version"] > called["version"]

    karim = await counsellor("karim", ["find-a-job"])
    again = (await karim.expect("offer"))["offer"]
    assert (await guest.expect("calling"))["active"] is True
    await karim.send(type="accept", visitor=again["visitor"])
    await guest.expect("matched")
    for client in (camille, karim, guest):
        await client.close()
