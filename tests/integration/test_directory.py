"""The Cité's directory: demo data, the home page, the admin and the health probes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.html import escape

from chat.directory import _load_poles
from frontend.selectors import pole_cards_list
from tests.redis_server import free_port
from virtualcite import drain
from virtualcite.config import RedisUrl
from virtualcite.demo import DEMO_POLES, DEMO_STAFF, load_demo
from virtualcite.models import (
    ClosedDate,
    OpeningHours,
    PartnerInstitution,
    Pole,
    Role,
    StaffProfile,
)

pytestmark = pytest.mark.django_db


def test_demo_loads_the_five_poles_of_the_seeds_and_is_idempotent() -> None:
    load_demo()
    load_demo()
    assert list(Pole.objects.values_list("name", flat=True)) == [
        "Trouver un emploi", "S'informer sur les métiers", "Trouver une formation",
        "Changer sa vie professionnelle", "Créer son activité",
    ]
    partners = PartnerInstitution.objects.filter(short_name__in=["AFPA", "CIO", "CNAM", "BGE"])
    assert partners.count() == 4
    assert StaffProfile.objects.count() == len(DEMO_STAFF)
    counsellors = StaffProfile.objects.filter(user__groups__name=Role.COUNSELLOR)
    assert counsellors.values("institution").distinct().count() >= 4
    assert User.objects.filter(groups__name=Role.FACILITATOR).exists()
    assert User.objects.filter(groups__name=Role.MANAGER).exists()


def test_home_page_lists_every_active_pole_with_its_hours(client: Client) -> None:
    load_demo()
    page = client.get("/", follow=True).content.decode()
    for pole in DEMO_POLES:
        assert escape(pole.name) in page
    assert 'class="pole-hours"' in page


def test_home_page_speaks_english_when_asked(client: Client) -> None:
    load_demo()
    page = client.get("/", headers={"accept-language": "en"}, follow=True).content.decode()
    assert "Find a job" in page


def test_demo_logins_work_in_debug_and_are_refused_otherwise() -> None:
    load_demo()
    # A login always has its request: the throttle (django-axes) refuses a call without one.
    request = RequestFactory().post("/login/")
    with override_settings(DEBUG=True):
        assert authenticate(request, username="camille", password="demo") is not None
    with override_settings(DEBUG=False):
        assert authenticate(request, username="camille", password="demo") is None


def test_a_manager_adds_a_pole_in_the_admin_and_it_appears_on_the_home_page(client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="marc"))
    response = client.post(
        "/admin/virtualcite/pole/add/",
        {
            "slug": "international", "name": "Travailler à l'international", "name_en": "",
            "description": "Partir travailler à l'étranger.", "description_en": "",
            "colour": "#225577", "order": "9", "active": "on", "queue_capacity": "20",
            "target_wait_seconds": "180", "target_service_level": "80",
            "alert_waiting_over": "8", "alert_nobody_available": "on",
            "opening_hours-TOTAL_FORMS": "1", "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "0", "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "12:00",
            "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Travailler à l&#x27;international" in client.get("/", follow=True).content.decode()


def test_a_counsellor_cannot_open_the_admin(client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="camille"))
    assert client.get("/admin/virtualcite/pole/add/").status_code == 302


def test_healthz_answers_while_the_process_is_up(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


OPERATOR_TOKEN = "operator-" + "t" * 40


def test_readyz_is_ready_on_the_embedded_default(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_tells_an_anonymous_caller_only_unavailable(client: Client) -> None:
    with override_settings(REDIS=RedisUrl(f"redis://127.0.0.1:{free_port()}/0")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_readyz_says_why_to_the_operator_token(client: Client) -> None:
    port = free_port()
    with override_settings(REDIS=RedisUrl(f"redis://127.0.0.1:{port}/0"),
                           OPERATOR_TOKEN=OPERATOR_TOKEN):
        wrong = client.get("/readyz", headers={"authorization": "Bearer not-the-token"})
        right = client.get("/readyz", headers={"authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert wrong.content == b"unavailable"
    assert right.status_code == 503
    assert right.json()["checks"]["database"] == "ok"
    assert "REDIS_URL" in right.json()["checks"]["redis"]
    assert f"127.0.0.1:{port}" in right.json()["checks"]["redis"]


def test_readyz_says_why_to_a_logged_in_manager_not_to_a_counsellor(client: Client) -> None:
    load_demo()
    with override_settings(REDIS=RedisUrl(f"redis://127.0.0.1:{free_port()}/0")):
        client.force_login(User.objects.get(username="camille"))
        assert client.get("/readyz").content == b"unavailable"
        client.force_login(User.objects.get(username="marc"))
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "REDIS_URL" in response.json()["checks"]["redis"]


def test_a_draining_process_is_alive_but_not_ready(client: Client,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drain, "STATUS", drain.DrainStatus(draining=True, window_seconds=10,
                                                           websockets_left=42))
    with override_settings(OPERATOR_TOKEN=OPERATOR_TOKEN):
        anonymous = client.get("/readyz")
        operator = client.get("/readyz", headers={"authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert (anonymous.status_code, anonymous.content) == (503, b"draining")
    assert operator.status_code == 503
    assert operator.json()["status"] == "draining"
    assert operator.json()["drain"] == {"window_seconds": 10, "websockets_left": 42}
    assert client.get("/healthz").status_code == 200  # no liveness probe kills it meanwhile


@pytest.mark.redis
def test_readyz_is_ready_with_a_reachable_redis(client: Client, redis_url: str) -> None:
    with override_settings(REDIS=RedisUrl(redis_url), OPERATOR_TOKEN=OPERATOR_TOKEN):
        response = client.get("/readyz", headers={"authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def _pole(slug: str, *, hours: bool = True, closed_today: bool = False) -> Pole:
    """A pole open all day every day (or never), possibly closed today by a closed date."""
    pole = Pole.objects.create(slug=slug, name=slug.title())
    if hours:
        midnight = time(0, 0)  # closing at 00:00 means until midnight
        OpeningHours.objects.bulk_create(
            OpeningHours(pole=pole, weekday=day, opens=midnight, closes=midnight)
            for day in range(7))
    today = timezone.localdate()
    ClosedDate.objects.create(pole=pole, day=today - timedelta(days=1))  # past: no effect
    if closed_today:
        ClosedDate.objects.create(pole=pole, day=today)
    return pole


def _queries(read: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


# The poles, their hours, their closed dates; the lobby also lists each pole's next rooms (the
# rooms, and their schedules when there are rooms).
@pytest.mark.parametrize(("read", "most"), [(pole_cards_list, 5), (_load_poles, 3)],
                         ids=["pages", "desk"])
def test_listing_the_poles_costs_the_same_queries_however_many_there_are(
        read: Callable[[], object], most: int) -> None:
    _pole("open")
    one = _queries(read)
    for index in range(5):
        _pole(f"more-{index}", closed_today=index % 2 == 0)
    assert _queries(read) == one <= most


def test_each_pole_says_whether_it_is_open_and_when_it_opens_next() -> None:
    _pole("open")
    _pole("closed-today", closed_today=True)
    _pole("no-hours", hours=False)
    tomorrow = datetime.combine(timezone.localdate() + timedelta(days=1), time(0, 0),
                                tzinfo=timezone.get_current_timezone())
    cards = {card.slug: (card.is_open, card.next_opening) for card in pole_cards_list()}
    assert cards == {"open": (True, None), "closed-today": (False, tomorrow),
                     "no-hours": (False, None)}
    desk = {info.slug: (info.is_open, info.opens_at) for info in _load_poles()}
    assert desk == {"open": (True, None), "closed-today": (False, tomorrow.timestamp()),
                    "no-hours": (False, None)}
