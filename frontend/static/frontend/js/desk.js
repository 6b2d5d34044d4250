// The counsellor's desk, a workspace in three panes: the list of my conversations, the open
// conversation with its composer, and a side panel (queues, the library search, colleagues,
// shortcuts); the offers with their countdown stay in view outside the panes. Below 60rem one
// pane shows at a time (#pane-switch). Also: the shift, "need a moment" on an offer, resource
// cards, canned replies, transfer, invite, end with outcome tags, block, the colleague channel,
// banners for the other poles that need help, and calls back to the desk (attention.js).
//
// `staff_welcome`/`staff_state` replace the screen's state (the desk is the truth). Transcripts
// exist in this page only: closing the tab or reloading forgets them, by design.
/* global gettext, ngettext, interpolate */
import { Attention } from "./attention.js";
import { insertReply, repliesFor } from "./canned.js";
import "./composer.js";
import { closedText, closedTexts, QUIET_OFFER_GONE, shiftNotice } from "./desk_reasons.js";
import { el, isBlank, safeFragment, show, syncList, textOf } from "./dom.js";
import { cardLabel, formatClock, formatDuration, formatEstimate, formatWhen } from "./format.js";
import { searchResources } from "./library_search.js";
import { startRealtimePage } from "./page.js";
import { alertBanners, shiftWithPole } from "./pole_alerts.js";
import { Receipts } from "./receipts.js";
import { keysOf, SHORTCUTS, shortcutOf, shortcutTexts } from "./shortcuts.js";
import { resourceCard, spokenMessage } from "./transcript.js";
import { TYPING_SHOWN_MS } from "./typing.js";
import { CLOSE_CODES } from "./wire.js";
import { countsAsUnread, inView, lastWroteText, PANES, statusText, stepConversation,
         unreadText } from "./workspace.js";

const root = document.getElementById("counsellor-desk");
const data = JSON.parse(document.getElementById("desk-data").textContent);
const $ = (id) => document.getElementById(id);
const ui = {
  shiftForm: $("shift-form"),
  shiftPoles: $("shift-poles"),
  shiftCapacity: $("shift-capacity"),
  shiftOn: $("shift-on"),
  shiftStatus: $("shift-status"),
  pause: $("pause"),
  resume: $("resume"),
  shiftEnd: $("shift-end"),
  queues: document.querySelector("#queues tbody"),
  offers: $("offers"),
  noOffers: $("no-offers"),
  tabs: $("conversation-tabs"),
  panels: $("conversation-panels"),
  noConversations: $("no-conversations"),
  noOpen: $("no-open"),
  colleagues: $("colleagues"),
  colleagueLog: $("colleague-log"),
  colleagueForm: $("colleague-form"),
  colleagueText: $("colleague-text"),
  colleagueHelp: $("colleague-help"),
  template: $("conversation-template"),
  alerts: $("pole-alerts"),
  alertList: $("pole-alert-list"),
  paneButtons: [...document.querySelectorAll("#pane-switch button[data-pane]")],
  paneCount: document.querySelector("#pane-switch .pane-count"),
  libraryQuery: $("library-query"),
  libraryStatus: $("library-status"),
  libraryResults: $("library-results"),
  shortcutList: $("shortcut-list"),
  soundSwitch: $("sound-switch"),
  notifySwitch: $("notify-switch"),
  notifyHint: $("notify-hint"),
  soundHint: $("sound-hint"),
};

const poleNames = new Map(data.poles.map((pole) => [pole.slug, pole.name]));
const cannedReplies = data.canned_replies || [];
let state = { me: null, shift: null, offers: [], conversations: [], poles: [], colleagues: [] };
let outcomeTags = {};
let poleAlerts = []; // the last `pole_alerts`: poles I may serve that need help
let spokenAlerts = new Set(); // banner texts already announced
let clockOffset = 0; // server_time - local time, in seconds, for the offers' countdown
let selected = null; // id of the conversation shown
let pane = root.dataset.pane; // the pane shown on a narrow screen (PANES)
let acceptedVisitor = null; // the offer just accepted: its conversation gets the focus
const acceptedOffers = new Map(); // visitor -> offer, to keep a transfer's handover note in view
const warnedOffers = new Set(); // "visitor:expires_at" whose last seconds were announced
// conversation id -> {summary, panel, tab, transcript, closed, unread, lastVisitorAt, typing}
const conversations = new Map();
// The three panes side by side from this width (site.css, "Counsellor workspace").
const wide = window.matchMedia("(min-width: 60rem)");
// Offers shown on their last seconds: the countdown turns red and is announced once.
const URGENT_SECONDS = 10;

const poleName = (slug) => poleNames.get(slug) || slug;
const now = () => Date.now() / 1000 + clockOffset;

function setNotice(text) { page.notices.set(text); }
function send(frame) { return page.send(frame); }

// What this page shows of the visitors' messages, and its receipts for them: one sender for
// every conversation, so several busy ones never crowd the socket's rate limit.
const receipts = new Receipts((conversation, ids, resumed) => {
  const entry = conversations.get(conversation);
  return Boolean(entry && !entry.closed)
    && page.socket.send({ type: "received", conversation, client_ids: ids, resumed });
});

// --- attention ------------------------------------------------------------------------------

function localStore() {
  try {
    return window.localStorage;
  } catch {
    return null; // refused by a privacy setting: the switches are not remembered
  }
}

function showNotification(title, tag) {
  try {
    const notification = new Notification(title, { tag, lang: document.documentElement.lang });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // A browser that notifies only from a service worker (Chrome on Android): no notification.
  }
}

