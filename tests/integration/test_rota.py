"""The rota (issue 11, item 5): the planned shift's rules, the selectors the dashboard and the
desk read, the managers' rota page and the demo's planned weeks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from virtualcite.models import (
    ClosedDate,
    OpeningHours,
    PartnerInstitution,
    Pole,
    Role,
    StaffProfile,
)
from virtualcite.staffing.forms import PlannedShiftForm
from virtualcite.staffing.models import PlannedShift, closed_poles_errors, poles_errors
from virtualcite.staffing.rota import (
    local_midnight,
    next_shifts,
    planned_at,
    rota_week,
    week_start,
)
from virtualcite.staffing.rota_services import rota_week_copy

pytestmark = pytest.mark.django_db

# A Monday far from today, so that the page's "this week" never meets these tests' weeks.
MONDAY = date(2031, 3, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the Cité's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def staff(username: str, role: Role, *, poles: Sequence[Pole] = (),
          institution: PartnerInstitution | None = None) -> StaffProfile:
    user = User.objects.create_user(username=username, password="not-used")
    user.groups.set([Group.objects.get(name=role.value)])
    profile = StaffProfile.objects.create(user=user, display_name=username.title(),
                                          institution=institution)
    profile.poles.set(poles)
    return profile


def open_every_day(pole: Pole) -> Pole:
    """Open all day every day, as the demo's poles are: a shift's hours never clash with it."""
    OpeningHours.objects.bulk_create(OpeningHours(pole=pole, weekday=day, opens=time(0, 0),
                                                  closes=time(0, 0)) for day in range(7))
    return pole


@pytest.fixture
def jobs() -> Pole:
    return open_every_day(Pole.objects.create(slug="jobs", name="Trouver un emploi",
                                              name_en="Find a job", order=1))


@pytest.fixture
def training() -> Pole:
    return open_every_day(Pole.objects.create(slug="training", name="Trouver une formation",
                                              name_en="Find a training course", order=2))


@pytest.fixture
def business() -> Pole:
    return open_every_day(Pole.objects.create(slug="business", name="Créer son activité",
                                              name_en="Start your own business", order=3))


@pytest.fixture
def afpa() -> PartnerInstitution:
    return PartnerInstitution.objects.create(name="Agence de formation", short_name="AFPA")


@pytest.fixture
def camille(jobs: Pole, training: Pole, afpa: PartnerInstitution) -> StaffProfile:
    return staff("camille", Role.COUNSELLOR, poles=[jobs, training], institution=afpa)


@pytest.fixture
def karim(jobs: Pole) -> StaffProfile:
    return staff("karim", Role.COUNSELLOR, poles=[jobs])


@pytest.fixture
def manager() -> User:
    return staff("marc", Role.MANAGER).user


def plan(counsellor: StaffProfile, starts_at: datetime, ends_at: datetime,
         *poles: Pole) -> PlannedShift:
    """A shift saved after the model's checks, as the form saves it."""
    shift = PlannedShift(counsellor=counsellor, starts_at=starts_at, ends_at=ends_at)
    shift.full_clean()
    shift.save()
    shift.poles.set(poles or counsellor.poles.all())
    return shift


def refusal(shift: PlannedShift) -> list[str]:
    """The codes of what the model refuses in ``shift``."""
    with pytest.raises(ValidationError) as refused:
        shift.full_clean()
    return [error.code for error in refused.value.error_dict["__all__"]]  # type: ignore[misc]


# The planned shift's rules ----------------------------------------------------------------

def test_a_shift_must_end_after_it_starts(camille: StaffProfile) -> None:
    backwards = PlannedShift(counsellor=camille, starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 9))
    empty = PlannedShift(counsellor=camille, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 9))
    assert refusal(backwards) == ["ends_before"]
    assert refusal(empty) == ["ends_before"]


def test_a_shift_ends_on_its_day_midnight_included(camille: StaffProfile) -> None:
    plan(camille, at(MONDAY, 18), at(MONDAY + timedelta(days=1), 0))  # until midnight: fine
    late = PlannedShift(counsellor=camille, starts_at=at(MONDAY, 22),
                        ends_at=at(MONDAY + timedelta(days=1), 2))
    assert refusal(late) == ["next_day"]


