"""A group room in real Chromium: a facilitator (nadia) and three participants, each in their
own browser context, against a real `virtualcite serve` of the demo with the room's capacity
lowered to 2 through the ORM, so that the third waits for a seat.

The journey covers every action of the rooms (docs/protocol.md, Rooms): the lobby of a room not
yet open, opening, joining, the waiting list, another pseudonym, messages both ways, hands in
order, the floor, mute (its refusal said in words), slow mode (its refusal and countdown),
the next step, pinning, unpinning and posting a resource, leaving, removal (kept through a
reload) and closing; then both pages at 360 px, by keyboard.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser

ROOM = "club-reconversion"  # the demo's room run by nadia, its session running now
TOKEN_KEY = f"vc.room.{ROOM}"
CAPACITY = """
import django
django.setup()
from rooms.models import Room
Room.objects.filter(slug={slug!r}).update(capacity={capacity})
"""


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo with the room's capacity set to 2 before the server reads it (its directory
    would otherwise keep the old capacity for a few seconds)."""
    server = LiveServer(Path(tmp_path_factory.mktemp("rooms")), demo=False)
    env = {**server.env, "DJANGO_SETTINGS_MODULE": "virtualcite.settings"}
    subprocess.run([sys.executable, "-m", "virtualcite.cli", "demo"], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-c", CAPACITY.format(slug=ROOM, capacity=2)], env=env,
                   check=True)
    server.start()
    yield server
    server.stop()


def participant(browser: Browser, server: LiveServer, language: str, *,
                width: int = 1200) -> tuple[Page, list[str]]:
    _, page = new_page(browser, locale="fr-FR" if language == "fr" else "en-US",
                       width=width, height=900 if width > 400 else 740)
    errors = collect_errors(page)
    page.goto(f"{server.url}/{language}/rooms/{ROOM}/")
    expect(page.locator("#room-live")).to_have_attribute("data-connection", "open")
    return page, errors


def facilitator(browser: Browser, server: LiveServer, *,
                width: int = 1200) -> tuple[Page, list[str]]:
    """nadia logs in, lands on her staff page and follows its link to the room's host page."""
    _, page = new_page(browser, locale="en-US", width=width,
                       height=900 if width > 400 else 740)
    errors = collect_errors(page)
    page.goto(server.url + "/login/")
    page.fill("#id_username", "nadia")
    page.fill("#id_password", "demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/en/staff/$"))
    page.locator(f"#hosted-rooms a[href='/en/rooms/{ROOM}/host/']").click()
    expect(page.locator("#host-live")).to_have_attribute("data-connection", "open")
    return page, errors


def join(page: Page) -> str:
    """Join the room; the pseudonym drawn."""
    page.click("#join")
    pseudonym = page.locator("#my-pseudonym")
    expect(pseudonym).not_to_be_empty()
    return pseudonym.inner_text()


def row(host: Page, name: str) -> Locator:
    return host.locator("#participants li.person", has=host.locator(".name", has_text=name))


def say(page: Page, text: str) -> None:
    page.fill("#message-text", text)
    page.press("#message-text", "Enter")


def stored_token(page: Page) -> str | None:
    token: str | None = page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    return token


