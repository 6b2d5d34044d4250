// What became of a message this page sent, from the moment it is shown to the other side's
// receipt (docs/protocol.md, "Delivery receipts and resending"). No DOM here: the transcript
// paints each line as `ownLook` says, and sends again what `due` or `unconfirmed` return.
//
//   pending -> sent        the server echoed its client_id: it took the message
//   sent -> delivered      a `delivered` named it: the other side's page shows it
//   pending -> failed      an `error` named its client_id: nobody got it
//   pending -> unsure      the socket dropped before the echo: it may or may not have gone
//   sent -> undelivered    sent again RESENDS times without a receipt: said, with a retry
//   unsure -> sent or failed, when the answer still comes on the next socket
//   any -> pending, when the sender sends it again by hand (same client_id)
//
// Receipts are the 1:1 desk's (`{receipts: true}`); a room's messages stop at "sent".
/* global gettext */

export const OWN = Object.freeze({
  PENDING: "pending", SENT: "sent", DELIVERED: "delivered", FAILED: "failed",
  UNSURE: "unsure", UNDELIVERED: "undelivered",
});

/** A sent message without a receipt is sent again this long after its last send... */
export const RESEND_AFTER_MS = 5000;
/** ...this many times, then shown not received (with a retry). */
export const RESENDS = 3;
/** When the other side comes back, what was sent this recently is left to its echo. */
export const RESEND_GAP_MS = 1000;

/** The page's automatic resends go one at a time, this far apart: with its receipts
 * (receipts.js, one every 400 ms) and a fast typist, the socket stays under the rate limit
 * (virtualcite/realtime/limits.py, 5 frames a second) however many are owed. */
export const RESEND_PACE_MS = 1000;

const realClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer),
};

/** How a line in that state looks: its classes and its tooltip (null: none). */
export function ownLook(state) {
  switch (state) {
    case OWN.PENDING: return { pending: true, failed: false, title: gettext("Sending…") };
    case OWN.FAILED:
      return { pending: true, failed: true,
               title: gettext("This message was not sent. Please send it again.") };
    case OWN.UNSURE:
      return { pending: true, failed: true,
               title: gettext("This message may not have been delivered.") };
    case OWN.UNDELIVERED:
      return { pending: false, failed: true,
               title: gettext("This message has not reached the other side yet.") };
    default: return { pending: false, failed: false, title: null };
  }
}

/** What the sender reads beside a message of theirs in that state, and whether the page
 * offers to send it again: once nobody got it, when the connection dropped before the
 * answer, or when the other side's page never said it shows it. */
export function ownStatus(state) {
  switch (state) {
    case OWN.PENDING: return { text: gettext("Sending…"), retry: false };
    case OWN.SENT: return { text: gettext("Sent"), retry: false };
    case OWN.DELIVERED: return { text: gettext("Received"), retry: false };
    case OWN.FAILED: return { text: gettext("Not sent"), retry: true };
    case OWN.UNSURE: return { text: gettext("Delivery not confirmed"), retry: true };
    case OWN.UNDELIVERED: return { text: gettext("Not received"), retry: true };
    default: throw new Error("unknown state " + state);
  }
}

/** Messages of this page not settled yet, by client_id: waiting for the server's answer, and
 * with receipts also for the other side's. */
export class OwnMessages {
  /** @param {(line: any, state: string) => void} paint called on every change of state
   *  @param {{receipts?: boolean}} [options] keep sent messages until their receipt */
  constructor(paint, { receipts = false } = {}) {
    this.paint = paint;
    this.receipts = receipts;
    this.records = new Map(); // clientId -> {line, text, state, sentAt, resends}
    this.watchers = [];
  }

  /** Also call `watcher(line, state, clientId)` on every change of state: for a page that
   * shows more than the line's look (a visible status, a "send again" button). */
  watch(watcher) {
    this.watchers.push(watcher);
  }

  /** A message sent, or sent again by hand (a retry keeps its client_id: whichever answer
   * comes first settles it). `text` is kept to send it again. */
  add(clientId, line, text = null, now = Date.now()) {
    const known = this.records.get(clientId);
    this.records.set(clientId, { line, text: text ?? known?.text ?? null, state: OWN.PENDING,
                                 sentAt: now, resends: 0 });
    this.show(line, OWN.PENDING, clientId);
  }

  /** Sent again automatically (`due`, `unconfirmed`): its look stays until an answer. */
  resent(clientId, now = Date.now()) {
    const record = this.records.get(clientId);
    if (!record) return;
    record.sentAt = now;
    record.resends += 1;
  }

