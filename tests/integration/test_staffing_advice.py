"""The staffing advice from real visit figures in the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from virtualcite.figures.models import Outcome, VisitRecord
from virtualcite.models import DEFAULT_MAX_CONVERSATIONS, Pole, Role, StaffProfile
from virtualcite.staffing.advice import (
    DEFAULT_HANDLE_SECONDS,
    SETTINGS_SECONDS,
    StaffingAdvisor,
    aadvice_at,
    advisor,
)
from virtualcite.staffing.erlang import agents_needed, erlang_a_agents_needed

pytestmark = pytest.mark.django_db

# A Monday morning; the history is the four weeks before that day.
AT = timezone.make_aware(datetime(2026, 11, 30, 10, 20))
assert AT.weekday() == 0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staffing(clock: Clock) -> StaffingAdvisor:
    return StaffingAdvisor(clock=clock)


@pytest.fixture(autouse=True)
def fresh_advisor() -> Iterator[None]:
    advisor.clear()
    yield
    advisor.clear()


def pole(slug: str = "find-training", **fields: object) -> Pole:
    return Pole.objects.create(slug=slug, name=slug.replace("-", " ").title(), **fields)


def counsellor(username: str, poles: list[Pole], max_conversations: int) -> StaffProfile:
    user = User.objects.create(username=username)
    user.groups.add(Group.objects.get(name=Role.COUNSELLOR.value))
    profile = StaffProfile.objects.create(user=user, display_name=username.title(),
                                          max_conversations=max_conversations)
    profile.poles.set(poles)
    return profile


def visits(slug: str, *, weeks_ago: range, hour: int = 10, count: int,
           outcome: Outcome = Outcome.SERVED, wait: int = 60, duration: int | None = 600,
           weekday_shift: int = 0, is_demo: bool = False) -> None:
    """`count` visits at `hour` of the Monday (plus `weekday_shift` days) of each week ago."""
    rows = []
    for ago in weeks_ago:
        day = AT.date() - timedelta(weeks=ago) + timedelta(days=weekday_shift)
        arrival = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
        rows += [VisitRecord(pole=slug, arrival_hour=arrival, wait_seconds=wait,
                             duration_seconds=duration, outcome=outcome, is_demo=is_demo)
                 for _ in range(count)]
    VisitRecord.objects.bulk_create(rows)


def test_a_busy_hour_needs_the_erlang_c_slots_shared_among_the_counsellors(
        staffing: StaffingAdvisor) -> None:
    training = pole()
    counsellor("karim", [training], max_conversations=2)
    counsellor("lea", [training], max_conversations=2)
    visits("find-training", weeks_ago=range(1, 5), count=18)  # 18 an hour, of 10 minutes

    advice = staffing.advice_at(AT)["find-training"]

    assert advice.arrivals_per_hour == 18
    assert advice.handle_seconds == 600
    assert advice.patience_seconds is None  # nobody gave up: Erlang C
    assert advice.slots_per_counsellor == 2
    slots = agents_needed(traffic=3.0, handle_seconds=600, target_seconds=180, level=0.8)
    assert slots == 5
    assert advice.needed == 3  # five conversations at once, two per counsellor
    assert (advice.target_level, advice.target_wait_seconds) == (80, 180)
    assert advice.visits == 72
    with translation.override("en"):
        assert advice.sentence(2) == "2 online, 3 needed for 80 % in 3 min"
    with translation.override("fr"):
        assert advice.sentence(2) == "2 en ligne, 3 nécessaires pour 80 % en 3 min"


def test_the_pole_s_own_targets_are_the_ones_advised_for(staffing: StaffingAdvisor) -> None:
    pole(target_service_level=95, target_wait_seconds=90)
    visits("find-training", weeks_ago=range(1, 5), count=12)
    advice = staffing.advice_at(AT)["find-training"]
    slots = agents_needed(traffic=2.0, handle_seconds=600, target_seconds=90, level=0.95)
    assert advice.slots_per_counsellor == DEFAULT_MAX_CONVERSATIONS  # nobody serves it yet
    assert advice.needed == -(-slots // DEFAULT_MAX_CONVERSATIONS)
    with translation.override("en"):
        assert advice.sentence(0) == f"0 online, {advice.needed} needed for 95 % in 90 s"


def test_only_that_weekday_s_hour_counts_and_quiet_hours_need_nobody(
        staffing: StaffingAdvisor) -> None:
    pole()
    visits("find-training", weeks_ago=range(1, 5), count=12)
    visits("find-training", weeks_ago=range(1, 5), hour=15, count=2)
    visits("find-training", weeks_ago=range(1, 5), count=40, weekday_shift=1)  # Tuesdays
    advice = staffing.advice_at(AT)
    assert advice["find-training"].arrivals_per_hour == 12
    afternoon = staffing.advice_at(AT.replace(hour=15))["find-training"]
    assert afternoon.arrivals_per_hour == 2
    night = staffing.advice_at(AT.replace(hour=3))["find-training"]
    assert (night.arrivals_per_hour, night.needed) == (0, 0)


def test_legs_that_go_on_elsewhere_and_visits_refused_while_closed_are_not_arrivals(
        staffing: StaffingAdvisor) -> None:
    pole()
    visits("find-training", weeks_ago=range(1, 5), count=12)
    for outcome in (Outcome.TRANSFERRED, Outcome.COUNSELLOR_LOST):
        visits("find-training", weeks_ago=range(1, 5), count=5, outcome=outcome)
    visits("find-training", weeks_ago=range(1, 5), count=30, outcome=Outcome.REFUSED_CLOSED,
           wait=0, duration=None)
    visits("find-training", weeks_ago=range(1, 5), count=1, outcome=Outcome.REFUSED_FULL,
           wait=0, duration=None)
    advice = staffing.advice_at(AT)["find-training"]
    assert advice.arrivals_per_hour == 13  # the visitor turned away by a full queue counts
    assert advice.handle_seconds == 600  # transferred legs were conversations too


def test_too_little_history_gives_no_advice(staffing: StaffingAdvisor) -> None:
    pole()
    pole("create-business")
    visits("find-training", weeks_ago=range(1, 3), count=5)  # ten visits in all
    advice = staffing.advice_at(AT)
    assert advice["find-training"].needed is None
    assert advice["create-business"].needed is None
    assert advice["create-business"].handle_seconds == DEFAULT_HANDLE_SECONDS
    with translation.override("fr"):
        assert advice["find-training"].sentence(1) == (
            "1 en ligne, trop peu d’historique pour conseiller")


def test_durations_fall_back_to_the_pole_s_mean_then_to_the_default(
        staffing: StaffingAdvisor) -> None:
    pole()
    pole("change-career")
    visits("find-training", weeks_ago=range(1, 5), count=1, duration=300)  # 4 at 10:00
    visits("find-training", weeks_ago=range(1, 5), hour=14, count=5, duration=900)
    # Visits without a conversation (they gave up): no duration measured at all.
    visits("change-career", weeks_ago=range(1, 5), count=6, outcome=Outcome.ABANDONED,
           duration=None)
    advice = staffing.advice_at(AT)
    assert advice["find-training"].handle_seconds == (4 * 300 + 20 * 900) / 24
    assert staffing.advice_at(AT.replace(hour=14))["find-training"].handle_seconds == 900
    assert advice["change-career"].handle_seconds == DEFAULT_HANDLE_SECONDS


def test_measured_abandonment_gives_the_patience_and_erlang_a(staffing: StaffingAdvisor) -> None:
    pole()
    visits("find-training", weeks_ago=range(1, 5), count=12, wait=100)
    visits("find-training", weeks_ago=range(1, 5), count=2, outcome=Outcome.ABANDONED,
           wait=200, duration=None)
    advice = staffing.advice_at(AT)["find-training"]
    # 48 x 100 s + 8 x 200 s waited, 8 gave up: a mean patience of 800 s.
    assert advice.patience_seconds == 800
    assert advice.arrivals_per_hour == 14
    slots = erlang_a_agents_needed(traffic=14 * 600 / 3600, handle_seconds=600,
                                   patience_seconds=800, target_seconds=180, level=0.8)
    assert advice.needed == -(-slots // DEFAULT_MAX_CONVERSATIONS)


def test_a_young_desk_is_averaged_over_the_weeks_it_has(staffing: StaffingAdvisor) -> None:
    pole()
    visits("find-training", weeks_ago=range(1, 2), count=24)  # one Monday of history
    assert staffing.advice_at(AT)["find-training"].arrivals_per_hour == 24


def test_demo_figures_count_and_older_ones_do_not(staffing: StaffingAdvisor) -> None:
    pole()
    visits("find-training", weeks_ago=range(1, 5), count=6, is_demo=True)
    visits("find-training", weeks_ago=range(1, 5), count=6)
    visits("find-training", weeks_ago=range(5, 9), count=50)  # before the four weeks
    visits("find-training", weeks_ago=range(0, 1), count=50)  # today: not yet history
    assert staffing.advice_at(AT)["find-training"].arrivals_per_hour == 12


def test_inactive_poles_get_no_advice(staffing: StaffingAdvisor) -> None:
    pole()
    pole("old-pole", active=False)
    assert set(staffing.advice_at(AT)) == {"find-training"}


def test_the_advice_is_cached_and_a_target_edit_shows_after_a_minute(
        staffing: StaffingAdvisor, clock: Clock) -> None:
    training = pole()
    visits("find-training", weeks_ago=range(1, 5), count=12)
    first = staffing.advice_at(AT)
    with CaptureQueriesContext(connection) as queries:
        assert staffing.advice_at(AT + timedelta(minutes=30)) is first
    assert len(queries) == 0
    Pole.objects.filter(pk=training.pk).update(target_service_level=95)
    clock.now += SETTINGS_SECONDS + 1
    with CaptureQueriesContext(connection) as queries:
        again = staffing.advice_at(AT)["find-training"]
    assert again.target_level == 95
    assert len(queries) == 2  # the poles and their counsellors; the history is still fresh


@pytest.mark.django_db(transaction=True)
async def test_async_callers_get_the_same_advice() -> None:
    from channels.db import database_sync_to_async

    await database_sync_to_async(pole)()
    await database_sync_to_async(visits)("find-training", weeks_ago=range(1, 5), count=12)
    advice = await aadvice_at(AT)
    assert advice["find-training"].arrivals_per_hour == 12


def test_the_rota_s_peak_need_is_the_busiest_hour_of_that_weekday(
        staffing: StaffingAdvisor) -> None:
    training = pole()
    counsellor("karim", [training], max_conversations=2)
    counsellor("lea", [training], max_conversations=2)
    visits("find-training", weeks_ago=range(1, 5), count=18)  # Mondays 10:00, needs 3
    visits("find-training", weeks_ago=range(1, 5), hour=15, count=6)  # Mondays 15:00, fewer
    next_monday, next_tuesday = AT.date() + timedelta(weeks=1), AT.date() + timedelta(days=8)

    needs = staffing.peak_needs([next_monday, next_tuesday], today=AT.date())

    assert needs[(next_monday, "find-training")] == staffing.advice_at(AT)["find-training"].needed
    assert needs[(next_monday, "find-training")] == 3
    assert needs[(next_tuesday, "find-training")] == 0  # nobody ever came on a Tuesday


def test_the_rota_page_shows_the_peak_need_beside_the_planned(client: Client) -> None:
    from virtualcite.demo import load_demo

    load_demo()
    manager = User.objects.get(username="marc")
    client.force_login(manager)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    rows = [VisitRecord(pole="find-a-job", wait_seconds=30, duration_seconds=900,
                        outcome=Outcome.SERVED,
                        arrival_hour=timezone.make_aware(datetime.combine(
                            monday - timedelta(weeks=ago), datetime.min.time())
                            + timedelta(hours=10)))
            for ago in range(1, 5) for _ in range(30)]
    VisitRecord.objects.bulk_create(rows)

    with translation.override("en"):
        page = client.get("/en/manage/rota/").content.decode()
    assert "needed at peak" in page
