// The visitor's desk on the home page: live lobby, queue, chat, end and rating.
//
// The server's `welcome`/`state` frames are the truth: they replace what the screen shows, so a
// lost event never leaves it wrong. Message text lives in this page only (and in the copy the
// visitor may save); this tab's sessionStorage holds the desk's token and the question written
// while waiting (draft.js), localStorage only whether the chime is on.
//
// Around the desk (issue 12): the visitor is called back to the tab (visitor_attention.js),
// may leave at once (quick_exit.js), sees what became of each message they sent
// (own_messages.js), is asked before ending, and warned before a reload loses the transcript.
/* global gettext, interpolate */
import "./composer.js";
import { clientId, el, safeFragment, show } from "./dom.js";
import { Draft } from "./draft.js";
import { cardLabel, formatEstimate, formatWhen } from "./format.js";
import { startRealtimePage } from "./page.js";
import { installQuickExit } from "./quick_exit.js";
import { Receipts } from "./receipts.js";
import { resourceCard, spokenMessage } from "./transcript.js";
import { MOMENT, browserAttention, canAskForNotifications } from "./visitor_attention.js";
import { figureLines, unavailableText, waitingText } from "./visitor_lobby.js";
import { closedText, endedText, positionText, requeuedText, transferredText } from
  "./visitor_reasons.js";
import { ERROR_CODES } from "./wire.js";

const TOKEN_KEY = "vc.token";

const root = document.getElementById("visitor-desk");
const $ = (id) => document.getElementById(id);
const ui = {
  queuePanel: $("queue-panel"),
  queueTitle: $("queue-title"),
  queuePole: $("queue-pole"),
  queuePosition: $("queue-position"),
  queueEstimate: $("queue-estimate"),
  queueLibrary: $("queue-library"),
  queueTransfer: $("queue-transfer"),
  queueCalled: $("queue-called"),
  queueUnavailable: $("queue-unavailable"),
  leaveQueue: $("leave-queue"),
  draftForm: $("draft-form"),
  draftText: $("draft-text"),
  chatPanel: $("chat-panel"),
  chatWith: $("chat-with"),
  transcript: root.querySelector("vc-transcript"),
  composer: root.querySelector("vc-composer"),
  messageForm: $("message-form"),
  messageText: $("message-text"),
  endChat: $("end-chat"),
  endConfirm: $("end-confirm"),
  endYes: $("end-yes"),
  endNo: $("end-no"),
  endedPanel: $("ended-panel"),
  endedTitle: $("ended-title"),
  nextSteps: $("next-steps-list"),
  attentionSettings: $("attention-settings"),
  soundSwitch: $("sound-switch"),
  notifyAsk: $("notify-ask"),
  notifyState: $("notify-state"),
  quickExit: $("quick-exit"),
  ratingForm: $("rating-form"),
  rated: $("rated"),
  backToPoles: $("back-to-poles"),
  saveRow: $("save-copy-row"),
  saveCopy: $("save-copy"),
  lobby: $("lobby"),
  lobbyTitle: $("lobby-title"),
};

const poles = new Map(); // slug -> PoleStatus, from `lobby` frames
let view = { status: "idle", pole: null, position: null, estimate_seconds: null,
             conversation: null, counsellors: [] };
let ended = null; // {conversation, can_rate, rated} after `ended`, until "back to the poles"
// Who passed the visitor on, and to which pole: said while they wait again.
let transfer = null; // {by: name or null, to: slug}
let calling = false; // a counsellor is offered this visitor now (`calling`)
// True once the visitor chose to go (quick exit): no warning may hold the page then.
let leaving = false;
// Conversations that ended or were passed on: a frame of theirs still on its way (the
// socket stays in the same group for the next conversation) is not shown.
const pastConversations = new Set();
// What this page shows of the counsellors' messages, and its receipts for them.
const receipts = new Receipts((conversation, ids, resumed) => (
  view.status === "chatting" && view.conversation === conversation
  && page.socket.send({ type: "received", client_ids: ids, resumed })));