def test_a_facilitator_and_three_participants_through_every_action_of_a_room(
        browser: Browser, room_server: LiveServer) -> None:
    # The first participant's socket goes through the test, which can speak for the page as a
    # message sent at the very moment of a mute would.
    sockets: list[WebSocketRoute] = []
    _, amy = new_page(browser, locale="fr-FR")
    errors = collect_errors(amy)
    amy.route_web_socket(re.compile(r"/ws/room/"),
                         lambda socket: sockets.append(socket.connect_to_server()))

    # A room not opened yet: its lobby says so and lets people wait.
    amy.goto(f"{room_server.url}/fr/rooms/{ROOM}/")
    expect(amy.locator("#room-live")).to_have_attribute("data-connection", "open")
    expect(amy.locator("#room-status")).to_contain_text("Fermé")
    expect(amy.locator("#room-status")).to_contain_text("Vous pouvez attendre ici")
    expect(amy.locator("#room-seats")).to_have_text(
        "Places prises : 0 sur 2 ; 0 personne en attente.")
    screenshot(amy, "room-lobby-closed")
    amy_name = join(amy)
    expect(amy.locator("#waiting-position")).to_have_text(
        "Vous êtes sur la liste d’attente : vous passez en premier.")
    expect(amy.locator("#seated-panel")).to_be_hidden()

    # The facilitator finds the room on her staff page, sees who waits, opens it.
    host, host_errors = facilitator(browser, room_server)
    expect(host.locator("#room-status")).to_contain_text("Closed")
    expect(host.locator("#room-seats")).to_have_text("Seats taken: 0 of 2; 1 person waiting.")
    expect(host.locator("#steps li")).to_have_count(3)
    host.click("#open")
    expect(host.locator("#room-status")).to_contain_text("Open")
    expect(host.locator("#transcript")).to_contain_text(f"{amy_name} joined the room.")

    # Seated in order: no history, the room's pins and who is here.
    expect(amy.locator("#seated-panel")).to_be_visible()
    expect(amy.locator("#transcript .line.system").first).to_contain_text(
        "les messages précédents ne sont pas affichés")
    expect(amy.locator("#pinned li")).to_have_count(2)
    expect(amy.get_by_role("link", name="France VAE")).to_have_attribute("href", "https://vae.gouv.fr/")
    expect(amy.locator("#present")).to_contain_text(f"{amy_name} (vous)")
    expect(amy.locator("#facilitators")).to_have_text("Animé par Nadia.")

    ben, ben_errors = participant(browser, room_server, "en")
    ben_name = join(ben)
    expect(ben.locator("#seated-panel")).to_be_visible()
    cleo, cleo_errors = participant(browser, room_server, "fr")
    expect(cleo.locator("#room-seats")).to_contain_text("Places prises : 2 sur 2")
    cleo_name = join(cleo)
    expect(cleo.locator("#waiting-position")).to_contain_text("vous passez en premier")
    expect(cleo.locator("#seated-panel")).to_be_hidden()
    expect(host.locator("#room-seats")).to_have_text("Seats taken: 2 of 2; 1 person waiting.")
    screenshot(cleo, "room-waiting")

    # Another pseudonym, never a typed one; everyone sees the new name.
    amy.click("#rename")
    expect(amy.locator("#my-pseudonym")).not_to_have_text(amy_name)
    amy_name = amy.locator("#my-pseudonym").inner_text()
    expect(row(host, amy_name)).to_have_count(1)
    expect(ben.locator("#present")).to_contain_text(amy_name)

    # Messages both ways, to the seated only.
    say(amy, "Bonjour à tous")
    expect(ben.locator("#transcript")).to_contain_text("Bonjour à tous")
    expect(host.locator("#transcript")).to_contain_text("Bonjour à tous")
    expect(amy.locator("#transcript .line.mine").last).not_to_have_class(re.compile("pending"))
    say(host, "Bienvenue, présentez-vous en trois phrases.")
    expect(amy.locator("#transcript .line.facilitator").last).to_contain_text("Nadia (animation)")
    expect(ben.locator("#transcript .line.facilitator").last).to_contain_text("présentez-vous")
    expect(host.locator("#transcript .line.mine").last).not_to_have_class(re.compile("pending"))
    expect(cleo.locator("#transcript")).not_to_contain_text("Bonjour")

    # Hands, in the order raised.
    ben.click("#hand")
    expect(ben.locator("#hand")).to_have_attribute("aria-pressed", "true")
    expect(ben.locator("#hand")).to_have_text("Lower my hand")
    amy.click("#hand")
    expect(host.locator("#hands li .name")).to_have_text([ben_name, amy_name])
    expect(amy.locator("#present li", has_text=ben_name)).to_contain_text("main levée (1)")
    expect(amy.locator("#present li", has_text=amy_name)).to_contain_text("main levée (2)")
    amy.click("#hand")
    expect(host.locator("#hands li .name")).to_have_text([ben_name])
    amy.click("#hand")
    expect(host.locator("#hands li .name")).to_have_text([ben_name, amy_name])
    screenshot(host, "host-hands")

    # The floor, from the queue; taken back.
    host.locator("#hands li", has_text=ben_name).locator("button.floor").click()
    expect(ben.locator("#my-floor")).to_be_visible()
    expect(ben.locator("#live")).to_have_text(
        "The facilitator gave you the floor: it is your turn to speak.")
    expect(amy.locator("#floor-line")).to_have_text(f"{ben_name} a la parole.")
    expect(host.locator("#hands li .name")).to_have_text([amy_name])
    expect(row(host, ben_name).locator(".marks")).to_contain_text("has the floor")
    host.click("#take-floor")
    expect(ben.locator("#my-floor")).to_be_hidden()
    expect(host.locator("#floor-status")).to_have_text("Nobody has the floor.")

    # Mute: the composer shuts, and a message sent anyway is refused in words.
    row(host, amy_name).locator("button.mute").click()
    expect(amy.locator("#composer-state")).to_contain_text("vous a mis·e en sourdine")
    expect(amy.locator("#message-text")).to_be_disabled()
    expect(row(host, amy_name).locator(".marks")).to_contain_text("muted")
    sockets[-1].send(json.dumps({"type": "message", "text": "Je peux parler ?"}))
    expect(amy.locator("#notice")).to_contain_text("a coupé votre parole pour le moment")
    screenshot(amy, "room-muted")
    row(host, amy_name).locator("button.mute").click()
    expect(amy.locator("#message-text")).to_be_enabled()
    expect(amy.locator("#composer-state")).to_be_hidden()

    # Slow mode: the second message too soon is refused, with a countdown.
    host.select_option("#slow-mode", "30")
    host.click("#slow-form button[type=submit]")
    expect(ben.locator("#room-slow")).to_have_text("Slow mode is on: one message every 30 seconds.")
    say(ben, "Un")
    expect(ben.locator("#transcript .line.mine").last).not_to_have_class(re.compile("pending"))
    say(ben, "Deux")
    expect(ben.locator("#notice")).to_contain_text("Slow mode is on")
    expect(ben.locator("#composer-state")).to_contain_text(
        re.compile(r"Slow mode: you can write again in \d+ s\."))
    expect(ben.locator("#send")).to_be_disabled()
    expect(ben.locator("#message-text")).to_have_value("Deux")  # the draft is given back
    screenshot(ben, "room-slow-mode")
    host.select_option("#slow-mode", "0")
    host.click("#slow-form button[type=submit]")
    expect(ben.locator("#room-slow")).to_be_hidden()
    expect(ben.locator("#send")).to_be_enabled()

    # The next step of the exercise.
    expect(host.locator("#next-step")).to_have_text("Announce the next step: Se présenter")
    host.click("#next-step")
    expect(amy.locator("#step")).to_contain_text("Étape 1 sur 3 : Se présenter")
    expect(ben.locator("#step")).to_contain_text("Votre parcours en trois phrases")
    expect(host.locator("#steps li.current")).to_contain_text("Se présenter")
    expect(host.locator("#next-step")).to_have_text("Announce the next step: Ce que je sais faire")

    # Pin and unpin a resource of another pole; post one into the messages.
    option = host.locator("#resource option", has_text="Mon Compte Formation")
    host.select_option("#resource", option.get_attribute("value"))
    host.click("#pin")
    expect(amy.locator("#pinned li")).to_have_count(3)
    expect(amy.locator("#pinned")).to_contain_text("Mon Compte Formation")
    host.locator("#host-pinned li", has_text="Mon Compte Formation").locator("button.unpin").click()
    expect(amy.locator("#pinned li")).to_have_count(2)
    option = host.locator("#resource option", has_text="ONISEP")
    host.select_option("#resource", option.get_attribute("value"))
    host.click("#post")
    expect(ben.locator("#transcript .resource-card")).to_contain_text("ONISEP")
    expect(amy.locator("#transcript .resource-card")).to_contain_text("ONISEP")
    screenshot(amy, "room-seated")
    screenshot(host, "host-room")

    # Leaving frees the seat: the one waiting is seated, without the earlier messages.
    amy.click("#leave")
    expect(amy.locator("#notice")).to_have_text("Vous avez quitté l’atelier.")
    expect(amy.locator("#join-panel")).to_be_visible()
    assert stored_token(amy) is None
    expect(cleo.locator("#seated-panel")).to_be_visible()
    expect(cleo.locator("#step")).to_contain_text("Se présenter")  # the step, not the history
    expect(cleo.locator("#transcript")).not_to_contain_text("Bonjour à tous")
    expect(ben.locator("#transcript")).to_contain_text(f"{amy_name} left the room.")
    expect(host.locator("#participants li.person .name")).to_have_text([ben_name, cleo_name])

    # Removal, confirmed: said, and kept through a reload.
    row(host, ben_name).locator("button.remove").click()
    expect(row(host, ben_name).locator("button.remove-yes")).to_be_focused()
    row(host, ben_name).locator("button.remove-yes").click()
    expect(ben.locator("#notice")).to_contain_text("you cannot come back today")
    expect(ben.locator("#removed-panel")).to_be_visible()
    assert stored_token(ben) is not None
    expect(cleo.locator("#transcript")).to_contain_text(f"{ben_name} a été retiré·e de l’atelier.")
    ben.reload()
    expect(ben.locator("#room-live")).to_have_attribute("data-connection", "open")
    expect(ben.locator("#removed-panel")).to_be_visible()
    expect(ben.locator("#join-panel")).to_be_hidden()
    screenshot(ben, "room-removed")

    # Closing, confirmed: everyone is told.
    host.click("#close")
    expect(host.locator("#close-yes")).to_be_focused()
    host.click("#close-yes")
    expect(host.locator("#room-status")).to_contain_text("Closed")
    expect(cleo.locator("#notice")).to_contain_text("La séance est terminée")
    expect(cleo.locator("#join-panel")).to_be_visible()
    assert stored_token(cleo) is None
    expect(amy.locator("#room-status")).to_contain_text("Fermé")
    expect(ben.locator("#room-status")).to_contain_text("Closed")
    screenshot(cleo, "room-closed")
    screenshot(host, "host-closed")
    for page in (amy, ben, cleo, host):
        page.context.close()
    assert errors == [] and ben_errors == [] and cleo_errors == [] and host_errors == []


