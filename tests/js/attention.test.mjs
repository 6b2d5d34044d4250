// Attention: the title's count, the chime and notifications, with the browser faked.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { Attention, NOTIFY_KEY, playChime, SOUND_KEY, titleWith } from
  "../../frontend/static/frontend/js/attention.js";

class FakeStorage {
  constructor(items = {}) { this.items = { ...items }; }
  getItem(key) { return Object.hasOwn(this.items, key) ? this.items[key] : null; }
  setItem(key, value) { this.items[key] = String(value); }
}

class FakeAudio {
  constructor(state = "running") {
    this.state = state;
    this.currentTime = 10;
    this.destination = {};
    this.started = [];
    this.resumed = 0;
  }
  resume() { this.resumed += 1; this.state = "running"; return Promise.resolve(); }
  createOscillator() {
    const audio = this;
    return { type: "", frequency: { value: 0 }, connect() {},
             start(at) { audio.started.push({ hz: this.frequency.value, at }); }, stop() {} };
  }
  createGain() {
    const ramps = [];
    return { ramps, connect() {}, gain: { setValueAtTime: (v, t) => ramps.push([v, t]),
                                          exponentialRampToValueAtTime: (v, t) => ramps.push([v, t]) } };
  }
}

function desk({ storage = new FakeStorage(), hidden = false, permission = "granted",
                answer = "granted", audio = new FakeAudio(), activated = () => true } = {}) {
  const seen = { titles: [], shown: [], requested: 0, audioMade: 0 };
  const env = {
    baseTitle: "Counsellor desk",
    setTitle: (title) => seen.titles.push(title),
    storage,
    hidden: () => hidden,
    audioContext: () => { seen.audioMade += 1; return audio; },
    activated,
    notifications: {
      permission: () => permission,
      request: async () => { seen.requested += 1; permission = answer; return answer; },
      show: (title, tag) => seen.shown.push({ title, tag }),
    },
  };
  return { attention: new Attention(env), seen, audio, env };
}

test("the title counts what waits, and says nothing when nothing does", () => {
  assert.equal(titleWith("Desk", 2), "(2) Desk");
  assert.equal(titleWith("Desk", 0), "Desk");
  const { attention, seen } = desk();
  attention.setCount(3);
  attention.setCount(0);
  assert.deepEqual(seen.titles, ["(3) Counsellor desk", "Counsellor desk"]);
});

test("the sound is off by default: a call plays nothing and makes no audio context", () => {
  const { attention, seen, audio } = desk();
  assert.equal(attention.sound, false);
  attention.call("A visitor is offered to you", "offer");
  attention.unlock();
  assert.equal(seen.audioMade, 0);
  assert.deepEqual(audio.started, []);
});

test("switched on, the sound is remembered, sampled at once and played on each call", () => {
  const storage = new FakeStorage();
  const { attention, audio } = desk({ storage });
  attention.setSound(true);
  assert.equal(storage.getItem(SOUND_KEY), "on");
  assert.equal(audio.started.length, 2); // the sample: two tones
  attention.call("New message", "message");
  assert.equal(audio.started.length, 4);
  const again = desk({ storage }); // a reload: still on
  assert.equal(again.attention.sound, true);
  again.attention.setSound(false);
  assert.equal(storage.getItem(SOUND_KEY), "off");
});

test("the chime is two short rising tones that ramp in and out", () => {
  const audio = new FakeAudio();
  const seconds = playChime(audio);
  assert.deepEqual(audio.started.map((tone) => tone.hz), [660, 880]);
  assert.ok(audio.started.every((tone) => tone.at >= 10));
  assert.ok(seconds > 0 && seconds < 0.5, String(seconds));
});

test("a suspended audio context is resumed at the next gesture", () => {
  const audio = new FakeAudio("suspended");
  const { attention } = desk({ storage: new FakeStorage({ [SOUND_KEY]: "on" }), audio });
  attention.unlock();
  assert.equal(audio.resumed, 1);
  assert.equal(audio.state, "running");
});

test("storage that refuses leaves both switches off and the page working", () => {
  const refusing = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  const { attention } = desk({ storage: refusing });
  assert.equal(attention.sound, false);
  attention.setSound(true); // not remembered, no error
  assert.equal(attention.notifying, false);
});

test("notifications: asked for only when switched on, shown only while the tab is hidden", async () => {
  const storage = new FakeStorage();
  const hidden = desk({ storage, hidden: true, permission: "default" });
  assert.equal(hidden.attention.notifying, false);
  hidden.attention.call("A visitor is offered to you", "offer");
  assert.deepEqual(hidden.seen.shown, []);
  assert.equal(hidden.seen.requested, 0); // never asked without the switch

  assert.equal(await hidden.attention.setNotifications(true), true);
  assert.equal(hidden.seen.requested, 1);
  assert.equal(storage.getItem(NOTIFY_KEY), "on");
  hidden.attention.call("A visitor is offered to you", "offer");
  assert.deepEqual(hidden.seen.shown, [{ title: "A visitor is offered to you", tag: "offer" }]);

  const shown = desk({ storage, hidden: false });
  shown.attention.call("New message", "message");
  assert.deepEqual(shown.seen.shown, []); // looking at the page: no notification
});

test("a refused permission turns the switch back off; switching off asks nothing", async () => {
  const storage = new FakeStorage();
  const { attention, seen } = desk({ storage, permission: "default", answer: "denied" });
  assert.equal(await attention.setNotifications(true), false);
  assert.equal(storage.getItem(NOTIFY_KEY), "off");
  assert.equal(await attention.setNotifications(false), false);
  assert.equal(seen.requested, 1);
  const denied = desk({ storage: new FakeStorage({ [NOTIFY_KEY]: "on" }), permission: "denied",
                        hidden: true });
  assert.equal(denied.attention.notifying, false); // permission withdrawn in the browser
});

test("a browser without notifications keeps the switch off", async () => {
  const { attention, env } = desk();
  env.notifications = null;
  assert.equal(await attention.setNotifications(true), false);
  assert.equal(attention.notifying, false);
});


test("after a reload with the sound on, the page says a click is needed until one happens", () => {
  const storage = new FakeStorage({ [SOUND_KEY]: "on" });
  let clicked = false;
  const { attention } = desk({ storage, activated: () => clicked });
  assert.equal(attention.soundWaitsForGesture, true);
  clicked = true;
  assert.equal(attention.soundWaitsForGesture, false);
  const quiet = desk({ activated: () => false }); // the sound off: nothing to wait for
  assert.equal(quiet.attention.soundWaitsForGesture, false);
});
