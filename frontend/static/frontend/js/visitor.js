// The visitor's desk on the home page: live lobby, queue, chat, end and rating.
//
// The server's `welcome`/`state` frames are the truth: they replace what the screen shows, so a
// lost event never leaves it wrong. Message text lives in this page only (and in the copy the
// visitor may save); nothing is written to storage but the desk's token.
/* global gettext, ngettext, interpolate */
import "./composer.js";
import { el, safeFragment, show } from "./dom.js";
import { cardLabel, formatEstimate, formatWhen } from "./format.js";
import { startRealtimePage } from "./page.js";
import { resourceCard, spokenMessage } from "./transcript.js";
import { endedText, positionText, requeuedText } from "./visitor_reasons.js";
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
  leaveQueue: $("leave-queue"),
  chatPanel: $("chat-panel"),
  chatWith: $("chat-with"),
  transcript: root.querySelector("vc-transcript"),
  composer: root.querySelector("vc-composer"),
  messageForm: $("message-form"),
  messageText: $("message-text"),
  endChat: $("end-chat"),
  endedPanel: $("ended-panel"),
  endedTitle: $("ended-title"),
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
// Conversations that ended or were passed on: a frame of theirs still on its way (the
// socket stays in the same group for the next conversation) is not shown.
const pastConversations = new Set();
// The desk's version of the newest state or position shown (docs/protocol.md, "Ordering"):
// a position computed before it is stale.
let shownVersion = 0;

// --- storage: only the desk's token, for a reload or a blip to resume -----------------------

function readToken() {
  try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (error) { return null; }
}
function writeToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (error) { /* storage refused (private mode): the place is kept for this page only */ }
}

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

// The pole's next group rooms, as its card lists them (home.html): offered when its desk is
// closed or full.
function roomsOffer(slug) {
  const block = document.querySelector("#pole-" + CSS.escape(slug) + " .pole-rooms");
  return block ? [block.cloneNode(true)] : [];
}

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
  const who = mine ? gettext("You") : (frame.author ? frame.author.name : gettext("Counsellor"));
  ui.transcript.add(mine ? "visitor" : "counsellor", who, safeFragment(frame.html),
                    { at: frame.sent_at });
  if (!mine) {
    ui.transcript.hideTyping();
    page.live.say(spokenMessage(who, frame.html));
  }
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
      live.replaceChildren(
        el("span", {}, interpolate(ngettext("%(n)s counsellor online", "%(n)s counsellors online",
                                            status.counsellors_online),
                                   { n: status.counsellors_online }, true)),
        el("span", {}, interpolate(ngettext("%(n)s person waiting", "%(n)s people waiting",
                                            status.waiting), { n: status.waiting }, true)),
        el("span", {}, interpolate(gettext("Estimated wait: %(estimate)s"),
                                   { estimate: formatEstimate(status.estimate_seconds) }, true)));
      show(live, true);
    }
    const open = status ? status.open : item.querySelector(".badge.open") !== null;
    button.disabled = !page.connected || !open || view.status !== "idle";
  }
}

function renderQueue() {
  ui.queuePole.textContent = interpolate(gettext("Pole: %(pole)s"), { pole: poleName(view.pole) },
                                         true);
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
  show(ui.queuePanel, mode === "waiting");
  // After the end the transcript stays readable above the rating; only the form goes.
  show(ui.chatPanel, mode === "chatting" || (mode === "ended" && !ui.transcript.isEmpty));
  show(ui.messageForm, mode === "chatting");
  show(ui.endedPanel, mode === "ended");
  show(ui.lobby, mode === "idle");
  show(ui.saveRow, !ui.transcript.isEmpty);
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
    shownMode = mode;
    // Move focus to what just appeared, so keyboard and screen-reader users follow the change.
    const target = { waiting: ui.queueTitle, chatting: ui.messageText, ended: ui.endedTitle,
                     idle: null }[mode];
    if (target && !page.notices.shown) target.focus();
  }
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
    view = { ...view, status: "waiting", pole: frame.pole, position: frame.position,
             estimate_seconds: frame.estimate_seconds };
    render();
    // A place that went back is said even when the figure looks the same.
    if (frame.reason || moved) page.live.say(positionText(frame.reason, frame.position));
  },
  matched(frame) {
    clearNotice();
    view = { ...view, status: "chatting", conversation: frame.conversation,
             counsellors: [frame.counsellor] };
    addSystem(interpolate(gettext("%(counsellor)s is now talking with you."),
                          { counsellor: cardLabel(frame.counsellor) }, true));
    render();
  },
  message(frame) { if (!pastConversations.has(frame.conversation)) onMessage(frame); },
  typing(frame) {
    if (frame.sender !== "counsellor" || pastConversations.has(frame.conversation)) return;
    if (frame.active) ui.transcript.showTyping(frame.author || gettext("The counsellor"));
    else ui.transcript.hideTyping();
  },
  resource(frame) { if (!pastConversations.has(frame.conversation)) addResource(frame); },
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
    ui.transcript.hideTyping();
    view = { ...view, status: "waiting", pole: frame.to_pole, conversation: null,
             counsellors: [] };
    addSystem(interpolate(gettext("Your conversation is passed on to the pole %(pole)s. You keep your place: a counsellor of that pole will answer you."),
                          { pole: poleName(frame.to_pole) }, true));
    render();
  },
  requeued(frame) {
    ui.transcript.hideTyping();
    view = { ...view, status: "waiting", pole: frame.pole, conversation: null, counsellors: [] };
    const { notice, line } = requeuedText(frame.reason);
    if (notice) setNotice(notice);
    if (line) addSystem(line);
    render();
  },
  ended(frame) {
    pastConversations.add(frame.conversation);
    ui.transcript.hideTyping();
    const text = endedText(frame.reason);
    if (text === null) return; // `transferred`: the frame that follows says it
    addSystem(text);
    ended = { conversation: frame.conversation, can_rate: frame.can_rate, rated: false };
    view = { ...view, status: "idle", conversation: null, counsellors: [] };
    render();
  },
  rated() {
    if (ended) ended.rated = true;
    render();
    page.live.say(gettext("Thank you for your rating."));
  },
  left() {
    writeToken(null);
    ended = null;
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
ui.endChat.addEventListener("click", () => send({ type: "end" }));
ui.backToPoles.addEventListener("click", () => {
  ended = null;
  resetCopy();
  clearNotice();
  render();
  ui.lobbyTitle.setAttribute("tabindex", "-1");
  ui.lobbyTitle.focus();
});

ui.composer.addEventListener("vc-send", (event) => {
  const { text, clientId } = event.detail;
  if (view.status !== "chatting" || !send({ type: "message", text, client_id: clientId })) {
    event.preventDefault(); // the draft stays
    return;
  }
  ui.transcript.addOwn(clientId, "visitor", text);
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
  onStatus() {
    if (!page.connected) ui.transcript.connectionLost();
    render();
  },
});
page.socket.connect();