const attention = new Attention({
  baseTitle: document.title,
  setTitle: (title) => { document.title = title; },
  storage: localStore(),
  hidden: () => document.hidden,
  audioContext: () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    return Context ? new Context() : null;
  },
  // A browser that cannot say (no User Activation API) is not claimed to be silent.
  activated: () => !navigator.userActivation || navigator.userActivation.hasBeenActive,
  notifications: "Notification" in window ? {
    permission: () => Notification.permission,
    request: () => Notification.requestPermission(),
    show: showNotification,
  } : null,
});

function countAttention() {
  let unread = 0;
  for (const entry of conversations.values()) unread += entry.unread;
  attention.setCount(state.offers.length + unread);
  ui.paneCount.textContent = unread ? unreadText(unread) : "";
  show(ui.paneCount, unread > 0);
}

function renderNotifyHint() {
  let hint = "";
  if (!("Notification" in window)) hint = gettext("This browser does not show notifications.");
  else if (Notification.permission === "denied") {
    hint = gettext("Notifications are blocked for this site in the browser's settings.");
  }
  ui.notifyHint.textContent = hint;
  show(ui.notifyHint, Boolean(hint));
  ui.notifySwitch.disabled = !("Notification" in window) || Notification.permission === "denied";
}

function renderSoundHint() {
  show(ui.soundHint, attention.soundWaitsForGesture);
}

ui.soundSwitch.checked = attention.sound;
ui.notifySwitch.checked = attention.notifying;
renderNotifyHint();
renderSoundHint();
ui.soundSwitch.addEventListener("change", () => {
  attention.setSound(ui.soundSwitch.checked);
  renderSoundHint();
});
ui.notifySwitch.addEventListener("change", async () => {
  // The browser's permission is asked here only: on the counsellor's own gesture.
  ui.notifySwitch.checked = await attention.setNotifications(ui.notifySwitch.checked);
  renderNotifyHint();
});
for (const gesture of ["pointerdown", "keydown"]) {
  document.addEventListener(gesture, () => {
    attention.unlock();
    // After the gesture's own activation, which the browser records once this event is done.
    setTimeout(renderSoundHint, 0);
  }, { once: true, capture: true });
}

// --- panes ------------------------------------------------------------------------------------

const isInView = (id) => inView({ id, selected, hidden: document.hidden, narrow: !wide.matches,
                                  pane });

function showPane(name) {
  if (!PANES.includes(name)) return;
  pane = name;
  root.dataset.pane = name;
  for (const button of ui.paneButtons) {
    button.setAttribute("aria-pressed", button.dataset.pane === name ? "true" : "false");
  }
  seeSelected();
}

/** The open conversation is seen: its unread messages are read. */
function seeSelected() {
  const entry = conversations.get(selected);
  if (entry && entry.unread && isInView(selected)) {
    entry.unread = 0;
    renderConversation(entry);
  }
  countAttention();
}

for (const button of ui.paneButtons) {
  button.addEventListener("click", () => showPane(button.dataset.pane));
}
wide.addEventListener("change", seeSelected);
document.addEventListener("visibilitychange", seeSelected);

// --- shift and queues -----------------------------------------------------------------------

function renderShiftForm() {
  if (ui.shiftPoles.childElementCount) return;
  for (const pole of data.poles) {
    const checked = data.my_poles.includes(pole.slug);
    ui.shiftPoles.append(el("label", { class: "inline" },
      el("input", { type: "checkbox", name: "poles", value: pole.slug, checked }), " ", pole.name));
  }
}

function renderShift() {
  const shift = state.shift;
  show(ui.shiftForm, !shift);
  show(ui.shiftOn, Boolean(shift));
  if (!shift) { renderShiftForm(); return; }
  const labels = { available: gettext("On shift, receiving visitors"),
                   paused: gettext("Paused: you receive no new visitor"),
                   draining: gettext("Ending: your conversations finish, no new visitor") };
  ui.shiftStatus.textContent = (labels[shift.status] || statusText(shift.status)) + " · "
    + interpolate(gettext("Poles: %(poles)s"), { poles: shift.poles.map(poleName).join(", ") }, true)
    + " · " + interpolate(gettext("Capacity: %(n)s"), { n: shift.capacity }, true);
  ui.pause.hidden = shift.status !== "available";
  ui.resume.hidden = shift.status === "available";
  ui.shiftEnd.hidden = shift.status === "draining";
}

function renderQueues() {
  // Their poles only: the shift's, or before a shift the poles of their profile.
  const mine = new Set(state.shift ? state.shift.poles : data.my_poles);
  const shown = state.poles.filter((pole) => mine.has(pole.slug));
  // Four columns, the status under the pole and the longest wait under the count: the table
  // fits the side panel.
  ui.queues.replaceChildren(...shown.map((pole) => el("tr", { "data-pole": pole.slug },
    el("th", { scope: "row" }, pole.name, " ", el("span", { class: "queue-detail" },
      pole.open ? gettext("Open")
        : gettext("Closed") + (pole.opens_at ? " · " + interpolate(gettext("opens %(when)s"),
          { when: formatWhen(pole.opens_at) }, true) : ""))),
    el("td", { class: "waiting" }, String(pole.waiting), pole.waiting ? [" ", el("span",
      { class: "queue-detail" }, interpolate(gettext("longest wait %(wait)s"),
                                             { wait: formatDuration(pole.longest_wait) }, true))]
      : null),
    el("td", {}, String(pole.counsellors_online)),
    el("td", {}, formatEstimate(pole.estimate_seconds)))));
}

