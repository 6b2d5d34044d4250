// <vc-transcript>: a conversation as a page shows it: its lines, what became of the messages
// this page sent (own_messages.js), and who is typing. The element adds behaviour; its markup
// and ids stay the page's, the list naming itself:
//
//   <vc-transcript>
//     <ol class="transcript" aria-label="Messages"></ol>
//     <p class="typing" hidden></p>
//   </vc-transcript>
//
// Connected, it makes itself a log (role="log", named like its list) and its list, which
// scrolls, reachable by keyboard (tabindex="0"): without it a keyboard user cannot scroll back
// (axe's scrollable-region-focusable, WCAG 2.1.1). The log is not live (aria-live="off"): the
// page's own live region already says each line once, in words ("Camille says: ..."), and a
// live log would repeat it and read back the user's own messages. What the page sets wins.
// Each line added dispatches `vc-line` (detail: {kind}); a system line is also announced.
// With receipts (the 1:1 desk, `enableReceipts`), each own line says in words where it is
// (sending, sent, received, not received), offers to send it again when it may not have
// reached the other side, and is sent again on its own as own_messages.js says.
/* global gettext, interpolate */
import { el, safeFragment, show, textOf } from "./dom.js";
import { formatClock } from "./format.js";
import { announce } from "./notices.js";
import { OWN, OwnMessages, ResendPacer, ownLook, ownStatus } from "./own_messages.js";
import { TYPING_SHOWN_MS } from "./typing.js";

function paint(line, state) {
  const look = ownLook(state);
  line.classList.toggle("pending", look.pending);
  line.classList.toggle("failed", look.failed);
  if (look.title) line.title = look.title;
  else line.removeAttribute("title");
}

// Every transcript of the page resends through one pacer: the rate limit is the socket's.
const resends = new ResendPacer();

function setDefault(node, name, value) {
  if (value !== null && !node.hasAttribute(name)) node.setAttribute(name, value);
}

class Transcript extends HTMLElement {
  constructor() {
    super();
    this.lines = []; // {at, who, text} of each line, for the visitor's saved copy
    this.own = new OwnMessages(paint);
    this.typingTimer = null;
    this.resend = null; // with receipts: (clientId, text, {manual}) => sent?
    this.resendTimer = null;
  }

  connectedCallback() {
    const list = this.list;
    setDefault(this, "role", "log");
    setDefault(this, "aria-live", "off");
    setDefault(this, "aria-label", list.getAttribute("aria-label"));
    setDefault(list, "tabindex", "0");
    if (this.resend && this.resendTimer === null) this.startResending(); // moved in the page
  }

  get list() {
    return this.querySelector("ol");
  }

  get isEmpty() {
    return this.lines.length === 0;
  }

  /**
   * Add a line. `kind` gives its classes beside `line` (e.g. "counsellor", "visitor mine",
   * "system"); `who` its author (none for a system line); `content` a string or a node; `at`
   * when it was sent (epoch seconds; now by default); `copyText` its text in the saved copy,
   * when not the text shown.
   */
  add(kind, who, content, { at = Date.now() / 1000, copyText = null } = {}) {
    const time = formatClock(at);
    const body = el("div", { class: "body" });
    if (content instanceof Node) body.append(content); else body.textContent = content;
    const line = el("li", { class: "line " + kind },
                    el("span", { class: "meta" }, (who ? who + " · " : "") + time), body);
    const list = this.list;
    list.append(line);
    list.scrollTop = list.scrollHeight;
    this.lines.push({ at: time, who, text: copyText ?? body.textContent });
    this.dispatchEvent(new CustomEvent("vc-line", { bubbles: true, detail: { kind } }));
    return line;
  }

  /** A line of the page's own (someone joined, the conversation ended), announced too. */
  system(text) {
    const line = this.add("system", "", text);
    announce(this, text);
    return line;
  }

  /** A message this page is sending: shown at once, pending until the server echoes it. */
  addOwn(clientId, kind, text) {
    const line = this.add(kind, gettext("You"), text);
    this.own.add(clientId, line, text);
    return line;
  }

