"""A figure for every way a visit ends, through the real consumers (issue 11, item 1).

Each test plays one ending and reads back the one VisitRecord (or RoomAttendance) it wrote:
what a manager's report will count, and nothing that could single anyone out.
"""

from __future__ import annotations

import time

import pytest
from channels.db import database_sync_to_async
from django.db import DatabaseError
from django.utils import timezone

from chat.presence import presence
from chat.runtime import desk_runtime
from tests.integration.people import (
    counsellor,
    matched_pair,
    refused,
    visitor,
    waiting_visitor,
)
from tests.integration.room_people import facilitator, participant, seated, with_capacity
from tests.waiting import eventually
from virtualcite.figures.models import RoomAttendance, VisitRecord
from virtualcite.models import ClosedDate, Pole

pytestmark = pytest.mark.usefixtures("live_desk")

# What a record may hold: anything else (a token, a pseudonym, text) would be a leak.
FIELDS = {"id", "conversation_id", "pole", "institution", "arrival_hour", "wait_seconds",
          "duration_seconds", "outcome", "ended_by", "outcome_tags", "rating", "is_demo"}


async def records(count: int = 1) -> list[VisitRecord]:
    """The visit records, once `count` are written (the handler runs after the change)."""
    def read() -> list[VisitRecord]:
        return list(VisitRecord.objects.order_by("id"))
    await eventually(database_sync_to_async(read), lambda rows: len(rows) >= count,
                     what=f"{count} visit record(s)")
    rows = await database_sync_to_async(read)()
    assert len(rows) == count, [(row.outcome, row.pole) for row in rows]
    return rows


def the_hour() -> object:
    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


async def later(seconds: float) -> None:
    """Move the desk's clock on and run one maintenance step."""
    runtime = desk_runtime()
    moment = time.time() + seconds
    runtime.clock = lambda: moment
    await presence.maintain_once()


def test_a_record_keeps_only_the_anonymous_fields() -> None:
    assert {field.name for field in VisitRecord._meta.get_fields()} == FIELDS


async def test_a_conversation_the_visitor_ends_is_served_and_ended_by_the_visitor() -> None:
    _camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await guest.send(type="end")
    await guest.expect("ended")

    (record,) = await records()
    assert (record.outcome, record.ended_by, record.pole) == ("served", "visitor", "find-a-job")
    assert record.conversation_id == conversation and record.institution != ""
    assert record.duration_seconds is not None and record.arrival_hour == the_hour()


async def test_a_conversation_the_counsellor_ends_is_served_with_its_tags() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="end", conversation=conversation, outcome_tags=["referral"])
    await guest.expect("ended")

    (record,) = await records()
    assert (record.outcome, record.ended_by, record.outcome_tags) == (
        "served", "counsellor", ["referral"])


async def test_a_visitor_who_leaves_the_queue_abandoned_it() -> None:
    guest, _token = await waiting_visitor("find-a-job")
    await guest.send(type="leave")
    await guest.expect("left")

    (record,) = await records()
    assert (record.outcome, record.ended_by, record.conversation_id) == (
        "abandoned", "visitor", "")
    assert record.duration_seconds is None and record.institution == ""


async def test_a_waiting_visitor_whose_grace_ran_out_is_lost() -> None:
    guest, _token = await waiting_visitor("find-a-job")
    await guest.close()
    await later(desk_runtime().config.visitor_grace + desk_runtime().config.lease_ttl + 1)

    (record,) = await records()
    assert (record.outcome, record.conversation_id) == ("lost", "")
    assert record.wait_seconds >= desk_runtime().config.visitor_grace


async def test_a_visitor_lost_mid_conversation_ends_it_as_lost() -> None:
    _camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await guest.close()
    await later(desk_runtime().config.visitor_grace + desk_runtime().config.lease_ttl + 1)

    (record,) = await records()
    assert (record.outcome, record.conversation_id) == ("lost", conversation)


async def test_a_transfer_records_the_first_leg_and_the_visit_goes_on() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="transfer", conversation=conversation, pole="find-training")
    await guest.expect("transferred")

    (record,) = await records()
    assert (record.outcome, record.pole, record.ended_by) == (
        "transferred", "find-a-job", "counsellor")
    karim = await counsellor("karim", ["find-training"])
    offer = (await karim.expect("offer"))["offer"]
    await karim.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    await guest.send(type="end")
    await guest.expect("ended")
    first, second = await records(2)
    assert first.conversation_id == conversation
    assert (second.outcome, second.pole) == ("served", "find-training")


