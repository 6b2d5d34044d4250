"""Every manager page: a login first, then the manager role (issue 11, item 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from virtualcite.demo import load_demo

MANAGER_PAGES = ["/fr/manage/", "/en/manage/", "/fr/manage/rota/", "/fr/manage/reports/",
                 "/fr/manage/reports/export.csv", "/fr/manage/reports/year/2026/"]


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_an_anonymous_user_is_sent_to_the_login(demo: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert "/login/?next=" in response["Location"]


@pytest.mark.parametrize("username", ["camille", "nadia"])
@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_staff_without_the_manager_role_get_403(demo: None, url: str, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_a_manager_and_a_superuser_get_the_page(demo: None, url: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="marc"))
    assert client.get(url).status_code == 200
    root = User.objects.create_superuser("root", password="x" * 20)
    client.force_login(root)
    assert client.get(url).status_code == 200
