"""The counsellor's workspace in real Chromium (issue 12, the counsellor's half): three visitors
at once in a list beside the open conversation and a side panel, calls back to the desk
(title, chime, notification), "need a moment" on an offer, the keyboard, canned replies, the
library search, a transfer, a reload and an invitation, at 1280 and at 360 px.

The browser's own parts are watched, not replaced: the page's AudioContext counts the tones it
plays, Notification records what it was asked to show, and `document.hidden` can be turned on
as when the counsellor looks at another tab. Each test uses its own counsellors and poles.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.browser import collect_errors, screenshot
from tests.e2e.browser_people import counsellor_page, open_conversation, visitor_page
from tests.e2e.live_server import LiveServer
from virtualcite.pseudonyms import _FR_NOUNS

pytestmark = pytest.mark.browser

# Counts what the page asks of the browser, before any of its scripts runs.
WATCH_THE_BROWSER = """
window.__tones = 0;
window.__notes = [];
window.__asked = 0;
window.__hidden = false;
const RealAudio = window.AudioContext;
window.AudioContext = class extends RealAudio {
  createOscillator() { window.__tones += 1; return super.createOscillator(); }
};
const RealNotification = window.Notification;
window.Notification = class extends RealNotification {
  constructor(title, options) {
    window.__notes.push({ title, tag: options && options.tag });
    super(title, options);
  }
  static get permission() { return RealNotification.permission; }
  static requestPermission() { window.__asked += 1; return RealNotification.requestPermission(); }
};
Object.defineProperty(Document.prototype, "hidden", {
  configurable: true, get() { return window.__hidden; } });
"""
FRENCH_NOUNS = {noun for noun, _gender in _FR_NOUNS}


def desk_page(browser: Browser, server: LiveServer, username: str, poles: list[str], *,
              capacity: int = 3, locale: str = "en-US", width: int = 1280) -> Page:
    """A counsellor logged in on their desk, watched, on shift for exactly `poles`."""
    def watched(context: BrowserContext) -> None:
        context.grant_permissions(["notifications"], origin=server.url)
        context.add_init_script(WATCH_THE_BROWSER)

    return counsellor_page(browser, server, username, poles, capacity=capacity, locale=locale,
                           width=width, prepare=watched)


def joined(browser: Browser, server: LiveServer, pole: str) -> Page:
    """A visitor (French page) waiting in `pole`'s queue."""
    visitor = visitor_page(browser, server)
    visitor.locator(f"#pole-{pole} button.join").click()
    expect(visitor.locator("#queue-panel")).to_be_visible()
    return visitor


def tabs(page: Page) -> Locator:
    return page.locator("#conversation-tabs [role=tab]")


def one_panel_shows_the_selected_tab(page: Page) -> None:
    """Exactly one conversation panel is visible, and it is the selected tab's."""
    visible = page.locator("#conversation-panels section.conversation:visible")
    expect(visible).to_have_count(1)
    selected = page.locator("#conversation-tabs [role=tab][aria-selected=true]")
    expect(selected).to_have_count(1)
    expect(visible).to_have_attribute("id", selected.get_attribute("aria-controls") or "")