def test_a_shift_lasts_twelve_hours_at_most(camille: StaffProfile) -> None:
    plan(camille, at(MONDAY, 8), at(MONDAY, 20))
    longer = PlannedShift(counsellor=camille, starts_at=at(MONDAY + timedelta(days=1), 7),
                          ends_at=at(MONDAY + timedelta(days=1), 20))
    assert refusal(longer) == ["too_long"]


def test_a_counsellor_is_never_planned_twice_at_once(camille: StaffProfile,
                                                      karim: StaffProfile) -> None:
    morning = plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    overlapping = PlannedShift(counsellor=camille, starts_at=at(MONDAY, 12),
                               ends_at=at(MONDAY, 16))
    inside = PlannedShift(counsellor=camille, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 11))
    assert refusal(overlapping) == ["overlap"]
    assert refusal(inside) == ["overlap"]
    plan(camille, at(MONDAY, 13), at(MONDAY, 17))  # back to back is no overlap
    plan(karim, at(MONDAY, 9), at(MONDAY, 13))  # another counsellor at the same time
    morning.ends_at = at(MONDAY, 12, 30)
    morning.full_clean()  # a shift never clashes with itself when it is changed


def test_a_shift_plans_a_counsellor_only_on_their_own_poles(
        camille: StaffProfile, jobs: Pole, business: Pole) -> None:
    assert poles_errors(counsellor=camille, poles=[jobs]) == []
    with translation.override("fr"):  # the pole is named in the page's language
        [foreign] = poles_errors(counsellor=camille, poles=[jobs, business])
    assert foreign.code == "foreign_pole"
    assert "Créer son activité" in foreign.messages[0]
    [none] = poles_errors(counsellor=camille, poles=[])
    assert none.code == "no_pole"


def test_the_form_reads_the_day_and_times_in_the_citys_time_zone(
        camille: StaffProfile, jobs: Pole) -> None:
    form = PlannedShiftForm({"counsellor": camille.pk, "poles": [jobs.pk],
                             "day": MONDAY.isoformat(), "starts": "18:00", "ends": "00:00"})
    assert form.is_valid(), form.errors
    shift = form.save()
    assert shift.starts_at == at(MONDAY, 18)
    assert shift.ends_at == local_midnight(MONDAY + timedelta(days=1))  # 00:00: midnight
    assert list(shift.poles.all()) == [jobs]
    assert str(timezone.get_current_timezone()) == "Europe/Paris"  # the default, in tests