def test_both_room_pages_fit_360_px_and_work_by_keyboard(browser: Browser,
                                                        room_server: LiveServer) -> None:
    host, host_errors = facilitator(browser, room_server, width=360)
    guest, errors = participant(browser, room_server, "en", width=360)
    assert host.evaluate("document.documentElement.scrollWidth") <= 360
    assert guest.evaluate("document.documentElement.scrollWidth") <= 360
    host.locator("#open").focus()
    host.keyboard.press("Enter")
    expect(host.locator("#room-status")).to_contain_text("Open")

    guest.locator("#join").focus()
    guest.keyboard.press("Enter")
    expect(guest.locator("#seated-panel")).to_be_visible()
    expect(guest.locator("#messages-title")).to_be_focused()  # focus follows the seat
    guest.keyboard.press("Tab")
    expect(guest.locator("#transcript")).to_be_focused()  # the messages, scrolled by keys
    guest.keyboard.press("Tab")
    expect(guest.locator("#message-text")).to_be_focused()
    guest.keyboard.type("Bonjour depuis un téléphone")
    guest.keyboard.press("Enter")
    expect(host.locator("#transcript")).to_contain_text("Bonjour depuis un téléphone")
    guest.locator("#hand").focus()
    guest.keyboard.press("Enter")
    expect(host.locator("#hands li")).to_have_count(1)
    host.locator("#hands li button.floor").focus()
    host.keyboard.press("Enter")
    expect(guest.locator("#my-floor")).to_be_visible()
    assert host.evaluate("document.documentElement.scrollWidth") <= 360
    assert guest.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(guest, "room-360")
    screenshot(host, "host-360")

    host.locator("#close").focus()
    host.keyboard.press("Enter")
    expect(host.locator("#close-yes")).to_be_focused()
    host.keyboard.press("Enter")
    expect(guest.locator("#notice")).to_contain_text("The session has ended")
    for page in (host, guest):
        page.context.close()
    assert errors == [] and host_errors == []
