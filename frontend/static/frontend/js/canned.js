// Canned replies (virtualcite.models.CannedReply, edited in the admin): the composer offers
// those of the conversation's pole, and one chosen is put in the text box for the counsellor
// to edit; it is never sent on its own. No DOM here: tests/js/canned.test.mjs drives it.

/** The replies of `pole`, in the admin's order (the page gets them ordered). */
export function repliesFor(replies, pole) {
  return replies.filter((reply) => reply.pole === pole);
}

/**
 * The text box after inserting `text` where the caret is (or over the selection): the new
 * value and where the caret goes (after the reply). A space keeps it apart from a word
 * before it. Null when the result would pass `max` characters: the box refuses it whole
 * rather than cut a reply in the middle.
 */
export function insertReply(value, start, end, text, max = Infinity) {
  const before = value.slice(0, start);
  const after = value.slice(end);
  const gap = before && !/\s$/.test(before) ? " " : "";
  const inserted = before + gap + text;
  const next = inserted + after;
  if (next.length > max) return null;
  return { value: next, caret: inserted.length };
}
