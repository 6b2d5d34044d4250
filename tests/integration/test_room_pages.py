"""The rooms' pages: the agenda, its iCalendar feed, a room's page, the lobby's next rooms and
the rooms' admin."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import dateformat, timezone, translation
from django.utils.html import escape
from icalendar import Calendar

from rooms.models import Room, RoomSchedule, ScheduleKind
from virtualcite.demo import DEMO_ROOMS, load_demo

pytestmark = pytest.mark.django_db

OPEN_NOW, LATER = DEMO_ROOMS


def page(client: Client, path: str, language: str = "fr") -> str:
    response = client.get(path, headers={"accept-language": language}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def room_block(html: str, slug: str) -> str:
    """The agenda's entries of one room (one <li> per session)."""
    found = re.findall(rf'<li class="session" data-room="{slug}">(.*?)</li>', html, re.S)
    assert found, f"{slug} is not on the page"
    return "".join(found)


def test_the_agenda_lists_the_room_open_now_and_the_one_to_come_in_french(
        client: Client) -> None:
    load_demo()
    html = page(client, "/fr/rooms/")
    assert "Ateliers collectifs : l’agenda" in html
    running = room_block(html, OPEN_NOW.slug)
    assert escape(OPEN_NOW.title) in running
    assert "Ouvert en ce moment" in running
    assert f'href="/fr/rooms/{OPEN_NOW.slug}/"' in running
    assert "12 places" in running and "Langue : Français" in running
    upcoming = room_block(html, LATER.slug)
    assert "Ouvert en ce moment" not in upcoming
    with translation.override("fr"):
        tomorrow = dateformat.format(timezone.localtime() + timedelta(days=1), "l j F")
    assert f"{tomorrow}, 14:00</time>–16:00" in upcoming  # e.g. "mercredi 2 décembre"
    # Grouped by pole, in the poles' order: the "change career" pole before "create business".
    assert html.index('id="pole-change-career"') < html.index('id="pole-create-business"')
    assert html.index(f'data-room="{OPEN_NOW.slug}"') < html.index(f'data-room="{LATER.slug}"')


def test_the_agenda_in_english_with_every_weekly_session_of_two_weeks(client: Client) -> None:
    load_demo()
    html = page(client, "/en/rooms/", "en")
    assert "Group rooms: the agenda" in html
    assert "Open now" in room_block(html, OPEN_NOW.slug)
    assert "10 seats" in room_block(html, LATER.slug)
    assert "Language: French" in html
    # A weekly room comes back every week of the agenda's two weeks.
    assert len(re.findall(f'data-room="{LATER.slug}"', html)) == 2


def test_an_unprefixed_agenda_goes_to_the_browsers_language(client: Client) -> None:
    response = client.get("/rooms/", headers={"accept-language": "en"})
    assert response.status_code == 302 and response["Location"] == "/en/rooms/"


def test_the_agenda_says_when_no_room_is_planned(client: Client) -> None:
    assert "No group room is planned in the next 14 days." in page(client, "/en/rooms/", "en")


def test_the_agenda_leaves_out_inactive_rooms(client: Client) -> None:
    load_demo()
    Room.objects.filter(slug=LATER.slug).update(active=False)
    html = page(client, "/en/rooms/", "en")
    assert LATER.slug not in html and OPEN_NOW.slug in html