function renderAlerts() {
  const banners = alertBanners(poleAlerts, state.shift);
  ui.alertList.replaceChildren(...banners.map((banner) => el("li",
    { class: "pole-alert", "data-pole": banner.pole },
    el("span", {}, banner.text), " ",
    el("button", { type: "button", class: "add-pole", disabled: !page.connected,
                   onclick: () => addPole(banner.pole) },
       gettext("Add to my shift"), el("span", { class: "visually-hidden" }, " " + banner.name)))));
  show(ui.alerts, banners.length > 0);
  const texts = new Set(banners.map((banner) => banner.text));
  for (const text of texts) if (!spokenAlerts.has(text)) page.live.say(text);
  spokenAlerts = texts;
}

function addPole(pole) {
  const frame = shiftWithPole(state.shift, pole);
  if (frame) send(frame);
}

function renderColleagues() {
  const others = state.colleagues.filter((card) => !state.me || card.id !== state.me.id);
  ui.colleagues.replaceChildren(...(others.length ? others.map((card) => el("li",
    { class: "colleague", "data-status": card.status },
    cardLabel(card), " · ", card.poles.map(poleName).join(", "), " · ",
    interpolate(gettext("%(load)s of %(capacity)s conversations"),
                { load: card.load, capacity: card.capacity }, true), " · ",
    el("span", { class: "colleague-status" }, statusText(card.status))))
    : [el("li", { class: "hint" }, gettext("No colleague is on shift."))]));
  for (const entry of conversations.values()) fillInviteSelect(entry);
}

// --- offers -------------------------------------------------------------------------------------

function buildOffer(offer) {
  const visitor = offer.visitor;
  const name = () => el("span", { class: "visually-hidden" }, " " + offer.pseudonym);
  return el("li", { class: "offer", "data-visitor": visitor },
    el("p", {}, el("strong", {}, offer.pseudonym), " · ", poleName(offer.pole), " · ",
       el("span", { class: "countdown" })),
    offer.transferred_from ? el("p", {}, interpolate(gettext("Transferred from %(pole)s"),
                                                     { pole: poleName(offer.transferred_from) }, true)) : null,
    offer.handover_note ? el("p", { class: "handover" }, gettext("Handover note:") + " "
                             + offer.handover_note) : null,
    el("p", { class: "actions" },
      el("button", { type: "button", class: "accept", onclick: () => accept(visitor) },
         gettext("Accept"), name()),
      el("button", { type: "button", class: "decline secondary",
                     onclick: () => send({ type: "decline", visitor }) },
         gettext("Decline"), name()),
      el("button", { type: "button", class: "extend secondary", onclick: () => extend(visitor) },
         gettext("Need a moment"), name()),
      el("span", { class: "extended-note hint", hidden: true }, gettext("Extended once"))));
}

function updateOffer(node, offer) {
  const extendButton = node.querySelector(".extend");
  const hadFocus = document.activeElement === extendButton;
  node.querySelector(".countdown").dataset.expires = offer.expires_at;
  show(extendButton, !offer.extended);
  show(node.querySelector(".extended-note"), offer.extended);
  // The button pressed is gone: the keyboard stays on the offer, on its next step.
  if (hadFocus && offer.extended) node.querySelector(".accept").focus();
  const first = state.offers[0] && state.offers[0].visitor === offer.visitor;
  const acceptButton = node.querySelector(".accept");
  if (first) acceptButton.setAttribute("aria-keyshortcuts", keysOf("accept"));
  else acceptButton.removeAttribute("aria-keyshortcuts");
}

function renderOffers() {
  syncList(ui.offers, state.offers, (offer) => offer.visitor, buildOffer, updateOffer);
  show(ui.noOffers, state.offers.length === 0);
  ui.offers.closest("section").classList.toggle("has-offers", state.offers.length > 0);
  tickCountdowns();
  countAttention();
}

function tickCountdowns() {
  for (const node of ui.offers.querySelectorAll("[data-expires]")) {
    const left = Math.max(0, Math.ceil(Number(node.dataset.expires) - now()));
    node.textContent = interpolate(ngettext("%(s)s second left", "%(s)s seconds left", left),
                                   { s: left }, true);
    node.classList.toggle("urgent", left <= URGENT_SECONDS);
    const visitor = node.closest("[data-visitor]").dataset.visitor;
    const key = visitor + ":" + node.dataset.expires;
    if (left <= URGENT_SECONDS && left > 0 && !warnedOffers.has(key)) {
      // WCAG 2.2.1: warned before the time runs out, while "need a moment" can still help.
      warnedOffers.add(key);
      const offer = state.offers.find((candidate) => candidate.visitor === visitor);
      if (offer) {
        page.live.say(interpolate(gettext("%(s)s seconds left to accept %(visitor)s."),
                                  { s: left, visitor: offer.pseudonym }, true));
      }
    }
  }
}

function tick() {
  tickCountdowns();
  for (const entry of conversations.values()) renderLastWrote(entry);
}
window.setInterval(tick, 500);

function accept(visitor) {
  acceptedVisitor = visitor;
  const offer = state.offers.find((candidate) => candidate.visitor === visitor);
  if (offer) acceptedOffers.set(visitor, offer);
  send({ type: "accept", visitor });
}

function extend(visitor) {
  send({ type: "extend_offer", visitor });
}

// --- conversations --------------------------------------------------------------------------

