// Both room pages keep who is seated in a Roster: the room's full view, then its frames.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Roster } from "../../frontend/static/frontend/js/roster.js";

const card = (handle, extra = {}) => ({ handle, pseudonym: "P-" + handle, hand: false,
                                        muted: false, away: false, ...extra });
const view = { present: [card("a"), card("b", { hand: true }), card("c")], hands: ["b"],
               floor: null };

test("a room's view gives the seated in arrival order, with their hands' places", () => {
  const roster = new Roster(view);
  assert.deepEqual(roster.entries().map((entry) => [entry.handle, entry.handOrder]),
                   [["a", null], ["b", 1], ["c", null]]);
  assert.equal(roster.size, 3);
});

test("hands keep the order they were raised in, whatever the arrival order", () => {
  const roster = new Roster(view);
  roster.setHands(["c", "a"]);
  assert.deepEqual(roster.queue().map((entry) => [entry.pseudonym, entry.handOrder]),
                   [["P-c", 1], ["P-a", 2]]);
  roster.setHands(["a"]); // c lowered theirs: a moves up
  assert.equal(roster.handOrder("a"), 1);
  assert.equal(roster.handOrder("c"), null);
});

test("a newcomer is told apart from a change, and keeps their place in the list", () => {
  const roster = new Roster(view);
  assert.equal(roster.upsert(card("d")), true);
  assert.equal(roster.upsert(card("a", { pseudonym: "Renamed", muted: true })), false);
  assert.deepEqual(roster.entries().map((entry) => entry.pseudonym),
                   ["Renamed", "P-b", "P-c", "P-d"]);
  assert.equal(roster.entries()[0].muted, true);
});

test("someone gone takes their hand and the floor with them", () => {
  const roster = new Roster({ ...view, floor: "b" });
  assert.equal(roster.entries()[1].hasFloor, true);
  assert.equal(roster.remove("b").pseudonym, "P-b");
  assert.deepEqual(roster.hands, []);
  assert.equal(roster.floor, null);
  assert.equal(roster.remove("nobody"), null);
});

test("a hand of someone whose card has not arrived yet waits out of the queue", () => {
  const roster = new Roster(view);
  roster.setHands(["zz", "b"]);
  assert.deepEqual(roster.queue().map((entry) => entry.handle), ["b"]);
  assert.equal(roster.name("zz"), null);
});

test("a reset forgets everyone (the room closed, or a full view replaces it)", () => {
  const roster = new Roster(view);
  roster.setFloor("a");
  roster.reset(null);
  assert.deepEqual(roster.entries(), []);
  assert.equal(roster.floor, null);
});
