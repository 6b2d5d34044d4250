"""The Cité's directory: demo data, the home page, the admin and the health probes."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from django.utils.html import escape

from tests.redis_server import free_port
from virtualcite.demo import DEMO_POLES, DEMO_STAFF, load_demo
from virtualcite.models import PartnerInstitution, Pole, Role, StaffProfile

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
    with override_settings(DEBUG=True):
        assert authenticate(username="camille", password="demo") is not None
    with override_settings(DEBUG=False):
        assert authenticate(username="camille", password="demo") is None


def test_a_manager_adds_a_pole_in_the_admin_and_it_appears_on_the_home_page(client: Client) -> None:
    load_demo()
    with override_settings(DEBUG=True):  # the demo manager may log in only in DEBUG
        assert client.login(username="marc", password="demo")
    response = client.post(
        "/admin/virtualcite/pole/add/",
        {
            "slug": "international", "name": "Travailler à l'international", "name_en": "",
            "description": "Partir travailler à l'étranger.", "description_en": "",
            "colour": "#225577", "order": "9", "active": "on", "queue_capacity": "20",
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
    with override_settings(DEBUG=True):
        client.login(username="camille", password="demo")
    assert client.get("/admin/virtualcite/pole/add/").status_code == 302


def test_healthz_answers_while_the_process_is_up(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_on_the_embedded_default(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_says_why_when_redis_is_unreachable(client: Client) -> None:
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "REDIS_URL" in response.json()["checks"]["redis"]


@pytest.mark.redis
def test_readyz_is_ready_with_a_reachable_redis(client: Client, redis_url: str) -> None:
    with override_settings(REDIS_URL=redis_url):
        assert client.get("/readyz").status_code == 200