function ensureConversation(summary) {
  let entry = conversations.get(summary.id);
  if (!entry) {
    // Imported, not cloned: its custom elements are upgraded at once, in this document.
    const panel = document.importNode(ui.template.content.firstElementChild, true);
    const panelId = "conversation-" + summary.id;
    const tabId = "tab-" + summary.id;
    panel.id = panelId;
    panel.setAttribute("aria-labelledby", tabId);
    panel.dataset.conversation = summary.id;
    panel.hidden = true; // one panel shows at a time: `select` shows it
    const tab = el("button", { type: "button", role: "tab", id: tabId, "aria-controls": panelId,
                               "aria-selected": "false", class: "tab", tabindex: "-1",
                               "data-conversation": summary.id });
    tab.addEventListener("click", () => openConversation(summary.id));
    tab.addEventListener("keydown", onTabKey);
    ui.tabs.append(tab);
    ui.panels.append(panel);
    entry = { summary, panel, tab, transcript: panel.querySelector("vc-transcript"),
              closed: false, unread: 0, lastVisitorAt: null, lastWrote: "", typing: false,
              typingTimer: null };
    conversations.set(summary.id, entry);
    wireConversation(entry);
    if (!selected || !conversations.has(selected)) select(summary.id, false);
  }
  entry.summary = summary;
  renderConversation(entry);
  return entry;
}

function renderConversation(entry) {
  const { summary, panel, tab } = entry;
  const q = (selector) => panel.querySelector(selector);
  const gap = () => el("span", { class: "visually-hidden" }, ", ");
  entry.lastWrote = lastWroteText(entry.lastVisitorAt, now());
  tab.replaceChildren(...[
    el("span", { class: "item-who" }, summary.pseudonym,
       entry.unread ? el("span", { class: "unread" },
         el("span", { "aria-hidden": "true" }, String(entry.unread)),
         el("span", { class: "visually-hidden" }, " (" + unreadText(entry.unread) + ")")) : null),
    gap(), el("span", { class: "item-pole" }, poleName(summary.pole)),
    gap(), el("span", { class: "item-last" }, entry.lastWrote),
    entry.typing && !entry.closed
      ? [gap(), el("span", { class: "item-typing" }, gettext("typing…"))] : null,
    entry.closed ? [gap(), el("span", { class: "ended-mark" }, gettext("ended"))] : null,
  ].flat().filter(Boolean));
  q(".conversation-title").textContent = interpolate(gettext("%(visitor)s, %(pole)s"),
    { visitor: summary.pseudonym, pole: poleName(summary.pole) }, true);
  q(".conversation-meta").textContent = [
    interpolate(gettext("Waited %(wait)s"), { wait: formatDuration(summary.waited) }, true),
    interpolate(gettext("With %(names)s"), { names: summary.counsellors.map(cardLabel).join(", ") }, true),
    summary.visitor_connected ? gettext("Visitor connected")
      : gettext("Visitor disconnected: their place is kept for a moment"),
  ].join(" · ");
  for (const control of panel.querySelectorAll(
    "form button, form textarea, form select, form input, .canned button")) {
    control.disabled = entry.closed || !page.connected;
  }
  // An invited colleague may step out; the lead ends or transfers instead.
  q(".leave-conversation").hidden = entry.closed || isLead(summary);
  q(".close-tab").hidden = !entry.closed;
  fillTransferSelect(entry);
}

/** The list's "the visitor wrote 3 minutes ago", changed only when its words change. */
function renderLastWrote(entry) {
  const text = lastWroteText(entry.lastVisitorAt, now());
  if (text === entry.lastWrote) return;
  entry.lastWrote = text;
  const node = entry.tab.querySelector(".item-last");
  if (node) node.textContent = text;
}

function isLead(summary) {
  return !state.me || !summary.counsellors.length || summary.counsellors[0].id === state.me.id;
}

function fillResourceSelect(entry) {
  const select = entry.panel.querySelector("select[name=resource]");
  const groups = new Map();
  for (const resource of data.resources) {
    if (!groups.has(resource.pole)) groups.set(resource.pole, []);
    groups.get(resource.pole).push(resource);
  }
  // The conversation's own pole first: its documentation is the likeliest card.
  const order = [...groups.keys()].sort((a, b) => (b === entry.summary.pole) - (a === entry.summary.pole));
  select.replaceChildren(...order.map((pole) => el("optgroup", { label: poleName(pole) },
    ...groups.get(pole).map((resource) => el("option", { value: resource.id },
                                             resource.title + " (" + resource.kind + ")")))));
}

function fillTransferSelect(entry) {
  const select = entry.panel.querySelector("select[name=pole]");
  const current = select.value;
  select.replaceChildren(...data.poles.filter((pole) => pole.slug !== entry.summary.pole)
    .map((pole) => el("option", { value: pole.slug }, pole.name)));
  if (current) select.value = current;
}

function fillInviteSelect(entry) {
  const select = entry.panel.querySelector("select[name=colleague]");
  const present = new Set(entry.summary.counsellors.map((card) => card.id));
  const options = state.colleagues.filter((card) => !present.has(card.id)
                                          && (!state.me || card.id !== state.me.id));
  select.replaceChildren(...options.map((card) => el("option", { value: card.id },
    cardLabel(card) + " · " + card.poles.map(poleName).join(", "))));
}

function fillOutcomeTags(entry) {
  const box = entry.panel.querySelector(".tags");
  box.replaceChildren(...Object.entries(outcomeTags).map(([tag, label]) => el("label",
    { class: "inline" }, el("input", { type: "checkbox", name: "outcome", value: tag }), " ", label)));
}

