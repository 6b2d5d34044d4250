// The desk's banner for a pole that needs help, and its one-click shift.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { alertBanners, alertReasons, shiftWithPole } from
  "../../frontend/static/frontend/js/pole_alerts.js";
import { ALERT_KINDS } from "../../frontend/static/frontend/js/wire.js";

const shift = { status: "available", poles: ["find-a-job"], capacity: 2 };
const training = (kind, value, threshold) => ({ pole: "find-training", name: "Find a training course",
                                                kind, value, threshold });

test("the page has words for exactly the alert kinds the server sends", () => {
  assert.deepEqual(Object.keys(alertReasons()).sort(), [...ALERT_KINDS].sort());
});

test("one banner per pole says why it needs help", () => {
  const banners = alertBanners([training("waiting_over", 6, 5), training("nobody_available", 6, 0),
    { pole: "discover-jobs", name: "Learn about jobs", kind: "wait_over", value: 12, threshold: 10 }], shift);
  assert.deepEqual(banners, [
    { pole: "find-training", name: "Find a training course",
      text: "Find a training course needs help: 6 people are waiting, nobody is available" },
    { pole: "discover-jobs", name: "Learn about jobs",
      text: "Learn about jobs needs help: someone has been waiting for over 10 minutes" }]);
  assert.equal(alertBanners([training("waiting_over", 1, 0)], shift)[0].text,
               "Find a training course needs help: 1 person is waiting");
});

test("a kind the page does not know yet still shows the pole", () => {
  assert.equal(alertBanners([training("brand_new", 1, 0)], shift)[0].text,
               "Find a training course needs help");
});

test("no banner off shift, while the shift ends, or for a pole already served", () => {
  const alerts = [training("waiting_over", 6, 5)];
  assert.deepEqual(alertBanners(alerts, null), []);
  assert.deepEqual(alertBanners(alerts, { ...shift, status: "draining" }), []);
  assert.deepEqual(alertBanners(alerts, { ...shift, poles: ["find-a-job", "find-training"] }), []);
  assert.equal(alertBanners(alerts, { ...shift, status: "paused" }).length, 1);
});

test("adding a pole sends the running shift with the pole added, once", () => {
  assert.deepEqual(shiftWithPole(shift, "find-training"),
                   { type: "shift_start", poles: ["find-a-job", "find-training"], capacity: 2 });
  assert.deepEqual(shiftWithPole({ ...shift, poles: ["find-training"] }, "find-training").poles,
                   ["find-training"]);
  assert.equal(shiftWithPole(null, "find-training"), null);
});
