"""A room end to end through the real consumers: seats, waiting list, hosting, refusals."""

from __future__ import annotations

import time

import pytest

from rooms.runtime import rooms_runtime
from tests.integration.desk_client import DeskClient
from tests.integration.people import closed_with, refused
from tests.integration.room_people import (
    ROOM,
    facilitator,
    host_socket,
    participant,
    seated,
    with_capacity,
)
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.usefixtures("live_desk")


async def test_a_full_room_seats_in_order_and_hands_the_freed_seat_to_the_first_waiting() -> None:
    await with_capacity(2)
    nadia = await facilitator()
    first, _ = await seated()
    second, _ = await seated()
    third = await participant()
    await third.send(type="join")
    waiting = await third.expect("room_welcome")
    assert (waiting["me"]["seated"], waiting["me"]["position"]) == (False, 1)
    await nadia.expect("seats", seated=2, waiting=1)

    await first.send(type="leave")
    assert (await first.expect("room_left"))["reason"] == "left"

    now_seated = await third.expect("room_state")
    assert now_seated["me"]["seated"] and now_seated["me"]["position"] is None
    gone = await second.expect("participant_gone")
    assert gone["reason"] == "left"


async def test_messages_reach_the_seated_and_the_hosts_never_the_waiting_list() -> None:
    await with_capacity(1)
    nadia = await facilitator()
    talker, welcome = await seated()
    outside = await participant()
    await outside.send(type="join")
    await outside.expect("room_welcome")

    await talker.send(type="message", text="Bonjour à tous", client_id="m1")
    heard = await nadia.expect("message")
    assert (heard["author"], heard["handle"], heard["html"]) == (
        welcome["me"]["pseudonym"], welcome["me"]["handle"], "Bonjour à tous")
    assert (await talker.expect("message"))["client_id"] == "m1"  # its acknowledgement

    await outside.send(type="message", text="Et moi ?", client_id="m2")
    refusal = await refused(outside, "not_seated", frame="message")
    assert refusal["client_id"] == "m2"
    await nadia.send(type="message", text="Bienvenue")
    assert (await talker.expect("message"))["role"] == "facilitator"
    assert all(f["type"] != "message" for f in outside.seen)


async def test_hands_floor_mute_and_slow_mode_as_the_facilitator_sets_them() -> None:
    await with_capacity(3)
    nadia = await facilitator()
    amy, amy_welcome = await seated()
    ben, ben_welcome = await seated()
    amy_handle, ben_handle = amy_welcome["me"]["handle"], ben_welcome["me"]["handle"]

    await ben.send(type="hand", raised=True)
    await nadia.expect("hands", hands=[ben_handle])
    await amy.send(type="hand", raised=True)
    await nadia.expect("hands", hands=[ben_handle, amy_handle])

    await nadia.send(type="floor", participant=ben_handle)
    await amy.expect("floor", handle=ben_handle)
    await nadia.expect("hands", hands=[amy_handle])

    await nadia.send(type="mute", participant=amy_handle, muted=True)
    assert (await amy.expect("you"))["me"]["muted"]
    await amy.send(type="message", text="Je peux ?")
    await refused(amy, "muted", frame="message")

    await nadia.send(type="slow_mode", seconds=60)
    await ben.expect("slow_mode", seconds=60)
    await ben.send(type="message", text="Un")
    await ben.expect("message")
    await ben.send(type="message", text="Deux")
    slow = await refused(ben, "slow_mode", frame="message")
    assert "60" in slow["message"] or "59" in slow["message"]
    assert slow["retry_after"] in (59, 60)  # the same wait, for the page to count down


async def test_a_removed_participant_cannot_come_back_today() -> None:
    await with_capacity(2)
    nadia = await facilitator()
    guest, welcome = await seated()
    token = welcome["token"]

    await nadia.send(type="remove", participant=welcome["me"]["handle"])
    assert (await guest.expect("room_left"))["reason"] == "removed"
    await guest.close()

    again = await participant(token=token)
    await again.send(type="join")
    await refused(again, "removed", frame="join")
    await nadia.send(type="remove", participant=welcome["me"]["handle"])
    await refused(nadia, "unknown_participant", frame="remove")


async def test_a_reload_resumes_the_seat_and_late_joiners_see_no_history() -> None:
    await with_capacity(3)
    nadia = await facilitator()
    guest, welcome = await seated()
    await guest.send(type="message", text="Un message d'avant")
    await guest.expect("message")
    await nadia.send(type="next_step")
    await guest.expect("step")
    await guest.close()

    back = await participant(token=welcome["token"])
    resumed = back.seen[-1]
    assert resumed["me"]["handle"] == welcome["me"]["handle"] and resumed["me"]["seated"]
    late, late_welcome = await seated()
    room = late_welcome["room"]
    assert room["step"]["index"] == 0 and room["seated"] == 2
    assert "Un message d'avant" not in str(late.seen)