// The desk's version of the newest state or position shown (docs/protocol.md, "Ordering"):
// a position computed before it is stale.
let shownVersion = 0;

// --- storage: this tab's token (a reload or a blip resumes) and its draft question ----------

function readToken() {
  try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (error) { return null; }
}
function writeToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (error) { /* storage refused (private mode): the place is kept for this page only */ }
}
function tabStorage() {
  try { return window.sessionStorage; } catch (error) { return null; }
}

const draft = new Draft(tabStorage());
const attention = browserAttention(window);

// --- helpers --------------------------------------------------------------------------------

function poleName(slug) {
  if (!slug) return "";
  if (poles.has(slug)) return poles.get(slug).name;
  const item = document.getElementById("pole-" + slug);
  return (item && item.dataset.name) || slug;
}
function libraryUrl(slug) {
  return root.dataset.libraryUrl.replace("__slug__", encodeURIComponent(slug));
}
function libraryLink(slug) {
  return el("a", { href: libraryUrl(slug), target: "_blank", rel: "noopener" },
            interpolate(gettext("Browse the library of %(pole)s (new tab)"),
                        { pole: poleName(slug) }, true));
}

// A block of the pole's card (home.html), copied: its next group rooms (`.pole-rooms`) or its
// opening hours (`.pole-hours`), offered when its desk is closed, full, busy, or after the end.
function cardBlock(slug, selector) {
  const block = slug && document.querySelector("#pole-" + CSS.escape(slug) + " " + selector);
  return block ? [block.cloneNode(true)] : [];
}
function roomsOffer(slug) { return cardBlock(slug, ".pole-rooms"); }
function hoursOffer(slug) { return cardBlock(slug, ".pole-hours"); }

function setNotice(...parts) { page.notices.set(...parts); }
function clearNotice() { page.notices.clear(); }
function addSystem(text) { ui.transcript.system(text); }

// --- transcript -------------------------------------------------------------------------------

function addResource(frame) {
  const card = frame.card;
  ui.transcript.add("counsellor resource", frame.author.name, resourceCard(card, { review: true }),
    { at: frame.sent_at,
      copyText: gettext("Resource:") + " " + card.title + (card.url ? " <" + card.url + ">" : "") });
  page.live.say(interpolate(gettext("%(name)s shared a resource: %(title)s"),
                            { name: frame.author.name, title: card.title }, true));
}

function onMessage(frame) {
  const mine = frame.sender === "visitor";
  if (mine && ui.transcript.acknowledge(frame.client_id, frame.html)) return;
  // Sent again (its receipt was lost): not shown twice; a counsellor's is receipted again.
  if (receipts.shown(frame.conversation, frame.client_id, { answer: !mine })) return;
  const who = mine ? gettext("You") : (frame.author ? frame.author.name : gettext("Counsellor"));
  ui.transcript.add(mine ? "visitor" : "counsellor", who, safeFragment(frame.html),
                    { at: frame.sent_at });
  if (!mine) {
    ui.transcript.hideTyping();
    page.live.say(spokenMessage(who, frame.html));
    attention.call(MOMENT.MESSAGE);
  }
}

// --- own messages: sent, delivered, not delivered, and sent again ------------------------------

/** Send `text` as the visitor's message; false (nothing shown) when the socket is down. */
function sendOwn(text, id = clientId()) {
  if (view.status !== "chatting" || !send({ type: "message", text, client_id: id })) return false;
  ui.transcript.addOwn(id, "visitor", text);
  return true;
}

// Sent again with the same client_id: by hand (the "Send again" button), or on its own while
// no receipt came (transcript.js, own_messages.js).
ui.transcript.enableReceipts((id, text, { manual }) => {
  if (view.status !== "chatting") {
    if (manual) setNotice(gettext("This conversation is over: the message can no longer be sent."));
    return false;
  }
  const frame = { type: "message", text, client_id: id };
  return manual ? send(frame) : page.socket.send(frame); // only a click hears "not connected"
});

