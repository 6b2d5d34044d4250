// The receiving side of delivery receipts (docs/protocol.md, "Delivery receipts and
// resending"): which of the other side's messages this page shows, by client_id, so that one
// sent again is not shown twice, and the `received` frames that say so, batched. No DOM here:
// the page tells it what it showed and sends what it hands back.
//
// One `Receipts` per page, not per conversation: the rate limit counts the socket's frames
// (virtualcite/realtime/limits.py, 5 a second, 15 at once), so a counsellor with several busy
// conversations still sends at most one receipt every RECEIPT_GAP_MS.

/** At most one `received` this often per page: 2.5 a second, half of the rate limit. */
export const RECEIPT_GAP_MS = 400;
/** Ids in one `received` (chat/limits.py MAX_RECEIPT_IDS). */
export const MAX_RECEIPT_IDS = 50;
/** Ids remembered per conversation to drop a message sent again: far more than a resend
 * can lag behind. */
export const REMEMBERED_IDS = 500;

const realClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer),
};

export class Receipts {
  /** @param {(conversation: string, clientIds: string[], resumed: boolean) => boolean} send
   *   sends one `received`; false when the socket is down (it is tried again later)
   *  @param {{now: () => number, setTimer: Function, clearTimer: Function}} [clock] */
  constructor(send, clock = realClock) {
    this.send = send;
    this.clock = clock;
    this.shownIds = new Map(); // conversation -> Set of client_ids shown, oldest first
    this.queue = new Map(); // conversation -> {ids, resumed}, in the order they were queued
    this.lastSentAt = -Infinity;
    this.timer = null;
  }

  /** A message of `conversation` reached the page. True when its client_id is already shown
   * (a message sent again): drop it. With `answer` (the other side's message) it is receipted
   * either way: a resend means the receipt was lost. */
  shown(conversation, clientId, { answer = true } = {}) {
    if (!clientId) return false;
    let ids = this.shownIds.get(conversation);
    if (!ids) this.shownIds.set(conversation, ids = new Set());
    const duplicate = ids.has(clientId);
    if (!duplicate) {
      ids.add(clientId);
      if (ids.size > REMEMBERED_IDS) ids.delete(ids.values().next().value);
    }
    if (answer) this.enqueue(conversation, [clientId], false);
    return duplicate;
  }

  /** This page (re)connected showing `conversation`: a `resumed` receipt, with the last ids
   * it shows, tells the other side to send again what has none. */
  resumed(conversation) {
    const ids = [...(this.shownIds.get(conversation) ?? [])].slice(-MAX_RECEIPT_IDS);
    this.enqueue(conversation, ids, true);
  }

  /** The conversation is over for this page: nothing more to say or to drop. */
  forget(conversation) {
    this.shownIds.delete(conversation);
    this.queue.delete(conversation);
  }

  enqueue(conversation, ids, resumed) {
    const waiting = this.queue.get(conversation) ?? { ids: [], resumed: false };
    for (const id of ids) if (!waiting.ids.includes(id)) waiting.ids.push(id);
    waiting.resumed = waiting.resumed || resumed;
    this.queue.set(conversation, waiting);
    this.schedule();
  }

  schedule() {
    if (this.timer !== null || this.queue.size === 0) return;
    const wait = Math.max(0, this.lastSentAt + RECEIPT_GAP_MS - this.clock.now());
    this.timer = this.clock.setTimer(() => this.flush(), wait);
  }

  /** Send the receipt waiting longest (at most MAX_RECEIPT_IDS of its ids), then wait. */
  flush() {
    this.timer = null;
    const [conversation, waiting] = this.queue.entries().next().value ?? [];
    if (conversation === undefined) return;
    const ids = waiting.ids.slice(0, MAX_RECEIPT_IDS);
    this.lastSentAt = this.clock.now();
    if (this.send(conversation, ids, waiting.resumed)) {
      this.queue.delete(conversation);
      const rest = waiting.ids.slice(MAX_RECEIPT_IDS);
      if (rest.length) this.queue.set(conversation, { ids: rest, resumed: false });
    } else {
      this.queue.delete(conversation); // to the back of the line: the others get their turn
      this.queue.set(conversation, waiting);
    }
    this.schedule();
  }

  /** Stop the timer (the page is going away). */
  cancel() {
    this.clock.clearTimer(this.timer);
    this.timer = null;
  }
}
