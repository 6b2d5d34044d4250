import "./i18n.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { OWN, OwnMessages, RESEND_AFTER_MS, RESEND_GAP_MS, RESEND_PACE_MS, RESENDS,
  ResendPacer, ownLook, ownStatus } from "../../frontend/static/frontend/js/own_messages.js";
import { fakeClock } from "./fake_clock.mjs";

let painted;
let own;
beforeEach(() => {
  painted = [];
  own = new OwnMessages((line, state) => painted.push([line, state]));
});

test("a message sent is pending until the server echoes its client_id, then sent", () => {
  own.add("m1", "line 1");
  assert.equal(own.acknowledge("m1"), "line 1");
  assert.deepEqual(painted, [["line 1", OWN.PENDING], ["line 1", OWN.SENT]]);
  assert.equal(own.acknowledge("m1"), null, "an echo seen twice is not ours any more");
});

test("someone else's message, or one without a client_id, is not taken for ours", () => {
  own.add("m1", "line 1");
  assert.equal(own.acknowledge("c1"), null);
  assert.equal(own.acknowledge(null), null);
  assert.equal(own.refuse(undefined), null);
  assert.deepEqual(painted, [["line 1", OWN.PENDING]]);
});

test("an error naming its client_id fails it: nobody got it", () => {
  own.add("m1", "line 1");
  assert.equal(own.refuse("m1"), "line 1");
  assert.deepEqual(painted.at(-1), ["line 1", OWN.FAILED]);
  assert.equal(own.acknowledge("m1"), null);
});

test("a dropped socket makes every pending message unsure; an echo that still comes settles it",
  () => {
    own.add("m1", "line 1");
    own.add("m2", "line 2");
    own.acknowledge("m1");
    own.connectionLost();
    assert.deepEqual(painted.slice(-1), [["line 2", OWN.UNSURE]]);
    assert.equal(own.acknowledge("m2"), "line 2");
    assert.deepEqual(painted.at(-1), ["line 2", OWN.SENT]);
  });

test("clearing the transcript forgets the messages still waiting", () => {
  own.add("m1", "line 1");
  own.clear();
  assert.equal(own.acknowledge("m1"), null);
});

test("each state has its look: dimmed while waiting, marked when it may not have gone", () => {
  assert.deepEqual(ownLook(OWN.PENDING), { pending: true, failed: false, title: "Sending…" });
  assert.deepEqual(ownLook(OWN.SENT), { pending: false, failed: false, title: null });
  assert.deepEqual(ownLook(OWN.FAILED), {
    pending: true, failed: true, title: "This message was not sent. Please send it again." });
  assert.deepEqual(ownLook(OWN.UNSURE), {
    pending: true, failed: true, title: "This message may not have been delivered." });
});

test("each state says where the message is; only one that may not have gone offers a retry",
  () => {
    assert.deepEqual(ownStatus(OWN.PENDING), { text: "Sending…", retry: false });
    assert.deepEqual(ownStatus(OWN.SENT), { text: "Sent", retry: false });
    assert.deepEqual(ownStatus(OWN.DELIVERED), { text: "Received", retry: false });
    assert.deepEqual(ownStatus(OWN.FAILED), { text: "Not sent", retry: true });
    assert.deepEqual(ownStatus(OWN.UNSURE), { text: "Delivery not confirmed", retry: true });
    assert.deepEqual(ownStatus(OWN.UNDELIVERED), { text: "Not received", retry: true });
    assert.throws(() => ownStatus("lost"));
  });

test("a watcher sees every change with its client_id; a retry makes it pending again", () => {
  const seen = [];
  own.watch((line, state, clientId) => seen.push([line, state, clientId]));
  own.add("m1", "line 1");
  own.refuse("m1");
  own.add("m1", "line 1"); // sent again, same client_id
  own.connectionLost();
  own.acknowledge("m1");
  assert.deepEqual(seen, [["line 1", OWN.PENDING, "m1"], ["line 1", OWN.FAILED, "m1"],
                          ["line 1", OWN.PENDING, "m1"], ["line 1", OWN.UNSURE, "m1"],
                          ["line 1", OWN.SENT, "m1"]]);
  assert.deepEqual(painted.map(([, state]) => state), seen.map(([, state]) => state));
});

// --- with receipts (the 1:1 desk): sent, then received, or sent again ---------------------------

const T0 = 1_000_000;

function withReceipts() {
  const states = [];
  const messages = new OwnMessages((line, state) => states.push([line, state]), { receipts: true });
  return { messages, states };
}

test("with receipts a message goes sending, sent (the echo), then received (the receipt)", () => {
  const { messages, states } = withReceipts();
  messages.add("m1", "line 1", "Bonjour", T0);
  assert.equal(messages.acknowledge("m1"), "line 1");
  assert.equal(messages.delivered("m1"), "line 1");
  assert.deepEqual(states.map(([, state]) => state), [OWN.PENDING, OWN.SENT, OWN.DELIVERED]);
  assert.equal(messages.delivered("c9"), null, "a receipt for someone else's message");
  assert.deepEqual(messages.due(T0 + 10 * RESEND_AFTER_MS), [], "a received message is settled");
});

test("without receipts (a room) the echo settles it, and a receipt is not its business", () => {
  own.add("m1", "line 1", "Bonjour", T0);
  own.acknowledge("m1");
  assert.equal(own.delivered("m1"), null);
  assert.deepEqual(own.due(T0 + 10 * RESEND_AFTER_MS), []);
});

