// A participant's room page: the lobby of a room (its status and seats), joining under a
// generated pseudonym, the waiting list, and once seated: who is here, the hands and the floor,
// the current step, the pinned resources and the messages written since the seat was taken.
//
// `room_welcome` and `room_state` are the truth: they replace what the page shows. Message
// text lives in this page only; nothing is stored but the room's token (one per room).
/* global gettext, ngettext, interpolate */
import "./composer.js";
import { el, safeFragment, show, syncList } from "./dom.js";
import { formatHour, formatWhen } from "./format.js";
import { startRealtimePage } from "./page.js";
import { composerText, goneText, leftText, statusText } from "./room_reasons.js";
import { clockOffset, composerBlock, freeSeats, participantMode, slowModeWait, statusPhase,
         tokenKey } from "./room_state.js";
import { facilitatorLabel, marks, partHandlers, seatsLine, slowModeLine,
         stepNodes } from "./room_view.js";
import { Roster } from "./roster.js";
import { resourceCard, spokenMessage } from "./transcript.js";
import { CLOSE_CODES, ERROR_CODES } from "./wire.js";

const root = document.getElementById("room-live");
const $ = (id) => document.getElementById(id);
const ui = {
  status: $("room-status"),
  seats: $("room-seats"),
  slow: $("room-slow"),
  joinPanel: $("join-panel"),
  join: $("join"),
  removedPanel: $("removed-panel"),
  removedTitle: $("removed-title"),
  mePanel: $("me-panel"),
  pseudonym: $("my-pseudonym"),
  position: $("waiting-position"),
  waitingHint: $("waiting-hint"),
  rename: $("rename"),
  hand: $("hand"),
  leave: $("leave"),
  myFloor: $("my-floor"),
  seatedPanel: $("seated-panel"),
  step: $("step"),
  pinned: $("pinned"),
  noPinned: $("no-pinned"),
  facilitators: $("facilitators"),
  floorLine: $("floor-line"),
  present: $("present"),
  messagesTitle: $("messages-title"),
  transcript: root.querySelector("vc-transcript"),
  composer: root.querySelector("vc-composer"),
  messageText: $("message-text"),
  send: $("send"),
  composerState: $("composer-state"),
};

const key = tokenKey(root.dataset.slug);
let token = readToken();
let me = null; // the participant's `Me`, null when not in the room
let room = null; // the last `RoomView`, kept current by the room's frames
const roster = new Roster();
let offset = 0; // the server's clock minus this page's, in seconds
let lastSentAt = null; // when the server stamped this participant's last message
let slowUntil = 0; // server time before which slow mode holds the next message back
let slowTimer = null;
const drafts = new Map(); // client_id -> text of a message on its way, put back if refused
let shownMode = null;

const now = () => Date.now() / 1000 + offset;
const mode = () => participantMode(token, me);

// --- storage: only this room's token, for a reload or a blip to resume -----------------------

function readToken() {
  try { return window.sessionStorage.getItem(key); } catch (error) { return null; }
}
function writeToken(value) {
  token = value || null;
  try {
    if (token) window.sessionStorage.setItem(key, token);
    else window.sessionStorage.removeItem(key);
  } catch (error) { /* storage refused (private mode): the place is kept for this page only */ }
}

// --- words ----------------------------------------------------------------------------------

function statusLine() {
  const phase = statusPhase(room, now());
  const until = room.closes_at
    ? " " + interpolate(gettext("Until %(time)s."), { time: formatHour(room.closes_at) }, true) : "";
  switch (phase) {
    case "open":
      return [el("span", { class: "badge open" }, gettext("Open")), " ",
              gettext("The room is open: join and write with the others.") + until];
    case "paused":
      return [el("span", { class: "badge paused" }, gettext("Paused")), " ",
              gettext("The facilitator is away: nobody writes until they are back. You keep your place.")];
    case "opens_later":
      return [el("span", { class: "badge closed" }, gettext("Closed")), " ",
              interpolate(gettext("The room opens %(when)s. You can wait here: join now and you get a seat as soon as it opens."),
                          { when: formatWhen(room.opens_at) }, true)];
    case "not_yet_opened":
      return [el("span", { class: "badge closed" }, gettext("Closed")), " ",
              gettext("The session has started but the facilitator has not opened the room yet. You can wait here: join now and you get a seat as soon as it opens.")];
    default:
      return [el("span", { class: "badge closed" }, gettext("Closed")), " ",
              gettext("No session of this room is planned at the moment.")];
  }
}