function fillCannedReplies(entry) {
  const replies = repliesFor(cannedReplies, entry.summary.pole);
  const box = entry.panel.querySelector(".canned");
  box.querySelector(".canned-list").replaceChildren(...replies.map((reply) => el("li", {},
    el("button", { type: "button", class: "secondary canned-reply", title: reply.text,
                   onclick: () => insertCanned(entry, reply) }, reply.title))));
  show(box, replies.length > 0);
}

/** A canned reply goes into the message box, where the caret is, for the counsellor to edit:
 * never sent on its own. */
function insertCanned(entry, reply) {
  const box = entry.panel.querySelector(".conversation-message textarea");
  const result = insertReply(box.value, box.selectionStart, box.selectionEnd, reply.text,
                             box.maxLength > 0 ? box.maxLength : Infinity);
  if (!result) {
    setNotice(gettext("This reply does not fit in the message box: shorten your message first."));
    return;
  }
  box.value = result.value;
  entry.panel.querySelector(".canned").open = false;
  box.focus();
  box.setSelectionRange(result.caret, result.caret);
  box.dispatchEvent(new Event("input", { bubbles: true })); // typing, as if typed
}

function wireConversation(entry) {
  const { panel } = entry;
  const id = entry.summary.id;
  const q = (selector) => panel.querySelector(selector);
  fillResourceSelect(entry);
  fillInviteSelect(entry);
  fillOutcomeTags(entry);
  fillCannedReplies(entry);
  const composer = q("vc-composer");
  composer.addEventListener("vc-send", (event) => {
    const { text, clientId } = event.detail;
    if (!send({ type: "message", conversation: id, text, client_id: clientId })) {
      event.preventDefault(); // the draft stays
      return;
    }
    entry.transcript.addOwn(clientId, "counsellor mine", text);
  });
  // Sent again with the same client_id while the visitor's page has not said it shows it.
  entry.transcript.enableReceipts((clientId, text, { manual }) => {
    if (entry.closed) return false;
    const frame = { type: "message", conversation: id, text, client_id: clientId };
    return manual ? send(frame) : page.socket.send(frame); // only a click hears "not connected"
  });
  composer.addEventListener("vc-typing", (event) => {
    if (!entry.closed) {
      page.socket.send({ type: "typing", conversation: id, active: event.detail.active });
    }
  });
  entry.transcript.addEventListener("vc-line", (event) => onLine(entry, event.detail.kind));
  q(".resource-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const resource = Number(q("select[name=resource]").value);
    if (resource) send({ type: "send_resource", conversation: id, resource });
  });
  q(".transfer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const pole = q("select[name=pole]").value;
    const note = q("textarea[name=note]").value.trim();
    if (pole) send({ type: "transfer", conversation: id, pole, note: note || null });
  });
  q(".invite-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const colleague = q("select[name=colleague]").value;
    if (colleague) send({ type: "invite", conversation: id, colleague });
  });
  q(".end-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const tags = [...panel.querySelectorAll("input[name=outcome]:checked")].map((box) => box.value);
    send({ type: "end", conversation: id, outcome_tags: tags });
  });
  q(".block-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const hours = Number(q("input[name=hours]").value);
    if (hours > 0) send({ type: "block", conversation: id, hours });
  });
  q(".leave-conversation").addEventListener("click",
    () => send({ type: "leave_conversation", conversation: id }));
  q(".close-tab").addEventListener("click", () => removeConversation(id));
}

/** A line in a conversation's transcript: someone else's counts as unread unless the
 * counsellor is looking at it, and calls them back. */
function onLine(entry, kind) {
  if (!countsAsUnread(kind)) return;
  const fromVisitor = kind.split(/\s+/).includes("visitor");
  if (fromVisitor) entry.lastVisitorAt = now();
  if (isInView(entry.summary.id)) {
    renderConversation(entry);
    return;
  }
  entry.unread += 1;
  renderConversation(entry);
  countAttention();
  attention.call(interpolate(fromVisitor ? gettext("New message from %(visitor)s")
    : gettext("New message in the conversation with %(visitor)s"),
    { visitor: entry.summary.pseudonym }, true), "message-" + entry.summary.id);
}

function select(id, focusPanel) {
  selected = id;
  for (const [key, entry] of conversations) {
    const on = key === id;
    entry.tab.setAttribute("aria-selected", on ? "true" : "false");
    entry.tab.tabIndex = on ? 0 : -1;
    entry.panel.hidden = !on;
  }
  if (focusPanel && conversations.has(id)) {
    showPane("conversation");
    focusComposer();
  }
  seeSelected();
  show(ui.noConversations, conversations.size === 0);
  show(ui.noOpen, !conversations.has(selected));
  renderLibrary();
}

/** A click in the list: that conversation, and on a narrow screen its pane. */
function openConversation(id) {
  select(id, false);
  if (!wide.matches) {
    showPane("conversation");
    conversations.get(id).panel.focus(); // the list item clicked is out of view now
  }
}

function focusComposer() {
  const entry = conversations.get(selected);
  if (!entry) return false;
  if (!wide.matches) showPane("conversation");
  const box = entry.panel.querySelector(".conversation-message textarea");
  if (box.disabled) entry.panel.focus();
  else box.focus();
  return true;
}

