// Every reason the server may give has its words on the page, and the page knows no reason the
// server does not give (a page once tested for an `accepted` the server never sent). A frame
// whose `reason` is still a plain string in chat/frames.py has no list in wire.js: its check
// waits (skipped, saying so) until the frame types it as a Literal.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { QUIET_OFFER_GONE, closedText, closedTexts, shiftNotice, shiftTexts } from
  "../../frontend/static/frontend/js/desk_reasons.js";
import { endedText, endedTexts, positionText, positionTexts, requeuedText, requeuedTexts } from
  "../../frontend/static/frontend/js/visitor_reasons.js";
import { composerText, composerTexts, goneText, goneTexts, leftText, leftTexts, statusText, statusTexts } from
  "../../frontend/static/frontend/js/room_reasons.js";
import { REASONS, ROOM_REASONS } from "../../frontend/static/frontend/js/wire.js";

const notYet = (type) => (REASONS[type] ? false
  : `the server's \`${type}\` frame does not type its reason as a Literal yet`);

const tables = [
  ["visitor page", "ended", endedTexts()],
  ["visitor page", "requeued", requeuedTexts()],
  ["visitor page", "position", positionTexts()],
  ["counsellor desk", "conversation_closed", closedTexts()],
  ["counsellor desk", "shift", shiftTexts()],
];
for (const [page, type, table] of tables) {
  test(`the ${page} has words for exactly the reasons of \`${type}\``, { skip: notYet(type) },
    () => assert.deepEqual(Object.keys(table).sort(), [...REASONS[type]].sort()));
}

const roomTables = [
  ["participant's room page", "room_left", leftTexts()],
  ["room pages", "participant_gone", goneTexts()],
  ["room pages", "room_status", statusTexts()],
];
for (const [page, type, table] of roomTables) {
  test(`the ${page} has words for exactly the reasons of the rooms' \`${type}\``,
    () => assert.deepEqual(Object.keys(table).sort(), [...ROOM_REASONS[type]].sort()));
}

test("a removed participant is told they cannot come back today", () => {
  assert.match(leftText("removed"), /cannot come back today/);
  assert.match(goneText("removed", "Calm Heron"), /^Calm Heron was removed/);
  assert.equal(leftText("brand_new"), "You are no longer in the room.");
  assert.equal(goneText("brand_new", "Calm Heron"), "Calm Heron left the room.");
  assert.equal(statusText("brand_new"), "The room's status changed.");
});

test("the composer says why it is shut, slow mode with the seconds left", () => {
  assert.equal(composerText("slow_mode", 12), "Slow mode: you can write again in 12 s.");
  assert.match(composerText("muted"), /muted you/);
  assert.equal(composerText(null), "");
  // every block composerBlock returns has its words
  assert.deepEqual(Object.keys(composerTexts()).sort(),
                   ["muted", "not_seated", "paused", "room_not_open", "slow_mode"]);
});

test("the offers gone without an announcement are reasons of `offer_gone`",
  { skip: notYet("offer_gone") }, () => {
    for (const reason of QUIET_OFFER_GONE) assert.ok(REASONS.offer_gone.includes(reason), reason);
  });

test("a reason the page does not know yet still gets a sensible text", () => {
  assert.equal(endedText("brand_new"), "The conversation has ended.");
  assert.equal(closedText("brand_new"), "The conversation has ended.");
  assert.deepEqual(requeuedText("brand_new"), requeuedTexts().counsellor_lost);
  assert.equal(positionText("brand_new", 3), "Your position in the queue: 3.");
});

test("a transfer ends the visitor's conversation without a line: `transferred` says it", () => {
  assert.equal(endedText("transferred"), null);
  assert.deepEqual(requeuedText("transferred"), { notice: null, line: null });
});

test("a place that went back is announced as such", () => {
  assert.equal(positionText("requeued_ahead", 2), "A visitor whose conversation was interrupted"
    + " is back ahead of you. Your position in the queue: 2.");
  assert.equal(positionText(null, 2), "Your position in the queue: 2.");
});

test("a shift's notice: paused for missed offers, or ended; nothing for a pause asked for", () => {
  const shift = { status: "paused", poles: ["find-a-job"], capacity: 2 };
  assert.match(shiftNotice(shift, "missed_offers"), /offers went unanswered/);
  assert.equal(shiftNotice(shift, "requested"), null);
  assert.equal(shiftNotice({ ...shift, status: "available" }, null), null);
  assert.equal(shiftNotice(null, "offline"), "Your shift has ended. Thank you.");
  assert.equal(shiftNotice(null, "lost"), "Your shift has ended. Thank you.");
});
