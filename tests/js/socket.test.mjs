import "./i18n.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { BACKOFF_MIN_MS, RESTART_MAX_MS, RESTART_MIN_MS } from "../../frontend/static/frontend/js/reconnect.js";
import { RealtimeSocket, isStale } from "../../frontend/static/frontend/js/socket.js";
import { CLOSE_CODES } from "../../frontend/static/frontend/js/wire.js";

test("a socket is dead once it has heard nothing for longer than the stale delay", () => {
  assert.equal(isStale(25_000, 0, 25_000), false);
  assert.equal(isStale(25_001, 0, 25_000), true);
});

// --- the socket itself, against a fake browser -------------------------------------------------

class FakeWebSocket {
  static OPEN = 1;
  static made = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.listeners = {};
    FakeWebSocket.made.push(this);
  }

  addEventListener(name, callback) { this.listeners[name] = callback; }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.fire("close", { code: 1000 }); }
  fire(name, event = {}) {
    if (name === "open") this.readyState = FakeWebSocket.OPEN;
    if (name === "close") this.readyState = 3;
    this.listeners[name]?.(event);
  }
}

const timers = [];
globalThis.WebSocket = FakeWebSocket;
globalThis.document = { documentElement: { lang: "en" } };
globalThis.window = {
  location: { protocol: "https:", host: "desk.example.org" },
  addEventListener() {},
  setTimeout: (callback, ms) => timers.push({ callback, ms }),
  clearTimeout() {},
  setInterval: () => 0,
  clearInterval() {},
};

const root = { dataset: { wsPath: "/ws/visitor/", heartbeatMs: "10000", staleMs: "25000" } };
let statuses;
let frames;
let socket;
beforeEach(() => {
  FakeWebSocket.made = [];
  timers.length = 0;
  statuses = [];
  frames = [];
  socket = new RealtimeSocket(root, {
    hello: () => ({ type: "hello", token: "t" }),
    frames: { welcome: (frame) => frames.push(frame) },
    onStatus: (status, code) => statuses.push(code === undefined ? status : [status, code]),
  });
  socket.connect();
});

test("it opens the page's route in the page's language and says hello first", () => {
  const [ws] = FakeWebSocket.made;
  assert.equal(ws.url, "wss://desk.example.org/ws/visitor/?lang=en");
  ws.fire("open");
  assert.deepEqual(ws.sent, [{ type: "hello", token: "t" }]);
  assert.deepEqual(statuses, ["connecting", "open"]);
  assert.equal(socket.send({ type: "ping" }), true);
});

test("frames go to the page's handler of their type; others and non-JSON are ignored", () => {
  const [ws] = FakeWebSocket.made;
  ws.fire("open");
  for (const data of ['{"type":"welcome","token":null}', '{"type":"brand_new"}',
                      '{"type":"constructor"}', '{"type":5}', "not json", "null"]) {
    ws.fire("message", { data });
  }
  assert.deepEqual(frames, [{ type: "welcome", token: null }]);
});

test("after a drop it says so and tries again after the backoff", () => {
  const [ws] = FakeWebSocket.made;
  ws.fire("open");
  ws.fire("close", { code: CLOSE_CODES.DROPPED });
  assert.deepEqual(statuses, ["connecting", "open", "reconnecting"]);
  assert.equal(socket.send({ type: "ping" }), false);
  const [retry] = timers;
  assert.ok(retry.ms >= BACKOFF_MIN_MS / 2 && retry.ms <= BACKOFF_MIN_MS);
  retry.callback();
  assert.equal(FakeWebSocket.made.length, 2);
});

test("after a server's restart (1012) it waits 0.5-3 s, then backs off as after a drop", () => {
  const [ws] = FakeWebSocket.made;
  ws.fire("open");
  ws.fire("close", { code: CLOSE_CODES.SERVICE_RESTART });
  assert.deepEqual(statuses, ["connecting", "open", "reconnecting"]);
  const [restart] = timers;
  assert.ok(restart.ms >= RESTART_MIN_MS && restart.ms <= RESTART_MAX_MS, restart.ms);
  restart.callback();
  FakeWebSocket.made[1].fire("close", { code: CLOSE_CODES.DROPPED }); // the next one fails
  const retry = timers.at(-1);
  assert.ok(retry.ms >= BACKOFF_MIN_MS / 2 && retry.ms <= BACKOFF_MIN_MS * 2, retry.ms);
});

test("after a final close it stops for good and says with which code", () => {
  const [ws] = FakeWebSocket.made;
  ws.fire("open");
  ws.fire("close", { code: CLOSE_CODES.FORBIDDEN });
  assert.deepEqual(statuses.at(-1), ["closed", CLOSE_CODES.FORBIDDEN]);
  assert.equal(timers.length, 0);
  socket.reconnectNow();
  assert.equal(FakeWebSocket.made.length, 1);
});

test("a token open in too many tabs (4009) stops the socket instead of retrying", () => {
  const [ws] = FakeWebSocket.made;
  ws.fire("open");
  ws.fire("close", { code: CLOSE_CODES.TOO_MANY_CONNECTIONS });
  assert.deepEqual(statuses.at(-1), ["closed", CLOSE_CODES.TOO_MANY_CONNECTIONS]);
  assert.equal(timers.length, 0, "no retry is scheduled");
  socket.reconnectNow(); // the browser coming back online does not retry either
  assert.equal(FakeWebSocket.made.length, 1);
});