function onTabKey(event) {
  // Arrow keys move between tabs (WAI-ARIA tabs pattern; the list is vertical).
  const tabs = [...ui.tabs.querySelectorAll("[role=tab]")];
  const index = tabs.indexOf(event.currentTarget);
  let next = null;
  if (event.key === "ArrowDown" || event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
  if (event.key === "ArrowUp" || event.key === "ArrowLeft") {
    next = tabs[(index - 1 + tabs.length) % tabs.length];
  }
  if (event.key === "Home") next = tabs[0];
  if (event.key === "End") next = tabs[tabs.length - 1];
  if (next) {
    event.preventDefault();
    select(next.dataset.conversation, false);
    next.focus();
  }
}

function removeConversation(id) {
  const entry = conversations.get(id);
  if (!entry) return;
  window.clearTimeout(entry.typingTimer);
  entry.tab.remove();
  entry.panel.remove();
  conversations.delete(id);
  if (selected === id) {
    const first = conversations.keys().next();
    selected = first.done ? null : first.value;
    select(selected, false);
    const target = selected ? conversations.get(selected).tab : $("conversations-title");
    if (!wide.matches) showPane("list");
    target.focus();
  }
  show(ui.noConversations, conversations.size === 0);
  countAttention();
}

function closeConversation(id, text) {
  const entry = conversations.get(id);
  if (!entry || entry.closed) return;
  entry.closed = true;
  entry.typing = false;
  receipts.forget(id);
  entry.transcript.own.clear(); // nothing more is sent again
  entry.transcript.hideTyping();
  const note = entry.panel.querySelector(".closed-note");
  note.textContent = text;
  show(note, true);
  addSystem(entry, text);
  renderConversation(entry);
  if (id === selected) renderLibrary();
}

function addSystem(entry, text) {
  entry.transcript.system(text);
}

function setTyping(entry, active) {
  window.clearTimeout(entry.typingTimer);
  entry.typing = active;
  // A notice not renewed is dropped: its "stopped typing" may have been lost (typing.js).
  if (active) entry.typingTimer = window.setTimeout(() => setTyping(entry, false), TYPING_SHOWN_MS);
  renderConversation(entry);
}

// --- keyboard shortcuts (shortcuts.js) ------------------------------------------------------

function renderShortcuts() {
  const texts = shortcutTexts();
  ui.shortcutList.replaceChildren(...SHORTCUTS.flatMap((shortcut) => [
    el("dt", {}, el("kbd", {}, shortcut.keys)), el("dd", {}, texts[shortcut.action])]));
}

function stepTo(step) {
  const id = stepConversation([...conversations.keys()], selected, step);
  if (id === null) {
    page.live.say(gettext("No conversation at the moment."));
    return;
  }
  select(id, true);
  const entry = conversations.get(id);
  page.live.say(interpolate(gettext("%(visitor)s, %(pole)s"),
    { visitor: entry.summary.pseudonym, pole: poleName(entry.summary.pole) }, true));
}

const shortcutActions = {
  next: () => stepTo(1),
  previous: () => stepTo(-1),
  accept() {
    if (state.offers.length) accept(state.offers[0].visitor);
    else page.live.say(gettext("No visitor is offered to you at the moment."));
  },
  extend() {
    const offer = state.offers.find((candidate) => !candidate.extended);
    if (offer) extend(offer.visitor);
    else page.live.say(gettext("No offer to extend."));
  },
  composer() {
    if (!focusComposer()) page.live.say(gettext("No conversation at the moment."));
  },
};

document.addEventListener("keydown", (event) => {
  const action = shortcutOf(event);
  if (action === null) return;
  event.preventDefault();
  shortcutActions[action]();
});

// --- the library search ---------------------------------------------------------------------

function openEntry() {
  const entry = conversations.get(selected);
  return entry && !entry.closed ? entry : null;
}

function renderLibrary() {
  const entry = openEntry();
  const query = ui.libraryQuery.value;
  const found = searchResources(data.resources, query,
                                { pole: entry ? entry.summary.pole : null, poleName });
  ui.libraryResults.replaceChildren(...found.map((resource) => el("li",
    { class: "library-result", "data-resource": resource.id },
    el("span", {}, resource.title, " ", el("span", { class: "kind" }, resource.kind), " · ",
       poleName(resource.pole)), " ",
    el("button", { type: "button", class: "secondary send-card",
                   disabled: !entry || !page.connected,
                   onclick: () => sendCard(resource.id) },
       gettext("Send"),
       el("span", { class: "visually-hidden" }, " " + (entry
         ? interpolate(gettext("%(title)s to %(visitor)s"),
                       { title: resource.title, visitor: entry.summary.pseudonym }, true)
         : resource.title))))));
  let status;
  if (isBlank(query)) {
    status = entry ? interpolate(gettext("The documentation of %(pole)s:"),
                                 { pole: poleName(entry.summary.pole) }, true)
      : gettext("Type a word to search the documentation of every pole.");
  } else {
    status = interpolate(ngettext("%(n)s resource found", "%(n)s resources found", found.length),
                         { n: found.length }, true);
  }
  ui.libraryStatus.textContent = status;
}

function sendCard(resource) {
  const entry = openEntry();
  if (entry) send({ type: "send_resource", conversation: entry.summary.id, resource });
}

ui.libraryQuery.addEventListener("input", renderLibrary);

// --- frames from the desk -------------------------------------------------------------------

function applyState(next) {
  state = next;
  renderShift();
  renderQueues();
  renderAlerts();
  renderOffers();
  const open = new Set();
  for (const summary of state.conversations) {
    open.add(summary.id);
    const known = conversations.has(summary.id);
    const entry = ensureConversation(summary);
    if (!known) {
      // Back after a reload or a crash: the conversation goes on, its past is not kept.
      addSystem(entry, gettext("Earlier messages are not shown again: nothing of the conversation is kept."));
    }
  }
  for (const [id, entry] of conversations) {
    if (!open.has(id) && !entry.closed) closeConversation(id, gettext("The conversation has ended."));
  }
  renderColleagues();
  show(ui.noConversations, conversations.size === 0);
  show(ui.noOpen, !conversations.has(selected));
  countAttention();
}

function upsertSummary(summary) {
  state.conversations = [...state.conversations.filter((c) => c.id !== summary.id), summary];
}

const frames = {
  staff_welcome(frame) {
    clockOffset = frame.server_time - Date.now() / 1000;
    outcomeTags = frame.outcome_tags || {};
    for (const entry of conversations.values()) fillOutcomeTags(entry);
    applyState(frame.state);
    // (Re)connected: each visitor's page resends what it has no receipt for, this page what
    // it has none for (docs/protocol.md, "Delivery receipts and resending").
    for (const summary of frame.state.conversations) {
      receipts.resumed(summary.id);
      conversations.get(summary.id)?.transcript.resendUnconfirmed();
    }
  },
  staff_state(frame) { applyState(frame.state); },
  pong(frame) { clockOffset = frame.server_time - Date.now() / 1000; },
  lobby(frame) {
    // Only the poles whose figures changed: merge them into the queues table.
    const changed = new Map(frame.poles.map((pole) => [pole.slug, pole]));
    state.poles = state.poles.map((pole) => changed.get(pole.slug) || pole);
    renderQueues();
  },
  colleagues(frame) {
    state.colleagues = frame.colleagues;
    renderColleagues();
  },
  pole_alerts(frame) {
    poleAlerts = frame.alerts;
    renderAlerts();
  },
  shift(frame) {
    state.shift = frame.shift;
    renderShift();
    renderQueues();
    renderAlerts();
    const notice = shiftNotice(frame.shift, frame.reason);
    if (notice) setNotice(notice);
  },
  offer(frame) {
    const offer = frame.offer;
    const known = state.offers.some((o) => o.visitor === offer.visitor);
    // An offer sent again is the same one extended: it keeps its place in the list.
    state.offers = known ? state.offers.map((o) => (o.visitor === offer.visitor ? offer : o))
      : [...state.offers, offer];
    renderOffers();
    if (known) {
      page.live.say(interpolate(gettext("The offer of %(visitor)s was extended."),
                                { visitor: offer.pseudonym }, true));
      return;
    }
    const text = interpolate(gettext("A visitor is offered to you: %(visitor)s, %(pole)s."),
                             { visitor: offer.pseudonym, pole: poleName(offer.pole) }, true);
    page.live.say(text);
    attention.call(text, "offer");
  },
  offer_gone(frame) {
    const gone = state.offers.find((offer) => offer.visitor === frame.visitor);
    state.offers = state.offers.filter((offer) => offer.visitor !== frame.visitor);
    const hadFocus = ui.offers.contains(document.activeElement);
    renderOffers();
    if (gone && !QUIET_OFFER_GONE.has(frame.reason)) {
      page.live.say(interpolate(gettext("The offer of %(visitor)s is gone."),
                                { visitor: gone.pseudonym }, true));
    }
    if (hadFocus && !ui.offers.contains(document.activeElement)) {
      // The focused button vanished with its offer: keep the keyboard user in the section.
      $("offers-title").setAttribute("tabindex", "-1");
      $("offers-title").focus();
    }
  },
  conversation(frame) {
    const summary = frame.conversation;
    upsertSummary(summary);
    state.offers = state.offers.filter((offer) => offer.visitor !== summary.visitor);
    renderOffers();
    const isNew = !conversations.has(summary.id);
    const entry = ensureConversation(summary);
    if (isNew) {
      addSystem(entry, interpolate(gettext("Conversation with %(visitor)s opened (%(pole)s)."),
        { visitor: summary.pseudonym, pole: poleName(summary.pole) }, true));
      const offer = acceptedOffers.get(summary.visitor);
      acceptedOffers.delete(summary.visitor);
      if (offer && (offer.handover_note || offer.transferred_from)) {
        const handover = entry.panel.querySelector(".handover");
        handover.textContent = interpolate(gettext("Transferred from %(pole)s."),
          { pole: poleName(offer.transferred_from) }, true)
          + (offer.handover_note ? " " + gettext("Handover note:") + " " + offer.handover_note : "");
        show(handover, true);
      }
      if (!isLead(summary)) {
        addSystem(entry, gettext("You were invited by a colleague: earlier messages are not shown, nothing of the conversation is kept."));
        if (acceptedVisitor !== summary.visitor) {
          attention.call(interpolate(gettext("A colleague invited you to the conversation with %(visitor)s"),
                                     { visitor: summary.pseudonym }, true), "invited");
        }
      }
    }
    if (acceptedVisitor === summary.visitor) {
      acceptedVisitor = null;
      select(summary.id, true);
    }
    countAttention();
  },
  conversation_closed(frame) {
    state.conversations = state.conversations.filter((c) => c.id !== frame.conversation);
    closeConversation(frame.conversation, closedText(frame.reason));
  },
  message(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    if (entry.transcript.acknowledge(frame.client_id, frame.html)) return;
    const mine = frame.author && state.me && frame.author.id === state.me.id;
    // Sent again (its receipt was lost): not shown twice; the visitor's is receipted again.
    const fromVisitor = frame.sender === "visitor";
    if (receipts.shown(frame.conversation, frame.client_id, { answer: fromVisitor })) return;
    const who = frame.sender === "visitor" ? entry.summary.pseudonym
      : (mine ? gettext("You") : frame.author.name);
    if (frame.sender === "visitor") {
      entry.transcript.hideTyping();
      if (entry.typing) setTyping(entry, false);
    }
    entry.transcript.add(frame.sender + (mine ? " mine" : ""), who, safeFragment(frame.html),
                         { at: frame.sent_at });
    if (!mine) page.live.say(spokenMessage(who, frame.html));
  },
  delivered(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry || frame.receiver !== "visitor") return;
    entry.transcript.delivered(frame.client_ids);
    if (frame.resumed) entry.transcript.resendUnconfirmed(); // the visitor's page is back
  },
  typing(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    const name = frame.sender === "visitor" ? entry.summary.pseudonym : frame.author;
    if (frame.active) entry.transcript.showTyping(name);
    else entry.transcript.hideTyping();
    if (frame.sender === "visitor") setTyping(entry, frame.active);
  },
  resource(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    const mine = state.me && frame.author.id === state.me.id;
    entry.transcript.add("counsellor resource" + (mine ? " mine" : ""),
                         mine ? gettext("You") : frame.author.name, resourceCard(frame.card),
                         { at: frame.sent_at });
  },
  counsellor_joined(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    if (!entry.summary.counsellors.some((card) => card.id === frame.counsellor.id)) {
      entry.summary = { ...entry.summary, counsellors: [...entry.summary.counsellors, frame.counsellor] };
      upsertSummary(entry.summary);
    }
    addSystem(entry, interpolate(gettext("%(counsellor)s joined the conversation."),
                                 { counsellor: cardLabel(frame.counsellor) }, true));
    renderConversation(entry);
    fillInviteSelect(entry);
  },
  counsellor_left(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    if (state.me && frame.counsellor.id === state.me.id) {
      closeConversation(frame.conversation, closedTexts().left);
      return;
    }
    entry.summary = { ...entry.summary,
      counsellors: entry.summary.counsellors.filter((card) => card.id !== frame.counsellor.id) };
    upsertSummary(entry.summary);
    addSystem(entry, interpolate(gettext("%(counsellor)s left the conversation."),
                                 { counsellor: cardLabel(frame.counsellor) }, true));
    renderConversation(entry);
    fillInviteSelect(entry);
  },
  visitor_presence(frame) {
    const entry = conversations.get(frame.conversation);
    if (!entry) return;
    entry.summary = { ...entry.summary, visitor_connected: frame.connected };
    upsertSummary(entry.summary);
    if (frame.connected) entry.transcript.resendUnconfirmed();
    addSystem(entry, frame.connected ? gettext("The visitor is back.")
      : gettext("The visitor's connection dropped; their place is kept for a moment."));
    renderConversation(entry);
  },
  colleague_message(frame) {
    const mine = state.me && frame.author.id === state.me.id;
    const item = el("li", { class: "line" + (frame.help ? " help" : "") },
      el("span", { class: "meta" }, cardLabel(frame.author) + " · " + formatClock(frame.sent_at)
         + (frame.help ? " · " + gettext("asks for help") : "")),
      el("div", { class: "body" }, safeFragment(frame.html)));
    ui.colleagueLog.append(item);
    ui.colleagueLog.scrollTop = ui.colleagueLog.scrollHeight;
    if (!mine) {
      page.live.say(frame.help
        ? interpolate(gettext("%(name)s asks for help: %(text)s"),
                      { name: frame.author.name, text: textOf(frame.html) }, true)
        : spokenMessage(frame.author.name, frame.html));
    }
  },
  error(frame) {
    // A receipt refused (its conversation just closed): the visitor's page resends, or it
    // is over; nothing to tell the counsellor.
    if (frame.frame === "received") return;
    // Refused before anyone got it (docs/protocol.md, `message`): said on its line.
    for (const entry of conversations.values()) entry.transcript.refuse(frame.client_id);
    setNotice(frame.message || gettext("Something went wrong. Please try again."));
  },
};

