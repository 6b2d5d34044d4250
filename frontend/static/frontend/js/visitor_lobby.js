// What a pole's live figures (`PoleStatus`, docs/protocol.md) truly say to a visitor (issue
// 12, item 6): "open" is not "someone can answer". Counsellors online are told apart from
// those available, and an open pole that nobody can answer now says so, with what the visitor
// can do meanwhile (the page adds the pole's library, next rooms and opening hours).
/* global gettext, ngettext, interpolate */
import { formatEstimate } from "./format.js";

export const AVAILABILITY = Object.freeze({
  CLOSED: "closed",
  NOBODY_ONLINE: "nobody_online", // open, and no counsellor on shift for it
  ALL_BUSY: "all_busy", // open, counsellors on shift, none with a free place now
  AVAILABLE: "available",
});

export function availability(status) {
  if (!status.open) return AVAILABILITY.CLOSED;
  if (status.counsellors_online === 0) return AVAILABILITY.NOBODY_ONLINE;
  if (status.counsellors_available === 0) return AVAILABILITY.ALL_BUSY;
  return AVAILABILITY.AVAILABLE;
}

/** The honest sentence of an open pole nobody can answer now; null otherwise. */
export function unavailableText(status) {
  switch (availability(status)) {
    case AVAILABILITY.NOBODY_ONLINE:
      return gettext("Open, but no counsellor is online at the moment. You may still wait in the queue.");
    case AVAILABILITY.ALL_BUSY:
      return gettext("Open, but every counsellor is busy at the moment. You may wait in the queue.");
    default: return null;
  }
}

/** The same, for a visitor already waiting in that pole's queue; null when someone can
 * answer (or the pole closed: the desk says so itself). */
export function waitingText(status) {
  switch (availability(status)) {
    case AVAILABILITY.NOBODY_ONLINE:
      return gettext("No counsellor of this pole is online at the moment: your wait may be long. You keep your place.");
    case AVAILABILITY.ALL_BUSY:
      return gettext("Every counsellor of this pole is busy at the moment. You keep your place: the first one free will answer you.");
    default: return null;
  }
}

/** The figures of a pole's card, one line each. */
export function figureLines(status) {
  return [
    interpolate(ngettext("%(n)s counsellor online", "%(n)s counsellors online",
                         status.counsellors_online), { n: status.counsellors_online }, true)
      + ", " + interpolate(ngettext("%(n)s available now", "%(n)s available now",
                                    status.counsellors_available),
                           { n: status.counsellors_available }, true),
    interpolate(ngettext("%(n)s person waiting", "%(n)s people waiting", status.waiting),
                { n: status.waiting }, true),
    interpolate(gettext("Estimated wait: %(estimate)s"),
                { estimate: formatEstimate(status.estimate_seconds) }, true),
  ];
}
