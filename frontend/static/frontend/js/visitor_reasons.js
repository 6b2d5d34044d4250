// What the visitor's page says for each reason the desk gives, one table per frame type.
// tests/js/reasons.test.mjs checks each table against wire.js's REASONS, so a reason the server
// adds, renames or drops fails a test instead of falling through to a vague text.
/* global gettext, interpolate */
import { CLOSE_CODES } from "./wire.js";

/** `ended`: the transcript's last line, by reason; null says nothing (`transferred`: the
 * `transferred` frame that follows says it). */
export function endedTexts() {
  return {
    visitor: gettext("You ended the conversation."),
    counsellor: gettext("The counsellor ended the conversation."),
    blocked: gettext("The counsellor ended the conversation."),
    visitor_lost: gettext("The conversation ended because you were away too long."),
    counsellor_lost: gettext("The conversation ended because the counsellor was disconnected."),
    desk_restarted: gettext("The conversation was interrupted by a technical problem on our side. You are back at the head of the queue."),
    transferred: null,
  };
}

export function endedText(reason) {
  const texts = endedTexts();
  return Object.hasOwn(texts, reason) ? texts[reason] : gettext("The conversation has ended.");
}

/** `requeued`: a notice and a transcript line, by reason (null: none). */
export function requeuedTexts() {
  return {
    transferred: { notice: null, line: null }, // `transferred` said it already
    desk_restarted: {
      notice: gettext("The desk restarted after a technical problem. You keep your place in the queue."),
      line: null,
    },
    counsellor_lost: {
      notice: gettext("Your counsellor was disconnected. You are back at the head of the queue: the next available counsellor will answer you."),
      line: gettext("Your counsellor was disconnected. You are back at the head of the queue."),
    },
  };
}

export function requeuedText(reason) {
  const texts = requeuedTexts();
  return Object.hasOwn(texts, reason) ? texts[reason] : texts.counsellor_lost;
}

/** `position`: what is announced when the place went back, by reason. */
export function positionTexts() {
  return {
    requeued_ahead: gettext("A visitor whose conversation was interrupted is back ahead of you. Your position in the queue: %(n)s."),
  };
}

/** The announcement of a new place: its reason's text, else the plain one. */
export function positionText(reason, position) {
  const texts = positionTexts();
  const text = Object.hasOwn(texts, reason) ? texts[reason]
    : gettext("Your position in the queue: %(n)s.");
  return interpolate(text, { n: position }, true);
}

/** Said while waiting again after a transfer (issue 12, item 6): who passed the visitor on,
 * to which pole, and that the place is kept. `counsellor` is a name, or null when unknown. */
export function transferredText(counsellor, pole) {
  return counsellor
    ? interpolate(gettext("%(counsellor)s passed you to %(pole)s; you keep your place."),
                  { counsellor, pole }, true)
    : interpolate(gettext("You were passed to %(pole)s; you keep your place."), { pole }, true);
}

/** The visitor's words for a final close of their socket (null: the common ones). */
export function closedText(code) {
  if (code === CLOSE_CODES.TOO_MANY_CONNECTIONS) {
    return gettext("This desk is already open in other tabs of this browser. Go on in one of them, or close them and reload this page.");
  }
  return null;
}
