// The room pages' decisions, without the DOM: what the participant's page shows for the place
// the server gives, when its composer is shut and why, how long slow mode still holds a
// message back, what a closed room says about its session, what a host may do next.
// tests/js/room_state.test.mjs drives them.

/** One sessionStorage key per room: a token is the place in that room only. */
export function tokenKey(slug) {
  return "vc.room." + slug;
}

/**
 * Where the participant stands, from `room_welcome`/`room_state`: "outside" (may join),
 * "waiting" (on the waiting list), "seated", or "removed" (a token given back with no place:
 * docs/protocol.md, `room_welcome`, a token removed today).
 */
export function participantMode(token, me) {
  if (me) return me.seated ? "seated" : "waiting";
  return token ? "removed" : "outside";
}

/** Why a seated participant may not write now (room_reasons.js says it in words), or null.
 * Checked in the server's order (rooms/core/floor.py): the room, then mute, then slow mode. */
export function composerBlock({ mode, status, muted, slowWait = 0 }) {
  if (mode !== "seated") return "not_seated";
  if (status === "paused") return "paused";
  if (status !== "open") return "room_not_open";
  if (muted) return "muted";
  if (slowWait > 0) return "slow_mode";
  return null;
}

/** Whole seconds before slow mode lets the next message go: from the participant's own last
 * message as the server stamped it (`sent_at`) and the server's clock `now`; 0 when free. */
export function slowModeWait({ lastSentAt, seconds, now }) {
  if (!seconds || lastSentAt === null || lastSentAt === undefined) return 0;
  return Math.max(0, Math.ceil(lastSentAt + seconds - now));
}

/**
 * What a room's status says of its session at `now` (epoch seconds): "open", "paused", or,
 * closed, "not_yet_opened" (its session runs but no facilitator opened it), "opens_later"
 * (the next session is ahead), "no_session" (none planned).
 */
export function statusPhase(room, now) {
  if (room.status === "open" || room.status === "paused") return room.status;
  if (room.opens_at === null || room.opens_at === undefined) return "no_session";
  if (room.opens_at > now) return "opens_later";
  if (room.closes_at !== null && room.closes_at !== undefined && room.closes_at <= now) {
    return "no_session";
  }
  return "not_yet_opened";
}

/** Free seats; never below zero (capacity lowered under the seated). */
export function freeSeats(seats) {
  return Math.max(0, seats.capacity - seats.seated);
}

/** What the host's buttons may do for a room in `status`. */
export function hostActions(status) {
  return { open: status === "closed", close: status !== "closed",
           moderate: status !== "closed" };
}

/** The exercise's steps as the host sees them: each announced or not, which is current, and
 * the next one to announce (null: none left). `step` is the room's `StepCard` or null. */
export function stepsProgress(titles, step) {
  const current = step ? step.index : -1;
  return {
    steps: titles.map((title, index) => ({ index, title, announced: index <= current,
                                           current: index === current })),
    next: current + 1 < titles.length ? current + 1 : null,
  };
}

/** The pinned cards with, for each, whether the host may unpin it: the room's own pins (set
 * in the admin) stay for every session; only those pinned during it come off. */
export function pinnedForHost(cards, roomPins) {
  const fixed = new Set(roomPins);
  return cards.map((card) => ({ card, removable: !fixed.has(card.id) }));
}

/** A page's clock offset: the server's time minus the local one, in seconds (the server
 * stamps messages and slow mode counts on its clock). */
export function clockOffset(serverTime, localMs) {
  return serverTime - localMs / 1000;
}
