// The managers' dashboard as the page shows it, from its frames (docs/protocol.md, Managers).
import assert from "node:assert/strict";
import { test } from "node:test";
import "./i18n.mjs";
import { alertsText, belowTarget, chartData, institutionsText, needsAttention, poleCells,
         roomCells, serviceLevelText } from "../../frontend/static/frontend/js/dashboard_view.js";

const level = (today) => ({ target_wait_seconds: 180, target_level: 80, today,
                            answered_in_time: 0, counted: 0 });
const pole = (extra = {}) => ({
  slug: "find-a-job", name: "Find a job", colour: "#1f5f8b", open: true, waiting: 3,
  longest_wait: 250, estimate_seconds: 400, counsellors_online: 2, counsellors_available: 1, planned: 3,
  by_institution: [{ institution: "France Travail", online: 2, available: 1 }],
  conversations: 4, offers_pending: 1, service_level: level(0.75), needed: 3,
  advice: "2 online, 3 needed for 80 % in 3 min",
  alerts: [{ kind: "waiting_over", value: 3, threshold: 2 }], ...extra });

test("the service level reads against the pole's aim, and says when nobody was counted", () => {
  assert.equal(serviceLevelText(level(0.856)), "86 % (aim 80 % in 3 min)");
  assert.equal(serviceLevelText(level(null)), "none yet (aim 80 % in 3 min)");
  assert.equal(belowTarget(level(0.75)), true);
  assert.equal(belowTarget(level(0.8)), false);
  assert.equal(belowTarget(level(null)), false);
});

test("each partner's counsellors are listed with how many are available", () => {
  assert.equal(institutionsText([{ institution: "CIDJ", online: 1, available: 0 },
                                 { institution: "Apec", online: 3, available: 2 }]),
               "CIDJ 1 (0), Apec 3 (2)");
  assert.equal(institutionsText([]), "nobody on shift");
});

test("a pole's row gives every column, a closed idle pole without waits", () => {
  assert.deepEqual(poleCells(pole()), ["Find a job", "3", "4 min", "about 7 minutes",
                                       "75 % (aim 80 % in 3 min)", "2 (1)", "3",
                                       "2 online, 3 needed for 80 % in 3 min",
                                       "France Travail 2 (1)", "4", "1",
                                       "3 waiting, more than 2"]);
  const closed = poleCells(pole({ open: false, waiting: 0, estimate_seconds: null }));
  assert.deepEqual(closed.slice(0, 4), ["Find a job (closed)", "0", "–", "–"]);
});

test("a running room's row says whether a facilitator is there", () => {
  const room = { slug: "club", title: "Club", pole: "p", status: "paused", capacity: 12,
                 seated: 5, waiting: 2, admitted: 7, left_early: 1 };
  assert.deepEqual(roomCells(room), ["Club", "paused (no facilitator)", "5 of 12", "2", "7",
                                     "1"]);
});

test("the charts draw one line per pole with points, waits in minutes, gaps kept", () => {
  const day = { minutes: ["09:00", "09:01", "09:02"], poles: [
    { slug: "a", name: "A", colour: "#111111", waiting: [1, null, 3], longest_wait: [60, null, 90] },
    { slug: "b", name: "B", colour: "#222222", waiting: [null, null, null],
      longest_wait: [null, null, null] },
  ] };
  const waiting = chartData(day, "waiting");
  assert.deepEqual(waiting.labels, ["09:00", "09:01", "09:02"]);
  assert.deepEqual(waiting.datasets.map((set) => [set.label, set.data]), [["A", [1, null, 3]]]);
  assert.deepEqual(chartData(day, "longest_wait").datasets[0].data, [1, null, 1.5]);
});

test("a pole's alerts are said in words, and mark its row as the missed aim does", () => {
  assert.equal(alertsText([{ kind: "wait_over", value: 12, threshold: 10 },
                           { kind: "nobody_available", value: 0, threshold: 0 }]),
               "longest wait 12 min, over 10; nobody available");
  assert.equal(alertsText([]), "");
  assert.equal(needsAttention(pole({ alerts: [], service_level: level(0.9) })), false);
  assert.equal(needsAttention(pole({ alerts: [], service_level: level(0.5) })), true);
  assert.equal(needsAttention(pole()), true);
});
