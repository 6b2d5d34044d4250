import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { cardLabel, formatDuration, formatEstimate, formatWhen } from
  "../../frontend/static/frontend/js/format.js";

// The page's language and the Cité's time zone, as base.html renders them.
globalThis.document = { documentElement: { lang: "fr" },
                        body: { dataset: { timeZone: "Europe/Paris" } } };

test("a wait estimate reads in whole minutes, or says the desk cannot tell", () => {
  assert.equal(formatEstimate(null), "unknown");
  assert.equal(formatEstimate(undefined), "unknown");
  assert.equal(formatEstimate(0), "less than a minute");
  assert.equal(formatEstimate(59), "less than a minute");
  assert.equal(formatEstimate(60), "about 1 minute");
  assert.equal(formatEstimate(150), "about 3 minutes");
});

test("an elapsed wait is in seconds under a minute, else in whole minutes", () => {
  assert.equal(formatDuration(40), "40 s");
  assert.equal(formatDuration(59.6), "1 min");
  assert.equal(formatDuration(185), "3 min");
  assert.equal(formatDuration(-3), "0 s");
  assert.equal(formatDuration(null), "0 s");
});

test("an opening time is the Cité's local weekday and hour, in the page's language", () => {
  const tuesdayOneUtc = Date.UTC(2026, 10, 24, 13, 0) / 1000; // 14:00 in Paris (CET)
  const shown = formatWhen(tuesdayOneUtc);
  assert.match(shown, /mardi/);
  assert.match(shown, /24 novembre/);
  assert.match(shown, /14:00/);
  assert.equal(formatWhen(null), "");
});

test("a counsellor is named with their institution", () => {
  assert.equal(cardLabel({ id: "1", name: "Camille", institution: "France Travail" }),
               "Camille (France Travail)");
});