def test_the_form_refuses_a_foreign_pole_and_a_double_booking_with_their_reasons(
        camille: StaffProfile, jobs: Pole, business: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    form = PlannedShiftForm({"counsellor": camille.pk, "poles": [business.pk],
                             "day": MONDAY.isoformat(), "starts": "12:00", "ends": "15:00"})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["poles"] == [
            "Start your own business: not among the poles of Camille (their profile's)."]
        assert form.non_field_errors() == [
            "Camille is already planned from 09:00 to 13:00 that day."]
    assert PlannedShift.objects.count() == 1


def test_the_form_refuses_a_pole_closed_for_the_whole_shift(camille: StaffProfile,
                                                             jobs: Pole) -> None:
    """Mondays 14:00-18:00 only, and closed on one Monday: a morning shift there, or any shift
    that Monday, would be offered nobody; an afternoon that meets the hours is fine."""
    jobs.opening_hours.all().delete()
    OpeningHours.objects.create(pole=jobs, weekday=MONDAY.weekday(), opens=time(14, 0),
                                closes=time(18, 0))
    ClosedDate.objects.create(pole=jobs, day=MONDAY + timedelta(days=7))

    def form(day: date, starts: str, ends: str) -> PlannedShiftForm:
        return PlannedShiftForm({"counsellor": camille.pk, "poles": [jobs.pk],
                                 "day": day.isoformat(), "starts": starts, "ends": ends})

    with translation.override("en"):
        morning = form(MONDAY, "09:00", "14:00")  # ends as the pole opens
        assert not morning.is_valid()
        assert morning.errors["poles"] == [
            "Find a job: closed for the whole of this shift, so nobody would be offered there."]
        assert not form(MONDAY + timedelta(days=7), "14:00", "18:00").is_valid()
    assert form(MONDAY, "12:00", "15:00").is_valid()
    assert PlannedShift.objects.count() == 0


def test_the_form_refuses_a_day_outside_the_rotas_range(camille: StaffProfile,
                                                         jobs: Pole) -> None:
    form = PlannedShiftForm({"counsellor": camille.pk, "poles": [jobs.pk],
                             "day": "9999-12-31", "starts": "18:00", "ends": "00:00"})
    assert not form.is_valid()
    assert "day" in form.errors


def test_only_who_may_counsel_can_be_chosen(camille: StaffProfile, jobs: Pole) -> None:
    facilitator = staff("nadia", Role.FACILITATOR, poles=[jobs])
    form = PlannedShiftForm({"counsellor": facilitator.pk, "poles": [jobs.pk],
                             "day": MONDAY.isoformat(), "starts": "09:00", "ends": "12:00"})
    assert not form.is_valid()
    assert "counsellor" in form.errors


# The selectors ----------------------------------------------------------------------------

def test_planned_at_names_who_is_planned_on_each_pole_at_that_moment(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), jobs, training)
    plan(karim, at(MONDAY, 12), at(MONDAY, 18), jobs)
    plan(camille, at(MONDAY, 14), at(MONDAY, 18), training)

    noon = planned_at(at(MONDAY, 12, 30))
    assert set(noon) == {"jobs", "training"}
    assert [(person.display_name, person.institution) for person in noon["jobs"]] == [
        ("Camille", "AFPA"), ("Karim", None)]  # by name
    assert [person.display_name for person in noon["training"]] == ["Camille"]
    assert noon["jobs"][0].ends_at == at(MONDAY, 13)
    # A shift counts from its start and stops at its end.
    assert [person.display_name for person in planned_at(at(MONDAY, 13))["jobs"]] == ["Karim"]
    assert planned_at(at(MONDAY, 18)) == {}
    assert planned_at(at(MONDAY, 8, 59)) == {}


def test_planned_at_forgets_who_no_longer_counsels_and_inactive_poles(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), jobs, training)
    plan(karim, at(MONDAY, 9), at(MONDAY, 13), jobs)
    karim.user.is_active = False
    karim.user.save()
    Pole.objects.filter(pk=training.pk).update(active=False)
    assert {slug: [p.display_name for p in people]
            for slug, people in planned_at(at(MONDAY, 10)).items()} == {"jobs": ["Camille"]}


def test_planned_at_costs_two_queries_however_many_are_planned(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole) -> None:
    for hour in range(8, 20, 2):
        plan(camille, at(MONDAY, hour), at(MONDAY, hour + 2))
        plan(karim, at(MONDAY, hour), at(MONDAY, hour + 2))
    with CaptureQueriesContext(connection) as queries:
        planned_at(at(MONDAY, 10))
    assert len(queries) == 2


def test_next_shifts_lists_the_running_shift_then_the_next_ones_up_to_the_limit(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole) -> None:
    plan(camille, at(MONDAY, 8), at(MONDAY, 9))  # over
    plan(camille, at(MONDAY, 9), at(MONDAY, 12), training, jobs)
    for offset in range(1, 7):
        day = MONDAY + timedelta(days=offset)
        plan(camille, at(day, 14), at(day, 18), jobs)
    plan(karim, at(MONDAY, 10), at(MONDAY, 11))  # someone else's

    coming = next_shifts(camille, at=at(MONDAY, 10))
    assert len(coming) == 5
    assert [(shift.starts_at, shift.is_running) for shift in coming[:2]] == [
        (at(MONDAY, 9), True), (at(MONDAY + timedelta(days=1), 14), False)]
    assert coming[0].poles == ("Trouver un emploi", "Trouver une formation")  # pole order
    assert len(next_shifts(camille, at=at(MONDAY, 10), limit=2)) == 2
    assert next_shifts(camille, at=at(MONDAY + timedelta(days=7), 0)) == []