def parse_feed(client: Client, query: str = "") -> Calendar:
    response = client.get("/rooms/agenda.ics" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response  # a visitor gets no cookie, not even here
    return Calendar.from_ical(response.content)


def test_the_feed_has_one_event_per_session_in_the_citys_time_zone(client: Client) -> None:
    load_demo()
    feed = parse_feed(client)
    events = feed.walk("VEVENT")
    assert len(events) == 3  # the open room once, the weekly room twice in two weeks
    assert [zone["TZID"] for zone in feed.walk("VTIMEZONE")] == [settings.TIME_ZONE]
    by_title: dict[str, list] = {}
    for event in events:
        by_title.setdefault(str(event["SUMMARY"]), []).append(event)
        assert event["DTSTART"].params["TZID"] == settings.TIME_ZONE
        assert event["DTEND"].params["TZID"] == settings.TIME_ZONE
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    (running,) = by_title[OPEN_NOW.title]
    assert running.decoded("DTSTART") <= timezone.now() < running.decoded("DTEND")
    assert str(running["URL"]) == f"http://testserver/fr/rooms/{OPEN_NOW.slug}/"
    assert str(running["DESCRIPTION"]).startswith(OPEN_NOW.description)
    later = by_title[LATER.title]
    starts = [event.decoded("DTSTART") for event in later]
    assert starts[1] - starts[0] == timedelta(days=7)
    assert [start.astimezone(timezone.get_default_timezone()).time() for start in starts] == [
        time(14), time(14)]


def test_the_feeds_uids_are_stable_and_one_per_session(client: Client) -> None:
    load_demo()
    first = [str(event["UID"]) for event in parse_feed(client).walk("VEVENT")]
    again = [str(event["UID"]) for event in parse_feed(client).walk("VEVENT")]
    assert first == again and len(set(first)) == len(first)


def test_the_feed_of_one_pole_and_an_unknown_pole(client: Client) -> None:
    load_demo()
    feed = parse_feed(client, "?pole=create-business")
    assert [str(event["SUMMARY"]) for event in feed.walk("VEVENT")] == [LATER.title] * 2
    assert "Créer son activité" in str(feed["X-WR-CALNAME"])
    assert client.get("/rooms/agenda.ics?pole=nowhere").status_code == 404


def test_a_rooms_page_names_it_and_when_it_runs(client: Client) -> None:
    load_demo()
    html = page(client, f"/en/rooms/{OPEN_NOW.slug}/", "en")
    assert f'<h1 lang="fr">{escape(OPEN_NOW.title)}</h1>' in html
    assert "Open now" in html
    assert "Next session:" in page(client, f"/en/rooms/{LATER.slug}/", "en")
    assert client.get("/fr/rooms/nowhere/").status_code == 404
    Room.objects.filter(slug=LATER.slug).update(active=False)
    assert client.get(f"/fr/rooms/{LATER.slug}/").status_code == 404


def test_a_rooms_page_carries_its_live_room_for_the_page_script(client: Client) -> None:
    load_demo()
    html = page(client, f"/en/rooms/{OPEN_NOW.slug}/", "en")
    assert f'data-ws-path="/ws/room/{OPEN_NOW.slug}/"' in html
    assert 'data-heartbeat-ms="10000"' in html
    assert "frontend/js/room.js" in html
    assert "Join" in html and "Raise my hand" in html


def test_the_host_page_is_for_the_rooms_facilitators_only(client: Client) -> None:
    load_demo()
    path = f"/en/rooms/{OPEN_NOW.slug}/host/"
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/en/login/?next={path}"
    client.force_login(User.objects.get(username="camille"))  # a counsellor
    refused = client.get(path)
    assert refused.status_code == 403
    assert "You are not a facilitator of this room" in refused.content.decode()
    assert f'data-ws-path="/ws/room/{OPEN_NOW.slug}/host/"' not in refused.content.decode()
    client.force_login(User.objects.get(username="nadia"))
    assert client.get("/en/rooms/nowhere/host/").status_code == 404
    Room.objects.get(slug=LATER.slug).facilitators.clear()
    assert client.get(f"/en/rooms/{LATER.slug}/host/").status_code == 403  # not listed on it


def test_the_host_page_gives_its_script_the_library_and_the_rooms_own_pins(
        client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="nadia"))
    response = client.get(f"/en/rooms/{OPEN_NOW.slug}/host/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-ws-path="/ws/room/{OPEN_NOW.slug}/host/"' in html
    data = json.loads(re.search(r'<script id="host-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    titles = [resource["title"] for resource in data["resources"]]
    assert set(titles[:2]) == set(OPEN_NOW.resources)  # the room's pole first
    assert "Bpifrance Création" in titles  # another pole's, to point people to
    pinned = Room.objects.get(slug=OPEN_NOW.slug).resources.values_list("id", flat=True)
    assert sorted(data["room_pins"]) == sorted(pinned)
    assert "Se présenter" not in html  # the steps come with host_welcome, once connected
    assert '<option value="30">30 seconds</option>' in html


def test_the_lobby_shows_each_poles_next_rooms(client: Client) -> None:
    load_demo()
    html = page(client, "/fr/")
    career = re.search(r'<li class="pole" id="pole-change-career".*?</details>', html, re.S)
    business = re.search(r'<li class="pole" id="pole-create-business".*?</details>', html, re.S)
    assert career and business
    assert f'href="/fr/rooms/{OPEN_NOW.slug}/"' in career.group(0)
    assert "ouvert en ce moment jusqu’à" in career.group(0)
    # The pole whose desk keeps real hours offers its room to come and its library.
    assert f'href="/fr/rooms/{LATER.slug}/"' in business.group(0)
    assert 'href="/fr/library/create-business/"' in business.group(0)
    assert 'href="/fr/rooms/#pole-create-business"' in business.group(0)
    # A pole with no room says nothing about rooms.
    job = re.search(r'<li class="pole" id="pole-find-a-job".*?</details>', html, re.S)
    assert job and "pole-rooms" not in job.group(0)


def test_the_lobby_costs_the_same_queries_with_more_rooms(
        client: Client, django_assert_max_num_queries: object) -> None:
    load_demo()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        page(client, "/fr/")
    pole = Room.objects.get(slug=LATER.slug).pole
    for index in range(5):
        room = Room.objects.create(pole=pole, slug=f"extra-{index}", title=f"Extra {index}")
        RoomSchedule.objects.create(room=room, kind=ScheduleKind.WEEKLY, weekday=index,
                                    opens_at=time(9), closes_at=time(10))
    with django_assert_max_num_queries(len(before)):  # type: ignore[operator]
        html = page(client, "/fr/")
    assert html.count("/fr/rooms/extra-") == 2  # three rooms at most per pole


def test_a_manager_edits_rooms_in_the_admin(client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="marc"))
    assert client.get("/admin/rooms/room/").status_code == 200
    add = client.get("/admin/rooms/room/add/")
    assert add.status_code == 200
    form = add.content.decode()
    nadia, camille = (User.objects.get(username=name).staff_profile
                      for name in ("nadia", "camille"))
    facilitators = re.search(r'<select name="facilitators".*?</select>', form, re.S)
    assert facilitators is not None
    assert f'value="{nadia.pk}"' in facilitators.group(0)
    assert f'value="{camille.pk}"' not in facilitators.group(0)  # a counsellor, not a facilitator
    room = Room.objects.get(slug=OPEN_NOW.slug)
    assert client.get(f"/admin/rooms/room/{room.pk}/change/").status_code == 200

    response = client.post("/admin/rooms/room/add/", {
        "title": "Club CV", "slug": "club-cv", "pole": room.pole_id, "description": "",
        "language": "fr", "capacity": "6", "active": "on", "facilitators": [nadia.pk],
        "schedules-TOTAL_FORMS": "1", "schedules-INITIAL_FORMS": "0",
        "schedules-0-kind": "weekly", "schedules-0-weekday": "2",
        "schedules-0-opens_at": "10:00", "schedules-0-closes_at": "12:00",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
        "steps-0-order": "1", "steps-0-title": "Lire son CV", "steps-0-instructions": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Room.objects.get(slug="club-cv")
    assert list(created.facilitators.all()) == [nadia]
    assert created.schedules.get().weekday == 2
    assert "Club CV" in page(client, "/fr/rooms/")


def test_a_schedule_must_close_after_it_opens_and_match_its_kind() -> None:
    def check(**fields: object) -> set[str]:
        try:
            RoomSchedule(**fields).clean()
        except ValidationError as error:
            return set(error.message_dict)
        return set()

    assert check(kind=ScheduleKind.WEEKLY, weekday=1, opens_at=time(14),
                 closes_at=time(0)) == set()  # until midnight
    assert check(kind=ScheduleKind.WEEKLY, weekday=1, opens_at=time(14),
                 closes_at=time(13)) == {"closes_at"}
    assert check(kind=ScheduleKind.ONE_OFF, opens_at=time(9), closes_at=time(10)) == {"date"}
    assert check(kind=ScheduleKind.ONE_OFF, date=date(2026, 12, 1), weekday=1,
                 opens_at=time(9), closes_at=time(10)) == {"weekday"}
    assert check(kind=ScheduleKind.WEEKLY, opens_at=time(9), closes_at=time(10)) == {"weekday"}
    assert check(kind=ScheduleKind.WEEKLY, weekday=1, opens_at=time(9), closes_at=time(10),
                 starts_on=date(2026, 12, 8), ends_on=date(2026, 12, 1)) == {"ends_on"}


def test_a_manager_is_told_of_a_schedule_closing_before_it_opens(client: Client) -> None:
    load_demo()
    client.force_login(User.objects.get(username="marc"))
    pole = Room.objects.get(slug=OPEN_NOW.slug).pole_id
    response = client.post("/admin/rooms/room/add/", {
        "title": "Club", "slug": "club", "pole": pole, "language": "fr", "capacity": "6",
        "schedules-TOTAL_FORMS": "1", "schedules-INITIAL_FORMS": "0",
        "schedules-0-kind": "one_off", "schedules-0-date": "2026-12-24",
        "schedules-0-opens_at": "12:00", "schedules-0-closes_at": "10:00",
        "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
    }, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "A session must close after it opens" in response.content.decode()
    assert not Room.objects.filter(slug="club").exists()