/** The conversation is over for this page: its messages are no longer sent again. */
function forgetConversation(conversation) {
  if (conversation) receipts.forget(conversation);
  ui.transcript.own.clear();
}

// --- rendering --------------------------------------------------------------------------------

function renderLobby() {
  for (const item of document.querySelectorAll(".pole[data-pole]")) {
    const slug = item.dataset.pole;
    const status = poles.get(slug);
    let button = item.querySelector("button.join");
    if (!button) {
      button = el("button", { type: "button", class: "join", "data-pole": slug },
                  gettext("Join the queue"),
                  el("span", { class: "visually-hidden" }, " " + (item.dataset.name || slug)));
      button.addEventListener("click", () => join(slug));
      item.querySelector(".pole-actions").prepend(button, " ");
    }
    if (status) {
      const badge = status.open
        ? el("span", { class: "badge open" }, gettext("Open now"))
        : el("span", { class: "badge closed" }, gettext("Closed"));
      const opening = !status.open && status.opens_at
        ? " " + interpolate(gettext("Opens %(when)s"), { when: formatWhen(status.opens_at) }, true)
        : "";
      item.querySelector(".pole-status").replaceChildren(badge, opening);
      const live = item.querySelector(".pole-live");
      live.replaceChildren(...figureLines(status).map((line) => el("span", {}, line)));
      show(live, true);
      let honest = item.querySelector(".pole-unavailable");
      if (!honest) {
        honest = el("p", { class: "pole-unavailable" });
        live.after(honest);
      }
      const text = unavailableText(status);
      honest.textContent = text || "";
      show(honest, Boolean(text));
    }
    const open = status ? status.open : item.querySelector(".badge.open") !== null;
    button.disabled = !page.connected || !open || view.status !== "idle";
  }
}

let unavailableShown = null; // the pole and text of #queue-unavailable, rebuilt on a change

function renderQueue() {
  ui.queuePole.textContent = interpolate(gettext("Pole: %(pole)s"), { pole: poleName(view.pole) },
                                         true);
  ui.queueTransfer.textContent = transfer ? transferredText(transfer.by, poleName(transfer.to))
    : "";
  show(ui.queueTransfer, Boolean(transfer));
  show(ui.queueCalled, calling);
  const status = poles.get(view.pole);
  const honest = status ? waitingText(status) : null;
  const key = honest && view.pole + "\n" + honest;
  if (key !== unavailableShown) {
    unavailableShown = key;
    // Rebuilt only on a change: a lobby frame every second must not close the hours the
    // visitor opened.
    ui.queueUnavailable.replaceChildren(
      ...(honest ? [el("p", {}, honest), ...roomsOffer(view.pole), ...hoursOffer(view.pole)]
        : []));
  }
  show(ui.queueUnavailable, Boolean(honest));
  ui.queuePosition.textContent = view.position === 1
    ? gettext("You are next.")
    : interpolate(gettext("Your position in the queue: %(n)s."), { n: view.position ?? "…" }, true);
  ui.queueEstimate.textContent = interpolate(gettext("Estimated wait: %(estimate)s."),
    { estimate: formatEstimate(view.estimate_seconds) }, true);
  if (view.pole) ui.queueLibrary.href = libraryUrl(view.pole);
}

function renderChat() {
  const names = view.counsellors.map(cardLabel);
  ui.chatWith.textContent = names.length
    ? interpolate(gettext("You are talking with %(names)s."), { names: names.join(", ") }, true)
    : "";
}

let shownMode = null;