def test_a_week_lists_each_days_shifts_and_counts_them_per_pole(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole,
        business: Pole) -> None:
    plan(karim, at(MONDAY, 14), at(MONDAY, 18), jobs)
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), jobs, training)
    plan(camille, at(MONDAY + timedelta(days=6), 9), at(MONDAY + timedelta(days=6), 12), training)
    plan(camille, at(MONDAY + timedelta(days=7), 9), at(MONDAY + timedelta(days=7), 12))  # next

    week = rota_week(start=MONDAY + timedelta(days=3), today=MONDAY + timedelta(days=1))
    assert week.start == MONDAY
    assert (week.previous_start, week.next_start) == (MONDAY - timedelta(days=7),
                                                      MONDAY + timedelta(days=7))
    assert [day.day for day in week.days] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert [day.is_today for day in week.days] == [False, True, False, False, False, False, False]
    assert week.is_this_week
    monday, *_, sunday = week.days
    assert [(shift.counsellor, shift.institution) for shift in monday.shifts] == [
        ("Camille", "AFPA"), ("Karim", None)]  # in time order
    assert [pole.slug for pole in week.poles] == ["jobs", "training", "business"]
    assert monday.pole_counts == (2, 1, 0)
    assert sunday.pole_counts == (0, 1, 0)
    assert sum(len(day.shifts) for day in week.days) == 3
    assert not rota_week(start=MONDAY, today=MONDAY + timedelta(days=7)).is_this_week


def test_copying_a_week_plans_the_next_one_alike_and_skips_what_breaks_a_rule(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), jobs, training)
    plan(camille, at(MONDAY + timedelta(days=2), 14), at(MONDAY + timedelta(days=2), 18), jobs)
    plan(karim, at(MONDAY, 9), at(MONDAY, 13), jobs)
    next_monday = MONDAY + timedelta(days=7)
    plan(karim, at(next_monday, 12), at(next_monday, 14), jobs)  # already planned that week

    result = rota_week_copy(onto=next_monday + timedelta(days=4))
    assert (result.copied, result.skipped) == (2, 1)  # Karim's Monday would overlap
    copied = PlannedShift.objects.filter(starts_at__gte=local_midnight(next_monday),
                                         counsellor=camille)
    assert [(shift.starts_at, shift.ends_at, [p.slug for p in shift.poles.all()])
            for shift in copied] == [
        (at(next_monday, 9), at(next_monday, 13), ["jobs", "training"]),
        (at(next_monday + timedelta(days=2), 14), at(next_monday + timedelta(days=2), 18),
         ["jobs"])]
    assert rota_week_copy(onto=next_monday) == type(result)(copied=0, skipped=3)


def test_copying_skips_a_pole_or_a_role_lost_since(
        camille: StaffProfile, karim: StaffProfile, jobs: Pole, training: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), training)
    plan(karim, at(MONDAY, 9), at(MONDAY, 13), jobs)
    camille.poles.set([jobs])
    karim.user.groups.clear()
    result = rota_week_copy(onto=MONDAY + timedelta(days=7))
    assert (result.copied, result.skipped) == (0, 2)


def test_copying_skips_a_shift_on_a_pole_closed_that_day(
        camille: StaffProfile, jobs: Pole, training: Pole) -> None:
    tuesday, next_monday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=7)
    plan(camille, at(MONDAY, 9), at(MONDAY, 13), jobs)
    plan(camille, at(tuesday, 9), at(tuesday, 13), jobs)
    ClosedDate.objects.create(pole=jobs, day=next_monday, reason="Bank holiday")
    result = rota_week_copy(onto=next_monday)
    assert (result.copied, result.skipped) == (1, 1)
    [copied] = PlannedShift.objects.filter(starts_at__gte=local_midnight(next_monday))
    assert copied.starts_at == at(tuesday + timedelta(days=7), 9)


def test_a_week_copied_across_a_clock_change_keeps_the_wall_clock(
        camille: StaffProfile) -> None:
    before = date(2031, 3, 24)  # Monday; Paris moves to summer time on Sunday 30 March 2031
    plan(camille, at(before, 9), at(before, 13))
    rota_week_copy(onto=before + timedelta(days=7))
    copy = PlannedShift.objects.get(starts_at__gt=local_midnight(before + timedelta(days=1)))
    assert (timezone.localtime(copy.starts_at).time(), timezone.localtime(copy.ends_at).time()
            ) == (time(9), time(13))
    assert copy.ends_at - copy.starts_at == timedelta(hours=4)


# The managers' rota page ------------------------------------------------------------------

