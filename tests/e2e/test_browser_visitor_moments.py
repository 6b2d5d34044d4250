"""The visitor's page around the desk (issue 12, items 5-11), with a scripted desk in place of
the server: attention while waiting, what is true of a pole, the transfer, ending, the quick
exit, delivery and the phone. Playwright answers the page's websocket with frames built from
`chat.frames` (tests/e2e/test_browser_notices.py's ScriptedDesk), so every frame is a valid
protocol frame; the pages and scripts come from the real server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from chat.frames import (
    Delivered,
    Ended,
    Error,
    Lobby,
    Matched,
    MessageOut,
    PoleStatus,
    Position,
    Queued,
    Requeued,
    Transferred,
    VisitorState,
)
from tests.e2e.browser import collect_errors, new_page
from tests.e2e.live_server import LiveServer
from tests.e2e.test_browser_notices import CAMILLE, NOW, ScriptedDesk
from tests.e2e.visitor_watch import away, chimes, notifications, watch_visitor

pytestmark = pytest.mark.browser

NEUTRAL = "https://meteofrance.com/"  # home.html's quick-exit link


def figures(slug: str, *, online: int, available: int, waiting: int = 0) -> PoleStatus:
    return PoleStatus(slug=slug, name=slug, colour="#1f5f8b", open=True, opens_at=None,
                      counsellors_online=online, counsellors_available=available,
                      waiting=waiting, longest_wait=0.0, estimate_seconds=None)


def chatting(pole: str = "find-a-job") -> VisitorState:
    return VisitorState(status="chatting", pole=pole, conversation="k1", counsellors=[CAMILLE])


def counsellor_says(text: str, conversation: str = "k1") -> MessageOut:
    return MessageOut(conversation=conversation, sender="counsellor", author=CAMILLE, html=text,
                      sent_at=NOW)


def sent(desk: ScriptedDesk, kind: str) -> list[dict[str, object]]:
    return [frame for frame in desk.received if frame["type"] == kind]


def joined(page: Page, desk: ScriptedDesk, served: LiveServer, *, position: int = 3) -> None:
    desk.on_frame = lambda frame: (
        [Queued(token="t0ken", pole="find-a-job", position=position, estimate_seconds=None,
                version=1)] if frame["type"] == "join" else [])
    page.goto(served.url + "/")
    page.locator("#pole-find-a-job button.join").click()  # the visitor's gesture: sound allowed
    expect(page.locator("#queue-panel")).to_be_visible()


# --- 5. attention while waiting -----------------------------------------------------------------

def test_a_visitor_looking_away_is_called_back_by_title_sound_and_notification(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    watch_visitor(context)
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"))
    joined(page, desk, served)
    expect(page.locator("#queue-call")).to_contain_text(
        "You can browse the library in another tab: we will call you here")
    settings = page.locator("#queue-panel #attention-settings")
    expect(settings.locator("#sound-switch")).to_be_checked()  # on by default
    title = page.title()

    # Notifications are asked for only on the visitor's click.
    assert page.evaluate("Notification.permission") == "default"
    settings.locator("#notify-ask").click()
    expect(settings.locator("#notify-state")).to_contain_text("notifications are on")
    expect(settings.locator("#notify-ask")).to_be_hidden()

    away(page, True)
    desk.push(Position(pole="find-a-job", position=1, estimate_seconds=None, version=2))
    expect(page.locator("#queue-position")).to_contain_text("You are next")
    expect(page).to_have_title(f"(1) You are next in the queue · {title}")
    page.wait_for_function("window.__tones >= 2")
    assert notifications(page) == ["You are next in the queue"]

    desk.push(Matched(conversation="k1", counsellor=CAMILLE))
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page).to_have_title(f"(2) A counsellor is answering you · {title}")
    desk.push(counsellor_says("Bonjour !"))
    expect(page.locator("#transcript")).to_contain_text("Bonjour !")
    expect(page).to_have_title(f"(3) New message · {title}")
    assert chimes(page) == 3
    # Never the message's text: a notification shows on a screen others may see.
    assert notifications(page) == ["You are next in the queue", "A counsellor is answering you",
                                   "New message"]

    away(page, False)
    expect(page).to_have_title(title)
    desk.push(counsellor_says("Vous êtes là ?"))
    expect(page.locator("#transcript")).to_contain_text("Vous êtes là ?")
    assert chimes(page) == 3, "a message seen as it arrives does not chime"
    expect(page.locator("#chat-panel #attention-settings")).to_be_visible()

    # The switch turns the sound off, and the choice outlives the page.
    page.locator("#sound-switch").uncheck()
    away(page, True)
    desk.push(counsellor_says("Je reste disponible."))
    expect(page).to_have_title(re.compile(r"^\(1\) New message"))
    assert chimes(page) == 3
    desk.state = chatting()  # the desk resumes the conversation after the reload
    page.reload()
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#sound-switch")).not_to_be_checked()
    assert page.evaluate("localStorage.getItem('vc.visitor.sound')") == "off"
    context.close()
    assert errors == []


# --- 6. say what is true ------------------------------------------------------------------------

def test_the_lobby_tells_online_from_available_and_says_when_nobody_can_answer(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Queued(token="t0ken", pole="change-career", position=1, estimate_seconds=None,
               version=1)])
    page.goto(served.url + "/")
    expect(page.locator("#pole-find-a-job .pole-live")).to_be_visible()  # the hello's lobby
    desk.push(Lobby(poles=[figures("find-a-job", online=2, available=1),
                           figures("find-training", online=2, available=0, waiting=4),
                           figures("change-career", online=0, available=0)]))
    job = page.locator("#pole-find-a-job")
    expect(job.locator(".pole-live")).to_contain_text("2 counsellors online, 1 available now")
    expect(job.locator(".pole-unavailable")).to_be_hidden()
    training = page.locator("#pole-find-training")
    expect(training.locator(".pole-live")).to_contain_text("2 counsellors online, 0 available now")
    expect(training.locator(".pole-unavailable")).to_contain_text("every counsellor is busy")
    career = page.locator("#pole-change-career")
    expect(career.locator(".pole-unavailable")).to_contain_text("no counsellor is online")
    expect(career.locator("button.join")).to_be_enabled()  # open: waiting stays possible

    # Waiting there, the queue says it too and offers the pole's rooms and opening hours.
    career.locator("button.join").click()
    unavailable = page.locator("#queue-unavailable")
    expect(unavailable).to_contain_text("No counsellor of this pole is online")
    expect(unavailable.get_by_role("link", name="Club reconversion : construire son projet")
           ).to_have_attribute("href", re.compile(r"/rooms/club-reconversion/$"))
    expect(unavailable.locator("details.pole-hours summary")).to_have_text("Opening hours")
    expect(page.locator("#queue-library")).to_have_attribute(
        "href", re.compile(r"/library/change-career/$"))
    desk.push(Lobby(poles=[figures("change-career", online=1, available=1)]))
    expect(unavailable).to_be_hidden()
    context.close()
    assert errors == []


def test_a_transferred_visitor_keeps_the_transcript_and_is_told_who_passed_them_on(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser)  # French, as a visitor reads it
    errors = collect_errors(page)
    desk = ScriptedDesk(page, chatting())
    page.goto(served.url + "/")
    desk.push(counsellor_says("Je vous passe au pôle formation."))
    expect(page.locator("#transcript")).to_contain_text("Je vous passe au pôle formation.")
    desk.push(Ended(conversation="k1", reason="transferred", can_rate=False),
              Transferred(conversation="k1", from_pole="find-a-job", to_pole="find-training"),
              Requeued(pole="find-training", reason="transferred"),
              Position(pole="find-training", position=2, estimate_seconds=None, version=3))
    expect(page.locator("#queue-panel")).to_be_visible()
    expect(page.locator("#queue-transfer")).to_have_text(
        "Camille a transmis votre demande au pôle Trouver une formation ; vous gardez votre place.")
    # The transcript stays on screen while waiting again; the composer and End go.
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#transcript")).to_contain_text("Je vous passe au pôle formation.")
    expect(page.locator("#message-form")).to_be_hidden()
    expect(page.locator("#end-chat")).to_be_hidden()
    context.close()
    assert errors == []


# --- 8. ending ----------------------------------------------------------------------------------

def test_ending_asks_first_warns_before_a_reload_and_then_offers_next_steps(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, chatting("change-career"))
    page.goto(served.url + "/")
    expect(page.locator("#chat-panel")).to_be_visible()
    # End is far from Send: at the top of the conversation, Send under the message box.
    end_box = page.locator("#end-chat").bounding_box()
    send_box = page.locator("#message-form button[type=submit]").bounding_box()
    assert end_box and send_box and send_box["y"] - end_box["y"] > 150

    # Nothing of the conversation on screen yet: leaving asks nothing.
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    desk.push(counsellor_says("Bonjour, que puis-je pour vous ?"))
    expect(page.locator("#transcript")).to_contain_text("que puis-je")
    page.locator("#message-text").click()  # a gesture: browsers warn only after one
    page.close(run_before_unload=True)  # dismissed: the page stays
    expect(page.locator("#chat-panel")).to_be_visible()
    assert dialogs == ["beforeunload"]

    page.locator("#end-chat").click()
    expect(page.locator("#end-confirm")).to_be_visible()
    expect(page.locator("#end-no")).to_be_focused()
    page.locator("#end-no").click()
    expect(page.locator("#end-confirm")).to_be_hidden()
    expect(page.locator("#message-text")).to_be_focused()
    assert sent(desk, "end") == []
    page.locator("#end-chat").click()
    page.locator("#end-yes").click()
    expect(page.locator("#end-confirm")).to_be_hidden()
    assert [frame["type"] for frame in desk.received][-1] == "end"

    desk.push(Ended(conversation="k1", reason="visitor", can_rate=True))
    steps = page.locator("#next-steps")
    expect(steps).to_be_visible()
    expect(steps.get_by_role("link", name=re.compile("library"))).to_have_attribute(
        "href", re.compile(r"/library/change-career/$"))
    expect(steps.get_by_role("link", name="Club reconversion : construire son projet")
           ).to_be_visible()
    expect(steps.locator("details.pole-hours summary")).to_have_text("Opening hours")
    expect(steps.locator("#back-to-poles")).to_be_visible()
    steps_box = steps.bounding_box()
    rating_box = page.locator("#rating-form").bounding_box()
    assert steps_box and rating_box and steps_box["y"] < rating_box["y"]
    page.locator("#back-to-poles").click()
    expect(page.locator("#lobby")).to_be_visible()
    context.close()
    assert errors == []


# --- 9. quick exit ------------------------------------------------------------------------------

def neutral_site(route: Route) -> None:
    route.fulfill(content_type="text/html",
                  body="<!doctype html><title>Météo</title><p>Beau temps</p>")


@pytest.mark.parametrize("how", ["click", "escape"])
def test_a_quick_exit_replaces_the_page_with_a_neutral_site_and_forgets_the_tab(
        browser: Browser, served: LiveServer, how: str) -> None:
    context, page = new_page(browser, locale="en-US")
    context.route(re.compile(r"^https://meteofrance\.com/"), neutral_site)
    desk = ScriptedDesk(page, chatting())
    page.goto(served.url + "/")
    expect(page.locator("#quick-exit")).to_have_attribute("href", NEUTRAL)
    desk.push(counsellor_says("Bonjour"))
    page.locator("#message-text").fill("Une question en cours")
    page.locator("#message-text").press("Enter")
    assert page.evaluate("sessionStorage.getItem('vc.token')") == "t0ken"
    page.reload()  # a reload resumes with the token: the exit must forget it
    expect(page.locator("#chat-panel")).to_be_visible()
    page.locator("#message-text").click()
    if how == "click":
        page.locator("#quick-exit").click()
    else:
        for _ in range(3):
            page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    expect(page.locator("p")).to_have_text("Beau temps")
    assert sent(desk, "leave"), "the desk is told the visitor left"

    # Back does not return to the conversation: the page was replaced in the history.
    page.go_back()
    assert not page.url.startswith(served.url)
    # Coming back to the site starts afresh: the tab's token is gone.
    desk.state = VisitorState(status="idle")  # what the desk answers a hello without a token
    page.goto(served.url + "/")
    expect(page.locator("#lobby")).to_be_visible()
    hello = [frame for frame in desk.received if frame["type"] == "hello"]
    assert [frame["token"] for frame in hello] == [None, "t0ken", None]
    context.close()


# --- 10. delivery -------------------------------------------------------------------------------

def test_each_own_message_says_sending_sent_received_or_not_sent_with_a_retry(
        browser: Browser, served: LiveServer) -> None:
    context, page = new_page(browser, locale="en-US")
    errors = collect_errors(page)
    desk = ScriptedDesk(page, chatting())  # it answers nothing: the test says when
    page.goto(served.url + "/")
    page.locator("#message-text").fill("Premier essai")
    page.locator("#message-text").press("Enter")
    line = page.locator("#transcript .line.visitor").last
    expect(line.locator(".delivery")).to_have_text("Sending…")
    (first,) = sent(desk, "message")

    desk.push(Error(code="service_unavailable", message="Try again.", frame="message",
                    client_id=first["client_id"]))
    expect(line.locator(".delivery")).to_contain_text("Not sent")
    expect(page.locator("#live")).to_contain_text("was not sent")
    line.get_by_role("button", name="Send again").click()
    expect(line.locator(".delivery")).to_have_text("Sending…")
    again = sent(desk, "message")[-1]
    assert (again["text"], again["client_id"]) == ("Premier essai", first["client_id"])

    desk.push(MessageOut(conversation="k1", sender="visitor", author=None, html="Premier essai",
                         sent_at=NOW, client_id=first["client_id"]))
    expect(line.locator(".delivery")).to_have_text("Sent")
    desk.push(Delivered(conversation="k1", receiver="counsellor",
                        client_ids=[first["client_id"]], resumed=False))
    expect(line.locator(".delivery")).to_have_text("Received")
    expect(page.locator("#transcript .line.visitor")).to_have_count(1)

    # The connection drops before the answer: it may or may not have gone, and says so.
    page.locator("#message-text").fill("Deuxième essai")
    page.locator("#message-text").press("Enter")
    second = page.locator("#transcript .line.visitor").last
    expect(second.locator(".delivery")).to_have_text("Sending…")
    assert desk.socket is not None
    desk.socket.close(code=1000)
    expect(second.locator(".delivery")).to_contain_text("Delivery not confirmed")
    expect(page.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    second.get_by_role("button", name="Send again").click()
    expect(second.locator(".delivery")).to_have_text("Sending…")
    assert sent(desk, "message")[-1]["text"] == "Deuxième essai"
    context.close()
    assert errors == []


# --- 11. phone ----------------------------------------------------------------------------------

def test_on_a_phone_the_conversation_fills_the_screen(browser: Browser,
                                                      served: LiveServer) -> None:
    context, page = new_page(browser, locale="fr-FR", width=360, height=740)
    errors = collect_errors(page)
    desk = ScriptedDesk(page, VisitorState(status="idle"), lambda frame: [
        Queued(token="t0ken", pole="find-a-job", position=2, estimate_seconds=None, version=1)])
    page.goto(served.url + "/")
    expect(page.locator(".intro")).to_be_visible()
    page.locator("#pole-find-a-job button.join").click()
    expect(page.locator("#queue-panel")).to_be_visible()
    expect(page.locator(".intro")).to_be_hidden()  # collapsed once in the queue

    desk.push(Matched(conversation="k1", counsellor=CAMILLE))
    for n in range(12):
        desk.push(counsellor_says(f"Message {n} : une ligne de conversation assez longue."))
    expect(page.locator("#transcript")).to_contain_text("Message 11")
    panel = page.locator("#chat-panel").bounding_box()
    send = page.locator("#message-form button[type=submit]").bounding_box()
    exit_link = page.locator("#quick-exit").bounding_box()
    assert panel and send and exit_link
    assert panel["height"] >= 0.75 * 740, panel
    assert send["y"] + send["height"] <= 740, "Send is on screen without scrolling"
    assert exit_link["y"] >= 0 and exit_link["x"] + exit_link["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The transcript scrolls inside the screen, to the newest line.
    assert page.evaluate("(() => { const t = document.getElementById('transcript');"
                         " return t.scrollHeight > t.clientHeight; })()")
    context.close()
    assert errors == []
