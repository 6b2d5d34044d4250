// The pieces both room pages show the same way (the participant's room.js, the host's
// host.js): how full the room is, slow mode, a participant's marks, the current step.
/* global gettext, ngettext, interpolate */
import { el } from "./dom.js";

/** "Seats taken: 3 of 12; 1 person waiting." */
export function seatsLine(seats) {
  const taken = interpolate(gettext("Seats taken: %(seated)s of %(capacity)s"),
                            { seated: seats.seated, capacity: seats.capacity }, true);
  const waiting = interpolate(ngettext("%(n)s person waiting", "%(n)s people waiting",
                                       seats.waiting), { n: seats.waiting }, true);
  return interpolate(gettext("%(taken)s; %(waiting)s."), { taken, waiting }, true);
}

/** Slow mode in words ("" when off). */
export function slowModeLine(seconds) {
  if (!seconds) return "";
  return interpolate(ngettext("Slow mode is on: one message every %(n)s second.",
                              "Slow mode is on: one message every %(n)s seconds.", seconds),
                     { n: seconds }, true);
}

/** The badges of a participant (a `Roster` entry): the floor, the hand and its place in the
 * order raised, muted, away. */
export function marks(entry) {
  const found = [];
  if (entry.hasFloor) found.push(el("span", { class: "mark floor" }, gettext("has the floor")));
  if (entry.handOrder) {
    found.push(el("span", { class: "mark hand" },
      interpolate(gettext("hand raised (%(n)s)"), { n: entry.handOrder }, true)));
  }
  if (entry.muted) found.push(el("span", { class: "mark muted" }, gettext("muted")));
  if (entry.away) found.push(el("span", { class: "mark away" }, gettext("away")));
  return found;
}

/** "Step 2 of 3: title" */
export function stepTitle(step) {
  return interpolate(gettext("Step %(n)s of %(count)s: %(title)s"),
                     { n: step.index + 1, count: step.count, title: step.title }, true);
}

/** The current step's nodes (a `StepCard`, or null: none announced yet). */
export function stepNodes(step) {
  if (!step) return [el("p", { class: "hint" }, gettext("No step announced yet."))];
  return [el("p", { class: "step-title" }, stepTitle(step)),
          step.instructions ? el("p", { class: "step-instructions" }, step.instructions) : null];
}

/** A facilitator's name as a line's author. */
export function facilitatorLabel(name) {
  return interpolate(gettext("%(name)s, facilitator"), { name }, true);
}