ROTA = "/fr/manage/rota/"


def rota_urls(shift: PlannedShift) -> list[tuple[str, str]]:
    shift_url = f"{ROTA}shifts/{shift.pk}/"
    return [("get", ROTA), ("get", f"{ROTA}shifts/new/"), ("post", f"{ROTA}shifts/new/"),
            ("get", shift_url), ("post", shift_url), ("get", f"{shift_url}delete/"),
            ("post", f"{shift_url}delete/"), ("post", f"{ROTA}copy/")]


def test_anonymous_users_go_to_the_login_and_come_back(camille: StaffProfile) -> None:
    shift = plan(camille, at(MONDAY, 9), at(MONDAY, 12))
    client = Client()
    for method, url in rota_urls(shift):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/fr/login/?next=/fr/manage/rota/"), url
    assert PlannedShift.objects.filter(pk=shift.pk).exists()


def test_a_counsellor_is_refused_every_rota_page(camille: StaffProfile) -> None:
    shift = plan(camille, at(MONDAY, 9), at(MONDAY, 12))
    client = Client()
    client.force_login(camille.user)
    for method, url in rota_urls(shift):
        assert getattr(client, method)(url).status_code == 403, url
    assert PlannedShift.objects.filter(pk=shift.pk).exists()


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def manager_client(manager: User) -> Client:
    """A manager's browser: CSRF checked as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    return client


def test_a_manager_plans_a_shift_through_the_form_and_sees_it_in_its_week(
        manager: User, camille: StaffProfile, jobs: Pole, training: Pole) -> None:
    client = manager_client(manager)
    form = client.get(f"{ROTA}shifts/new/?day={MONDAY.isoformat()}").content.decode()
    assert f'value="{MONDAY.isoformat()}"' in form  # the day of the link, already filled
    assert '<label for="id_day">' in form and 'type="time"' in form
    assert "Camille (AFPA)" in form
    response = client.post(f"{ROTA}shifts/new/", {
        "csrfmiddlewaretoken": csrf_token(form), "counsellor": camille.pk,
        "poles": [jobs.pk, training.pk], "day": MONDAY.isoformat(), "starts": "09:00",
        "ends": "13:30"})
    assert response.status_code == 302
    assert response["Location"] == f"{ROTA}?week={MONDAY.isoformat()}#day-{MONDAY.isoformat()}"
    shift = PlannedShift.objects.get()
    assert (shift.counsellor, shift.starts_at, shift.ends_at) == (camille, at(MONDAY, 9),
                                                                  at(MONDAY, 13, 30))
    week = client.get(response["Location"]).content.decode()
    assert "Le créneau de Camille est planifié." in week
    day = re.search(rf'<section id="day-{MONDAY.isoformat()}".*?</section>', week, re.S)
    assert day is not None
    assert "09:00–13:30" in day.group(0) and "Camille · AFPA" in day.group(0)
    assert "Trouver une formation" in day.group(0)


def test_a_post_without_the_csrf_token_is_refused(manager: User, camille: StaffProfile,
                                                  jobs: Pole) -> None:
    response = manager_client(manager).post(f"{ROTA}shifts/new/", {
        "counsellor": camille.pk, "poles": [jobs.pk], "day": MONDAY.isoformat(),
        "starts": "09:00", "ends": "12:00"})
    assert response.status_code == 403
    assert not PlannedShift.objects.exists()


def test_the_form_says_what_is_wrong_and_saves_nothing(
        manager: User, camille: StaffProfile, business: Pole) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    client = manager_client(manager)
    form = client.get(f"{ROTA}shifts/new/").content.decode()
    response = client.post(f"{ROTA}shifts/new/", {
        "csrfmiddlewaretoken": csrf_token(form), "counsellor": camille.pk,
        "poles": [business.pk], "day": MONDAY.isoformat(), "starts": "11:00", "ends": "10:00"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page and "Le créneau n’est pas enregistré" in page
    assert "Un créneau doit finir après son début." in page
    assert escape("Créer son activité : hors des pôles de Camille (ceux de son profil).") in page
    assert PlannedShift.objects.count() == 1


def test_a_manager_changes_a_shift(manager: User, camille: StaffProfile, jobs: Pole) -> None:
    shift = plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    client = manager_client(manager)
    url = f"{ROTA}shifts/{shift.pk}/"
    form = client.get(url).content.decode()
    assert 'value="09:00"' in form and 'value="13:00"' in form
    response = client.post(url, {
        "csrfmiddlewaretoken": csrf_token(form), "counsellor": camille.pk, "poles": [jobs.pk],
        "day": (MONDAY + timedelta(days=1)).isoformat(), "starts": "10:00", "ends": "14:00"})
    assert response.status_code == 302
    shift.refresh_from_db()
    assert (shift.starts_at, shift.ends_at) == (at(MONDAY + timedelta(days=1), 10),
                                                at(MONDAY + timedelta(days=1), 14))
    assert list(shift.poles.all()) == [jobs]


def test_a_manager_removes_a_shift_after_confirming(manager: User,
                                                    camille: StaffProfile) -> None:
    shift = plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    client = manager_client(manager)
    url = f"{ROTA}shifts/{shift.pk}/delete/"
    confirm = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Retirer le créneau de Camille" in confirm
    assert PlannedShift.objects.filter(pk=shift.pk).exists()  # a GET removes nothing
    response = client.post(url, {"csrfmiddlewaretoken": csrf_token(confirm)})
    assert response.status_code == 302
    assert not PlannedShift.objects.filter(pk=shift.pk).exists()
    assert client.get(url).status_code == 404


def test_a_manager_copies_the_week_before_from_the_page(manager: User,
                                                        camille: StaffProfile) -> None:
    plan(camille, at(MONDAY, 9), at(MONDAY, 13))
    client = manager_client(manager)
    next_monday = MONDAY + timedelta(days=7)
    page = client.get(f"{ROTA}?week={next_monday.isoformat()}").content.decode()
    response = client.post(f"{ROTA}copy/", {"csrfmiddlewaretoken": csrf_token(page),
                                            "week": next_monday.isoformat()}, follow=True)
    assert "1 créneau copié depuis la semaine précédente." in response.content.decode()
    assert PlannedShift.objects.filter(starts_at=at(next_monday, 9)).exists()


def test_the_week_page_marks_today_and_links_the_weeks_around_it(
        manager: User, jobs: Pole) -> None:
    client = Client()
    client.force_login(manager)
    today = timezone.localdate()
    page = client.get(ROTA, headers={"accept-language": "en"}).content.decode()
    assert f'<section id="day-{today.isoformat()}" class="panel rota-day today"' in page
    assert page.count('aria-current="date"') == 2  # its row in the summary and its section
    assert f'?week={(week_start(today) - timedelta(days=7)).isoformat()}" rel="prev"' in page
    assert f'?week={(week_start(today) + timedelta(days=7)).isoformat()}" rel="next"' in page
    assert 'id="this-week"' not in page  # already on it
    other = client.get(f"{ROTA}?week={MONDAY.isoformat()}").content.decode()
    assert 'aria-current="date"' not in other and 'id="this-week"' in other
    assert '<th scope="col">Trouver un emploi</th>' in other  # French by default
    english = client.get(f"/en/manage/rota/?week={MONDAY.isoformat()}").content.decode()
    assert "week of Monday 3 March 2031" in english
    assert '<th scope="col">Find a job</th>' in english
    for odd in ("not-a-date", "9999-12-31", "0001-01-01"):  # this week instead
        assert 'aria-current="date"' in client.get(f"{ROTA}?week={odd}").content.decode()


def test_the_week_page_costs_the_same_queries_however_many_shifts(
        manager: User, camille: StaffProfile, karim: StaffProfile) -> None:
    client = Client()
    client.force_login(manager)
    url = f"{ROTA}?week={MONDAY.isoformat()}"
    plan(camille, at(MONDAY, 9), at(MONDAY, 10))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()  # the staffing advice's history, read once an hour per process
    one = queries()
    for offset in range(7):
        for hour in (10, 12, 14):
            day = MONDAY + timedelta(days=offset)
            plan(camille, at(day, hour), at(day, hour + 2))
            plan(karim, at(day, hour), at(day, hour + 1))
    assert queries() == one


def test_a_manager_keeps_shifts_in_the_admin_with_the_same_rules(
        manager: User, camille: StaffProfile, jobs: Pole, business: Pole) -> None:
    manager.is_staff = True
    manager.save()
    from virtualcite.roles import sync_role_groups

    sync_role_groups()  # the manager group's admin permissions, as after a migrate
    client = Client()
    client.force_login(manager)
    refused = client.post("/admin/staffing/plannedshift/add/", {
        "counsellor": camille.pk, "poles": [business.pk], "day": MONDAY.isoformat(),
        "starts": "09:00", "ends": "12:00"})
    assert refused.status_code == 200 and not PlannedShift.objects.exists()
    added = client.post("/admin/staffing/plannedshift/add/", {
        "counsellor": camille.pk, "poles": [jobs.pk], "day": MONDAY.isoformat(),
        "starts": "09:00", "ends": "12:00"})
    assert added.status_code == 302
    listing = client.get("/admin/staffing/plannedshift/?poles__id__exact="
                         f"{jobs.pk}").content.decode()
    assert "Camille" in listing and "Trouver un emploi" in listing


# The counsellor's desk ----------------------------------------------------------------------

def test_the_desk_lists_the_counsellors_next_shift(camille: StaffProfile, karim: StaffProfile,
                                                   jobs: Pole) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    plan(camille, at(tomorrow, 9), at(tomorrow, 12), jobs)
    plan(karim, at(tomorrow, 14), at(tomorrow, 16))
    client = Client()
    client.force_login(camille.user)
    page = client.get("/en/desk/").content.decode()
    panel = re.search(r'<section id="next-shifts-panel".*?</section>', page, re.S)
    assert panel is not None
    assert f'datetime="{at(tomorrow, 9).isoformat()}"' in panel.group(0)
    assert "09:00</time>–<time" in panel.group(0) and "12:00</time>" in panel.group(0)
    assert "Find a job" in panel.group(0)
    assert "14:00" not in panel.group(0)  # Karim's
    client.force_login(karim.user)
    assert "Find a job" in client.get("/en/desk/").content.decode()


def test_the_desk_says_when_nothing_is_planned(camille: StaffProfile) -> None:
    client = Client()
    client.force_login(camille.user)
    page = client.get("/fr/desk/").content.decode()
    assert "Aucun créneau n’est planifié pour vous." in page


# The demo -----------------------------------------------------------------------------------

def test_the_demo_plans_this_week_and_next_for_its_counsellors_once() -> None:
    from virtualcite.demo import DEMO_STAFF, load_demo

    load_demo()
    first = set(PlannedShift.objects.values_list("counsellor__user__username", "starts_at",
                                                 "ends_at"))
    load_demo()
    assert set(PlannedShift.objects.values_list(
        "counsellor__user__username", "starts_at", "ends_at")) == first
    counsellors = {member.username for member in DEMO_STAFF if member.role == Role.COUNSELLOR}
    monday = week_start(timezone.localdate())
    for start in (monday, monday + timedelta(days=7)):
        week = PlannedShift.objects.filter(starts_at__gte=local_midnight(start),
                                           starts_at__lt=local_midnight(start + timedelta(days=7)))
        assert set(week.values_list("counsellor__user__username", flat=True)) == counsellors
    for shift in PlannedShift.objects.select_related("counsellor"):
        shift.full_clean()  # every demo shift keeps every rule
        assert shift.poles.exists()
        assert poles_errors(counsellor=shift.counsellor, poles=shift.poles.all()) == []
        assert closed_poles_errors(poles=shift.poles.all(), starts_at=shift.starts_at,
                                   ends_at=shift.ends_at) == []


def test_the_demo_leaves_a_shift_a_manager_planned() -> None:
    from virtualcite.demo import load_demo

    load_demo()
    camille = StaffProfile.objects.get(user__username="camille")
    mine = PlannedShift.objects.filter(counsellor=camille).first()
    assert mine is not None
    day = timezone.localtime(mine.starts_at).date()
    mine.delete()
    manual = plan(camille, at(day, 7), at(day, 19), *camille.poles.all())
    load_demo()
    assert PlannedShift.objects.filter(counsellor=camille, starts_at__gte=local_midnight(day),
                                       starts_at__lt=local_midnight(day + timedelta(days=1))
                                       ).get() == manual