function render() {
  const mode = ended ? "ended" : view.status;
  if (mode !== "waiting") calling = false; // a call is about a place in the queue
  // The page's mode, for the styles: the intro collapses and the chat fills a phone's screen.
  root.dataset.mode = mode;
  document.body.dataset.visitor = mode;
  show(ui.queuePanel, mode === "waiting");
  // The transcript stays readable after the end (below the next steps and the rating) and
  // while waiting again after a transfer; only the composer and End go.
  show(ui.chatPanel, mode === "chatting" || (mode !== "idle" && !ui.transcript.isEmpty));
  show(ui.messageForm, mode === "chatting");
  show(ui.endChat, mode === "chatting");
  if (mode !== "chatting") closeEndConfirm();
  show(ui.endedPanel, mode === "ended");
  show(ui.lobby, mode === "idle");
  show(ui.saveRow, !ui.transcript.isEmpty);
  renderAttentionSettings(mode);
  if (mode === "waiting") renderQueue();
  if (mode === "chatting") renderChat();
  if (mode === "ended") {
    ui.chatWith.textContent = "";
    show(ui.ratingForm, Boolean(ended.can_rate && !ended.rated));
    show(ui.rated, Boolean(ended.rated));
  }
  for (const button of root.querySelectorAll("button[data-needs-socket], #message-form button")) {
    button.disabled = !page.connected;
  }
  ui.leaveQueue.disabled = !page.connected;
  ui.endChat.disabled = !page.connected;
  renderLobby();
  if (mode !== shownMode) {
    const before = shownMode;
    shownMode = mode;
    if (mode === "chatting") {
      if (before === "waiting") attention.call(MOMENT.MATCHED);
      sendDraft();
    }
    // Move focus to what just appeared, so keyboard and screen-reader users follow the change.
    const target = { waiting: ui.queueTitle, chatting: ui.messageText, ended: ui.endedTitle,
                     idle: null }[mode];
    if (target && !page.notices.shown) target.focus();
  }
}

/** The question written while waiting goes as the first message once the conversation is
 * open, and not a moment before (transcript-free: tests/e2e/test_browser_visitor_journey.py
 * counts the frames). */
function sendDraft() {
  const text = draft.take();
  ui.draftText.value = "";
  if (text && !sendOwn(text)) ui.messageText.value = text; // the socket dropped: not lost
}

function renderAttentionSettings(mode) {
  const panel = { waiting: ui.queuePanel, chatting: ui.chatPanel }[mode];
  show(ui.attentionSettings, Boolean(panel));
  if (panel && ui.attentionSettings.parentElement !== panel) panel.append(ui.attentionSettings);
  ui.soundSwitch.checked = attention.soundOn;
  const permission = window.Notification ? window.Notification.permission : "unsupported";
  show(ui.notifyAsk, canAskForNotifications(window));
  ui.notifyState.textContent = permission === "granted"
    ? gettext("Browser notifications are on.") : "";
  show(ui.notifyState, permission === "granted");
}

/** After the end: what the visitor can do next, from the pole's card (its library, its next
 * rooms, its opening hours); "Back to the poles" follows for another pole. */
function renderNextSteps(slug) {
  const items = slug ? [el("li", {}, libraryLink(slug))] : [];
  for (const block of [...roomsOffer(slug), ...hoursOffer(slug)]) items.push(el("li", {}, block));
  ui.nextSteps.replaceChildren(...items);
}

function closeEndConfirm() {
  show(ui.endConfirm, false);
  ui.endChat.setAttribute("aria-expanded", "false");
}

function applyState(state) {
  shownVersion = Math.max(shownVersion, state.version || 0);
  const before = view.status;
  view = { ...view, ...state, counsellors: state.counsellors || [] };
  if (before === "chatting" && view.status !== "chatting" && !ended) {
    addSystem(gettext("The conversation ended while you were away."));
  }
  if (view.status === "chatting" && before !== "chatting" && ui.transcript.isEmpty) {
    addSystem(gettext("Earlier messages are not shown again: nothing of the conversation is kept."));
  }
  if (view.status !== "idle") ended = null;
  render();
}

// --- frames from the desk -------------------------------------------------------------------

