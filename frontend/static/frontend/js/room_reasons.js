// What the room pages say for each reason a room gives, one table per frame type, and why a
// participant's composer is shut. tests/js/reasons.test.mjs checks each table against
// wire.js's ROOM_REASONS, so a reason the server adds or renames fails a test.
/* global gettext, interpolate */

/** `room_left`: the participant's page, by reason. */
export function leftTexts() {
  return {
    left: gettext("You left the room."),
    lost: gettext("You were away too long and lost your place in the room. You can join again."),
    removed: gettext("A facilitator removed you from this room: you cannot come back today."),
    room_closed: gettext("The session has ended: the facilitator closed the room. Thank you for taking part."),
  };
}

export function leftText(reason) {
  const texts = leftTexts();
  return Object.hasOwn(texts, reason) ? texts[reason] : gettext("You are no longer in the room.");
}

/** `participant_gone`: the transcript's line about someone else, by reason. */
export function goneTexts() {
  return {
    left: gettext("%(name)s left the room."),
    lost: gettext("%(name)s was away too long and lost their seat."),
    removed: gettext("%(name)s was removed from the room."),
    room_closed: gettext("%(name)s left when the room closed."),
  };
}

export function goneText(reason, name) {
  const texts = goneTexts();
  const text = Object.hasOwn(texts, reason) ? texts[reason] : texts.left;
  return interpolate(text, { name }, true);
}

/** `room_status`: what both pages announce, by reason. */
export function statusTexts() {
  return {
    opened: gettext("The room is open."),
    closed: gettext("The room is closed."),
    facilitator_away: gettext("The facilitator is away: the room is paused until they are back."),
    facilitator_back: gettext("The facilitator is back: the room is open again."),
    facilitator_lost: gettext("The facilitator did not come back: the room is closed."),
  };
}

export function statusText(reason) {
  const texts = statusTexts();
  return Object.hasOwn(texts, reason) ? texts[reason] : gettext("The room's status changed.");
}

/** Why the composer is shut (room_state.js `composerBlock`); slow mode's text takes the
 * seconds left. */
export function composerTexts() {
  return {
    not_seated: gettext("You can write once you have a seat."),
    room_not_open: gettext("The room is not open: nobody writes until a facilitator opens it."),
    paused: gettext("The room is paused while the facilitator is away: nobody writes until they are back."),
    muted: gettext("A facilitator has muted you for now: you can read, not write."),
    slow_mode: gettext("Slow mode: you can write again in %(seconds)s s."),
  };
}

export function composerText(block, seconds = 0) {
  const texts = composerTexts();
  return Object.hasOwn(texts, block) ? interpolate(texts[block], { seconds }, true) : "";
}