async def test_a_lost_counsellor_records_the_leg_and_the_visitor_is_requeued() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.close()
    await later(desk_runtime().config.lease_ttl + 1)
    await guest.expect("requeued")

    (record,) = await records()
    assert (record.outcome, record.conversation_id) == ("counsellor_lost", conversation)


async def test_a_blocked_visitor_ends_the_conversation_as_blocked() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="block", conversation=conversation, hours=1)
    await guest.expect("blocked")

    (record,) = await records()
    assert (record.outcome, record.ended_by) == ("blocked", "counsellor")


async def test_a_join_to_a_closed_pole_is_a_refused_visit() -> None:
    await database_sync_to_async(lambda: ClosedDate.objects.create(
        pole=Pole.objects.get(slug="find-a-job"), day=timezone.localdate()))()
    desk_runtime().directory.invalidate()
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    await refused(guest, "pole_closed")

    (record,) = await records()
    assert (record.outcome, record.pole, record.wait_seconds) == (
        "refused_closed", "find-a-job", 0)


async def test_a_join_to_a_full_queue_is_a_refused_visit() -> None:
    await database_sync_to_async(
        lambda: Pole.objects.filter(slug="find-a-job").update(queue_capacity=1))()
    desk_runtime().directory.invalidate()
    _first, _token = await waiting_visitor("find-a-job")
    second = await visitor()
    await second.send(type="join", pole="find-a-job")
    await refused(second, "queue_full")

    (record,) = await records()
    assert record.outcome == "refused_full"


async def test_a_blocked_token_joining_again_is_a_refused_visit() -> None:
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="block", conversation=conversation, hours=1)
    await guest.expect("blocked")
    await guest.send(type="join", pole="find-a-job")
    await refused(guest, "blocked")

    _blocked, refusal = await records(2)
    assert refusal.outcome == "refused_blocked"


async def test_an_unknown_pole_is_no_visit() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="astrology")
    await refused(guest, "unknown_pole")
    await guest.send(type="join", pole="find-a-job")
    await guest.expect("queued")
    await guest.send(type="leave")
    await guest.expect("left")

    (record,) = await records()  # the abandonment only
    assert record.outcome == "abandoned"


async def test_a_rating_lands_on_its_conversations_record_only() -> None:
    _camille, guest, conversation = await matched_pair("camille", "find-a-job")
    other, _token = await waiting_visitor("find-training")
    await other.send(type="leave")
    await other.expect("left")
    await guest.send(type="end")
    await guest.expect("ended")
    await guest.send(type="rate", conversation=conversation, score=4)
    await guest.expect("rated")

    rows = await records(2)
    assert {(row.outcome, row.rating) for row in rows} == {("abandoned", None), ("served", 4)}


async def test_a_database_error_loses_the_figure_never_the_conversation(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(VisitRecord.objects, "bulk_create", broken)
    camille, guest, conversation = await matched_pair("camille", "find-a-job")
    await camille.send(type="end", conversation=conversation)
    assert (await guest.expect("ended"))["conversation"] == conversation
    async def logged() -> str:
        return caplog.text

    await eventually(logged, lambda text: "could not record" in text,
                     what="the lost figure's log line")
    await guest.send(type="join", pole="find-a-job")  # the desk goes on
    await guest.expect("queued")


async def test_a_room_session_records_its_attendance_when_it_closes() -> None:
    await with_capacity(1)
    nadia = await facilitator()
    first, _ = await seated()
    second = await participant()
    await second.send(type="join")
    assert (await second.expect("room_welcome"))["me"]["position"] == 1  # no seat left: waits
    await first.send(type="leave")  # leaves early; the waiting one is seated
    await first.expect("room_left")
    await nadia.send(type="close")
    await second.expect("room_left")

    def read() -> list[RoomAttendance]:
        return list(RoomAttendance.objects.all())
    (session,) = await eventually(database_sync_to_async(read), bool, what="the attendance")
    assert (session.admitted, session.waited, session.left_early) == (2, 1, 1)
    assert session.pole != "" and session.opened_hour == the_hour()