const frames = {
  welcome(frame) {
    writeToken(frame.token);
    applyState(frame.state);
    if (view.status === "chatting" && view.conversation) {
      // (Re)connected: the counsellor's page resends what it has no receipt for, this page
      // what it has none for.
      receipts.resumed(view.conversation);
      ui.transcript.resendUnconfirmed();
    }
    if (frame.state.blocked_until) {
      setNotice(interpolate(gettext("A counsellor has suspended your access to the desk until %(when)s."),
                            { when: formatWhen(frame.state.blocked_until) }, true));
    }
  },
  state(frame) { applyState(frame.state); },
  lobby(frame) {
    for (const status of frame.poles) poles.set(status.slug, status);
    renderLobby();
    if (view.status === "waiting") renderQueue();
  },
  pong() {},
  queued(frame) {
    shownVersion = Math.max(shownVersion, frame.version);
    writeToken(frame.token);
    ended = null;
    clearNotice();
    view = { ...view, status: "waiting", pole: frame.pole, position: frame.position,
             estimate_seconds: frame.estimate_seconds, conversation: null, counsellors: [] };
    render();
    page.live.say(interpolate(gettext("You joined the queue of %(pole)s."),
                              { pole: poleName(frame.pole) }, true));
  },
  position(frame) {
    if (frame.version < shownVersion) return;
    shownVersion = frame.version;
    const moved = frame.position !== view.position;
    // First in the queue after waiting behind others: a counsellor is about to answer.
    if (frame.position === 1 && view.position !== 1 && view.status === "waiting") {
      attention.call(MOMENT.NEXT);
    }
    view = { ...view, status: "waiting", pole: frame.pole, position: frame.position,
             estimate_seconds: frame.estimate_seconds };
    render();
    // A place that went back is said even when the figure looks the same.
    if (frame.reason || moved) page.live.say(positionText(frame.reason, frame.position));
  },
  calling(frame) {
    if (frame.version < shownVersion) return;
    shownVersion = frame.version;
    const was = calling;
    calling = frame.active && view.status === "waiting";
    if (calling && !was) attention.call(MOMENT.CALLED);
    render();
  },
  matched(frame) {
    clearNotice();
    transfer = null;
    calling = false;
    view = { ...view, status: "chatting", conversation: frame.conversation,
             counsellors: [frame.counsellor] };
    addSystem(interpolate(gettext("%(counsellor)s is now talking with you."),
                          { counsellor: cardLabel(frame.counsellor) }, true));
    render();
  },
  message(frame) { if (!pastConversations.has(frame.conversation)) onMessage(frame); },
  delivered(frame) {
    if (frame.receiver !== "counsellor" || pastConversations.has(frame.conversation)) return;
    ui.transcript.delivered(frame.client_ids);
    if (frame.resumed) ui.transcript.resendUnconfirmed(); // a counsellor's page is back
  },
  typing(frame) {
    if (frame.sender !== "counsellor" || pastConversations.has(frame.conversation)) return;
    if (frame.active) ui.transcript.showTyping(frame.author || gettext("The counsellor"));
    else ui.transcript.hideTyping();
  },
  resource(frame) {
    if (pastConversations.has(frame.conversation)) return;
    addResource(frame);
    attention.call(MOMENT.MESSAGE);
  },
  counsellor_joined(frame) {
    if (!view.counsellors.some((card) => card.id === frame.counsellor.id)) {
      view.counsellors = [...view.counsellors, frame.counsellor];
    }
    addSystem(interpolate(gettext("%(counsellor)s joined the conversation."),
                          { counsellor: cardLabel(frame.counsellor) }, true));
    render();
  },
  counsellor_left(frame) {
    view.counsellors = view.counsellors.filter((card) => card.id !== frame.counsellor.id);
    addSystem(interpolate(gettext("%(counsellor)s left the conversation."),
                          { counsellor: cardLabel(frame.counsellor) }, true));
    render();
  },
  transferred(frame) {
    pastConversations.add(frame.conversation);
    forgetConversation(frame.conversation);
    ui.transcript.hideTyping();
    // The lead counsellor passed the visitor on (the desk's transfer is theirs).
    transfer = { by: view.counsellors.length ? view.counsellors[0].name : null,
                 to: frame.to_pole };
    view = { ...view, status: "waiting", pole: frame.to_pole, position: null, conversation: null,
             counsellors: [] };
    addSystem(transferredText(transfer.by, poleName(frame.to_pole)));
    render();
  },
  requeued(frame) {
    forgetConversation(view.conversation);
    ui.transcript.hideTyping();
    view = { ...view, status: "waiting", pole: frame.pole, position: null, conversation: null,
             counsellors: [] };
    const { notice, line } = requeuedText(frame.reason);
    if (notice) setNotice(notice);
    if (line) addSystem(line);
    render();
  },
  ended(frame) {
    pastConversations.add(frame.conversation);
    forgetConversation(frame.conversation);
    ui.transcript.hideTyping();
    const text = endedText(frame.reason);
    if (text === null) return; // `transferred`: the frame that follows says it
    addSystem(text);
    if (frame.reason !== "visitor") attention.call(MOMENT.ENDED);
    ended = { conversation: frame.conversation, can_rate: frame.can_rate, rated: false };
    transfer = null;
    renderNextSteps(view.pole);
    view = { ...view, status: "idle", conversation: null, counsellors: [] };
    render();
  },
  rated() {
    if (ended) ended.rated = true;
    render();
    // The form that held the focus is hidden: the thanks replace it, and are read as focused
    // (not also through the live region, which would say them twice).
    $("rated").focus();
  },
  left() {
    writeToken(null);
    ended = null;
    transfer = null;
    draft.text = ""; // the visitor chose to go: their question goes with them
    ui.draftText.value = "";
    view = { status: "idle", pole: null, position: null, estimate_seconds: null,
             conversation: null, counsellors: [] };
    resetCopy();
    render();
    setNotice(gettext("You left the queue."));
  },
  blocked(frame) {
    // The token is kept: the server refuses it until the block ends, even after a reload.
    ended = null; // no rating after a block
    view = { ...view, status: "idle", conversation: null, counsellors: [] };
    render();
    setNotice(interpolate(gettext("A counsellor has suspended your access to the desk until %(when)s."),
                          { when: formatWhen(frame.until) }, true));
  },
  error(frame) {
    // A receipt refused (the conversation just ended): the counsellor's page resends, or
    // the conversation is over; nothing to tell the visitor.
    if (frame.frame === "received") return;
    // Refused before anyone got it (docs/protocol.md, `message`): said on the line.
    ui.transcript.refuse(frame.client_id);
    const pole = (frame.frame === "join" && lastJoin) || view.pole;
    switch (frame.code) {
      case ERROR_CODES.POLE_CLOSED: {
        const status = poles.get(pole);
        setNotice(
          status && status.opens_at
            ? interpolate(gettext("The pole %(pole)s is closed. It opens again %(when)s."),
                          { pole: poleName(pole), when: formatWhen(status.opens_at) }, true)
            : interpolate(gettext("The pole %(pole)s is closed at the moment."),
                          { pole: poleName(pole) }, true),
          el("p", {}, gettext("Its library stays open:"), " ", libraryLink(pole)),
          ...roomsOffer(pole));
        break;
      }
      case ERROR_CODES.QUEUE_FULL:
        setNotice(
          interpolate(gettext("The queue of %(pole)s is full at the moment. Please try again in a little while."),
                      { pole: poleName(pole) }, true),
          el("p", {}, gettext("In the meantime, its library is open:"), " ", libraryLink(pole)),
          ...roomsOffer(pole));
        break;
      case ERROR_CODES.BLOCKED:
        setNotice(gettext("A counsellor has suspended your access to the desk for a while."));
        break;
      case ERROR_CODES.UNKNOWN_TICKET:
        writeToken(null);
        view = { ...view, status: "idle", conversation: null, counsellors: [] };
        render();
        setNotice(frame.message);
        break;
      default:
        setNotice(frame.message || gettext("Something went wrong. Please try again."));
    }
  },
};

