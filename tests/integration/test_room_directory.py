"""The rooms' directory: what the live side reads, in a constant number of queries, cached."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rooms.directory import RoomDirectory, room_infos_list
from rooms.models import Room, RoomSchedule, RoomStep, ScheduleKind
from virtualcite.demo import DEMO_ROOMS, load_demo
from virtualcite.models import Pole, Resource, Role, StaffProfile
from virtualcite.resource_cards import resource_card

# A Tuesday in winter, 15:00 at the Cité.
TUESDAY_3PM = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.get_default_timezone())


def make_pole(slug: str = "find-a-job") -> Pole:
    return Pole.objects.create(slug=slug, name=slug.replace("-", " ").capitalize())


def make_staff(username: str, role: Role | None) -> StaffProfile:
    user = User.objects.create_user(username=username)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return StaffProfile.objects.create(user=user, display_name=username.capitalize())


def make_room(pole: Pole, slug: str, *, weekday: int = 1, opens: time = time(14),
              closes: time = time(16), language: str = "fr") -> Room:
    room = Room.objects.create(pole=pole, slug=slug, title=f"Room {slug}", language=language,
                               capacity=8)
    RoomSchedule.objects.create(room=room, kind=ScheduleKind.WEEKLY, weekday=weekday,
                                opens_at=opens, closes_at=closes)
    return room


@pytest.mark.django_db
def test_the_demo_has_a_room_open_now_run_by_nadia_and_one_to_come() -> None:
    load_demo()
    load_demo()  # idempotent: no second copy of a room, a step or a session
    infos = {info.slug: info for info in room_infos_list()}
    assert set(infos) == {room.slug for room in DEMO_ROOMS}
    open_now, later = (infos[room.slug] for room in DEMO_ROOMS)
    nadia = User.objects.get(username="nadia")
    assert open_now.is_open and open_now.facilitator_ids == (str(nadia.pk),)
    assert open_now.opens_at is not None and open_now.closes_at is not None
    assert open_now.opens_at <= timezone.now().timestamp() < open_now.closes_at
    assert not later.is_open and later.opens_at is not None
    assert later.opens_at - timezone.now().timestamp() < 2 * 24 * 3600
    for info in infos.values():
        assert len(info.steps) == 3 and 1 <= len(info.resources) <= 2
        assert info.language == "fr"
    assert RoomStep.objects.count() == 6


@pytest.mark.django_db
def test_a_room_says_its_session_steps_resources_and_facilitators() -> None:
    pole = make_pole()
    room = make_room(pole, "cv-club")
    RoomStep.objects.create(room=room, order=2, title="Write", instructions="Three lines.")
    RoomStep.objects.create(room=room, order=1, title="Read", instructions="")
    shown = Resource.objects.create(pole=pole, title="Guide", kind="website",
                                    summary="See https://example.org/ <b>now</b>")
    hidden = Resource.objects.create(pole=pole, title="Draft", published=False)
    room.resources.set([shown, hidden])
    facilitator = make_staff("nadia", Role.FACILITATOR)
    counsellor = make_staff("camille", Role.COUNSELLOR)
    gone = make_staff("old", Role.FACILITATOR)
    gone.user.is_active = False
    gone.user.save()
    room.facilitators.set([facilitator, counsellor, gone])

    (info,) = room_infos_list(at=TUESDAY_3PM)
    assert (info.slug, info.title, info.pole, info.capacity) == ("cv-club", "Room cv-club",
                                                                 "find-a-job", 8)
    assert info.steps == ("Read", "Write")
    assert info.step_texts == (("Read", ""), ("Write", "Three lines."))
    assert [card.title for card in info.resources] == ["Guide"]
    assert info.resources[0].kind == "Site web"  # said in the room's language
    assert "&lt;b&gt;" in info.resources[0].summary_html
    assert 'href="https://example.org/"' in info.resources[0].summary_html
    assert info.facilitator_ids == (str(facilitator.user_id),)
    assert info.is_open
    assert info.opens_at == TUESDAY_3PM.replace(hour=14).timestamp()
    assert info.closes_at == TUESDAY_3PM.replace(hour=16).timestamp()

    (later,) = room_infos_list(at=TUESDAY_3PM.replace(hour=17))
    assert not later.is_open
    assert later.opens_at == (TUESDAY_3PM.replace(hour=14) + timedelta(days=7)).timestamp()


@pytest.mark.django_db
def test_an_english_room_says_its_cards_kind_in_english() -> None:
    pole = make_pole()
    room = make_room(pole, "english-club", language="en")
    room.resources.set([Resource.objects.create(pole=pole, title="Guide", kind="website")])
    (info,) = room_infos_list(at=TUESDAY_3PM)
    assert info.resources[0].kind == "Website"


@pytest.mark.django_db
def test_inactive_rooms_and_rooms_of_inactive_poles_are_left_out() -> None:
    pole = make_pole()
    closed_pole = make_pole("old-pole")
    make_room(pole, "kept")
    Room.objects.filter(pk=make_room(pole, "retired").pk).update(active=False)
    make_room(closed_pole, "orphan")
    closed_pole.active = False
    closed_pole.save()
    assert [info.slug for info in room_infos_list(at=TUESDAY_3PM)] == ["kept"]
    assert room_infos_list(at=TUESDAY_3PM, slug="retired") == []


@pytest.mark.django_db
def test_a_room_with_no_session_ahead_has_no_times() -> None:
    room = Room.objects.create(pole=make_pole(), slug="someday", title="Someday")
    RoomSchedule.objects.create(room=room, kind=ScheduleKind.ONE_OFF, date=date(2020, 1, 1),
                                opens_at=time(10), closes_at=time(11))
    (info,) = room_infos_list(at=TUESDAY_3PM)
    assert (info.is_open, info.opens_at, info.closes_at) == (False, None, None)


@pytest.mark.django_db
def test_every_room_is_read_in_the_same_few_queries_whatever_their_number(
        django_assert_max_num_queries: object) -> None:
    def build(count: int, start: int) -> None:
        pole = make_pole(f"pole-{start}")
        resource = Resource.objects.create(pole=pole, title=f"Guide {start}")
        for index in range(start, start + count):
            room = make_room(pole, f"room-{index}", weekday=index % 7)
            RoomSchedule.objects.create(room=room, kind=ScheduleKind.ONE_OFF,
                                        date=date(2026, 11, 25), opens_at=time(9),
                                        closes_at=time(10))
            RoomStep.objects.create(room=room, order=1, title="Step")
            room.resources.set([resource])
            room.facilitators.set([make_staff(f"facilitator-{index}", Role.FACILITATOR)])

    build(1, 0)
    with CaptureQueriesContext(connection) as one_room:
        assert len(room_infos_list(at=TUESDAY_3PM)) == 1
    build(6, 1)
    with django_assert_max_num_queries(len(one_room)):  # type: ignore[operator]
        infos = room_infos_list(at=TUESDAY_3PM)
    assert len(infos) == 7
    assert all(info.facilitator_ids and info.resources and info.steps for info in infos)
    assert len(one_room) <= 5


@pytest.mark.django_db(transaction=True)
async def test_the_directory_is_cached_until_invalidated() -> None:
    from channels.db import database_sync_to_async

    def setup() -> None:
        make_room(make_pole(), "first")

    def add_second() -> None:
        make_room(Pole.objects.get(slug="find-a-job"), "second")

    await database_sync_to_async(setup)()
    directory = RoomDirectory()
    assert [info.slug for info in await directory.rooms()] == ["first"]
    await database_sync_to_async(add_second)()
    assert await directory.room("second") is None  # still the cached read
    directory.invalidate()
    second = await directory.room("second")
    assert second is not None and second.slug == "second"
    assert await directory.room("nowhere") is None


@pytest.mark.django_db(transaction=True)
async def test_a_facilitator_may_post_a_published_resource_only() -> None:
    from channels.db import database_sync_to_async

    def setup() -> tuple[int, int]:
        pole = make_pole()
        published = Resource.objects.create(pole=pole, title="Guide", url="https://example.org/")
        draft = Resource.objects.create(pole=pole, title="Draft", published=False)
        return published.pk, draft.pk

    published, draft = await database_sync_to_async(setup)()
    card = await resource_card(published)
    assert card is not None and (card.id, card.title, card.url) == (
        published, "Guide", "https://example.org/")
    assert await resource_card(draft) is None
    assert await resource_card(draft + 1000) is None


def test_the_demo_room_is_open_around_its_loading_even_just_before_midnight() -> None:
    from rooms.schedule import ScheduleEntry, current_session
    from virtualcite.demo import _around

    zone = timezone.get_default_timezone()
    late = datetime(2026, 11, 24, 23, 40, tzinfo=zone)
    pieces = _around(late)
    assert [day for day, _opens, _closes in pieces] == [date(2026, 11, 24), date(2026, 11, 25)]
    entries = [ScheduleEntry(day=day, opens=opens, closes=closes)
               for day, opens, closes in pieces]
    session = current_session(entries, at=late, zone=zone)
    assert session is not None
    assert session.start == datetime(2026, 11, 24, 22, 30, tzinfo=zone)
    assert session.end == datetime(2026, 11, 25, 2, 45, tzinfo=zone)
