// A facilitator's host page: open and close the room, the participants with their hand, mute,
// floor and remove controls, the raised hands in order, slow mode, the exercise's steps, the
// pinned and posted resources, and the room's messages.
//
// `host_welcome` (on every hello, so after a reconnect too) is the truth: it replaces what the
// page shows; the room's frames keep it current. Message text lives in this page only.
/* global gettext, interpolate */
import "./composer.js";
import { el, safeFragment, show, syncList } from "./dom.js";
import { startRealtimePage } from "./page.js";
import { goneText, statusText } from "./room_reasons.js";
import { hostActions, pinnedForHost, stepsProgress } from "./room_state.js";
import { facilitatorLabel, marks, partHandlers, seatsLine, slowModeLine } from "./room_view.js";
import { Roster } from "./roster.js";
import { resourceCard, spokenMessage } from "./transcript.js";
import { CLOSE_CODES } from "./wire.js";

const root = document.getElementById("host-live");
const data = JSON.parse(document.getElementById("host-data").textContent);
const $ = (id) => document.getElementById(id);
const ui = {
  statusTitle: $("status-title"),
  participantsTitle: $("participants-title"),
  status: $("room-status"),
  seats: $("room-seats"),
  facilitators: $("facilitators"),
  open: $("open"),
  close: $("close"),
  closeConfirm: $("close-confirm"),
  closeYes: $("close-yes"),
  closeNo: $("close-no"),
  floorStatus: $("floor-status"),
  takeFloor: $("take-floor"),
  participants: $("participants"),
  noParticipants: $("no-participants"),
  hands: $("hands"),
  noHands: $("no-hands"),
  transcript: root.querySelector("vc-transcript"),
  composer: root.querySelector("vc-composer"),
  messageText: $("message-text"),
  send: $("send"),
  composerState: $("composer-state"),
  slowForm: $("slow-form"),
  slowMode: $("slow-mode"),
  slowStatus: $("slow-status"),
  steps: $("steps"),
  noSteps: $("no-steps"),
  nextStep: $("next-step"),
  pinned: $("host-pinned"),
  noPinned: $("no-host-pinned"),
  resourceForm: $("resource-form"),
  resource: $("resource"),
};

let room = null; // the last `RoomView`
let steps = []; // the exercise's step titles, from `host_welcome`
let me = null; // this facilitator's card
const roster = new Roster();
const confirming = new Set(); // handles whose removal waits for a confirmation

const nameOf = (handle) => roster.name(handle) || gettext("A participant");
const named = (label, name) => [label, el("span", { class: "visually-hidden" }, " (" + name + ")")];

// --- the library's resources, for pinning and posting ---------------------------------------

function fillResources() {
  const groups = new Map();
  for (const resource of data.resources) {
    if (!groups.has(resource.pole)) groups.set(resource.pole, el("optgroup", { label: resource.pole }));
    groups.get(resource.pole).append(
      el("option", { value: resource.id }, resource.title + " (" + resource.kind + ")"));
  }
  ui.resource.replaceChildren(...groups.values());
}

// --- rendering ------------------------------------------------------------------------------

function statusNodes(status) {
  switch (status) {
    case "open": return [el("span", { class: "badge open" }, gettext("Open")), " ",
                         gettext("Participants take the free seats and write.")];
    case "paused": return [el("span", { class: "badge paused" }, gettext("Paused")), " ",
                           gettext("No facilitator was connected: nobody writes until one is back.")];
    default: return [el("span", { class: "badge closed" }, gettext("Closed")), " ",
                     gettext("People who join wait on the waiting list; opening the room seats them in order.")];
  }
}

function renderStatus() {
  ui.status.replaceChildren(...statusNodes(room.status));
  ui.seats.textContent = seatsLine(room);
  const names = room.facilitators.map((card) => card.name);
  ui.facilitators.textContent = interpolate(gettext("Hosting now: %(names)s."),
    { names: names.join(", ") || (me ? me.name : "") }, true);
  const actions = hostActions(room.status);
  ui.open.disabled = !actions.open || !page.connected;
  ui.close.disabled = !actions.close || !page.connected;
  if (!actions.close) show(ui.closeConfirm, false);
}

