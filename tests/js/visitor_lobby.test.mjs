import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { AVAILABILITY, availability, figureLines, unavailableText, waitingText } from
  "../../frontend/static/frontend/js/visitor_lobby.js";

const status = (fields) => ({ open: true, counsellors_online: 2, counsellors_available: 1,
                              waiting: 0, estimate_seconds: null, ...fields });

test("open is not the same as someone able to answer", () => {
  assert.equal(availability(status({ open: false })), AVAILABILITY.CLOSED);
  assert.equal(availability(status({ counsellors_online: 0, counsellors_available: 0 })),
               AVAILABILITY.NOBODY_ONLINE);
  assert.equal(availability(status({ counsellors_available: 0 })), AVAILABILITY.ALL_BUSY);
  assert.equal(availability(status({})), AVAILABILITY.AVAILABLE);
});

test("an open pole nobody can answer says so, in the lobby and in its queue", () => {
  const nobody = status({ counsellors_online: 0, counsellors_available: 0 });
  const busy = status({ counsellors_available: 0 });
  assert.match(unavailableText(nobody), /no counsellor is online/);
  assert.match(unavailableText(busy), /every counsellor is busy/);
  assert.match(waitingText(nobody), /No counsellor of this pole is online/);
  assert.match(waitingText(busy), /You keep your place/);
  for (const quiet of [status({}), status({ open: false, counsellors_online: 0 })]) {
    assert.equal(unavailableText(quiet), null);
    assert.equal(waitingText(quiet), null);
  }
});

test("the card's figures tell counsellors online from those available", () => {
  assert.deepEqual(figureLines(status({ counsellors_online: 3, counsellors_available: 1,
                                        waiting: 1 })), [
    "3 counsellors online, 1 available now", "1 person waiting", "Estimated wait: unknown"]);
  assert.equal(figureLines(status({ counsellors_online: 1, counsellors_available: 0 }))[0],
               "1 counsellor online, 0 available now");
});
