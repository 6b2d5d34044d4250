"""A visitor and counsellors in real Chromium against a real `virtualcite serve --demo`.

Each journey uses its own poles and counsellors so the journeys stay apart on one server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, WebSocketRoute, expect

from tests.e2e.browser import collect_errors, new_page, screenshot
from tests.e2e.browser_people import accept_offer, counsellor_page, open_conversation, visitor_page
from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.browser




def test_visitor_and_counsellors_from_lobby_to_rating(browser: Browser,
                                                      served: LiveServer) -> None:
    camille = counsellor_page(browser, served, "camille", ["find-a-job"])
    visitor = visitor_page(browser, served)
    errors = collect_errors(visitor)

    # Lobby: live figures and a join button per open pole.
    pole = visitor.locator("#pole-find-a-job")
    expect(pole.locator(".pole-live")).to_contain_text("1")
    screenshot(visitor, "visitor-lobby")
    pole.locator("button.join").click()

    # Queue: position, estimate and the library in a new tab, place kept.
    expect(visitor.locator("#queue-panel")).to_be_visible()
    expect(visitor.locator("#queue-position")).not_to_be_empty()
    expect(visitor.locator("#queue-library")).to_have_attribute(
        "href", re.compile(r"^/(fr|en)/library/find-a-job/$"))
    expect(visitor.locator("#queue-library")).to_have_attribute("target", "_blank")
    screenshot(visitor, "visitor-queue")

    # Offer with a countdown, accepted; the visitor sees the counsellor and their institution.
    screenshot(camille, "counsellor-offer")
    accept_offer(camille)
    expect(visitor.locator("#chat-panel")).to_be_visible()
    expect(visitor.locator("#chat-with")).to_contain_text("Camille")
    expect(visitor.locator("#chat-with")).to_contain_text("France Travail")

    # Chat both ways, links made safe, typing shown.
    visitor.fill("#message-text", "Bonjour, je cherche un emploi <b>de cuisinier</b>")
    visitor.press("#message-text", "Enter")
    conversation = open_conversation(camille)
    expect(conversation.locator(".transcript")).to_contain_text("<b>de cuisinier</b>")
    sent = visitor.locator("#transcript .line.visitor").last
    expect(sent).not_to_have_class(re.compile("pending"))
    visitor.locator("#message-text").press_sequentially("Et ")
    expect(conversation.locator(".typing")).to_contain_text("is typing")
    conversation.locator(".conversation-message textarea").press_sequentially("Voici ")
    expect(visitor.locator("#typing")).to_be_visible()
    conversation.locator(".conversation-message textarea").fill(
        "Voici un lien : https://www.francetravail.fr/ bonne lecture")
    conversation.locator(".conversation-message button[type=submit]").click()
    expect(conversation.locator(".line.mine").last).not_to_have_class(re.compile("pending"))
    expect(conversation.locator(".conversation-message textarea")).to_have_value("")
    link = visitor.locator("#transcript .line.counsellor a[href='https://www.francetravail.fr/']")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")

    # A resource card from the library.
    conversation.locator("summary", has_text="Send a resource card").click()
    conversation.locator(".resource-form button[type=submit]").click()
    expect(visitor.locator("#transcript .resource-card")).to_be_visible()
    screenshot(camille, "counsellor-conversation")
    screenshot(visitor, "visitor-chat")

    # Transfer to another pole with a handover note: the visitor waits there, place kept.
    conversation.locator("summary", has_text="Transfer to another pole").click()
    conversation.locator(".transfer-form select").select_option("find-training")
    conversation.locator(".transfer-form textarea").fill("Cherche une formation de cuisinier.")
    conversation.locator(".transfer-form button[type=submit]").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    expect(visitor.locator("#queue-pole")).to_contain_text("Trouver une formation")
    expect(camille.locator("#conversation-tabs .tab").first).to_contain_text("ended")

    # The second counsellor, on the target pole, gets the offer with the note.
    karim = counsellor_page(browser, served, "karim", ["find-training"])
    expect(karim.locator("li.offer .handover")).to_contain_text("formation de cuisinier")
    accept_offer(karim)
    expect(open_conversation(karim).locator(".handover")).to_contain_text("formation de cuisinier")
    expect(visitor.locator("#chat-panel")).to_be_visible()
    expect(visitor.locator("#chat-with")).to_contain_text("Karim")
    expect(visitor.locator("#chat-with")).to_contain_text("AFPA")
    expect(visitor.locator("#transcript")).to_contain_text("Bonjour")  # the copy survives

    second = open_conversation(karim)
    second.locator(".conversation-message textarea").fill("Bonjour, parlons formation.")
    second.locator(".conversation-message textarea").press("Enter")
    expect(visitor.locator("#transcript")).to_contain_text("parlons formation")
    visitor.fill("#message-text", "Merci !")
    visitor.click("#message-form button[type=submit]")
    expect(second.locator(".transcript")).to_contain_text("Merci !")

    # Mutual help: the colleague channel with "ask for help", then an invitation.
    karim.fill("#colleague-text", "Quelqu'un connaît les métiers de la restauration ?")
    karim.check("#colleague-help")
    karim.click("#colleague-form button[type=submit]")
    expect(camille.locator("#colleague-log .line.help")).to_contain_text("restauration")
    second.locator("summary", has_text="Invite a colleague").click()
    expect(second.locator(".invite-form select option")).to_contain_text(["Camille"])
    second.locator(".invite-form button[type=submit]").click()
    expect(visitor.locator("#transcript")).to_contain_text("Camille (France Travail)")
    expect(visitor.locator("#chat-with")).to_contain_text("Karim")
    expect(visitor.locator("#chat-with")).to_contain_text("Camille")
    invited_tab = camille.locator("#conversation-tabs .tab:not(:has(.ended-mark))")
    invited_tab.click()
    invited = open_conversation(camille)
    invited.locator(".conversation-message textarea").fill("Bonjour, je complète.")
    invited.locator(".conversation-message textarea").press("Enter")
    expect(visitor.locator("#transcript")).to_contain_text("je complète")
    expect(second.locator(".transcript")).to_contain_text("je complète")
    screenshot(camille, "counsellor-invited")
    invited.locator("button.leave-conversation").click()
    expect(visitor.locator("#chat-with")).not_to_contain_text("Camille")
    expect(visitor.locator("#transcript .line.system").last).to_contain_text("Camille")

    # Pause and resume.
    camille.click("#pause")
    expect(camille.locator("#shift-status")).to_contain_text("Paused")
    camille.click("#resume")
    expect(camille.locator("#shift-status")).to_contain_text("receiving visitors")

    # The visitor's own copy, made in the page.
    with visitor.expect_download() as download_info:
        visitor.click("#save-copy")
    saved = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Bonjour, je cherche un emploi" in saved
    assert "parlons formation" in saved

    # End with outcome tags, then an anonymous rating.
    second.locator("summary", has_text="End the conversation").click()
    second.locator(".end-form input[value=information]").check()
    second.locator(".end-form button[type=submit]").click()
    expect(visitor.locator("#ended-panel")).to_be_visible()
    expect(visitor.locator("#rating-form")).to_be_visible()
    screenshot(visitor, "visitor-ended")
    visitor.locator("#rating-form input[value='4']").check()
    visitor.click("#rating-form button[type=submit]")
    expect(visitor.locator("#rated")).to_be_visible()
    expect(second.locator(".closed-note")).to_be_visible()

    for page in (camille, karim):
        page.click("#shift-end")
        page.context.close()
    assert errors == []


def test_a_reload_resumes_the_queue_and_the_conversation(browser: Browser,
                                                          served: LiveServer) -> None:
    visitor = visitor_page(browser, served)
    errors = collect_errors(visitor)
    visitor.locator("#pole-change-career button.join").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    position = visitor.locator("#queue-position").inner_text()

    visitor.reload()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    expect(visitor.locator("#queue-position")).to_have_text(position)
    expect(visitor.locator("#queue-pole")).to_contain_text("Changer sa vie professionnelle")

    hugo = counsellor_page(browser, served, "hugo", ["change-career"])
    accept_offer(hugo)
    expect(visitor.locator("#chat-with")).to_contain_text("Hugo")
    conversation = open_conversation(hugo)

    visitor.reload()
    expect(visitor.locator("#chat-panel")).to_be_visible()
    expect(visitor.locator("#chat-with")).to_contain_text("Hugo")
    visitor.fill("#message-text", "Je suis revenu")
    visitor.press("#message-text", "Enter")
    expect(conversation.locator(".transcript")).to_contain_text("Je suis revenu")
    conversation.locator(".conversation-message textarea").fill("Bon retour")
    conversation.locator(".conversation-message textarea").press("Enter")
    expect(visitor.locator("#transcript")).to_contain_text("Bon retour")
    screenshot(visitor, "visitor-resumed")

    visitor.click("#end-chat")
    visitor.click("#end-yes")  # ending asks first
    expect(visitor.locator("#ended-panel")).to_be_visible()
    expect(conversation.locator(".closed-note")).to_be_visible()
    hugo.click("#shift-end")
    hugo.context.close()
    visitor.context.close()
    assert errors == []


def test_a_network_blip_mid_conversation_reconnects_and_resumes(browser: Browser,
                                                                 served: LiveServer) -> None:
    _, visitor = new_page(browser)
    errors = collect_errors(visitor)
    # The visitor's socket goes through Playwright, so the test can cut it like a bad network.
    routes: list[WebSocketRoute] = []

    def passthrough(route: WebSocketRoute) -> None:
        route.connect_to_server()
        routes.append(route)

    visitor.route_web_socket(re.compile(r"/ws/visitor/"), passthrough)
    visitor.goto(served.url + "/")
    expect(visitor.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    lea = counsellor_page(browser, served, "lea", ["discover-jobs"])
    visitor.locator("#pole-discover-jobs button.join").click()
    accept_offer(lea)
    expect(visitor.locator("#chat-with")).to_contain_text("Léa")
    conversation = open_conversation(lea)

    routes[-1].close(code=1000)  # the server side went away, as on a network drop
    for _ in range(100):  # the page reconnects by itself, after a short backoff
        if len(routes) == 2:
            break
        visitor.wait_for_timeout(100)
    assert len(routes) == 2
    expect(visitor.locator("#visitor-desk")).to_have_attribute("data-connection", "open")
    expect(visitor.locator("#chat-panel")).to_be_visible()
    expect(visitor.locator("#chat-with")).to_contain_text("Léa")
    visitor.fill("#message-text", "Toujours là")
    visitor.press("#message-text", "Enter")
    expect(conversation.locator(".transcript")).to_contain_text("Toujours là")

    # Lea reloads her desk: the conversation is still hers, its past is not kept.
    lea.reload()
    conversation = open_conversation(lea)
    expect(conversation.locator(".transcript")).to_contain_text("Earlier messages are not shown")
    expect(conversation.locator(".transcript")).not_to_contain_text("Toujours là")

    # Blocking ends the conversation and tells the visitor until when.
    conversation.locator("summary", has_text="Block this visitor").click()
    conversation.locator(".block-form input[name=hours]").fill("2")
    conversation.locator(".block-form button[type=submit]").click()
    expect(visitor.locator("#notice")).to_contain_text("suspendu")  # the visitor reads French
    expect(visitor.locator("#chat-panel")).to_be_hidden()
    expect(conversation.locator(".closed-note")).to_be_visible()
    lea.click("#shift-end")
    lea.context.close()
    visitor.context.close()
    assert errors == []