function participantItem() {
  const confirm = el("div", { class: "confirm", role: "group", hidden: true },
    el("p", { class: "confirm-text" }),
    el("p", { class: "actions" },
       el("button", { type: "button", class: "danger remove-yes" }),
       el("button", { type: "button", class: "secondary remove-no" }, gettext("Cancel"))));
  return el("li", { class: "person" },
    el("p", { class: "who" }, el("span", { class: "name" }), " ", el("span", { class: "marks" })),
    el("p", { class: "actions controls" },
       el("button", { type: "button", class: "floor" }),
       el("button", { type: "button", class: "secondary mute" }),
       el("button", { type: "button", class: "secondary remove" })),
    confirm);
}

function updateParticipant(item, entry) {
  const name = entry.pseudonym;
  item.querySelector(".name").textContent = name;
  item.querySelector(".marks").replaceChildren(...marks(entry));
  const floor = item.querySelector("button.floor");
  floor.replaceChildren(...named(entry.hasFloor ? gettext("Take the floor back") : gettext("Give the floor"), name));
  floor.dataset.give = entry.hasFloor ? "" : entry.handle;
  const mute = item.querySelector("button.mute");
  mute.replaceChildren(...named(entry.muted ? gettext("Unmute") : gettext("Mute"), name));
  mute.setAttribute("aria-pressed", String(Boolean(entry.muted)));
  mute.dataset.muted = entry.muted ? "1" : "";
  item.querySelector("button.remove").replaceChildren(...named(gettext("Remove…"), name));
  item.querySelector(".confirm-text").textContent = interpolate(
    gettext("Remove %(name)s from the room? They cannot come back today."), { name }, true);
  item.querySelector("button.remove-yes").replaceChildren(...named(gettext("Yes, remove"), name));
  show(item.querySelector(".confirm"), confirming.has(entry.handle));
  for (const button of item.querySelectorAll("button")) button.disabled = !page.connected;
}

function renderParticipants() {
  const entries = roster.entries();
  for (const handle of [...confirming]) if (!roster.name(handle)) confirming.delete(handle);
  syncList(ui.participants, entries, (entry) => entry.handle, participantItem, updateParticipant);
  show(ui.noParticipants, entries.length === 0);
  const floor = roster.floor;
  ui.floorStatus.textContent = floor
    ? interpolate(gettext("%(name)s has the floor."), { name: nameOf(floor) }, true)
    : gettext("Nobody has the floor.");
  show(ui.takeFloor, Boolean(floor));
  ui.takeFloor.disabled = !page.connected;
  const queue = roster.queue();
  syncList(ui.hands, queue, (entry) => entry.handle,
    () => el("li", { class: "hand" }, el("span", { class: "name" }), " ",
             el("button", { type: "button", class: "floor" })),
    (item, entry) => {
      item.querySelector(".name").textContent = entry.pseudonym;
      const button = item.querySelector("button.floor");
      button.replaceChildren(...named(gettext("Give the floor"), entry.pseudonym));
      button.dataset.give = entry.handle;
      button.disabled = !page.connected;
    });
  show(ui.noHands, queue.length === 0);
}

function renderSlowMode() {
  const seconds = String(room.slow_mode);
  if (![...ui.slowMode.options].some((option) => option.value === seconds)) {
    ui.slowMode.append(el("option", { value: seconds },
      interpolate(gettext("%(n)s s"), { n: seconds }, true)));
  }
  if (document.activeElement !== ui.slowMode) ui.slowMode.value = seconds;
  ui.slowStatus.textContent = slowModeLine(room.slow_mode) || gettext("Slow mode is off.");
}

