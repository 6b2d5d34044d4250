// The visitor's desk on the home page: live lobby, queue, chat, end and rating.
//
// The server's `welcome`/`state` frames are the truth: they replace what the screen shows, so a
// lost event never leaves it wrong. Message text lives in this page only (and in the copy the
// visitor may save); nothing is written to storage but the desk's token.
/* global gettext, ngettext, interpolate */
import { DeskSocket, statusText } from "./socket.js";
import { announce, clientId, el, isBlank, safeFragment, show, textOf } from "./dom.js";
import { formatClock, formatEstimate, formatWhen } from "./format.js";

const TOKEN_KEY = "vc.token";
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOWN_MS = 8000;

const root = document.getElementById("visitor-desk");
const $ = (id) => document.getElementById(id);
const ui = {
  connection: $("connection"),
  notice: $("notice"),
  queuePanel: $("queue-panel"),
  queueTitle: $("queue-title"),
  queuePole: $("queue-pole"),
  queuePosition: $("queue-position"),
  queueEstimate: $("queue-estimate"),
  queueLibrary: $("queue-library"),
  leaveQueue: $("leave-queue"),
  chatPanel: $("chat-panel"),
  chatWith: $("chat-with"),
  transcript: $("transcript"),
  typing: $("typing"),
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
  live: $("live"),
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
let connected = false;
const copy = []; // lines of the visitor's own copy: {at, who, text}
const pending = new Map(); // client_id -> <li> of a message not yet acknowledged
let typingTimer = null;
let typingSentAt = 0;
let typingIdleTimer = null;

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
function counsellorLabel(card) {
  return interpolate(gettext("%(name)s (%(institution)s)"),
                     { name: card.name, institution: card.institution }, true);
}
function libraryLink(slug) {
  return el("a", { href: libraryUrl(slug), target: "_blank", rel: "noopener" },
            interpolate(gettext("Browse the library of %(pole)s (new tab)"),
                        { pole: poleName(slug) }, true));
}

function setNotice(...parts) {
  ui.notice.replaceChildren(...parts.map((part) => (
    typeof part === "string" ? el("p", {}, part) : part)));
  show(ui.notice, parts.length > 0);
  if (parts.length > 0) ui.notice.focus();
}
function clearNotice() { setNotice(); }

// --- transcript -------------------------------------------------------------------------------

function scrollTranscript() { ui.transcript.scrollTop = ui.transcript.scrollHeight; }

function addLine(kind, who, content, at) {
  const time = at ? formatClock(at) : formatClock(Date.now() / 1000);
  const body = el("div", { class: "body" });
  if (content instanceof Node) body.append(content); else body.textContent = content;
  const item = el("li", { class: "line " + kind },
                  el("span", { class: "meta" }, who ? who + " · " + time : time), body);
  ui.transcript.append(item);
  copy.push({ at: time, who, text: body.textContent });
  scrollTranscript();
  show(ui.saveRow, true);
  return item;
}

function addSystem(text) {
  const item = addLine("system", "", text);
  announce(ui.live, text);
  return item;
}

function addResource(frame) {
  const card = frame.card;
  const title = /^https?:\/\//i.test(card.url)
    ? el("a", { href: card.url, target: "_blank", rel: "noopener noreferrer nofollow" }, card.title)
    : el("span", {}, card.title);
  const box = el("div", { class: "resource-card" },
    el("p", { class: "resource-title" }, title, " ", el("span", { class: "kind" }, card.kind)),
    card.summary_html ? el("p", { class: "summary" }, safeFragment(card.summary_html)) : null,
    card.review_html ? el("p", { class: "review" }, safeFragment(card.review_html)) : null);
  const item = addLine("counsellor resource", frame.author.name, box, frame.sent_at);
  copy[copy.length - 1].text = gettext("Resource:") + " " + card.title
    + (card.url ? " <" + card.url + ">" : "");
  announce(ui.live, interpolate(gettext("%(name)s shared a resource: %(title)s"),
                                { name: frame.author.name, title: card.title }, true));
  return item;
}

function onMessage(frame) {
  if (frame.sender === "visitor" && frame.client_id && pending.has(frame.client_id)) {
    const item = pending.get(frame.client_id);
    pending.delete(frame.client_id);
    item.classList.remove("pending", "failed");
    item.removeAttribute("title");
    // The acknowledgement: show the server's version (links made clickable) in place.
    item.querySelector(".body").replaceChildren(safeFragment(frame.html));
    return;
  }
  const mine = frame.sender === "visitor";
  const who = mine ? gettext("You") : (frame.author ? frame.author.name : gettext("Counsellor"));
  addLine(mine ? "visitor" : "counsellor", who, safeFragment(frame.html), frame.sent_at);
  if (!mine) {
    hideTyping();
    announce(ui.live, interpolate(gettext("%(name)s says: %(text)s"),
                                  { name: who, text: textOf(frame.html) }, true));
  }
}

function showTyping(name) {
  ui.typing.textContent = interpolate(gettext("%(name)s is typing…"), { name }, true);
  show(ui.typing, true);
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(hideTyping, TYPING_SHOWN_MS);
}
function hideTyping() {
  window.clearTimeout(typingTimer);
  show(ui.typing, false);
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
    button.disabled = !connected || !open || view.status !== "idle";
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
  const names = view.counsellors.map(counsellorLabel);
  ui.chatWith.textContent = names.length
    ? interpolate(gettext("You are talking with %(names)s."), { names: names.join(", ") }, true)
    : "";
}

let shownMode = null;

function render() {
  const mode = ended ? "ended" : view.status;
  show(ui.queuePanel, mode === "waiting");
  // After the end the transcript stays readable above the rating; only the form goes.
  show(ui.chatPanel, mode === "chatting" || (mode === "ended" && copy.length > 0));
  show(ui.messageForm, mode === "chatting");
  show(ui.endedPanel, mode === "ended");
  show(ui.lobby, mode === "idle");
  show(ui.saveRow, copy.length > 0);
  if (mode === "waiting") renderQueue();
  if (mode === "chatting") renderChat();
  if (mode === "ended") {
    ui.chatWith.textContent = "";
    show(ui.ratingForm, Boolean(ended.can_rate && !ended.rated));
    show(ui.rated, Boolean(ended.rated));
  }
  for (const button of root.querySelectorAll("button[data-needs-socket], #message-form button")) {
    button.disabled = !connected;
  }
  ui.leaveQueue.disabled = !connected;
  ui.endChat.disabled = !connected;
  renderLobby();
  if (mode !== shownMode) {
    shownMode = mode;
    // Move focus to what just appeared, so keyboard and screen-reader users follow the change.
    const target = { waiting: ui.queueTitle, chatting: ui.messageText, ended: ui.endedTitle,
                     idle: null }[mode];
    if (target && ui.notice.hidden) target.focus();
  }
}

function applyState(state) {
  shownVersion = Math.max(shownVersion, state.version || 0);
  const before = view.status;
  view = { ...view, ...state, counsellors: state.counsellors || [] };
  if (before === "chatting" && view.status !== "chatting" && !ended) {
    addSystem(gettext("The conversation ended while you were away."));
  }
  if (view.status === "chatting" && before !== "chatting" && copy.length === 0) {
    addSystem(gettext("Earlier messages are not shown again: nothing of the conversation is kept."));
  }
  if (view.status !== "idle") ended = null;
  render();
}

// --- frames from the desk -------------------------------------------------------------------

const handlers = {
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
    announce(ui.live, interpolate(gettext("You joined the queue of %(pole)s."),
                                  { pole: poleName(frame.pole) }, true));
  },
  position(frame) {
    if (frame.version < shownVersion) return;
    shownVersion = frame.version;
    const moved = frame.position !== view.position;
    view = { ...view, status: "waiting", pole: frame.pole, position: frame.position,
             estimate_seconds: frame.estimate_seconds };
    render();
    if (frame.reason === "requeued_ahead") {
      announce(ui.live, interpolate(gettext("A visitor whose conversation was interrupted is back ahead of you. Your position in the queue: %(n)s."),
                                    { n: frame.position }, true));
    } else if (moved) {
      announce(ui.live, interpolate(gettext("Your position in the queue: %(n)s."),
                                    { n: frame.position }, true));
    }
  },
  matched(frame) {
    clearNotice();
    view = { ...view, status: "chatting", conversation: frame.conversation,
             counsellors: [frame.counsellor] };
    addSystem(interpolate(gettext("%(counsellor)s is now talking with you."),
                          { counsellor: counsellorLabel(frame.counsellor) }, true));
    render();
  },
  message(frame) { if (!pastConversations.has(frame.conversation)) onMessage(frame); },
  typing(frame) {
    if (frame.sender !== "counsellor" || pastConversations.has(frame.conversation)) return;
    if (frame.active) showTyping(frame.author || gettext("The counsellor"));
    else hideTyping();
  },
  resource(frame) { if (!pastConversations.has(frame.conversation)) addResource(frame); },
  counsellor_joined(frame) {
    if (!view.counsellors.some((card) => card.id === frame.counsellor.id)) {
      view.counsellors = [...view.counsellors, frame.counsellor];
    }
    addSystem(interpolate(gettext("%(counsellor)s joined the conversation."),
                          { counsellor: counsellorLabel(frame.counsellor) }, true));
    render();
  },
  counsellor_left(frame) {
    view.counsellors = view.counsellors.filter((card) => card.id !== frame.counsellor.id);
    addSystem(interpolate(gettext("%(counsellor)s left the conversation."),
                          { counsellor: counsellorLabel(frame.counsellor) }, true));
    render();
  },
  transferred(frame) {
    pastConversations.add(frame.conversation);
    hideTyping();
    view = { ...view, status: "waiting", pole: frame.to_pole, conversation: null,
             counsellors: [] };
    addSystem(interpolate(gettext("Your conversation is passed on to the pole %(pole)s. You keep your place: a counsellor of that pole will answer you."),
                          { pole: poleName(frame.to_pole) }, true));
    render();
  },
  requeued(frame) {
    hideTyping();
    view = { ...view, status: "waiting", pole: frame.pole, conversation: null, counsellors: [] };
    if (frame.reason === "transferred") {
      render();
      return;
    }
    if (frame.reason === "desk_restarted") {
      setNotice(gettext("The desk restarted after a technical problem. You keep your place in the queue."));
      render();
      return;
    }
    setNotice(gettext("Your counsellor was disconnected. You are back at the head of the queue: the next available counsellor will answer you."));
    addSystem(gettext("Your counsellor was disconnected. You are back at the head of the queue."));
    render();
  },
  ended(frame) {
    pastConversations.add(frame.conversation);
    hideTyping();
    if (frame.reason === "transferred") return; // followed by `transferred`
    const texts = {
      visitor: gettext("You ended the conversation."),
      counsellor: gettext("The counsellor ended the conversation."),
      blocked: gettext("The counsellor ended the conversation."),
      visitor_lost: gettext("The conversation ended because you were away too long."),
      counsellor_lost: gettext("The conversation ended because the counsellor was disconnected."),
      desk_restarted: gettext("The conversation was interrupted by a technical problem on our side. You are back at the head of the queue."),
    };
    addSystem(texts[frame.reason] || gettext("The conversation has ended."));
    ended = { conversation: frame.conversation, can_rate: frame.can_rate, rated: false };
    view = { ...view, status: "idle", conversation: null, counsellors: [] };
    render();
  },
  rated() {
    if (ended) ended.rated = true;
    render();
    announce(ui.live, gettext("Thank you for your rating."));
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
    if (frame.client_id && pending.has(frame.client_id)) {
      // Refused before anyone got it (docs/protocol.md, `message`): say so on the line.
      const item = pending.get(frame.client_id);
      pending.delete(frame.client_id);
      item.classList.add("failed");
      item.title = gettext("This message was not sent. Please send it again.");
    }
    const pole = (frame.frame === "join" && lastJoin) || view.pole;
    switch (frame.code) {
      case "pole_closed": {
        const status = poles.get(pole);
        setNotice(
          status && status.opens_at
            ? interpolate(gettext("The pole %(pole)s is closed. It opens again %(when)s."),
                          { pole: poleName(pole), when: formatWhen(status.opens_at) }, true)
            : interpolate(gettext("The pole %(pole)s is closed at the moment."),
                          { pole: poleName(pole) }, true),
          el("p", {}, gettext("Its library stays open:"), " ", libraryLink(pole)));
        break;
      }
      case "queue_full":
        setNotice(
          interpolate(gettext("The queue of %(pole)s is full at the moment. Please try again in a little while."),
                      { pole: poleName(pole) }, true),
          el("p", {}, gettext("In the meantime, its library is open:"), " ", libraryLink(pole)));
        break;
      case "blocked":
        setNotice(gettext("A counsellor has suspended your access to the desk for a while."));
        break;
      case "unknown_ticket":
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

function send(frame) {
  if (socket.send(frame)) return true;
  setNotice(gettext("You are not connected at the moment. Please wait for the connection to come back."));
  return false;
}

function join(slug) {
  lastJoin = slug;
  clearNotice();
  resetCopy();
  ended = null;
  send({ type: "join", pole: slug });
}

function resetCopy() {
  copy.length = 0;
  pending.clear();
  ui.transcript.replaceChildren();
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

ui.messageForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.messageText.value.trim();
  if (isBlank(text) || view.status !== "chatting") return;
  const id = clientId();
  if (!send({ type: "message", text, client_id: id })) return;
  const item = addLine("visitor pending", gettext("You"), text);
  item.title = gettext("Sending…");
  pending.set(id, item);
  ui.messageText.value = "";
  stopTyping();
  ui.messageText.focus();
});
ui.messageText.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter makes a new line, as in most chats.
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.messageForm.requestSubmit();
  }
});
ui.messageText.addEventListener("input", () => {
  if (view.status !== "chatting") return;
  const now = Date.now();
  if (now - typingSentAt > TYPING_SEND_EVERY_MS) {
    typingSentAt = now;
    socket.send({ type: "typing", active: true });
  }
  window.clearTimeout(typingIdleTimer);
  typingIdleTimer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
});
function stopTyping() {
  window.clearTimeout(typingIdleTimer);
  if (typingSentAt) {
    typingSentAt = 0;
    socket.send({ type: "typing", active: false });
  }
}

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
  const body = copy.map((line) => "[" + line.at + "] " + (line.who ? line.who + ": " : "")
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

const socket = new DeskSocket(root, {
  hello: () => ({ type: "hello", token: readToken() }),
  onFrame(frame) {
    const handler = handlers[frame.type];
    if (handler) handler(frame);
  },
  onStatus(status) {
    connected = status === "open";
    ui.connection.textContent = statusText(status);
    show(ui.connection, !connected);
    root.dataset.connection = status;
    if (!connected) {
      for (const item of pending.values()) {
        item.classList.add("failed");
        item.title = gettext("This message may not have been delivered.");
      }
    }
    render();
  },
});
socket.connect();
