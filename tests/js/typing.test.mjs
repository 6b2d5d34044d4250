import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { TYPING_IDLE_MS, TYPING_SEND_EVERY_MS, TypingNotice } from
  "../../frontend/static/frontend/js/typing.js";
import { fakeClock } from "./fake_clock.mjs";

let clock;
let said;
let notice;
beforeEach(() => {
  clock = fakeClock();
  said = [];
  notice = new TypingNotice((active) => said.push(active), clock);
});

test("the first keystroke says 'typing' at once, the next ones within the interval do not", () => {
  notice.input();
  clock.advance(1000);
  notice.input();
  clock.advance(1000);
  notice.input();
  assert.deepEqual(said, [true]);
});

test("typing on says 'typing' again once the interval has passed, so the other side keeps it", () => {
  for (let elapsed = 0; elapsed <= TYPING_SEND_EVERY_MS + 500; elapsed += 500) {
    notice.input();
    clock.advance(500);
  }
  assert.deepEqual(said, [true, true]);
});

test("no keystroke for the idle delay says 'stopped' once", () => {
  notice.input();
  clock.advance(TYPING_IDLE_MS - 1);
  assert.deepEqual(said, [true]);
  clock.advance(1);
  assert.deepEqual(said, [true, false]);
  clock.advance(60_000);
  notice.stop();
  assert.deepEqual(said, [true, false]);
});

test("sending the message says 'stopped' at once, and the idle timer says nothing more", () => {
  notice.input();
  notice.stop();
  clock.advance(TYPING_IDLE_MS * 2);
  assert.deepEqual(said, [true, false]);
});

test("after 'stopped' the next keystroke says 'typing' again at once", () => {
  notice.input();
  notice.stop();
  clock.advance(10);
  notice.input();
  assert.deepEqual(said, [true, false, true]);
});

test("a composer taken off the page goes quiet: cancel says nothing, now or later", () => {
  notice.input();
  notice.cancel();
  clock.advance(TYPING_IDLE_MS * 2);
  assert.deepEqual(said, [true]);
});

test("stopping without having typed says nothing", () => {
  notice.stop();
  assert.deepEqual(said, []);
});