function renderSteps() {
  const progress = stepsProgress(steps, room.step);
  show(ui.noSteps, steps.length === 0);
  syncList(ui.steps, progress.steps, (step) => step.index, () => el("li", { class: "step" }),
    (item, step) => {
      item.classList.toggle("announced", step.announced);
      item.classList.toggle("current", step.current);
      const mark = step.current ? gettext("announced, current")
        : step.announced ? gettext("announced") : null;
      item.replaceChildren(step.title, mark ? el("span", { class: "mark" }, mark) : "");
    });
  ui.nextStep.textContent = progress.next === null
    ? (steps.length ? gettext("Every step is announced") : gettext("Announce the next step"))
    : interpolate(gettext("Announce the next step: %(title)s"), { title: steps[progress.next] }, true);
  ui.nextStep.disabled = progress.next === null || room.status === "closed" || !page.connected;
}

function renderPinned() {
  const items = pinnedForHost(room.pinned, data.room_pins);
  syncList(ui.pinned, items, (item) => item.card.id, () => el("li", { class: "pin" }),
    (node, item) => {
      const aside = item.removable
        ? el("button", { type: "button", class: "secondary unpin", "data-resource": item.card.id },
             ...named(gettext("Unpin"), item.card.title))
        : el("span", { class: "hint" }, gettext("pinned for every session (set in the administration)"));
      node.replaceChildren(resourceCard(item.card), aside);
    });
  show(ui.noPinned, items.length === 0);
}

function renderComposer() {
  const closed = room.status === "closed";
  ui.send.disabled = closed || !page.connected;
  show(ui.composerState, closed);
  for (const button of ui.resourceForm.querySelectorAll("button")) {
    button.disabled = !page.connected;
  }
  ui.resourceForm.querySelector("#post").disabled = closed || !page.connected;
}

function render() {
  if (!room) return;
  show(root, true);
  renderStatus();
  renderParticipants();
  renderSlowMode();
  renderSteps();
  renderPinned();
  renderComposer();
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
  host_welcome(frame) {
    me = frame.me;
    room = frame.room;
    steps = frame.steps;
    roster.reset(frame.room);
    render();
  },
  room_status(frame) {
    if (!room) return;
    room = { ...room, status: frame.status };
    if (frame.status === "closed") {
      // Closing clears the session (docs/protocol.md, Rooms): only the room's own pins stay.
      roster.reset(null);
      room = { ...room, slow_mode: 0, step: null,
               pinned: room.pinned.filter((card) => data.room_pins.includes(card.id)) };
    }
    ui.transcript.system(statusText(frame.reason));
    render();
  },
  seats(frame) {
    if (!room) return;
    const moreWaiting = frame.waiting > room.waiting;
    room = { ...room, capacity: frame.capacity, seated: frame.seated, waiting: frame.waiting };
    render();
    if (moreWaiting) page.live.say(seatsLine(room));
  },
  participant(frame) {
    const card = frame.participant;
    if (roster.upsert(card)) {
      ui.transcript.system(interpolate(gettext("%(name)s joined the room."), { name: card.pseudonym }, true));
    }
    render();
  },
  participant_gone(frame) {
    const card = roster.remove(frame.handle);
    confirming.delete(frame.handle);
    if (card && frame.reason !== "room_closed") ui.transcript.system(goneText(frame.reason, card.pseudonym));
    render();
  },
  hands(frame) {
    const raised = frame.hands.filter((handle) => roster.handOrder(handle) === null);
    roster.setHands(frame.hands);
    render();
    for (const handle of raised) {
      page.live.say(interpolate(gettext("%(name)s raised a hand."), { name: nameOf(handle) }, true));
    }
  },
  floor(frame) {
    roster.setFloor(frame.handle);
    render();
    page.live.say(frame.handle
      ? interpolate(gettext("%(name)s has the floor."), { name: nameOf(frame.handle) }, true)
      : gettext("Nobody has the floor."));
  },
  message(frame) {
    if (frame.role === "facilitator" && ui.transcript.acknowledge(frame.client_id, frame.html)) return;
    const who = frame.role === "facilitator" ? facilitatorLabel(frame.author) : frame.author;
    ui.transcript.add(frame.role, who, safeFragment(frame.html), { at: frame.sent_at });
    page.live.say(spokenMessage(who, frame.html));
  },
  resource(frame) {
    ui.transcript.add("facilitator resource", facilitatorLabel(frame.author),
                      resourceCard(frame.card), { at: frame.sent_at });
  },
  pong() {},
  error(frame) {
    ui.transcript.refuse(frame.client_id);
    page.notices.set(frame.message || gettext("Something went wrong. Please try again."));
  },
};

