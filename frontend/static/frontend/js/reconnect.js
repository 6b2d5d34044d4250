// When a page's socket tries again after a close, and when it gives up: the reconnection
// policy of docs/protocol.md (Reconnecting), in one place, tested by tests/js/reconnect.test.mjs.
import { CLOSE_CODES } from "./wire.js";

// After a drop: 0.5 s doubling to 15 s, each wait drawn from the upper half of its ceiling.
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15000;
// After 1012 (the server is stopping and handing its sockets over): a wait drawn uniformly
// from 0.5-3 s. Its floor gives the old process time to record the close before the page
// resumes elsewhere; its spread keeps the pages of one process from all coming back in the
// same instant. Well inside every lease (20 s) and grace (60 s): nobody loses their place.
export const RESTART_MIN_MS = 500;
export const RESTART_MAX_MS = 3000;
// Close codes after which retrying cannot help. 4009: the token is already open in other tabs;
// retrying would only knock on the same door every few seconds, so the page stops and says
// why (its `closedText`).
const FINAL_CLOSE_CODES = new Set([CLOSE_CODES.UNAUTHENTICATED, CLOSE_CODES.FORBIDDEN,
                                   CLOSE_CODES.UNKNOWN_ROOM, CLOSE_CODES.TOO_MANY_CONNECTIONS,
                                   CLOSE_CODES.ABUSE]);

/** True when a socket closed with `code` must not reconnect. */
export function isFinalClose(code) {
  return FINAL_CLOSE_CODES.has(code);
}

/** The wait before reconnection attempt `attempt` (0 for the first): its ceiling doubles from
 * BACKOFF_MIN_MS to BACKOFF_MAX_MS, and the wait is drawn from the ceiling's upper half, so the
 * pages of many visitors do not all come back at once after a server restart. */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** The wait after a close 1012, before the first attempt; attempts that fail after it back
 * off as after a drop. */
export function restartDelay(random = Math.random) {
  return RESTART_MIN_MS + random() * (RESTART_MAX_MS - RESTART_MIN_MS);
}