function positionLine(position) {
  if (position === 1) return gettext("You are on the waiting list: you are next.");
  return interpolate(gettext("You are on the waiting list: position %(n)s."), { n: position }, true);
}

function nameOf(handle) {
  return roster.name(handle) || gettext("A participant");
}

// --- rendering ------------------------------------------------------------------------------

function renderStatus() {
  ui.status.replaceChildren(...statusLine());
  ui.seats.textContent = seatsLine(room);
  ui.slow.textContent = slowModeLine(room.slow_mode);
  show(ui.slow, Boolean(room.slow_mode));
}

function renderPresent() {
  const facilitators = room.facilitators.map((card) => card.name);
  ui.facilitators.textContent = facilitators.length
    ? interpolate(gettext("Facilitated by %(names)s."), { names: facilitators.join(", ") }, true)
    : gettext("No facilitator is here right now.");
  const floor = roster.floor;
  ui.floorLine.textContent = floor && (!me || floor !== me.handle)
    ? interpolate(gettext("%(name)s has the floor."), { name: nameOf(floor) }, true) : "";
  show(ui.floorLine, Boolean(ui.floorLine.textContent));
  syncList(ui.present, roster.entries(), (entry) => entry.handle,
    () => el("li", { class: "person" }, el("span", { class: "name" }), el("span", { class: "marks" })),
    (item, entry) => {
      const mine = me && entry.handle === me.handle;
      item.classList.toggle("mine", Boolean(mine));
      item.querySelector(".name").textContent = mine
        ? interpolate(gettext("%(name)s (you)"), { name: entry.pseudonym }, true) : entry.pseudonym;
      item.querySelector(".marks").replaceChildren(...marks(entry));
    });
}

function renderStep() {
  ui.step.replaceChildren(...stepNodes(room.step));
}

function renderPinned() {
  syncList(ui.pinned, room.pinned, (card) => card.id, () => el("li", { class: "pin" }),
    (item, card) => item.replaceChildren(resourceCard(card)));
  show(ui.noPinned, room.pinned.length === 0);
}

function renderComposer() {
  const wait = Math.max(0, Math.ceil(slowUntil - now()));
  const block = composerBlock({ mode: mode(), status: room.status, muted: me && me.muted,
                                slowWait: wait });
  // In slow mode the draft stays editable; only sending waits.
  ui.messageText.disabled = Boolean(block) && block !== "slow_mode";
  ui.send.disabled = Boolean(block) || !page.connected;
  ui.composerState.textContent = block ? composerText(block, wait) : "";
  show(ui.composerState, Boolean(block));
  if (block !== "slow_mode" || wait === 0) stopSlowCountdown();
}

function render() {
  if (!room) return;
  const current = mode();
  show(root, true);
  renderStatus();
  show(ui.joinPanel, current === "outside");
  ui.join.disabled = !page.connected;
  show(ui.removedPanel, current === "removed");
  show(ui.mePanel, current === "waiting" || current === "seated");
  show(ui.seatedPanel, current === "seated");
  for (const button of [ui.rename, ui.hand, ui.leave]) button.disabled = !page.connected;
  if (me) {
    ui.pseudonym.textContent = me.pseudonym;
    show(ui.position, !me.seated);
    show(ui.waitingHint, !me.seated);
    if (!me.seated) ui.position.textContent = positionLine(me.position);
    show(ui.hand, me.seated);
    ui.hand.textContent = me.hand ? gettext("Lower my hand") : gettext("Raise my hand");
    ui.hand.setAttribute("aria-pressed", String(Boolean(me.hand)));
    show(ui.myFloor, me.seated && roster.floor === me.handle);
  }
  if (current === "seated") {
    renderPresent();
    renderStep();
    renderPinned();
    renderComposer();
  }
  if (current !== shownMode) {
    const before = shownMode;
    shownMode = current;
    if (current === "seated" && before !== null) page.live.say(gettext("You have a seat: you are in the room."));
    // Focus follows the change, so keyboard and screen-reader users follow it too.
    const target = { waiting: ui.position, seated: ui.messagesTitle, removed: ui.removedTitle,
                     outside: null }[current];
    if (target && before !== null && !page.notices.shown) target.focus();
  }
}