// --- actions --------------------------------------------------------------------------------

function send(frame) {
  page.notices.clear();
  return page.send(frame);
}

ui.open.addEventListener("click", () => send({ type: "open" }));
ui.close.addEventListener("click", () => {
  show(ui.closeConfirm, true);
  ui.closeYes.focus();
});
ui.closeNo.addEventListener("click", () => {
  show(ui.closeConfirm, false);
  ui.close.focus();
});
ui.closeYes.addEventListener("click", () => {
  show(ui.closeConfirm, false);
  send({ type: "close" });
  ui.statusTitle.focus();
});
ui.takeFloor.addEventListener("click", () => send({ type: "floor", participant: null }));

// One listener per list: the items come and go with the participants.
ui.participants.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  const item = button && button.closest("li.person");
  if (!item) return;
  const handle = item.dataset.key;
  if (button.classList.contains("floor")) {
    send({ type: "floor", participant: button.dataset.give || null });
  } else if (button.classList.contains("mute")) {
    send({ type: "mute", participant: handle, muted: !button.dataset.muted });
  } else if (button.classList.contains("remove")) {
    confirming.add(handle);
    render();
    item.querySelector("button.remove-yes").focus();
  } else if (button.classList.contains("remove-no")) {
    confirming.delete(handle);
    render();
    item.querySelector("button.remove").focus();
  } else if (button.classList.contains("remove-yes")) {
    confirming.delete(handle);
    send({ type: "remove", participant: handle });
    render();
    ui.participantsTitle.focus(); // the item goes with the participant
  }
});
ui.hands.addEventListener("click", (event) => {
  const button = event.target.closest("button.floor");
  if (button) send({ type: "floor", participant: button.dataset.give });
});
ui.slowForm.addEventListener("submit", (event) => {
  event.preventDefault();
  send({ type: "slow_mode", seconds: Number(ui.slowMode.value) });
});
ui.nextStep.addEventListener("click", () => send({ type: "next_step" }));
ui.pinned.addEventListener("click", (event) => {
  const button = event.target.closest("button.unpin");
  if (button) send({ type: "pin", resource: Number(button.dataset.resource), pinned: false });
});
ui.resourceForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const resource = Number(ui.resource.value);
  if (!resource) return;
  const post = event.submitter && event.submitter.value === "post";
  send(post ? { type: "post_resource", resource } : { type: "pin", resource, pinned: true });
});

ui.composer.addEventListener("vc-send", (event) => {
  const { text, clientId } = event.detail;
  if (!room || room.status === "closed"
      || !page.send({ type: "message", text, client_id: clientId })) {
    event.preventDefault(); // the draft stays
    return;
  }
  ui.transcript.addOwn(clientId, "facilitator mine", text);
});

// --- the connection -------------------------------------------------------------------------

const page = startRealtimePage(root, {
  hello: () => ({ type: "hello" }),
  frames,
  closedText(code) {
    switch (code) {
      case CLOSE_CODES.UNAUTHENTICATED: return gettext("You are logged out. Log in again to host this room.");
      case CLOSE_CODES.FORBIDDEN: return gettext("You may no longer host this room: you are not one of its facilitators.");
      case CLOSE_CODES.UNKNOWN_ROOM: return gettext("This room is no longer active.");
      default: return null;
    }
  },
  onStatus() {
    if (!page.connected) ui.transcript.connectionLost();
    render();
  },
});
fillResources();
show(root, true);
page.socket.connect();
