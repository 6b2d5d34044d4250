// A frame that replaces one part of a room: the room after it, and what both pages say of it.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { partHandlers, withPart } from "../../frontend/static/frontend/js/room_view.js";

const ROOM = { slug: "club", slow_mode: 0, step: null, pinned: [], facilitators: [] };

test("each replacing frame changes its own part only, and says or notes it", () => {
  const step = { index: 0, count: 3, title: "Se présenter", instructions: "" };
  const stepped = withPart(ROOM, { type: "step", step });
  assert.deepEqual(stepped.room, { ...ROOM, step });
  assert.match(stepped.note, /Step 1 of 3: Se présenter/);
  assert.equal(withPart(ROOM, { type: "slow_mode", seconds: 0 }).say, "Slow mode is off.");
  assert.equal(withPart(ROOM, { type: "slow_mode", seconds: 30 }).room.slow_mode, 30);
  assert.deepEqual(withPart(ROOM, { type: "facilitators", facilitators: [{ id: "1", name: "N" }] })
    .room.facilitators, [{ id: "1", name: "N" }]);
  assert.deepEqual(withPart(ROOM, { type: "hands", hands: [] }).room, ROOM);
});

test("the handlers wait for the room, then replace, render and tell, in that order", () => {
  let room = null;
  const seen = [];
  const handlers = partHandlers({
    current: () => room, replace: (next) => { room = next; seen.push("replace"); },
    render: () => seen.push("render"), say: (text) => seen.push(`say ${text}`),
    note: (text) => seen.push(`note ${text}`),
  });
  handlers.pinned({ type: "pinned", resources: [] });
  assert.deepEqual(seen, []);  // before the welcome: nothing to change yet
  room = ROOM;
  handlers.pinned({ type: "pinned", resources: [{ id: 7 }] });
  assert.deepEqual(room.pinned, [{ id: 7 }]);
  assert.deepEqual(seen, ["replace", "render", "say The pinned resources changed."]);
});