/** The room in full again: a welcome, a resumed socket, a seat taken. */
function applyFull(nextMe, view) {
  const wasSeated = mode() === "seated";
  me = nextMe;
  room = view;
  roster.reset(view);
  if (mode() === "seated" && !wasSeated) {
    ui.transcript.clear();
    ui.transcript.system(gettext("You see what is written from now on: earlier messages are not shown, nothing said in the room is kept."));
  }
  render();
}

// --- slow mode ------------------------------------------------------------------------------

function startSlowCountdown(wait) {
  slowUntil = now() + wait;
  window.clearInterval(slowTimer);
  slowTimer = window.setInterval(renderComposer, 1000);
  renderComposer();
}

function stopSlowCountdown() {
  window.clearInterval(slowTimer);
  slowTimer = null;
}

// --- frames from the room -------------------------------------------------------------------

const parts = partHandlers({
  current: () => room,
  replace: (next) => { room = next; },
  render: () => render(),
  say: (text) => page.live.say(text),
  note: (text) => ui.transcript.system(text),
});

const frames = {
  ...parts,
  room_welcome(frame) {
    offset = clockOffset(frame.server_time, Date.now());
    writeToken(frame.token);
    applyFull(frame.me, frame.room);
  },
  room_state(frame) { applyFull(frame.me, frame.room); },
  you(frame) {
    const before = me;
    me = frame.me;
    render();
    if (!before) return;
    if (before.pseudonym !== me.pseudonym) {
      page.live.say(interpolate(gettext("Your new pseudonym: %(name)s."), { name: me.pseudonym }, true));
    }
    if (!me.seated && before.position !== me.position) page.live.say(positionLine(me.position));
    if (me.muted !== before.muted) {
      page.live.say(me.muted ? gettext("A facilitator has muted you for now.")
        : gettext("A facilitator has unmuted you: you can write again."));
    }
  },
  room_left(frame) {
    // A removed token is kept: a reload must not lift the removal (docs/protocol.md).
    if (frame.reason !== "removed") writeToken(null);
    me = null;
    roster.reset(null);
    drafts.clear();
    page.notices.set(leftText(frame.reason));
    render();
  },
  participant(frame) {
    const card = frame.participant;
    const before = roster.name(card.handle);
    if (roster.upsert(card) && room && me && card.handle !== me.handle) {
      ui.transcript.system(interpolate(gettext("%(name)s joined the room."), { name: card.pseudonym }, true));
    } else if (before && before !== card.pseudonym && me && card.handle !== me.handle) {
      ui.transcript.system(interpolate(gettext("%(before)s is now called %(name)s."),
                                       { before, name: card.pseudonym }, true));
    }
    render();
  },
  participant_gone(frame) {
    const card = roster.remove(frame.handle);
    if (card && frame.reason !== "room_closed") ui.transcript.system(goneText(frame.reason, card.pseudonym));
    render();
  },
  hands(frame) {
    roster.setHands(frame.hands);
    render();
  },
  floor(frame) {
    const before = roster.floor;
    roster.setFloor(frame.handle);
    render();
    if (!me) return;
    if (frame.handle === me.handle) page.live.say(gettext("The facilitator gave you the floor: it is your turn to speak."));
    else if (frame.handle) page.live.say(interpolate(gettext("%(name)s has the floor."), { name: nameOf(frame.handle) }, true));
    else if (before === me.handle) page.live.say(gettext("The facilitator took the floor back."));
  },
  seats(frame) {
    if (!room) return;
    room = { ...room, capacity: frame.capacity, seated: frame.seated, waiting: frame.waiting };
    render();
    // Those deciding to join, or waiting, hear how full the room is.
    if (mode() !== "seated" && mode() !== "removed") {
      const free = freeSeats(frame);
      page.live.say(seatsLine(room) + " " + interpolate(
        ngettext("%(n)s seat free.", "%(n)s seats free.", free), { n: free }, true));
    }
  },
  room_status(frame) {
    if (!room) return;
    room = { ...room, status: frame.status };
    render();
    page.live.say(statusText(frame.reason));
  },
  slow_mode(frame) {
    if (!frame.seconds) slowUntil = 0;
    parts.slow_mode(frame);
  },
  message(frame) {
    if (mode() !== "seated") return;
    const mine = frame.role === "participant" && me && frame.handle === me.handle;
    if (mine) {
      lastSentAt = frame.sent_at;
      drafts.delete(frame.client_id);
      if (ui.transcript.acknowledge(frame.client_id, frame.html)) return;
    }
    const who = frame.role === "facilitator" ? facilitatorLabel(frame.author) : (mine ? gettext("You") : frame.author);
    const kind = mine ? "participant mine" : frame.role;
    ui.transcript.add(kind, who, safeFragment(frame.html), { at: frame.sent_at });
    if (!mine) page.live.say(spokenMessage(who, frame.html));
  },
  resource(frame) {
    if (mode() !== "seated") return;
    ui.transcript.add("facilitator resource", facilitatorLabel(frame.author),
                      resourceCard(frame.card), { at: frame.sent_at });
    page.live.say(interpolate(gettext("%(name)s shared a resource: %(title)s"),
                              { name: frame.author, title: frame.card.title }, true));
  },
  pong(frame) { offset = clockOffset(frame.server_time, Date.now()); },
  error(frame) {
    ui.transcript.refuse(frame.client_id);
    restoreDraft(frame.client_id);
    switch (frame.code) {
      case ERROR_CODES.SLOW_MODE: {
        // The server says how long (another tab or a reload may have sent the last message).
        const wait = frame.retry_after
          || slowModeWait({ lastSentAt, seconds: room ? room.slow_mode : 0, now: now() });
        if (wait > 0) startSlowCountdown(wait);
        break;
      }
      case ERROR_CODES.NOT_IN_ROOM:
        writeToken(null);
        me = null;
        break;
      case ERROR_CODES.MUTED:
        if (me) me = { ...me, muted: true };
        break;
      default:
    }
    page.notices.set(frame.message || gettext("Something went wrong. Please try again."));
    render();
  },
};