// --- actions ------------------------------------------------------------------------------------

ui.shiftForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const poles = [...ui.shiftPoles.querySelectorAll("input:checked")].map((box) => box.value);
  if (!poles.length) {
    setNotice(gettext("Choose at least one pole."));
    return;
  }
  page.notices.clear();
  send({ type: "shift_start", poles, capacity: Number(ui.shiftCapacity.value) });
});
ui.pause.addEventListener("click", () => send({ type: "pause" }));
ui.resume.addEventListener("click", () => send({ type: "resume" }));
ui.shiftEnd.addEventListener("click", () => send({ type: "shift_end" }));
ui.colleagueForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.colleagueText.value.trim();
  if (isBlank(text)) return;
  if (send({ type: "colleague_message", text, help: ui.colleagueHelp.checked })) {
    ui.colleagueText.value = "";
    ui.colleagueHelp.checked = false;
  }
});

// --- the connection -----------------------------------------------------------------------------

const page = startRealtimePage(root, {
  hello: () => ({ type: "hello" }),
  frames,
  closedText: (code) => ([CLOSE_CODES.UNAUTHENTICATED, CLOSE_CODES.FORBIDDEN].includes(code)
    ? gettext("Your session has ended or lacks the counsellor role. Please log in again.")
    : null),
  onStatus() {
    for (const entry of conversations.values()) {
      if (!page.connected) entry.transcript.connectionLost();
      renderConversation(entry);
    }
    for (const button of root.querySelectorAll(
      "#shift-panel button, #pole-alerts button, #colleague-form button")) {
      button.disabled = !page.connected;
    }
    renderLibrary();
  },
});
renderShiftForm();
renderShortcuts();
renderLibrary();
show(ui.shiftForm, true);
page.socket.connect();
