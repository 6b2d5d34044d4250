import "./i18n.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { OWN, OwnMessages, ownLook, ownStatus } from "../../frontend/static/frontend/js/own_messages.js";

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
    assert.deepEqual(ownStatus(OWN.SENT), { text: "Delivered", retry: false });
    assert.deepEqual(ownStatus(OWN.FAILED), { text: "Not delivered", retry: true });
    assert.deepEqual(ownStatus(OWN.UNSURE), { text: "Delivery not confirmed", retry: true });
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
