// The room pages' decisions: the participant's place, the composer, slow mode, a closed room's
// session, the host's buttons, steps and pins.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clockOffset, composerBlock, freeSeats, hostActions, participantMode, pinnedForHost,
         slowModeWait, statusPhase, stepsProgress, tokenKey } from
  "../../frontend/static/frontend/js/room_state.js";

test("each room keeps its own token", () => {
  assert.notEqual(tokenKey("club-a"), tokenKey("club-b"));
  assert.equal(tokenKey("club-a"), "vc.room.club-a");
});

test("the place the server gives: outside, waiting, seated, or removed (a token, no place)",
  () => {
    assert.equal(participantMode(null, null), "outside");
    assert.equal(participantMode("t", { seated: false, position: 2 }), "waiting");
    assert.equal(participantMode("t", { seated: true, position: null }), "seated");
    assert.equal(participantMode("t", null), "removed");
  });

test("the composer is shut for the room first, then mute, then slow mode", () => {
  const seated = { mode: "seated", status: "open", muted: false, slowWait: 0 };
  assert.equal(composerBlock(seated), null);
  assert.equal(composerBlock({ ...seated, mode: "waiting" }), "not_seated");
  assert.equal(composerBlock({ ...seated, status: "paused", muted: true }), "paused");
  assert.equal(composerBlock({ ...seated, status: "closed" }), "room_not_open");
  assert.equal(composerBlock({ ...seated, muted: true, slowWait: 5 }), "muted");
  assert.equal(composerBlock({ ...seated, slowWait: 5 }), "slow_mode");
});

test("slow mode counts from the participant's last message on the server's clock", () => {
  assert.equal(slowModeWait({ lastSentAt: 100, seconds: 30, now: 110 }), 20);
  assert.equal(slowModeWait({ lastSentAt: 100, seconds: 30, now: 129.2 }), 1);
  assert.equal(slowModeWait({ lastSentAt: 100, seconds: 30, now: 131 }), 0);
  assert.equal(slowModeWait({ lastSentAt: null, seconds: 30, now: 131 }), 0);
  assert.equal(slowModeWait({ lastSentAt: 100, seconds: 0, now: 101 }), 0);
  assert.equal(clockOffset(1000, 990_000), 10);
});

test("a closed room says whether its session is ahead, running unopened, or not planned", () => {
  const closed = { status: "closed", opens_at: 1000, closes_at: 2000 };
  assert.equal(statusPhase(closed, 500), "opens_later");
  assert.equal(statusPhase(closed, 1500), "not_yet_opened");
  assert.equal(statusPhase(closed, 2500), "no_session");
  assert.equal(statusPhase({ ...closed, opens_at: null, closes_at: null }, 500), "no_session");
  assert.equal(statusPhase({ ...closed, status: "open" }, 500), "open");
  assert.equal(statusPhase({ ...closed, status: "paused" }, 500), "paused");
});

test("free seats never go below zero", () => {
  assert.equal(freeSeats({ capacity: 2, seated: 1 }), 1);
  assert.equal(freeSeats({ capacity: 2, seated: 3 }), 0);
});

test("a host opens a closed room, closes an open or paused one", () => {
  assert.deepEqual(hostActions("closed"), { open: true, close: false, moderate: false });
  assert.deepEqual(hostActions("open"), { open: false, close: true, moderate: true });
  assert.deepEqual(hostActions("paused"), { open: false, close: true, moderate: true });
});

test("the steps announced so far, the current one and the next to announce", () => {
  const titles = ["One", "Two", "Three"];
  assert.equal(stepsProgress(titles, null).next, 0);
  const progress = stepsProgress(titles, { index: 1, count: 3 });
  assert.deepEqual(progress.steps.map((step) => [step.announced, step.current]),
                   [[true, false], [true, true], [false, false]]);
  assert.equal(progress.next, 2);
  assert.equal(stepsProgress(titles, { index: 2, count: 3 }).next, null);
  assert.equal(stepsProgress([], null).next, null);
});

test("a host may unpin what was pinned in the session, not the room's own pins", () => {
  const cards = [{ id: 1 }, { id: 7 }];
  assert.deepEqual(pinnedForHost(cards, [1]).map((item) => item.removable), [false, true]);
});