test("a sent message without a receipt is sent again every RESEND_AFTER_MS, then shown not "
     + "received", () => {
  const { messages, states } = withReceipts();
  messages.add("m1", "line 1", "Toujours là ?", T0);
  messages.acknowledge("m1");
  assert.deepEqual(messages.due(T0 + RESEND_AFTER_MS - 1), [], "not yet");
  let at = T0;
  for (let resend = 1; resend <= RESENDS; resend += 1) {
    at += RESEND_AFTER_MS;
    assert.deepEqual(messages.due(at), [{ clientId: "m1", text: "Toujours là ?" }], `resend ${resend}`);
    messages.resent("m1", at);
    assert.deepEqual(messages.due(at + 1), [], "just sent again: wait");
    messages.acknowledge("m1"); // the resend's echo
  }
  assert.deepEqual(messages.due(at + RESEND_AFTER_MS), []);
  assert.deepEqual(states.at(-1), ["line 1", OWN.UNDELIVERED]);
  assert.equal(ownStatus(OWN.UNDELIVERED).retry, true, "the person may send it again");
  assert.equal(messages.delivered("m1"), "line 1", "a receipt that still comes settles it");
});

test("a receipt that arrives before a resend's echo is not undone by the echo", () => {
  const { messages, states } = withReceipts();
  messages.add("m1", "line 1", "Bonjour", T0);
  messages.acknowledge("m1");
  messages.resent("m1", T0 + RESEND_AFTER_MS);
  messages.delivered("m1");
  assert.equal(messages.acknowledge("m1"), "line 1", "still known as ours: not shown as new");
  assert.equal(messages.refuse("m1"), "line 1");
  assert.deepEqual(states.at(-1), ["line 1", OWN.DELIVERED]);
});

test("when the other side is back, every message without a receipt goes again at once", () => {
  const { messages, states } = withReceipts();
  messages.add("m1", "line 1", "un", T0);
  messages.acknowledge("m1");
  messages.add("m2", "line 2", "deux", T0);
  messages.acknowledge("m2");
  messages.delivered("m2");
  messages.add("m3", "line 3", "trois", T0 + 2000); // sent a moment ago: its echo is coming
  messages.acknowledge("m3");
  assert.deepEqual(messages.unconfirmed(T0 + 2000 + RESEND_GAP_MS - 1),
                   [{ clientId: "m1", text: "un" }]);
  // One already given up on goes again too, with all its tries.
  for (let n = 0; n < RESENDS; n += 1) messages.resent("m3", T0 + 2000);
  messages.due(T0 + 2000 + RESEND_AFTER_MS);
  assert.deepEqual(states.at(-1), ["line 3", OWN.UNDELIVERED]);
  const back = T0 + 2000 + RESEND_AFTER_MS + RESEND_GAP_MS;
  assert.deepEqual(messages.unconfirmed(back).map(({ clientId }) => clientId), ["m1", "m3"]);
  assert.deepEqual(states.at(-1), ["line 3", OWN.SENT]);
  messages.resent("m3", back);
  assert.deepEqual(messages.due(back + RESEND_AFTER_MS).map(({ clientId }) => clientId),
                   ["m1", "m3"], "its tries start again");
});

test("a message unsure after a dropped socket is sent again too; a failed one waits for a click",
  () => {
    const { messages } = withReceipts();
    messages.add("m1", "line 1", "perdu ?", T0);
    messages.connectionLost();
    messages.add("m2", "line 2", "refusé", T0);
    messages.refuse("m2");
    assert.deepEqual(messages.unconfirmed(T0 + RESEND_GAP_MS), [{ clientId: "m1", text: "perdu ?" }]);
    assert.equal(messages.textOf("m2"), "refusé", "the text is there for the button");
    assert.equal(messages.textOf("c9"), null);
  });

test("a message received forgets its text: only what may be sent again is kept", () => {
  const { messages } = withReceipts();
  messages.add("m1", "line 1", "Bonjour", T0);
  messages.acknowledge("m1");
  messages.delivered("m1");
  assert.equal(messages.textOf("m1"), null);
});

test("only a message still without a receipt or a refusal is worth sending again", () => {
  const { messages } = withReceipts();
  messages.add("m1", "line 1", "un", T0);
  messages.acknowledge("m1");
  assert.equal(messages.unsettled("m1"), true);
  messages.delivered("m1");
  assert.equal(messages.unsettled("m1"), false);
  messages.add("m2", "line 2", "deux", T0);
  messages.refuse("m2");
  assert.equal(messages.unsettled("m2"), false);
  assert.equal(messages.unsettled("c9"), false);
});

test("a page's resends go one at a time, RESEND_PACE_MS apart, the first at once", () => {
  const clock = fakeClock(T0);
  const pacer = new ResendPacer(clock);
  const sentAt = [];
  for (const id of ["m1", "m2", "m3"]) pacer.push(id, () => { sentAt.push([id, clock.now()]); return true; });
  pacer.push("m2", () => assert.fail("a client_id already waiting is not queued twice"));
  clock.advance(10 * RESEND_PACE_MS);
  assert.deepEqual(sentAt, [["m1", T0], ["m2", T0 + RESEND_PACE_MS],
                            ["m3", T0 + 2 * RESEND_PACE_MS]]);
});

test("a resend no longer needed when its turn comes takes no turn", () => {
  const clock = fakeClock(T0);
  const pacer = new ResendPacer(clock);
  const sentAt = [];
  pacer.push("m1", () => { sentAt.push(["m1", clock.now()]); return true; });
  pacer.push("m2", () => false); // received meanwhile
  pacer.push("m3", () => { sentAt.push(["m3", clock.now()]); return true; });
  clock.advance(10 * RESEND_PACE_MS);
  assert.deepEqual(sentAt, [["m1", T0], ["m3", T0 + RESEND_PACE_MS]]);
});