async def test_a_room_not_yet_open_keeps_its_lobby_and_opens_in_arrival_order() -> None:
    await with_capacity(1)
    early = await participant()
    await early.send(type="join")
    assert (await early.expect("room_welcome"))["me"]["position"] == 1
    later = await participant()
    await later.send(type="join")
    assert (await later.expect("room_welcome"))["me"]["position"] == 2

    await facilitator()

    assert (await early.expect("room_state"))["me"]["seated"]
    places = [(await later.expect("you"))["me"]["position"] for _ in range(2)]
    assert places == [2, 1]  # the join's own event, then the place after the opening


async def test_the_room_pauses_when_its_last_facilitator_is_gone_and_closes_after_the_grace(
) -> None:
    await with_capacity(2)
    nadia = await facilitator()
    guest, _ = await seated()
    await nadia.close()
    runtime = rooms_runtime()
    grace = runtime.config.away_lease + 1
    runtime.clock = lambda: time.time() + grace

    paused = await guest.expect("room_status", timeout=6)
    assert (paused["status"], paused["reason"]) == ("paused", "facilitator_away")
    await guest.send(type="message", text="Il y a quelqu'un ?")
    await refused(guest, "room_not_open", frame="message")

    later = runtime.config.facilitator_grace + grace + 1
    runtime.clock = lambda: time.time() + later
    assert (await guest.expect("room_left", timeout=6))["reason"] == "room_closed"


async def test_only_the_rooms_facilitators_may_host_it() -> None:
    nobody = DeskClient(f"/ws/room/{ROOM}/host/")
    assert (await nobody.connect())[0]
    await closed_with(nobody, CloseCode.UNAUTHENTICATED)
    counsellor = await host_socket("camille")
    await closed_with(counsellor, CloseCode.FORBIDDEN)
    unknown = DeskClient("/ws/room/no-such-room/")
    assert (await unknown.connect())[0]
    await closed_with(unknown, CloseCode.UNKNOWN_ROOM)


async def test_a_facilitator_taken_off_the_room_or_out_of_the_role_is_refused_at_once() -> None:
    from channels.db import database_sync_to_async
    from django.contrib.auth.models import Group

    from rooms.models import Room
    from virtualcite.models import StaffProfile

    nadia = await facilitator()
    await database_sync_to_async(
        lambda: Room.objects.get(slug=ROOM).facilitators.clear())()
    rooms_runtime().directory.invalidate()  # as after its 5 s
    await nadia.send(type="next_step")  # the very next frame, not 30 s later
    await refused(nadia, "forbidden")
    await closed_with(nadia, CloseCode.FORBIDDEN)

    def put_back_on_the_room() -> StaffProfile:
        profile = StaffProfile.objects.get(user__username="nadia")
        Room.objects.get(slug=ROOM).facilitators.add(profile)
        return profile

    profile = await database_sync_to_async(put_back_on_the_room)()
    rooms_runtime().directory.invalidate()
    again = await facilitator(open_room=False)
    await database_sync_to_async(
        lambda: profile.user.groups.remove(Group.objects.get(name="facilitator")))()
    rooms_runtime().directory.invalidate()
    await again.send(type="message", text="Encore là ?")
    await refused(again, "forbidden")
    await closed_with(again, CloseCode.FORBIDDEN)


async def test_two_facilitators_co_run_a_room_and_it_pauses_only_when_both_are_gone() -> None:
    from channels.db import database_sync_to_async
    from django.contrib.auth.models import Group

    from rooms.models import Room
    from virtualcite.models import StaffProfile

    def make_hugo_a_co_host() -> None:
        hugo = StaffProfile.objects.get(user__username="hugo")
        hugo.user.groups.add(Group.objects.get(name="facilitator"))
        Room.objects.get(slug=ROOM).facilitators.add(hugo)

    await database_sync_to_async(make_hugo_a_co_host)()
    rooms_runtime().directory.invalidate()
    nadia = await facilitator()
    hugo = await facilitator("hugo", open_room=False)
    guest, welcome = await seated()
    assert sorted(f["name"] for f in welcome["room"]["facilitators"]) == ["Hugo", "Nadia"]

    await nadia.close()
    runtime = rooms_runtime()
    later = runtime.config.away_lease + 1
    runtime.clock = lambda: time.time() + later
    await hugo.send(type="message", text="Je reste là")
    assert (await guest.expect("message"))["author"] == "Hugo"
    facilitators = await guest.expect("facilitators", timeout=6)
    assert [f["name"] for f in facilitators["facilitators"]] == ["Hugo"]
    assert all(f["type"] != "room_status" for f in guest.seen)

    await hugo.close()
    runtime.clock = lambda: time.time() + 2 * later
    assert (await guest.expect("room_status", timeout=6))["status"] == "paused"


async def test_a_room_whose_sockets_all_left_this_process_is_no_longer_maintained_here() -> None:
    from rooms.presence import presence

    nadia = await facilitator()
    guest, _ = await seated()
    await presence.maintain_once()
    assert ROOM in presence.participants

    for client in (guest, nadia):
        await client.close()
    await presence.maintain_once()

    assert ROOM not in presence.participants and ROOM not in presence.facilitators
