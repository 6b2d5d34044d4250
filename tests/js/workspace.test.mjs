// The counsellor's workspace as data: unread counting, the view, the list's order and words.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { countsAsUnread, inView, lastWroteText, statusText, statusTexts,
         stepConversation, unreadText } from "../../frontend/static/frontend/js/workspace.js";
import { COUNSELLOR_STATUSES } from "../../frontend/static/frontend/js/wire.js";

test("only the visitor's and colleagues' lines count as unread", () => {
  assert.equal(countsAsUnread("visitor"), true);
  assert.equal(countsAsUnread("counsellor"), true); // a colleague's message
  assert.equal(countsAsUnread("counsellor resource"), true); // a colleague's card
  assert.equal(countsAsUnread("system"), false);
  assert.equal(countsAsUnread("counsellor mine"), false);
  assert.equal(countsAsUnread("counsellor resource mine"), false);
});

test("a conversation is in view only when open, the tab shown and, narrow, its pane showing", () => {
  const base = { id: "k1", selected: "k1", hidden: false, narrow: false, pane: "list" };
  assert.equal(inView(base), true); // wide: every pane shows
  assert.equal(inView({ ...base, selected: "k2" }), false);
  assert.equal(inView({ ...base, hidden: true }), false);
  assert.equal(inView({ ...base, narrow: true }), false);
  assert.equal(inView({ ...base, narrow: true, pane: "conversation" }), true);
});

test("next and previous go round the list, from anywhere", () => {
  const ids = ["a", "b", "c"];
  assert.equal(stepConversation(ids, "a"), "b");
  assert.equal(stepConversation(ids, "c"), "a");
  assert.equal(stepConversation(ids, "a", -1), "c");
  assert.equal(stepConversation(ids, null), "a");
  assert.equal(stepConversation(ids, "gone", -1), "c");
  assert.equal(stepConversation([], "a"), null);
  assert.equal(stepConversation(["a"], "a"), "a");
});

test("when the visitor last wrote is said to the minute", () => {
  assert.equal(lastWroteText(null, 100), "no message from the visitor yet");
  assert.equal(lastWroteText(100, 159), "the visitor wrote less than a minute ago");
  assert.equal(lastWroteText(100, 160), "the visitor wrote 1 minute ago");
  assert.equal(lastWroteText(100, 100 + 60 * 7 + 59), "the visitor wrote 7 minutes ago");
  assert.equal(lastWroteText(100, 50), "the visitor wrote less than a minute ago"); // clock skew
  assert.equal(unreadText(1), "1 unread message");
  assert.equal(unreadText(3), "3 unread messages");
});

test("the page has words for exactly the counsellor statuses the server sends", () => {
  assert.deepEqual(Object.keys(statusTexts()).sort(), [...COUNSELLOR_STATUSES].sort());
  assert.equal(statusText("draining"), "ending their shift");
  assert.equal(statusText("brand_new"), "on shift"); // never the raw word
});