function restoreDraft(clientId) {
  if (!clientId || !drafts.has(clientId)) return;
  if (!ui.messageText.value.trim()) ui.messageText.value = drafts.get(clientId);
  drafts.delete(clientId);
}

// --- actions --------------------------------------------------------------------------------

ui.join.addEventListener("click", () => {
  page.notices.clear();
  page.send({ type: "join" });
});
ui.rename.addEventListener("click", () => page.send({ type: "rename" }));
ui.hand.addEventListener("click", () => page.send({ type: "hand", raised: !(me && me.hand) }));
ui.leave.addEventListener("click", () => page.send({ type: "leave" }));

ui.composer.addEventListener("vc-send", (event) => {
  const { text, clientId } = event.detail;
  if (mode() !== "seated" || ui.send.disabled
      || !page.send({ type: "message", text, client_id: clientId })) {
    event.preventDefault(); // the draft stays
    return;
  }
  page.notices.clear();
  drafts.set(clientId, text);
  ui.transcript.addOwn(clientId, "participant mine", text);
});

// --- the connection -------------------------------------------------------------------------

const page = startRealtimePage(root, {
  hello: () => ({ type: "hello", token }),
  frames,
  focusNotices: true,
  closedText: (code) => (code === CLOSE_CODES.UNKNOWN_ROOM
    ? gettext("This room is no longer open to the public. See the agenda for other rooms.") : null),
  onStatus() {
    if (!page.connected) ui.transcript.connectionLost();
    render();
  },
});
show(root, true);
page.socket.connect();