  /**
   * Receipts for this transcript's own messages: `resend(clientId, text, {manual})` sends
   * one again (the same `message`, same client_id) and says whether it went; `manual` when
   * the person asked. Checked every second for what is due (own_messages.js).
   */
  enableReceipts(resend) {
    this.own.receipts = true;
    this.resend = resend;
    this.own.watch((line, state, clientId) => this.showStatus(line, state, clientId));
    this.startResending();
  }

  startResending() {
    window.clearInterval(this.resendTimer);
    this.resendTimer = window.setInterval(() => this.sendAgain(this.own.due()), 1000);
  }

  /** A `delivered` for these ids: those of ours are now received. */
  delivered(clientIds) {
    for (const clientId of clientIds) this.own.delivered(clientId);
  }

  /** The other side (or this page) is back: what has no receipt goes again now. */
  resendUnconfirmed() {
    if (this.resend) this.sendAgain(this.own.unconfirmed());
  }

  sendAgain(records) {
    for (const { clientId, text } of records) {
      this.own.resent(clientId); // counted even when the socket is down: it gives up in time
      // By its turn a receipt may have come, or the conversation closed: then it takes none.
      resends.push(clientId, () => this.own.unsettled(clientId)
        && this.resend(clientId, text, { manual: false }));
    }
  }

  retry(line, clientId) {
    const text = this.own.textOf(clientId);
    if (text !== null && this.resend(clientId, text, { manual: true })) {
      this.own.add(clientId, line, text);
    }
  }

  showStatus(line, state, clientId) {
    const status = ownStatus(state);
    let note = line.querySelector(".delivery");
    if (!note) {
      note = el("p", { class: "delivery" });
      line.append(note);
    }
    note.dataset.state = state;
    note.replaceChildren(el("span", {}, status.text));
    if (status.retry) {
      note.append(" ", el("button", { type: "button", class: "link-button retry",
                                      onclick: () => this.retry(line, clientId) },
                          gettext("Send again")));
    }
    if (state === OWN.FAILED) announce(this, gettext("Your message was not sent."));
    if (state === OWN.UNDELIVERED) {
      announce(this, gettext("Your message has not reached the other side."));
    }
  }

  /** A `message` frame that echoes one of ours: shown as the server made it (links made
   * clickable) in place of what was typed. False when it is not one of ours. */
  acknowledge(clientId, html) {
    const line = this.own.acknowledge(clientId);
    if (!line) return false;
    line.querySelector(".body").replaceChildren(safeFragment(html));
    return true;
  }

  /** An `error` naming one of ours: nobody got it. False when it is not one of ours. */
  refuse(clientId) {
    return this.own.refuse(clientId) !== null;
  }

  /** The socket dropped: the messages still pending may not have been delivered. */
  connectionLost() {
    this.own.connectionLost();
  }

  clear() {
    this.lines = [];
    this.own.clear();
    this.list.replaceChildren();
  }

  showTyping(name) {
    const notice = this.querySelector(".typing");
    notice.textContent = interpolate(gettext("%(name)s is typing…"), { name }, true);
    show(notice, true);
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.hideTyping(), TYPING_SHOWN_MS);
  }

  hideTyping() {
    window.clearTimeout(this.typingTimer);
    show(this.querySelector(".typing"), false);
  }

  disconnectedCallback() {
    window.clearTimeout(this.typingTimer);
    window.clearInterval(this.resendTimer);
    this.resendTimer = null;
  }
}
customElements.define("vc-transcript", Transcript);

/** A resource card's content for a transcript line; `review` adds the counsellors' review. */
export function resourceCard(card, { review = false } = {}) {
  const title = /^https?:\/\//i.test(card.url)
    ? el("a", { href: card.url, target: "_blank", rel: "noopener noreferrer nofollow" }, card.title)
    : el("span", {}, card.title);
  return el("div", { class: "resource-card" },
    el("p", { class: "resource-title" }, title, " ", el("span", { class: "kind" }, card.kind)),
    card.summary_html ? el("p", { class: "summary" }, safeFragment(card.summary_html)) : null,
    review && card.review_html ? el("p", { class: "review" }, safeFragment(card.review_html))
      : null);
}

/** What the live region says of someone else's message. */
export function spokenMessage(name, html) {
  return interpolate(gettext("%(name)s says: %(text)s"), { name, text: textOf(html) }, true);
}