def shot(page: Page, name: str) -> None:
    """A full-page screenshot from the top: scrolled, the sticky panels would be drawn where
    the scroll left them."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def base_title(page: Page) -> str:
    return re.sub(r"^\(\d+\) ", "", page.title())


def test_three_visitors_at_once_in_a_workspace_that_calls_the_counsellor_back(
        browser: Browser, served: LiveServer) -> None:
    camille = desk_page(browser, served, "camille", ["find-a-job"], capacity=3)
    errors = collect_errors(camille)
    title = base_title(camille)

    # The sound is off until switched on; then remembered, and a sample is heard at once.
    sound = camille.locator("#sound-switch")
    expect(sound).not_to_be_checked()
    assert camille.evaluate("window.__tones") == 0
    sound.check()
    assert camille.evaluate("localStorage.getItem('vc-desk-sound')") == "on"
    assert camille.evaluate("window.__tones") == 2
    # Notifications: the permission is asked only from the switch (granted here).
    assert camille.evaluate("window.__asked") == 0
    camille.locator("#notify-switch").check()
    expect(camille.locator("#notify-switch")).to_be_checked()

    # Three visitors at once; the third arrives while the desk's tab is hidden.
    visitors = [joined(browser, served, "find-a-job") for _ in range(2)]
    expect(camille.locator("li.offer")).to_have_count(2)
    camille.evaluate("window.__hidden = true")
    visitors.append(joined(browser, served, "find-a-job"))
    expect(camille.locator("li.offer")).to_have_count(3)
    expect(camille).to_have_title(f"(3) {title}")
    camille.wait_for_function("window.__notes.length === 1")
    [note] = camille.evaluate("window.__notes")
    assert note["title"].startswith("A visitor is offered to you:") and note["tag"] == "offer"
    assert camille.evaluate("window.__tones") == 2 + 3 * 2  # a chime of two tones per offer
    camille.evaluate("window.__hidden = false;"
                     " document.dispatchEvent(new Event('visibilitychange'))")
    names = camille.locator("li.offer strong").all_inner_texts()
    assert all(name.split()[0] in FRENCH_NOUNS for name in names), names  # French pages
    expect(camille.locator("li.offer").first.locator(".countdown")).to_contain_text("seconds left")
    camille.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # sticky: still in view
    expect(camille.locator("li.offer").first).to_be_in_viewport()
    shot(camille, "desk-workspace-offers-1280")

    # Accept from the keyboard: the conversation opens with the composer focused.
    camille.keyboard.press("Alt+Shift+A")
    expect(tabs(camille)).to_have_count(1)
    expect(open_conversation(camille).locator(".conversation-message textarea")).to_be_focused()
    for _ in range(2):
        camille.locator("li.offer").first.locator("button.accept").click()
    expect(tabs(camille)).to_have_count(3)
    one_panel_shows_the_selected_tab(camille)
    expect(tabs(camille).nth(2)).to_have_attribute("aria-selected", "true")
    for index, name in enumerate(names):
        expect(tabs(camille).nth(index).locator(".item-who")).to_contain_text(name)
        expect(tabs(camille).nth(index)).to_contain_text("Find a job")
    # Each background conversation got its "opened" line: system lines are not unread.
    expect(camille.locator("#conversation-tabs .unread")).to_have_count(0)
    expect(camille).to_have_title(title)

    # A message in a background conversation: counted, in the title, chimed; typing shown.
    tones = camille.evaluate("window.__tones")
    visitors[0].fill("#message-text", "Bonjour, je cherche un emploi")
    visitors[0].press("#message-text", "Enter")
    expect(tabs(camille).nth(0).locator(".unread")).to_contain_text("1")
    expect(tabs(camille).nth(0)).to_contain_text("the visitor wrote less than a minute ago")
    expect(tabs(camille).nth(1)).to_contain_text("no message from the visitor yet")
    expect(camille).to_have_title(f"(1) {title}")
    assert camille.evaluate("window.__tones") == tones + 2
    visitors[1].locator("#message-text").press_sequentially("Je")
    expect(tabs(camille).nth(1).locator(".item-typing")).to_have_text("typing…")

    # Next conversation from the keyboard: it wraps to the first, whose message is read.
    camille.keyboard.press("Alt+Shift+J")
    expect(tabs(camille).nth(0)).to_have_attribute("aria-selected", "true")
    one_panel_shows_the_selected_tab(camille)
    expect(tabs(camille).nth(0).locator(".unread")).to_have_count(0)
    expect(camille).to_have_title(title)
    first = open_conversation(camille)
    composer = first.locator(".conversation-message textarea")
    expect(composer).to_be_focused()
    camille.locator("#library-query").focus()
    camille.keyboard.press("Alt+Shift+R")
    expect(composer).to_be_focused()
    expect(camille.locator("#shortcut-list")).to_contain_text("Alt+Shift+J")

    # A canned reply goes into the box to be edited, and only the edited text is sent.
    first.locator(".canned summary").click()
    first.locator(".canned button", has_text="Bonjour").click()
    expect(composer).to_be_focused()
    expect(composer).to_have_value(re.compile(r"^Bonjour, je suis là pour vous aider"))
    composer.press("End")
    composer.press_sequentially(" Je m'appelle Camille.")
    composer.press("Enter")
    from_desk = visitors[0].locator("#transcript .line.counsellor")
    expect(from_desk).to_have_count(1)
    expect(from_desk).to_contain_text("Quelle est votre question ? Je m'appelle Camille.")

    # The library search in the side panel sends a card to the open conversation.
    camille.fill("#library-query", "cv")
    expect(camille.locator("#library-status")).to_contain_text("1 resource found")
    camille.locator("#library-results button.send-card").click()
    expect(visitors[0].locator("#transcript .resource-card")).to_contain_text("Réussir son CV")

    # A transfer to a colleague's pole: that conversation is marked ended, the rest goes on.
    lea = desk_page(browser, served, "lea", ["find-training"], capacity=1)
    tabs(camille).nth(1).click()
    second = open_conversation(camille)
    second.locator("summary", has_text="Transfer to another pole").click()
    second.locator(".transfer-form select").select_option("find-training")
    second.locator(".transfer-form button[type=submit]").click()
    expect(tabs(camille).nth(1).locator(".ended-mark")).to_have_text("ended")
    lea.locator("li.offer button.accept").click()
    expect(tabs(lea)).to_have_count(1)
    one_panel_shows_the_selected_tab(camille)
    shot(camille, "desk-workspace-1280")

    # At 360 px one pane at a time, switched by the buttons above; offers stay in view.
    camille.set_viewport_size({"width": 360, "height": 740})
    switch = camille.locator("#pane-switch")
    expect(switch).to_be_visible()
    switch.get_by_role("button", name="Conversations").click()
    expect(camille.locator("#conversations-panel")).to_be_visible()
    expect(camille.locator("#conversation-area")).to_be_hidden()
    expect(camille.locator("#desk-side")).to_be_hidden()
    shot(camille, "desk-workspace-360-list")
    tabs(camille).nth(0).click()
    expect(camille.locator("#conversation-area")).to_be_visible()
    expect(camille.locator("#conversations-panel")).to_be_hidden()
    one_panel_shows_the_selected_tab(camille)
    visitors.append(joined(browser, served, "find-a-job"))  # a slot freed by the transfer
    offer = camille.locator("li.offer")
    expect(offer).to_be_visible()
    assert camille.evaluate("document.documentElement.scrollWidth") <= 360
    camille.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(offer.locator(".countdown")).to_be_in_viewport()
    shot(camille, "desk-workspace-360-conversation")

    # "Need a moment" (WCAG 2.2.1): the countdown gains a minute, once.
    offer.get_by_role("button", name=re.compile("Need a moment")).click()
    expect(offer.locator(".extended-note")).to_be_visible()
    expect(offer.locator("button.extend")).to_be_hidden()
    expect(offer.locator("button.accept")).to_be_focused()
    left = int(re.search(r"\d+", offer.locator(".countdown").inner_text()).group())
    assert left > 30, left
    switch.get_by_role("button", name="Queues, colleagues, library").click()
    expect(camille.locator("#desk-side")).to_be_visible()
    expect(offer).to_be_visible()
    assert camille.evaluate("document.documentElement.scrollWidth") <= 360
    shot(camille, "desk-workspace-360-side")
    offer.locator("button.decline").click()

    for visitor in visitors:
        visitor.context.close()
    for page in (camille, lea):
        page.click("#shift-end")
        page.context.close()
    assert errors == []


def test_after_a_reload_and_an_invitation_one_conversation_shows_at_a_time_in_french(
        browser: Browser, served: LiveServer) -> None:
    hugo = desk_page(browser, served, "hugo", ["change-career"], capacity=2, locale="fr-FR")
    errors = collect_errors(hugo)
    hugo.locator("#sound-switch").check()
    first, second = (joined(browser, served, "change-career") for _ in range(2))
    for _ in range(2):
        hugo.locator("li.offer").first.locator("button.accept").click()
    expect(tabs(hugo)).to_have_count(2)
    one_panel_shows_the_selected_tab(hugo)

    # A reload: both conversations come back, one panel shows; the sound is still on.
    hugo.reload()
    expect(hugo.locator("#counsellor-desk")).to_have_attribute("data-connection", "open")
    expect(tabs(hugo)).to_have_count(2)
    one_panel_shows_the_selected_tab(hugo)
    expect(hugo.locator("#sound-switch")).to_be_checked()
    # The browser keeps the reloaded page silent until a gesture, and the page says so.
    expect(hugo.locator("#sound-hint")).to_be_visible()
    expect(hugo.locator("#conversation-tabs .unread")).to_have_count(0)  # "earlier messages..."
    tabs(hugo).nth(1).click()
    one_panel_shows_the_selected_tab(hugo)
    expect(hugo.locator("#sound-hint")).to_be_hidden()

    # A colleague, whose status reads in French, is invited into the first conversation.
    sofia = desk_page(browser, served, "sofia", ["change-career"], capacity=2, locale="fr-FR")
    third = joined(browser, served, "change-career")
    sofia.locator("li.offer button.accept").click()
    expect(tabs(sofia)).to_have_count(1)
    colleague = hugo.locator("#colleagues .colleague", has_text="Sofia")
    expect(colleague.locator(".colleague-status")).to_have_text("disponible")
    tabs(hugo).nth(0).click()
    invite = open_conversation(hugo)
    invite.locator("details:has(.invite-form) > summary").click()
    sofia_id = invite.locator(".invite-form option", has_text="Sofia").get_attribute("value")
    invite.locator(".invite-form select").select_option(sofia_id)
    invite.locator(".invite-form button[type=submit]").click()
    expect(tabs(sofia)).to_have_count(2)
    one_panel_shows_the_selected_tab(sofia)
    expect(tabs(sofia).nth(0)).to_have_attribute("aria-selected", "true")  # hers stays open
    expect(sofia.locator("#conversation-tabs .unread")).to_have_count(0)  # only system lines
    first.fill("#message-text", "Merci d'être là")
    first.press("#message-text", "Enter")
    expect(tabs(sofia).nth(1).locator(".unread")).to_contain_text("1")
    tabs(sofia).nth(1).click()
    one_panel_shows_the_selected_tab(sofia)
    expect(open_conversation(sofia).locator(".transcript")).to_contain_text("Merci d'être là")

    # The workspace speaks French: its panes, the shortcuts, the list.
    expect(hugo.locator("#pane-switch")).to_be_hidden()  # 1280 px: the three panes show
    expect(hugo.locator("#shortcuts-panel h2")).to_have_text("Raccourcis clavier")
    expect(hugo.locator("#shortcut-list")).to_contain_text("Conversation suivante")
    expect(tabs(hugo).nth(0)).to_contain_text("Changer sa vie professionnelle")
    assert hugo.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(hugo, "desk-workspace-fr-1280")

    for visitor in (first, second, third):
        visitor.context.close()
    for page in (hugo, sofia):
        page.click("#shift-end")
        page.context.close()
    assert errors == []
