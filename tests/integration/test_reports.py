"""The managers' reports (virtualcite/figures/reports.py and its pages): each figure's
definition on a hand-made day of records, the CSV against the page, who may see them, the demo
figures, and a bounded number of queries whatever the number of rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from virtualcite.demo import load_demo
from virtualcite.figures.demo import (
    TAG_WEIGHTS,
    demo_figures_load,
    demo_figures_remove,
)
from virtualcite.figures.models import Outcome, PoleMinute, RoomAttendance, VisitRecord
from virtualcite.figures.reports import Period, PeriodKind, report_get
from virtualcite.figures.service import service_levels
from virtualcite.models import Pole, Role

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 11)  # a Wednesday, clear of the changes of summer time
REPORT_URLS = ("/fr/manage/reports/", "/fr/manage/reports/export.csv?period=day&date=2026-03-11",
               "/fr/manage/reports/year/2026/")


def at(hour: int, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def leg(pole: str, hour: int, outcome: Outcome, *, wait: int = 0, duration: int | None = None,
        conversation: str = "", institution: str = "", tags: tuple[str, ...] = (),
        rating: int | None = None, day: date = DAY, demo: bool = False) -> VisitRecord:
    return VisitRecord(pole=pole, arrival_hour=at(hour, day), outcome=outcome, wait_seconds=wait,
                       duration_seconds=duration, conversation_id=conversation,
                       institution=institution, outcome_tags=list(tags), rating=rating,
                       is_demo=demo)


@pytest.fixture
def known_day() -> None:
    """Two poles (targets 80 % in 3 min and 90 % in 1 min) and one day of every ending."""
    Pole.objects.create(slug="jobs", name="Emploi", name_en="Jobs", order=0,
                        target_wait_seconds=180, target_service_level=80)
    Pole.objects.create(slug="training", name="Formation", name_en="Training", order=1,
                        target_wait_seconds=60, target_service_level=90)
    VisitRecord.objects.bulk_create([
        leg("jobs", 10, Outcome.SERVED, wait=30, duration=600, conversation="c1",
            institution="AFPA", tags=("information", "advice"), rating=5),
        leg("jobs", 10, Outcome.SERVED, wait=200, duration=300, conversation="c2",
            institution="CIO", tags=("information",), rating=3),
        # Passed to "training", where the same visit ends (c7).
        leg("jobs", 11, Outcome.TRANSFERRED, wait=100, duration=120, conversation="c3",
            institution="AFPA"),
        leg("jobs", 11, Outcome.ABANDONED, wait=400),
        leg("jobs", 14, Outcome.LOST, wait=50),  # lost while waiting
        leg("jobs", 14, Outcome.LOST, wait=10, duration=60, conversation="c4", institution="CIO"),
        # Put back at the head of the queue; its next leg is not in this set.
        leg("jobs", 15, Outcome.COUNSELLOR_LOST, wait=20, duration=100, conversation="c5",
            institution="AFPA"),
        leg("jobs", 15, Outcome.BLOCKED, wait=0, duration=30, conversation="c6",
            institution="CIO"),
        leg("jobs", 16, Outcome.REFUSED_CLOSED),
        leg("jobs", 16, Outcome.REFUSED_FULL),
        leg("training", 11, Outcome.SERVED, wait=60, duration=900, conversation="c7",
            institution="AFPA", tags=("referral",), rating=4),
        leg("training", 15, Outcome.SERVED, wait=61, duration=1200, conversation="c8",
            institution="AFPA"),
        # Just outside the day, inside its month.
        leg("jobs", 23, Outcome.SERVED, wait=5, duration=60, conversation="before",
            day=DAY - timedelta(days=1)),
        leg("jobs", 0, Outcome.ABANDONED, wait=5, day=DAY + timedelta(days=1)),
    ])
    RoomAttendance.objects.bulk_create([
        RoomAttendance(room="club", pole="jobs", opened_hour=at(14), duration_seconds=5400,
                       admitted=8, waited=2, left_early=1),
        RoomAttendance(room="club", pole="jobs", opened_hour=at(14, DAY + timedelta(days=7)),
                       duration_seconds=3600, admitted=5, waited=0, left_early=0),
    ])


def day_report():  # type: ignore[no-untyped-def]
    return report_get(period=Period.containing(PeriodKind.DAY, DAY))


def test_visits_count_every_end_but_the_legs_that_go_on_and_refusals_are_visits(
        known_day: None) -> None:
    report = day_report()
    jobs, training = (row.figures for row in report.poles)
    assert [row.pole.slug for row in report.poles] == ["jobs", "training"]
    assert (jobs.visits, jobs.refused, jobs.queued) == (8, 2, 8)  # 10 legs, 2 go on
    assert (training.visits, training.queued) == (2, 2)
    assert report.total.visits == 10


def test_conversations_are_the_queue_entries_that_reached_a_counsellor(known_day: None) -> None:
    jobs = day_report().poles[0].figures
    assert jobs.conversations == 6  # c1–c6, the transferred and counsellor-lost legs included
    assert day_report().total.conversations == 8


def test_abandonment_counts_those_who_left_and_keeps_the_lost_apart(known_day: None) -> None:
    jobs = day_report().poles[0].figures
    assert (jobs.abandoned, jobs.lost_waiting) == (1, 1)
    assert jobs.abandonment_rate == 100 * 1 / 8
    assert day_report().total.abandonment_rate == 100 * 1 / 10


def test_service_level_is_answered_within_the_poles_own_target_out_of_all_queued(
        known_day: None) -> None:
    report = day_report()
    jobs, training = report.poles
    # c1, c3, c4, c5, c6 within 180 s; c2 (200 s), the abandoned and the lost are not.
    assert (jobs.figures.answered_in_time, jobs.figures.service_level) == (5, 62.5)
    assert jobs.target_met is False
    # 60 s is within a 60 s target, 61 s is not.
    assert (training.figures.answered_in_time, training.figures.service_level) == (1, 50.0)
    assert report.total.service_level == 60.0  # each leg against its own pole's target
    # The dashboard's function gives the same levels: one definition.
    levels = service_levels(since=at(0), until=at(0, DAY + timedelta(days=1)),
                            targets={"jobs": 180, "training": 60})
    assert {slug: 100 * (level.share or 0) for slug, level in levels.items()} == {
        "jobs": 62.5, "training": 50.0}


def test_waits_and_durations_are_nearest_rank_percentiles_of_the_conversations(
        known_day: None) -> None:
    jobs = day_report().poles[0].figures
    # Waits [0, 10, 20, 30, 100, 200]: rank ceil(.5·6) = 3, rank ceil(.9·6) = 6.
    assert (jobs.wait_p50, jobs.wait_p90) == (20, 200)
    # Durations [30, 60, 100, 120, 300, 600].
    assert (jobs.duration_p50, jobs.duration_p90) == (100, 600)
    assert jobs.duration_mean == pytest.approx(1210 / 6)
    assert jobs.conversation_hours == pytest.approx(1210 / 3600)


def test_outcomes_tags_and_ratings(known_day: None) -> None:
    jobs = day_report().poles[0].figures
    assert jobs.outcomes == {"served": 2, "abandoned": 1, "lost": 2, "blocked": 1,
                             "transferred": 1, "counsellor_lost": 1, "refused_closed": 1,
                             "refused_full": 1, "refused_blocked": 0}
    assert jobs.tags == {"information": 2, "advice": 1}
    assert (jobs.ratings.count, jobs.ratings.mean) == (2, 4.0)
    assert jobs.ratings.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}


def test_institutions_get_their_conversations_and_their_share(known_day: None) -> None:
    afpa, cio = day_report().institutions
    assert (afpa.institution, afpa.figures.conversations, afpa.figures.visits) == ("AFPA", 5, 3)
    assert (cio.institution, cio.figures.conversations, cio.figures.visits) == ("CIO", 3, 3)
    assert afpa.share == 62.5


def test_rooms_steps_and_hours_of_arrival(known_day: None) -> None:
    report = day_report()
    assert report.total.rooms.sessions == 1
    assert (report.total.rooms.admitted, report.total.rooms.waited,
            report.total.rooms.left_early, report.total.rooms.hours) == (8, 2, 1, 1.5)
    assert [bucket.figures.visits for bucket in report.buckets][10:17] == [2, 2, 0, 0, 2, 2, 2]
    assert report.buckets[11].poles["training"].visits == 1
    assert {hour: n for hour, n in report.visits_by_hour.items() if n} == {
        10: 2, 11: 2, 14: 2, 15: 2, 16: 2}


def test_a_month_and_a_year_hold_their_days(known_day: None) -> None:
    month = report_get(period=Period.containing(PeriodKind.MONTH, DAY))
    assert month.total.visits == 12  # the day before and the day after too
    assert [bucket.figures.visits for bucket in month.buckets][9:12] == [1, 10, 1]
    assert month.total.rooms.sessions == 2
    year = report_get(period=Period.containing(PeriodKind.YEAR, DAY))
    assert [bucket.figures.visits for bucket in year.buckets][2] == 12
    assert report_get(period=Period.containing(PeriodKind.YEAR, date(2025, 6, 1))).poles == []


def test_demo_rows_count_by_default_and_the_report_says_so(known_day: None) -> None:
    assert day_report().has_demo is False
    VisitRecord.objects.create(pole="jobs", arrival_hour=at(9), outcome=Outcome.ABANDONED,
                               wait_seconds=30, is_demo=True)
    report = day_report()
    assert (report.has_demo, report.total.visits) == (True, 11)
    without = report_get(period=report.period, include_demo=False)
    assert (without.has_demo, without.include_demo, without.total.visits) == (True, False, 10)


def test_a_pole_the_directory_lost_is_reported_with_the_default_targets(known_day: None) -> None:
    VisitRecord.objects.create(pole="retired", arrival_hour=at(9), outcome=Outcome.SERVED,
                               wait_seconds=170, duration_seconds=60, conversation_id="r1")
    retired = day_report().poles[-1]
    assert (retired.pole.slug, retired.pole.target_wait_seconds) == ("retired", 180)
    assert retired.figures.service_level == 100.0


# --- pages ----------------------------------------------------------------------------------

def staff(username: str, role: Role | None) -> User:
    user = User.objects.create_user(username, password="x")
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


def client_of(user: User | None, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", REPORT_URLS)
def test_anonymous_users_go_to_the_login_and_come_back(url: str) -> None:
    response = client_of(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/login/?next=/fr/manage/reports/")


@pytest.mark.parametrize("url", REPORT_URLS)
@pytest.mark.parametrize("role", [None, Role.COUNSELLOR, Role.FACILITATOR])
def test_staff_without_the_manager_role_get_403(url: str, role: Role | None) -> None:
    assert client_of(staff("someone", role)).get(url).status_code == 403


@pytest.mark.parametrize("url", REPORT_URLS)
def test_managers_and_superusers_see_every_report(url: str) -> None:
    assert client_of(staff("marc", Role.MANAGER)).get(url).status_code == 200
    boss = User.objects.create_superuser("boss", password="x")
    assert client_of(boss).get(url).status_code == 200


def test_a_malformed_period_is_refused_and_a_year_out_of_range_is_not_found() -> None:
    client = client_of(staff("marc", Role.MANAGER))
    assert client.get("/en/manage/reports/?period=week&date=2026-03-11").status_code == 400
    assert client.get("/en/manage/reports/?period=day&date=2026-02-30").status_code == 400
    assert client.get("/en/manage/reports/export.csv?date=nope").status_code == 400
    assert client.get("/en/manage/reports/year/1900/").status_code == 404
    first = client.get("/en/manage/reports/?period=year&date=1970-06-01").content.decode()
    assert 'id="next-period"' in first and 'id="previous-period"' not in first
    assert client.get("/en/manage/reports/year/9998/").status_code == 200


class Tables(HTMLParser):
    """The figures of a report page: {row id: {column key: cell text}}, from the tables'
    data-row and data-key attributes, and the summary's {key: text}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.summary: dict[str, str] = {}
        self._keys: list[str] = []
        self._row: str | None = None
        self._cells: list[str] = []
        self._text: list[str] | None = None
        self._summary_key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "thead":
            self._keys = []
        elif tag == "th" and attributes.get("data-key"):
            self._keys.append(attributes["data-key"] or "")
        elif tag == "tr" and attributes.get("data-row"):
            self._row, self._cells = attributes["data-row"], []
        elif tag == "td" and self._row is not None:
            self._text = []
        elif tag == "div" and attributes.get("data-key"):
            self._summary_key = attributes["data-key"]
        elif tag == "dd" and self._summary_key:
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._text is not None:
            self._cells.append("".join(self._text).strip())
            self._text = None
        elif tag == "dd" and self._text is not None and self._summary_key:
            self.summary[self._summary_key] = "".join(self._text).strip()
            self._text, self._summary_key = None, None
        elif tag == "tr" and self._row is not None:
            self.rows.setdefault(self._row, {}).update(zip(self._keys, self._cells, strict=True))
            self._row = None