  /** The server echoed it: its line, now sent, or null when it is not one of ours. A message
   * already received stays so (the echo of a resend that crossed its receipt). */
  acknowledge(clientId) {
    const record = this.find(clientId);
    if (!record) return null;
    if (!this.receipts) return this.settle(clientId, OWN.SENT);
    if (![OWN.SENT, OWN.DELIVERED, OWN.UNDELIVERED].includes(record.state)) {
      this.change(clientId, record, OWN.SENT);
    }
    return record.line;
  }

  /** A `delivered` named it: its line, now received, or null when it is not one of ours.
   * Its record stays, without the text: the echo of a resend that crossed the receipt is
   * still known as ours. */
  delivered(clientId) {
    const record = this.receipts ? this.find(clientId) : null;
    if (!record) return null;
    record.text = null;
    if (record.state !== OWN.DELIVERED) this.change(clientId, record, OWN.DELIVERED);
    return record.line;
  }

  /** An error named it: its line, now failed, or null when it is not one of ours. */
  refuse(clientId) {
    const record = this.find(clientId);
    if (!record) return null;
    if (!this.receipts) return this.settle(clientId, OWN.FAILED);
    // Kept: a late receipt of an earlier send wins; a resend refused after one changes nothing.
    if (record.state !== OWN.DELIVERED) this.change(clientId, record, OWN.FAILED);
    return record.line;
  }

  /** The socket dropped: every message still waiting for its echo may or may not have gone. */
  connectionLost() {
    for (const [clientId, record] of this.records) {
      if (record.state === OWN.PENDING) this.change(clientId, record, OWN.UNSURE);
    }
  }

  /** The messages to send again now, their last send RESEND_AFTER_MS ago without a receipt;
   * those already sent again RESENDS times are shown not received instead. */
  due(now = Date.now()) {
    const resend = [];
    for (const [clientId, record] of this.records) {
      if (![OWN.SENT, OWN.UNSURE].includes(record.state)) continue;
      if (now - record.sentAt < RESEND_AFTER_MS) continue;
      if (record.resends < RESENDS) resend.push({ clientId, text: record.text });
      else this.change(clientId, record, OWN.UNDELIVERED);
    }
    return resend;
  }

  /** The other side is back (or this page is): every message without a receipt, to send
   * again at once, each with RESENDS more tries; those sent in the last RESEND_GAP_MS wait. */
  unconfirmed(now = Date.now()) {
    const resend = [];
    for (const [clientId, record] of this.records) {
      if (![OWN.SENT, OWN.UNSURE, OWN.UNDELIVERED].includes(record.state)) continue;
      if (now - record.sentAt < RESEND_GAP_MS) continue;
      record.resends = 0;
      if (record.state === OWN.UNDELIVERED) this.change(clientId, record, OWN.SENT);
      resend.push({ clientId, text: record.text });
    }
    return resend;
  }

  /** Whether one of ours still has no receipt (nor a refusal): worth sending again. */
  unsettled(clientId) {
    const record = this.find(clientId);
    return Boolean(record) && ![OWN.DELIVERED, OWN.FAILED].includes(record.state);
  }

  /** The text of one of ours, to send it again by hand; null when it is not one of ours. */
  textOf(clientId) {
    return this.records.get(clientId)?.text ?? null;
  }

  clear() {
    this.records.clear();
  }

  find(clientId) {
    return clientId ? this.records.get(clientId) ?? null : null;
  }

  settle(clientId, state) {
    const record = this.find(clientId);
    if (!record) return null;
    this.records.delete(clientId);
    this.show(record.line, state, clientId);
    return record.line;
  }

  change(clientId, record, state) {
    record.state = state;
    this.show(record.line, state, clientId);
  }

  show(line, state, clientId) {
    this.paint(line, state);
    for (const watcher of this.watchers) watcher(line, state, clientId);
  }
}

/** One page's automatic resends, whatever the conversation, paced RESEND_PACE_MS apart: the
 * first goes at once. */
export class ResendPacer {
  /** @param {{now: () => number, setTimer: Function, clearTimer: Function}} [clock] */
  constructor(clock = realClock) {
    this.clock = clock;
    this.queue = new Map(); // clientId -> send(), in turn
    this.lastAt = -Infinity;
    this.timer = null;
  }

  /** `send()` when its turn comes; a client_id already waiting keeps its place. */
  push(clientId, send) {
    if (!this.queue.has(clientId)) this.queue.set(clientId, send);
    this.schedule();
  }

  schedule() {
    if (this.timer !== null || this.queue.size === 0) return;
    const wait = Math.max(0, this.lastAt + RESEND_PACE_MS - this.clock.now());
    this.timer = this.clock.setTimer(() => this.next(), wait);
  }

  next() {
    this.timer = null;
    const [clientId, send] = this.queue.entries().next().value ?? [];
    if (clientId === undefined) return;
    this.queue.delete(clientId);
    if (send()) this.lastAt = this.clock.now(); // one that was not needed takes no turn
    this.schedule();
  }
}
