// What the counsellor's desk says for each reason the desk gives, one table per frame type.
// tests/js/reasons.test.mjs checks each table against wire.js's REASONS.
/* global gettext */

/** `conversation_closed`: the closed conversation's note and last line, by reason. */
export function closedTexts() {
  return {
    visitor: gettext("The visitor ended the conversation."),
    counsellor: gettext("The conversation has ended."),
    visitor_lost: gettext("The visitor did not come back: the conversation has ended."),
    counsellor_lost: gettext("Your connection was lost: the visitor went back to the head of the queue."),
    blocked: gettext("The visitor was blocked; the conversation has ended."),
    transferred: gettext("The visitor was transferred to another pole."),
    desk_restarted: gettext("The desk lost track of its conversations after a technical problem: the visitor went back to the head of the queue."),
    left: gettext("You left the conversation."),
    lost: gettext("Your connection was lost: the conversation goes on with your colleagues."),
  };
}

export function closedText(reason) {
  const texts = closedTexts();
  return Object.hasOwn(texts, reason) ? texts[reason] : gettext("The conversation has ended.");
}

/** `offer_gone` reasons that are not announced: the counsellor's own doing (accepting an
 * offer sends no `offer_gone`: the `conversation` frame replaces it). */
export const QUIET_OFFER_GONE = new Set(["declined"]);

/** `shift`: the notice shown, by reason (null: none; the status line says it). */
export function shiftTexts() {
  return {
    requested: null,
    missed_offers: gettext("You were paused because offers went unanswered. Resume when you are ready."),
    offline: gettext("Your shift has ended. Thank you."),
    lost: gettext("Your shift has ended. Thank you."),
  };
}

/** The notice for a `shift` frame: its reason's, else "ended" when the shift is gone. */
export function shiftNotice(shift, reason) {
  const texts = shiftTexts();
  if (Object.hasOwn(texts, reason) && texts[reason]) return texts[reason];
  return shift ? null : gettext("Your shift has ended. Thank you.");
}