def as_csv_value(text: str) -> str:
    """A page cell as the CSV writes the same figure: "–" empty, "2:05" 125, "83.3 %" 83.3."""
    text = text.replace("\u00a0", " ").strip()
    if text == "–":
        return ""
    if re.fullmatch(r"\d+(:\d\d){1,2}", text):
        seconds = 0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
        return str(seconds)
    return text.removesuffix(" %").replace(",", "")


@override_settings(DEBUG=True)
@pytest.mark.parametrize("kind,day,slug", [("month", "2026-03-01", "2026-03"),
                                           ("day", "2026-03-11", "2026-03-11"),
                                           ("year", "2026-01-01", "2026")])
def test_the_csv_holds_the_very_numbers_of_the_page(kind: str, day: str, slug: str) -> None:
    load_demo()
    demo_figures_load(now=at(18, date(2026, 3, 20)))
    client = client_of(User.objects.get(username="marc"))
    query = f"?period={kind}&date={day}"
    page = Tables()
    page.feed(client.get("/en/manage/reports/" + query).content.decode())
    response = client.get("/en/manage/reports/export.csv" + query)
    assert response["Content-Disposition"] == (
        f'attachment; filename="figures-{kind}-{slug}-with-demo.csv"')
    exported = {f"{row['scope']}:{row['key']}": row
                for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert page.rows and set(page.rows) <= set(exported)
    compared = 0
    for row_id, cells in page.rows.items():
        for key, text in cells.items():
            if key == "target":  # "80 % within 3:00": two CSV columns
                continue
            assert as_csv_value(text) == exported[row_id][key], (row_id, key, text)
            compared += 1
    assert compared > 200
    assert {key: as_csv_value(text) for key, text in page.summary.items()} == {
        key: exported["all:"][key] for key in page.summary}
    assert int(exported["all:"]["visits"]) > 0
    assert exported["pole:find-a-job"]["target_service_level"] == "80"


@override_settings(DEBUG=True)
def test_the_page_draws_from_its_json_says_demo_and_links_its_exports() -> None:
    load_demo()
    demo_figures_load(now=at(18, date(2026, 3, 20)))
    client = client_of(User.objects.get(username="marc"), "fr")
    page = client.get("/fr/manage/reports/?period=month&date=2026-03-01").content.decode()
    assert '<html lang="fr">' in page
    assert 'id="demo-notice"' in page and "chiffres de démonstration" in page
    assert 'id="chart-data" type="application/json"' in page
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page
    assert 'href="/fr/manage/reports/export.csv?period=month&amp;date=2026-03-01"' in page
    assert 'href="/fr/manage/reports/year/2026/"' in page
    assert 'href="/fr/manage/reports/?period=month&amp;date=2026-02-01"' in page  # previous
    assert "<script>" not in page and " style=" not in page  # the CSP allows neither
    without = client.get("/fr/manage/reports/?period=month&date=2026-03-01&demo=exclude")
    assert "Les chiffres de démonstration de cette période sont écartés." in without.content.\
        decode()
    english = client_of(User.objects.get(username="marc")).get(
        "/en/manage/reports/year/2026/").content.decode()
    assert "Yearly self-evaluation report 2026" in english
    assert "By partner institution" in english and "Hours of arrival" in english


def test_the_managers_page_links_to_the_reports() -> None:
    page = client_of(staff("marc", Role.MANAGER)).get("/en/staff/").content.decode()
    assert 'id="reports-link" class="button-link" href="/en/manage/reports/"' in page


# --- bounded queries ------------------------------------------------------------------------

@override_settings(DEBUG=True)
def test_the_report_and_its_pages_read_in_as_many_queries_for_ten_rows_as_for_thousands(
        known_day: None) -> None:
    client = client_of(staff("marc", Role.MANAGER))
    urls = ("/en/manage/reports/?period=year&date=2026-01-01",
            "/en/manage/reports/export.csv?period=year&date=2026-01-01",
            "/en/manage/reports/year/2026/")

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    few = queries()
    load_demo()
    assert demo_figures_load(now=at(18, date(2026, 3, 20))).visits > 1000
    assert queries() == few
    with CaptureQueriesContext(connection) as captured:
        report_get(period=Period.containing(PeriodKind.YEAR, DAY))
    assert len(captured) == 3  # the poles, the visits, the rooms
    # Without the demo rows, one or two more ask whether the period had any.
    with CaptureQueriesContext(connection) as captured:
        report_get(period=Period.containing(PeriodKind.YEAR, DAY), include_demo=False)
    assert len(captured) <= 5


# --- demo figures ---------------------------------------------------------------------------

NOW = datetime(2026, 3, 20, 18, 7, 30, tzinfo=timezone.get_current_timezone())


def demo_rows() -> list[tuple[object, ...]]:
    rows = VisitRecord.objects.filter(is_demo=True).order_by(
        "conversation_id", "arrival_hour", "pole", "outcome", "wait_seconds").values_list(
        "conversation_id", "pole", "institution", "arrival_hour", "wait_seconds",
        "duration_seconds", "outcome", "ended_by", "outcome_tags", "rating")
    return [(*row[:8], tuple(row[8]), row[9]) for row in rows]


def test_the_demo_tags_are_the_desks_own() -> None:
    from chat.outcomes import OUTCOME_TAGS

    assert set(TAG_WEIGHTS) == set(OUTCOME_TAGS)


def test_demo_figures_follow_the_poles_hours_and_reach_up_to_now() -> None:
    load_demo()
    counts = demo_figures_load(now=NOW)
    assert counts.visits > 3000 and counts.rooms > 0 and counts.minutes > 500
    records = VisitRecord.objects.all()
    assert not records.filter(is_demo=False).exists()
    first = timezone.localtime(records.earliest("arrival_hour").arrival_hour)
    assert first.date() >= (NOW - timedelta(weeks=6)).date()
    assert records.latest("arrival_hour").arrival_hour <= NOW
    # "create-business" keeps real hours (Tuesday and Thursday, 14:00–18:00): outside them
    # its visitors are refused as closed.
    for record in records.filter(pole="create-business").exclude(
            outcome=Outcome.REFUSED_CLOSED):
        local = timezone.localtime(record.arrival_hour)
        assert local.weekday() in (1, 3) and 14 <= local.hour < 18, local
    assert records.filter(pole="create-business", outcome=Outcome.REFUSED_CLOSED).exists()
    # Every conversation has its demo id and an institution of the pole's counsellors.
    conversations = records.exclude(conversation_id="")
    assert all(cid.startswith("demo-") for cid in conversations.values_list(
        "conversation_id", flat=True))
    assert set(conversations.filter(pole="create-business").values_list(
        "institution", flat=True)) == {"BGE"}
    assert set(records.values_list("outcome", flat=True)) == {outcome.value for outcome in Outcome}
    minutes = PoleMinute.objects.all()
    assert minutes.latest("minute").minute < NOW.replace(second=0)
    assert minutes.filter(waiting__gt=0).exists() and minutes.filter(conversations__gt=0).exists()
    assert not minutes.filter(counsellors_available__gt=F("counsellors_online")).exists()
    assert RoomAttendance.objects.filter(is_demo=True, opened_hour__lte=NOW).count() == counts.rooms


def test_demo_figures_are_the_same_on_every_load_and_replace_the_previous_ones() -> None:
    load_demo()
    demo_figures_load(now=NOW)
    first = demo_rows()
    minutes = PoleMinute.objects.count()
    demo_figures_load(now=NOW)
    assert demo_rows() == first
    assert PoleMinute.objects.count() == minutes
    # An hour later: the same days, plus what ended in that hour.
    demo_figures_load(now=NOW + timedelta(hours=1))
    later = demo_rows()
    assert set(first) < set(later)


def test_removing_the_demo_figures_keeps_the_real_ones() -> None:
    load_demo()
    real_minute = NOW.replace(hour=10, minute=0, second=0)
    VisitRecord.objects.create(pole="find-a-job", arrival_hour=at(10), outcome=Outcome.SERVED,
                               conversation_id="real", wait_seconds=3, duration_seconds=60)
    PoleMinute.objects.create(pole="find-a-job", minute=real_minute, waiting=7,
                              longest_wait_seconds=1, counsellors_online=1,
                              counsellors_available=0, conversations=2, offers_pending=0)
    demo_figures_load(now=NOW)
    # The desk's own snapshot of a minute the demo would fill is kept, not replaced.
    assert PoleMinute.objects.get(pole="find-a-job", minute=real_minute).waiting == 7
    removed = demo_figures_remove()
    assert removed.visits > 0 and removed.minutes > 0 and removed.rooms > 0
    assert list(VisitRecord.objects.values_list("conversation_id", flat=True)) == ["real"]
    assert PoleMinute.objects.count() == 1 and not RoomAttendance.objects.exists()


def test_the_demo_commands_load_and_remove_the_figures() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert VisitRecord.objects.filter(is_demo=True).exists()
    call_command("demo_figures", "--remove", stdout=out)
    assert not VisitRecord.objects.exists() and not PoleMinute.objects.exists()
    call_command("demo_figures", "--weeks", "1", stdout=out)
    first = timezone.localtime(VisitRecord.objects.earliest("arrival_hour").arrival_hour)
    assert first.date() >= timezone.localdate() - timedelta(weeks=1)
    assert "demo figures removed" in out.getvalue() and "over the last 1 week(s)" in out.getvalue()
