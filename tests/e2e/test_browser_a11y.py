"""Every page and state outside the two desks, checked by axe-core and by keyboard, in Chromium.

Each state is looked at in two widths, 1280 and 360 px (a phone): a screenshot is saved
(test-artefacts/screenshots/a11y-<state>-<width>.png), axe must find nothing serious or
critical (tests/e2e/axe.py), and every tab stop must show a focus ring of 3:1 or more
(tests/e2e/focus_ring.py). The desks' own states (a visitor queued or chatting, a counsellor on
shift) belong to their pages' tests; here only the lobby of the home page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.a11y import check_at_every_width as check
from tests.e2e.browser import collect_errors, new_page
from tests.e2e.focus_ring import tab_stops
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser

ROOM = "club-reconversion"  # the demo's room with a session now, run by nadia
LATER_ROOM = "atelier-premiers-pas"  # the demo's workshop of tomorrow
PASSWORD = "a password of the a11y staff, " + secrets.token_hex(8)
# Accounts the demo lacks, for the staff page's other cases: a facilitator listed on no room,
# the counsellor role without the profile the desk needs, an account with no role.
STAFF = """
import django
django.setup()
from django.contrib.auth.models import Group, User
for username, role in (("a11y-facilitator", "facilitator"), ("a11y-counsellor", "counsellor"),
                       ("a11y-norole", None)):
    user = User.objects.create_user(username, password={password!r})
    if role:
        user.groups.add(Group.objects.get(name=role))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(Path(tmp_path_factory.mktemp("a11y")), demo=False)
    live.seed(STAFF.format(password=PASSWORD))
    live.start()
    yield live
    live.stop()


def scroll_by_key(page: Page, box: Locator, key: str) -> float:
    """Press `key` in the focused `box`; its scrollTop once the (smooth) scroll has ended."""
    box.evaluate("box => { window.__scrollEnded = new Promise((ended) => "
                 "box.addEventListener('scrollend', ended, { once: true })); }")
    page.keyboard.press(key)
    position: float = box.evaluate("async (box) => { await window.__scrollEnded; "
                                   "return box.scrollTop; }")
    return position


def logged_in(browser: Browser, server: LiveServer, username: str) -> Page:
    _, page = new_page(browser)
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD if username.startswith("a11y-") else "demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/(staff|desk)/$"))
    return page


@pytest.mark.parametrize(("state", "path", "ready"), [
    ("home-lobby", "/", "#visitor-desk[data-connection=open]"),
    ("library", "/fr/library/find-a-job/", "li.resource"),
    ("login", "/login/", "#id_username"),
    ("agenda", "/fr/rooms/", "#pole-change-career .session"),
    ("room-later", f"/fr/rooms/{LATER_ROOM}/", "#room-live[data-connection=open]"),
])
def test_a_public_page_passes_axe_and_shows_its_focus(browser: Browser, server: LiveServer,
                                                      state: str, path: str,
                                                      ready: str) -> None:
    context, page = new_page(browser)
    errors = collect_errors(page)
    page.goto(server.url + path)
    expect(page.locator(ready).first).to_be_attached()
    check(page, state)
    context.close()
    assert errors == []


def test_a_refused_login_and_a_locked_username_pass_axe(browser: Browser,
                                                        server: LiveServer) -> None:
    context, page = new_page(browser)
    page.goto(server.url + "/login/")
    for attempt in range(5):  # AXES_FAILURE_LIMIT: the fifth wrong password locks the name
        page.fill("#id_username", "a11y-locked")
        page.fill("#id_password", f"wrong {attempt}")
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        if attempt == 0:
            expect(page.locator(".notice")).to_be_visible()
            check(page, "login-refused")
    expect(page.locator("h1")).to_have_text("Trop de tentatives de connexion")
    check(page, "login-locked")
    context.close()


