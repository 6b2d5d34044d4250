// Canned replies: the conversation's pole's, inserted where the caret is, never cut.
import assert from "node:assert/strict";
import { test } from "node:test";
import { insertReply, repliesFor } from "../../frontend/static/frontend/js/canned.js";

const replies = [
  { id: 1, pole: "find-a-job", title: "Bonjour", text: "Bonjour !" },
  { id: 2, pole: "find-training", title: "Financement", text: "Le CPF…" },
  { id: 3, pole: "find-a-job", title: "Droits", text: "Vos droits…" },
];

test("the composer offers the replies of the conversation's pole, in order", () => {
  assert.deepEqual(repliesFor(replies, "find-a-job").map((reply) => reply.id), [1, 3]);
  assert.deepEqual(repliesFor(replies, "create-business"), []);
});

test("a reply goes where the caret is, the caret after it", () => {
  assert.deepEqual(insertReply("", 0, 0, "Bonjour !"), { value: "Bonjour !", caret: 9 });
  assert.deepEqual(insertReply("Merci.", 6, 6, "Bonjour"), { value: "Merci. Bonjour", caret: 14 });
  assert.deepEqual(insertReply("Merci. ", 7, 7, "Bonjour"), { value: "Merci. Bonjour", caret: 14 });
  assert.deepEqual(insertReply("A  B", 2, 2, "x"), { value: "A x B", caret: 3 });
});

test("a reply replaces the selection", () => {
  assert.deepEqual(insertReply("Dites TRUC merci", 6, 10, "bonjour"),
                   { value: "Dites bonjour merci", caret: 13 });
});

test("a reply that would pass the message limit is refused whole", () => {
  assert.equal(insertReply("x".repeat(1995), 1995, 1995, "Bonjour", 2000), null);
  assert.deepEqual(insertReply("", 0, 0, "Bonjour", 7), { value: "Bonjour", caret: 7 });
});
