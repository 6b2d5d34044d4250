"""Canned replies: managers edit them in the admin, the desk page carries the active ones."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from virtualcite.demo import load_demo
from virtualcite.models import CannedReply, Pole

pytestmark = pytest.mark.django_db


def desk_data(client: Client) -> dict[str, object]:
    page = client.get("/en/desk/").content.decode()
    match = re.search(r'<script id="desk-data" type="application/json">(.*?)</script>', page,
                      re.DOTALL)
    assert match, page[:500]
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_the_desk_page_carries_the_active_replies_of_active_poles_in_the_admins_order() -> None:
    load_demo()
    job = Pole.objects.get(slug="find-a-job")
    CannedReply.objects.filter(pole=job).delete()
    CannedReply.objects.create(pole=job, title="Second", text="B </script> & co", order=2)
    CannedReply.objects.create(pole=job, title="First", text="A", order=1)
    CannedReply.objects.create(pole=job, title="Retired", text="R", order=0, active=False)
    business = Pole.objects.get(slug="create-business")
    business.active = False
    business.save()
    client = Client()
    client.force_login(User.objects.get(username="camille"))
    replies = desk_data(client)["canned_replies"]
    assert isinstance(replies, list)
    mine = [(r["title"], r["text"]) for r in replies if r["pole"] == "find-a-job"]
    assert mine == [("First", "A"), ("Second", "B </script> & co")]  # json_script escapes
    assert {r["pole"] for r in replies} <= {p.slug for p in Pole.objects.active()}


def test_a_manager_edits_canned_replies_in_the_admin() -> None:
    load_demo()
    marc = User.objects.get(username="marc")
    assert marc.has_perm("virtualcite.add_cannedreply")
    assert marc.has_perm("virtualcite.change_cannedreply")
    client = Client(headers={"accept-language": "en"})
    client.force_login(marc)
    assert client.get("/admin/virtualcite/cannedreply/").status_code == 200
    job = Pole.objects.get(slug="find-a-job")
    response = client.post("/admin/virtualcite/cannedreply/add/", {
        "pole": job.pk, "title": "Opening hours", "text": "We are open every day.",
        "order": 5, "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CannedReply.objects.get(title="Opening hours").pole == job
