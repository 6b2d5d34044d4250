import assert from "node:assert/strict";
import { test } from "node:test";
import { BACKOFF_MAX_MS, BACKOFF_MIN_MS, RESTART_MAX_MS, RESTART_MIN_MS, backoffDelay,
         isFinalClose, restartDelay } from "../../frontend/static/frontend/js/reconnect.js";
import { CLOSE_CODES } from "../../frontend/static/frontend/js/wire.js";

test("reconnections wait from 0.25-0.5 s, doubling to at most 15 s, drawn from the upper half",
  () => {
    assert.equal(backoffDelay(0, () => 0), BACKOFF_MIN_MS / 2);
    assert.equal(backoffDelay(0, () => 1), BACKOFF_MIN_MS);
    assert.equal(backoffDelay(1, () => 1), BACKOFF_MIN_MS * 2);
    assert.equal(backoffDelay(3, () => 0.5), BACKOFF_MIN_MS * 8 * 0.75);
    assert.equal(backoffDelay(20, () => 0), BACKOFF_MAX_MS / 2);
    assert.equal(backoffDelay(20, () => 1), BACKOFF_MAX_MS);
  });

test("after a server's restart (1012) the wait is uniform over 0.5-3 s (docs/protocol.md)", () => {
  assert.equal(RESTART_MIN_MS, 500);
  assert.equal(RESTART_MAX_MS, 3000);
  assert.equal(restartDelay(() => 0), 500);
  assert.equal(restartDelay(() => 0.5), 1750);
  assert.equal(restartDelay(() => 1), 3000);
});

test("only a refusal that retrying cannot mend stops the socket (docs/protocol.md)", () => {
  for (const code of [CLOSE_CODES.UNAUTHENTICATED, CLOSE_CODES.FORBIDDEN, CLOSE_CODES.ABUSE,
                      CLOSE_CODES.UNKNOWN_ROOM, CLOSE_CODES.TOO_MANY_CONNECTIONS]) {
    assert.equal(isFinalClose(code), true, code);
  }
  for (const code of [CLOSE_CODES.TOO_MANY_SOCKETS, CLOSE_CODES.HELLO_TIMEOUT,
                      CLOSE_CODES.INTERNAL_ERROR, CLOSE_CODES.SERVICE_RESTART,
                      CLOSE_CODES.DROPPED, 1000, 1001]) {
    assert.equal(isFinalClose(code), false, code);
  }
});