// --- actions ------------------------------------------------------------------------------------

let lastJoin = null;

function send(frame) { return page.send(frame); }

function join(slug) {
  lastJoin = slug;
  transfer = null;
  clearNotice();
  resetCopy();
  ended = null;
  send({ type: "join", pole: slug });
}

function resetCopy() {
  ui.transcript.clear();
  show(ui.saveRow, false);
}

ui.leaveQueue.addEventListener("click", () => send({ type: "leave" }));

// Ending asks first: End sits apart from Send, and a slip of the finger costs nothing.
ui.endChat.addEventListener("click", () => {
  const opening = ui.endConfirm.hidden;
  show(ui.endConfirm, opening);
  ui.endChat.setAttribute("aria-expanded", String(opening));
  if (opening) ui.endNo.focus();
});
ui.endNo.addEventListener("click", () => {
  closeEndConfirm();
  ui.messageText.focus();
});
ui.endYes.addEventListener("click", () => {
  if (send({ type: "end" })) closeEndConfirm();
});

// The question written while waiting stays in this tab only (draft.js).
ui.draftText.value = draft.text;
ui.draftText.addEventListener("input", () => { draft.text = ui.draftText.value; });
ui.draftForm.addEventListener("submit", (event) => event.preventDefault());

ui.soundSwitch.addEventListener("change", () => {
  attention.soundOn = ui.soundSwitch.checked;
});
ui.notifyAsk.addEventListener("click", () => {
  // Asked only here, on the visitor's own click, never on arrival.
  window.Notification.requestPermission().then(() => render(), () => render());
});

