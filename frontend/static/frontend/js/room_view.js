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

/** A frame that replaces one part of the room (`facilitators`, `slow_mode`, `step`,
 * `pinned`): the room after it, what to say in the live region and what to note in the
 * transcript (either may be absent). */
export function withPart(room, frame) {
  switch (frame.type) {
    case "facilitators":
      return { room: { ...room, facilitators: frame.facilitators } };
    case "slow_mode":
      return { room: { ...room, slow_mode: frame.seconds },
               say: slowModeLine(frame.seconds) || gettext("Slow mode is off.") };
    case "step":
      return { room: { ...room, step: frame.step },
               note: interpolate(gettext("New step. %(step)s"), { step: stepTitle(frame.step) },
                                 true) };
    case "pinned":
      return { room: { ...room, pinned: frame.resources },
               say: gettext("The pinned resources changed.") };
    default:
      return { room };
  }
}

/** The page's handlers of the frames `withPart` knows: each replaces its part of the room
 * (read by `current`, written by `replace`), renders, then `say`s (the live region) or
 * `note`s (the transcript) what changed. */
export function partHandlers({ current, replace, render, say, note }) {
  const show = (frame) => {
    if (!current()) return;
    const part = withPart(current(), frame);
    replace(part.room);
    render();
    if (part.say) say(part.say);
    if (part.note) note(part.note);
  };
  return { facilitators: show, slow_mode: show, step: show, pinned: show };
}
