"""The pages as a visitor or a staff member first meets them, in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer
from virtualcite.realtime.limits import HEARTBEAT_SECONDS

pytestmark = pytest.mark.browser




def test_home_page_is_french_by_default_with_live_status(browser: Browser,
                                                         served: LiveServer) -> None:
    context, page = new_page(browser, locale="fr-FR")
    errors = collect_errors(page)
    page.goto(served.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#pole-find-a-job h2")).to_have_text("Trouver un emploi")
    expect(page.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    # The socket's ping interval comes from the server, unlocalised ("10000", not "10 000").
    expect(page.locator("#visitor-desk")).to_have_attribute(
        "data-heartbeat-ms", str(round(HEARTBEAT_SECONDS * 1000)))
    expect(page.locator("#pole-find-a-job .pole-live")).to_be_visible()
    expect(page.locator("#pole-find-a-job button.join")).to_be_enabled()
    expect(page.locator("#save-copy-row")).to_be_hidden()
    screenshot(page, "home-fr")
    context.close()
    assert errors == []


def test_home_page_in_english_at_360_px_is_usable_with_the_keyboard(browser: Browser,
                                                                     served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US", width=360, height=740)
    errors = collect_errors(page)
    page.goto(served.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#pole-find-a-job h2")).to_have_text("Find a job")
    expect(page.locator("#pole-find-a-job .pole-live")).to_contain_text("counsellor")
    expect(page.locator("#pole-find-a-job .pole-live")).to_contain_text("Estimated wait: unknown")
    # Nothing wider than the screen: no sideways scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "home-en-360")

    # Keyboard only: focus the join button, press Enter, focus lands on the queue.
    join = page.locator("#pole-discover-jobs button.join")
    join.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#queue-panel")).to_be_visible()
    expect(page.locator("#queue-title")).to_be_focused()
    expect(page.locator("#queue-estimate")).to_contain_text("unknown")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "queue-en-360")
    page.locator("#leave-queue").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_contain_text("You left the queue.")
    expect(page.locator("#lobby")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('vc.token')") is None
    context.close()
    assert errors == []


def test_a_closed_pole_cannot_be_joined_and_says_when_it_opens(browser: Browser,
                                                               served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    page.goto(served.url + "/")
    pole = page.locator("#pole-create-business")  # demo hours: Tuesday and Thursday afternoons
    expect(page.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    expect(pole.locator(".pole-live")).to_be_visible()
    if pole.locator(".badge.closed").count():
        expect(pole.locator(".pole-status")).to_contain_text("Opens")
        expect(pole.locator("button.join")).to_be_disabled()
    else:
        expect(pole.locator("button.join")).to_be_enabled()
    context.close()


def test_a_socket_that_cannot_connect_shows_reconnecting_not_a_crash(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    page.route_web_socket(re.compile(r"/ws/visitor/"), lambda socket: socket.close())
    page.goto(served.url + "/")
    expect(page.locator("#connection")).to_be_visible()
    expect(page.locator("#connection")).to_contain_text("Reconnecting")
    expect(page.locator("#pole-find-a-job h2")).to_have_text("Find a job")
    context.close()
    assert errors == []


def test_server_html_is_rebuilt_with_text_and_web_links_only(browser: Browser,
                                                             served: LiveServer) -> None:
    context, page = new_page(browser)
    page.goto(served.url + "/library/find-a-job/")
    rebuilt = page.evaluate("""async () => {
        const { safeFragment } = await import('/static/frontend/js/dom.js');
        const holder = document.createElement('div');
        holder.append(safeFragment(
          'a <b>bold</b> <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>'
          + '<a href="javascript:window.pwned=3">js</a> '
          + '<a href="https://example.org/" onclick="x()">ok</a>'));
        return { html: holder.innerHTML, pwned: window.pwned || null };
    }""")
    assert rebuilt["pwned"] is None
    assert rebuilt["html"] == (
        'a bold  js <a href="https://example.org/" rel="noopener noreferrer nofollow" '
        'target="_blank" dir="ltr">ok</a>'
    )
    context.close()


def test_library_page_lists_the_poles_published_resources(browser: Browser,
                                                          served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US", width=360, height=740)
    errors = collect_errors(page)
    page.goto(served.url + "/library/find-a-job/")
    expect(page.locator("h1")).to_contain_text("Find a job")
    resources = page.locator("li.resource")
    expect(resources).to_have_count(2)
    link = page.get_by_role("link", name="France Travail : offres d'emploi")
    expect(link).to_have_attribute("href", "https://candidat.francetravail.fr/offres/emploi")
    expect(page.locator("li.resource .kind").first).to_be_visible()
    expect(page.locator("li.resource .review").first).to_contain_text("documentalist")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "library-en-360")
    assert errors == []
    response = page.goto(served.url + "/library/no-such-pole/")
    assert response is not None and response.status == 404
    context.close()


def test_desk_needs_a_login_and_the_counsellor_role(browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    page.goto(served.url + "/desk/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/(fr|en)/desk/$"))
    screenshot(page, "login")
    page.fill("#id_username", "camille")
    page.fill("#id_password", "wrong")
    page.press("#id_password", "Enter")
    expect(page.locator(".notice")).to_be_visible()
    page.fill("#id_username", "marc")  # a manager, not a counsellor: their own page, not a 403
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("link", name="Open the administration")).to_be_visible()
    page.get_by_role("link", name="Live dashboard").click()
    expect(page.locator("#poles-board tbody tr")).to_have_count(5)  # every demo pole
    screenshot(page, "manager-page")
    page.goto(served.url + "/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Staff login")).to_be_visible()
    context.close()

    context, page = new_page(browser, locale="en-US")
    page.goto(served.url + "/login/")
    page.fill("#id_username", "camille")
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.locator("#counsellor-desk")).to_have_attribute("data-connection", "open")
    expect(page.locator("#queues tbody tr")).to_have_count(2)  # camille's two poles
    screenshot(page, "desk")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "desk-360")
    context.close()


def test_the_lobby_lists_a_poles_next_rooms_and_the_agenda_is_usable_at_360_px(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US", width=360, height=740)
    errors = collect_errors(page)
    page.goto(served.url + "/")
    rooms = page.locator("#pole-change-career .pole-rooms")
    expect(rooms).to_contain_text("Its next group rooms:")
    expect(rooms.get_by_role("link", name="Club reconversion")).to_be_visible()
    expect(rooms).to_contain_text("open now until")
    expect(page.locator("#pole-find-a-job .pole-rooms")).to_have_count(0)  # it has none

    # Keyboard only: from the card's agenda link to the agenda, then into a room's page.
    rooms.get_by_role("link", name="The agenda of the group rooms").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/rooms/#pole-change-career$"))
    expect(page.locator("h1")).to_have_text("Group rooms: the agenda")
    session = page.locator("#pole-change-career .session").first
    expect(session.locator(".badge.open")).to_have_text("Open now")
    expect(page.locator("#pole-create-business .session")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "agenda-en-360")
    session.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Club reconversion : construire son projet")
    expect(page.locator("#room")).to_contain_text("Open now")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
    assert errors == []


def test_the_agenda_is_french_by_default(browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="fr-FR")
    page.goto(served.url + "/rooms/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Ateliers collectifs : l’agenda")
    expect(page.locator("#pole-create-business .session").first).to_contain_text("14:00")
    screenshot(page, "agenda-fr")
    context.close()