// A reload or a closed tab loses the transcript on screen (nothing is kept anywhere else).
window.addEventListener("beforeunload", (event) => {
  if (leaving || ui.chatPanel.hidden || !ui.transcript.lines.some((line) => line.who)) return;
  event.preventDefault();
  event.returnValue = ""; // older browsers ask for it
});

installQuickExit(ui.quickExit, {
  beforeExit() {
    leaving = true;
    // Tell the desk at once, so nobody waits for a visitor who is gone: the place is freed,
    // a conversation ends as if the visitor ended it.
    if (view.status !== "idle") page.socket.send({ type: "leave" });
  },
});
ui.backToPoles.addEventListener("click", () => {
  ended = null;
  resetCopy();
  clearNotice();
  render();
  ui.lobbyTitle.setAttribute("tabindex", "-1");
  ui.lobbyTitle.focus();
});

ui.composer.addEventListener("vc-send", (event) => {
  const { text, clientId: id } = event.detail;
  if (!sendOwn(text, id)) event.preventDefault(); // the text stays in the box
});
ui.composer.addEventListener("vc-typing", (event) => {
  if (view.status === "chatting") page.socket.send({ type: "typing", active: event.detail.active });
});
ui.transcript.addEventListener("vc-line", () => show(ui.saveRow, true));

ui.ratingForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const choice = ui.ratingForm.querySelector("input[name=score]:checked");
  if (!choice || !ended) return;
  send({ type: "rate", conversation: ended.conversation, score: Number(choice.value) });
});

ui.saveCopy.addEventListener("click", () => {
  // Made here, from the page alone: the server never sees this file.
  const header = gettext("Virtual Cité des métiers: my copy of the conversation") + "\n"
    + new Date().toLocaleString(document.documentElement.lang) + "\n\n";
  const body = ui.transcript.lines.map((line) => "[" + line.at + "] " + (line.who ? line.who + ": " : "")
                        + line.text).join("\n");
  const blob = new Blob([header + body + "\n"], { type: "text/plain;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, "-");
  const link = el("a", { href: url, download: "conversation-" + stamp + ".txt" });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
});

// --- the connection -----------------------------------------------------------------------------

const page = startRealtimePage(root, {
  hello: () => ({ type: "hello", token: readToken() }),
  frames,
  focusNotices: true,
  closedText,
  onStatus() {
    if (!page.connected) ui.transcript.connectionLost();
    render();
  },
});
page.socket.connect();
