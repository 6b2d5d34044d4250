// The counsellor's workspace as data: which lines count as unread, which conversation is in
// view, the order of the conversation list and its words. No DOM here:
// tests/js/workspace.test.mjs drives it.
/* global gettext, ngettext, interpolate */

/** The workspace's panes; below the wide layout's breakpoint one shows at a time. */
export const PANES = Object.freeze(["list", "conversation", "side"]);

/** A transcript line counts as unread when someone else wrote it: the visitor or a colleague.
 * A system line (someone joined, the conversation opened) or one's own never does. `kind` is
 * the line's classes, as `<vc-transcript>` gives them ("visitor", "counsellor resource",
 * "counsellor mine", "system"). */
export function countsAsUnread(kind) {
  const classes = new Set(String(kind).split(/\s+/));
  return !classes.has("system") && !classes.has("mine");
}

/** Whether the counsellor sees conversation `id` now: it is the one open, the tab is shown,
 * and on a narrow screen the conversation pane is the one showing. */
export function inView({ id, selected, hidden, narrow, pane }) {
  return id === selected && !hidden && (!narrow || pane === "conversation");
}

/** The conversation `step` places after `current` in `ids` (the list's order), wrapping
 * around; the first (or last) when `current` is not among them; null when there is none. */
export function stepConversation(ids, current, step = 1) {
  if (!ids.length) return null;
  const index = ids.indexOf(current);
  if (index < 0) return step > 0 ? ids[0] : ids[ids.length - 1];
  return ids[(index + step + ids.length) % ids.length];
}

/** When the visitor last wrote, in the list: the minute is enough, and a text that changes
 * once a minute does not make a screen reader repeat the list item. */
export function lastWroteText(lastAt, now) {
  if (lastAt === null || lastAt === undefined) return gettext("no message from the visitor yet");
  const minutes = Math.floor(Math.max(0, now - lastAt) / 60);
  if (minutes < 1) return gettext("the visitor wrote less than a minute ago");
  return interpolate(ngettext("the visitor wrote %(n)s minute ago",
                              "the visitor wrote %(n)s minutes ago", minutes), { n: minutes }, true);
}

/** The count of unread messages, for the list and the pane switch ("3 unread"). */
export function unreadText(count) {
  return interpolate(ngettext("%(n)s unread message", "%(n)s unread messages", count),
                     { n: count }, true);
}

/** A colleague's status in words, one per wire.js COUNSELLOR_STATUSES. */
export function statusTexts() {
  return {
    available: gettext("available"),
    paused: gettext("paused"),
    draining: gettext("ending their shift"),
  };
}

export function statusText(status) {
  const texts = statusTexts();
  return Object.hasOwn(texts, status) ? texts[status] : gettext("on shift");
}
