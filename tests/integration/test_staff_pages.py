"""The staff login, throttled, and where each role lands after it (frontend/views.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.test.utils import override_settings

from rooms.models import Room
from virtualcite.demo import load_demo

pytestmark = pytest.mark.django_db


def csrf_from(client: Client, path: str) -> str:
    """GET the login page as docs/protocol.md says; its form carries the CSRF token."""
    page = client.get(path, follow=True).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def post_login(client: Client, username: str, password: str, path: str = "/login/") -> object:
    token = csrf_from(client, path)
    return client.post(path, {"username": username, "password": password,
                              "csrfmiddlewaretoken": token})


@override_settings(DEBUG=True)  # the demo accounts log in only in DEBUG
def test_the_documented_post_to_unprefixed_login_logs_in() -> None:
    load_demo()
    client = Client(headers={"accept-language": "en"})
    response = post_login(client, "camille", "demo")
    assert response.status_code == 302
    assert response["Location"] == "/en/staff/"
    assert "sessionid" in client.cookies
    assert client.get("/en/staff/")["Location"] == "/en/desk/"  # a counsellor: the desk


def test_unprefixed_get_goes_to_the_page_in_the_browser_language_with_its_query() -> None:
    response = Client(headers={"accept-language": "en"}).get("/login/?next=/en/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/en/login/?next=/en/desk/"


@override_settings(DEBUG=True)
def test_a_manager_lands_on_a_page_with_the_admin_and_the_dashboard() -> None:
    load_demo()
    client = Client(headers={"accept-language": "en"})
    response = post_login(client, "marc", "demo")
    page = client.get(response["Location"]).content.decode()
    assert "Open the administration" in page
    assert 'href="/admin/"' in page
    assert 'href="/en/manage/"' in page


@override_settings(DEBUG=True)
def test_a_manager_is_sent_from_the_desk_to_their_page_not_a_bare_403() -> None:
    load_demo()
    client = Client(headers={"accept-language": "fr"})
    post_login(client, "marc", "demo")
    response = client.get("/fr/desk/", follow=True)
    assert response.redirect_chain[-1][0] == "/fr/staff/"
    assert "Ouvrir l’administration" in response.content.decode()


@override_settings(DEBUG=True)
def test_a_facilitator_lands_on_the_rooms_they_run_with_their_host_pages() -> None:
    load_demo()
    client = Client(headers={"accept-language": "en"})
    response = post_login(client, "nadia", "demo")
    page = client.get(response["Location"]).content.decode()
    hosted = re.search(r'<ul id="hosted-rooms".*?</ul>', page, re.S)
    assert hosted is not None
    assert 'href="/en/rooms/club-reconversion/host/"' in hosted.group(0)
    assert 'href="/en/rooms/atelier-premiers-pas/host/"' in hosted.group(0)
    assert "Session running" in hosted.group(0)  # the demo's room open now
    assert 'href="/en/"' in page  # the poles and their libraries
    assert "Open the administration" not in page


@override_settings(DEBUG=True)
def test_a_facilitator_listed_on_no_room_is_told_how_to_get_one() -> None:
    load_demo()
    for room in Room.objects.all():
        room.facilitators.clear()
    client = Client(headers={"accept-language": "en"})
    response = post_login(client, "nadia", "demo")
    page = client.get(response["Location"]).content.decode()
    assert 'id="hosted-rooms"' not in page
    assert "No group room lists you as its facilitator yet." in page


def test_an_account_without_a_role_is_told_so() -> None:
    user = User.objects.create_user("nobody", password="a long password for nobody")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.get("/en/staff/")
    assert response.status_code == 403
    assert "Your account has no role on this desk" in response.content.decode()


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one() -> None:
    user = User.objects.create_user("karen", password="the right password, long")
    user.groups.add(Group.objects.get(name="manager"))
    client = Client(headers={"accept-language": "en"})
    for _ in range(4):
        assert post_login(client, "karen", "wrong").status_code == 200  # the form again
    locked = post_login(client, "karen", "wrong")
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    refused = post_login(client, "karen", "the right password, long")
    assert refused.status_code == 429
    assert "sessionid" not in client.cookies
    # Another username is not locked: the count is per username, never per address.
    other = User.objects.create_user("omar", password="another right password")
    other.groups.add(Group.objects.get(name="manager"))
    assert post_login(client, "omar", "another right password").status_code == 302


def test_the_admin_login_is_behind_the_same_throttle() -> None:
    User.objects.create_superuser("root", password="the admin's right password")
    client = Client(headers={"accept-language": "fr"})
    for _ in range(5):
        post_login(client, "root", "wrong", path="/admin/login/")
    response = post_login(client, "root", "the admin's right password", path="/admin/login/")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_a_counsellor_without_a_staff_profile_is_told_what_is_missing() -> None:
    user = User.objects.create_user("newcomer", password="a long password for the newcomer")
    user.groups.add(Group.objects.get(name="counsellor"))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.get("/en/desk/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/staff/"
    assert "no staff profile yet" in response.content.decode()
