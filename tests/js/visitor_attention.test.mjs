import "./i18n.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { Attention, CHIME, MOMENT, SOUND_KEY, attentionTitle, chimesInView, momentText,
         playChime, rememberSound, soundOn } from
  "../../frontend/static/frontend/js/visitor_attention.js";

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

const refusing = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };

let doc;
let storage;
let chimed;
let notified;
let attention;
beforeEach(() => {
  doc = { title: "Cité", visibilityState: "visible", focused: true,
          hasFocus() { return this.focused; } };
  storage = new MemoryStorage();
  chimed = 0;
  notified = [];
  attention = new Attention({ document: doc, storage, chime: () => { chimed += 1; },
                              notify: (text) => notified.push(text) });
});

test("the sound is on by default, and the visitor's choice is remembered", () => {
  assert.equal(soundOn(storage), true);
  rememberSound(storage, false);
  assert.equal(storage.getItem(SOUND_KEY), "off");
  assert.equal(soundOn(storage), false);
  rememberSound(storage, true);
  assert.equal(soundOn(storage), true);
});

test("a browser that refuses storage still chimes, and does not crash", () => {
  assert.equal(soundOn(refusing), true);
  assert.doesNotThrow(() => rememberSound(refusing, false));
});

test("the title counts the moments missed and names the latest", () => {
  assert.equal(attentionTitle("Cité", 0, "New message"), "Cité");
  assert.equal(attentionTitle("Cité", 2, "New message"), "(2) New message · Cité");
});

test("every moment has its words, and only the calls to come back chime in view", () => {
  for (const moment of Object.values(MOMENT)) assert.ok(momentText(moment));
  assert.throws(() => momentText("offer"));
  assert.deepEqual(Object.values(MOMENT).filter(chimesInView),
                   [MOMENT.NEXT, MOMENT.CALLED, MOMENT.MATCHED]);
});

test("while the visitor looks away each moment changes the title, chimes and notifies", () => {
  doc.visibilityState = "hidden";
  assert.equal(attention.call(MOMENT.MATCHED), true);
  assert.equal(attention.call(MOMENT.MESSAGE), true);
  assert.equal(doc.title, "(2) New message · Cité");
  assert.equal(chimed, 2);
  assert.deepEqual(notified, ["A counsellor is answering you", "New message"]);
  doc.visibilityState = "visible";
  attention.seen();
  assert.equal(doc.title, "Cité");
  assert.equal(attention.call(MOMENT.MESSAGE), false, "a message seen as it comes is quiet");
  assert.equal(chimed, 2);
});

test("a window in the background counts as away, even when its tab is the visible one", () => {
  doc.focused = false;
  attention.call(MOMENT.MESSAGE);
  assert.equal(doc.title, "(1) New message · Cité");
});

test("in view, the match chimes without touching the title or notifying", () => {
  attention.call(MOMENT.MATCHED);
  assert.equal(chimed, 1);
  assert.equal(doc.title, "Cité");
  assert.deepEqual(notified, []);
});

test("with the sound off the title and the notification still call the visitor", () => {
  attention.soundOn = false;
  doc.visibilityState = "hidden";
  attention.call(MOMENT.NEXT);
  assert.equal(chimed, 0);
  assert.equal(doc.title, "(1) You are next in the queue · Cité");
  assert.deepEqual(notified, ["You are next in the queue"]);
});

test("the chime is two rising tones, each faded in and out, on the context's clock", () => {
  const calls = [];
  const param = (name) => ({
    setValueAtTime: (value, at) => calls.push([name, "set", value, at]),
    exponentialRampToValueAtTime: (value, at) => calls.push([name, "ramp", value, at]),
  });
  const context = {
    currentTime: 10,
    destination: "speakers",
    createOscillator: () => ({
      frequency: param("frequency"),
      connect: (to) => calls.push(["oscillator", "connect", to.name]),
      start: (at) => calls.push(["oscillator", "start", at]),
      stop: (at) => calls.push(["oscillator", "stop", at]),
    }),
    createGain: () => ({ name: "gain", gain: param("level"),
                         connect: (to) => calls.push(["gain", "connect", to]) }),
  };
  playChime(context);
  const tones = calls.filter(([what, how]) => what === "frequency" && how === "set");
  assert.deepEqual(tones.map(([, , hertz, at]) => [hertz, at]),
                   CHIME.map((tone) => [tone.hertz, 10 + tone.at]));
  assert.ok(CHIME[1].hertz > CHIME[0].hertz);
  const starts = calls.filter(([what, how]) => what === "oscillator" && how === "start");
  assert.equal(starts.length, 2);
  assert.deepEqual(calls.filter(([what, how]) => what === "oscillator" && how === "connect")
    .map(([, , to]) => to), ["gain", "gain"]);
  assert.deepEqual(calls.filter(([what]) => what === "gain"),
                   [["gain", "connect", "speakers"], ["gain", "connect", "speakers"]]);
  // Each fades out to silence before its oscillator stops: no click.
  const fades = calls.filter(([what, how, value]) => what === "level" && how === "ramp"
                             && value < 0.001);
  const stops = calls.filter(([what, how]) => what === "oscillator" && how === "stop");
  fades.forEach((fade, i) => assert.ok(fade[3] < stops[i][2]));
});
