import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { MAX_RECEIPT_IDS, RECEIPT_GAP_MS, REMEMBERED_IDS, Receipts } from
  "../../frontend/static/frontend/js/receipts.js";
import { fakeClock } from "./fake_clock.mjs";

let clock;
let sent;
let connected;
let receipts;
beforeEach(() => {
  clock = fakeClock();
  sent = [];
  connected = true;
  receipts = new Receipts((conversation, ids, resumed) => {
    if (!connected) return false;
    sent.push({ at: clock.now(), conversation, ids, resumed });
    return true;
  }, clock);
});

test("the first message shown is receipted at once, the next ones together after the gap", () => {
  assert.equal(receipts.shown("k1", "c1"), false);
  clock.advance(0);
  assert.deepEqual(sent.map(({ ids }) => ids), [["c1"]]);
  receipts.shown("k1", "c2");
  receipts.shown("k1", "c3");
  clock.advance(RECEIPT_GAP_MS - 1);
  assert.equal(sent.length, 1, "not before the gap");
  clock.advance(1);
  assert.deepEqual(sent.at(-1), { at: sent[0].at + RECEIPT_GAP_MS, conversation: "k1",
                                  ids: ["c2", "c3"], resumed: false });
});

test("a message sent again is dropped, and receipted again: its first receipt was lost", () => {
  receipts.shown("k1", "c1");
  clock.advance(0);
  assert.equal(receipts.shown("k1", "c1"), true, "a duplicate: not shown twice");
  clock.advance(RECEIPT_GAP_MS);
  assert.deepEqual(sent.map(({ ids }) => ids), [["c1"], ["c1"]]);
});

test("one's own side's messages are deduplicated but never receipted; no client_id, nothing",
  () => {
    assert.equal(receipts.shown("k1", "v1", { answer: false }), false);
    assert.equal(receipts.shown("k1", "v1", { answer: false }), true);
    assert.equal(receipts.shown("k1", null), false);
    assert.equal(receipts.shown("k1", undefined), false);
    clock.advance(10 * RECEIPT_GAP_MS);
    assert.deepEqual(sent, []);
  });

test("the same client_id in two conversations is two messages", () => {
  receipts.shown("k1", "c1");
  assert.equal(receipts.shown("k2", "c1"), false);
});

test("a sender at the rate limit in ten conversations: one receipt per gap, every id receipted",
  () => {
    // Ten visitors each at 5 messages a second (the socket limit, FRAMES_PER_SECOND) for 60 s.
    const ids = [];
    for (let tick = 0; tick < 60 * 5; tick += 1) {
      for (let k = 0; k < 10; k += 1) {
        const id = `k${k}-m${tick}`;
        ids.push(id);
        receipts.shown(`k${k}`, id);
      }
      clock.advance(200);
    }
    clock.advance(60_000); // what was still queued goes out
    for (let n = 1; n < sent.length; n += 1) {
      assert.ok(sent[n].at - sent[n - 1].at >= RECEIPT_GAP_MS, `receipts ${n - 1} and ${n}`);
    }
    assert.ok(sent.every(({ ids: batch }) => batch.length <= MAX_RECEIPT_IDS));
    const receipted = new Set(sent.flatMap(({ conversation, ids: batch }) => (
      batch.map((id) => { assert.ok(id.startsWith(conversation + "-")); return id; }))));
    assert.equal(receipted.size, ids.length, "no id was lost in the batching");
  });

test("while the socket is down receipts wait, then go, each conversation in turn", () => {
  connected = false;
  receipts.shown("k1", "c1");
  receipts.shown("k2", "d1");
  clock.advance(5 * RECEIPT_GAP_MS);
  assert.deepEqual(sent, []);
  connected = true;
  clock.advance(2 * RECEIPT_GAP_MS);
  assert.deepEqual(sent.map(({ conversation, ids }) => [conversation, ids]).sort(),
                   [["k1", ["c1"]], ["k2", ["d1"]]]);
});

test("back on a socket, a resumed receipt names the last ids shown", () => {
  for (let n = 0; n < MAX_RECEIPT_IDS + 5; n += 1) receipts.shown("k1", `c${n}`);
  clock.advance(60_000);
  sent = [];
  receipts.resumed("k1");
  receipts.resumed("k2"); // a conversation that showed nothing yet: said all the same
  clock.advance(60_000);
  const [first, second] = sent;
  assert.equal(first.resumed, true);
  assert.equal(first.ids.length, MAX_RECEIPT_IDS);
  assert.equal(first.ids.at(-1), `c${MAX_RECEIPT_IDS + 4}`);
  assert.deepEqual(second, { at: first.at + RECEIPT_GAP_MS, conversation: "k2", ids: [],
                             resumed: true });
});

test("a conversation forgotten is neither receipted nor deduplicated", () => {
  receipts.shown("k1", "c1");
  receipts.forget("k1");
  clock.advance(RECEIPT_GAP_MS);
  assert.deepEqual(sent, []);
  assert.equal(receipts.shown("k1", "c1", { answer: false }), false);
});

test("memory is bounded: the oldest ids are forgotten first", () => {
  for (let n = 0; n <= REMEMBERED_IDS; n += 1) receipts.shown("k1", `c${n}`, { answer: false });
  assert.equal(receipts.shown("k1", "c0", { answer: false }), false, "the oldest went");
  assert.equal(receipts.shown("k1", `c${REMEMBERED_IDS}`, { answer: false }), true);
});