@pytest.mark.parametrize(("username", "state", "ready"), [
    ("marc", "staff-manager", "#manager-pages"),
    ("nadia", "staff-facilitator", "#hosted-rooms"),
    ("a11y-facilitator", "staff-facilitator-no-room", "#facilitator"),
    ("a11y-counsellor", "staff-counsellor-no-profile", "#counsellor"),
    ("a11y-norole", "staff-no-role", "#no-role-title"),
])
def test_the_staff_page_of_each_role_passes_axe(browser: Browser, server: LiveServer,
                                                username: str, state: str, ready: str) -> None:
    page = logged_in(browser, server, username)
    expect(page.locator(ready)).to_be_visible()
    check(page, state)
    page.context.close()


def test_the_host_page_refused_to_another_facilitator_passes_axe(browser: Browser,
                                                                 server: LiveServer) -> None:
    page = logged_in(browser, server, "a11y-facilitator")
    page.goto(f"{server.url}/fr/rooms/{ROOM}/host/")
    expect(page.locator("#forbidden-title")).to_be_visible()
    check(page, "host-forbidden")
    page.context.close()


def test_the_managers_pages_pass_axe(browser: Browser, server: LiveServer) -> None:
    page = logged_in(browser, server, "marc")
    errors = collect_errors(page)
    page.goto(server.url + "/fr/manage/")
    expect(page.locator("#dashboard-live")).to_have_attribute("data-connection", "open")
    expect(page.locator("#poles-board tbody tr")).to_have_count(5)
    check(page, "dashboard")
    page.goto(server.url + "/fr/manage/reports/")
    expect(page.locator("#table-buckets")).to_be_visible()
    check(page, "reports")
    page.goto(f"{server.url}/fr/manage/reports/year/{date.today().year}/")
    expect(page.locator("#y-poles")).to_be_visible()
    check(page, "year-report")
    page.goto(server.url + "/fr/manage/rota/")
    expect(page.locator("#coverage")).to_be_visible()
    check(page, "rota")
    page.locator("#plan-shift").click()
    expect(page.locator("form select").first).to_be_visible()
    check(page, "rota-shift-new")
    page.context.close()
    assert errors == []


def test_a_room_from_its_lobby_to_a_long_transcript_read_by_keyboard(browser: Browser,
                                                                      server: LiveServer) -> None:
    context, guest = new_page(browser)
    errors = collect_errors(guest)
    guest.goto(f"{server.url}/fr/rooms/{ROOM}/")
    expect(guest.locator("#room-live")).to_have_attribute("data-connection", "open")
    expect(guest.locator("#room-status")).to_contain_text("Fermé")
    check(guest, "room-lobby")
    guest.click("#join")
    expect(guest.locator("#waiting-position")).to_be_visible()
    check(guest, "room-waiting")

    host = logged_in(browser, server, "nadia")
    host.goto(f"{server.url}/fr/rooms/{ROOM}/host/")
    expect(host.locator("#host-live")).to_have_attribute("data-connection", "open")
    check(host, "host-closed")
    host.click("#open")
    expect(guest.locator("#seated-panel")).to_be_visible()
    check(guest, "room-seated")

    # Enough lines to overflow the transcript's box: it scrolls, so it must be reachable.
    for number in range(1, 13):
        guest.fill("#message-text", f"Message numéro {number} pour remplir la conversation")
        guest.press("#message-text", "Enter")
        expect(guest.locator("#transcript .line.mine").last).not_to_have_class(
            re.compile("pending"))
    expect(host.locator("#transcript")).to_contain_text("Message numéro 12")
    transcript = guest.locator("#transcript")
    assert transcript.evaluate("list => list.scrollHeight > list.clientHeight")
    check(guest, "room-long-transcript")
    check(host, "host-open")

    # A named log, its list one tab stop, scrolled by the keyboard once focused.
    expect(guest.get_by_role("log", name="Messages")).to_have_count(1)
    expect(transcript).to_have_attribute("tabindex", "0")
    assert any(stop.label.startswith("ol#transcript") for stop in tab_stops(guest))
    transcript.focus()
    assert transcript.evaluate("list => list.scrollTop") > 0  # kept at the newest line
    assert scroll_by_key(guest, transcript, "Home") == 0
    bottom = transcript.evaluate("list => list.scrollHeight - list.clientHeight")
    assert scroll_by_key(guest, transcript, "End") >= bottom - 1
    host.context.close()
    context.close()
    assert errors == []
