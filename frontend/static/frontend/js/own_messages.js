// What became of a message this page sent, from the moment it is shown to the server's answer
// (docs/protocol.md, `message`: the sender gets its own message back with its `client_id`).
// No DOM here: the transcript paints each line as `ownLook` says.
//
//   pending -> sent      the server echoed its client_id: the conversation has it
//   pending -> failed    an `error` named its client_id: nobody got it
//   pending -> unsure    the socket dropped before the echo: it may or may not have gone
//   unsure  -> sent or failed, when the answer still comes on the next socket
//   failed or unsure -> pending, when the sender sends it again (same client_id)
/* global gettext */

export const OWN = Object.freeze({
  PENDING: "pending", SENT: "sent", FAILED: "failed", UNSURE: "unsure",
});

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
    default: return { pending: false, failed: false, title: null };
  }
}

/** What the sender reads beside a message of theirs in that state (sending, delivered, not
 * delivered), and whether the page offers to send it again: once nobody got it, or when the
 * connection dropped before the answer. */
export function ownStatus(state) {
  switch (state) {
    case OWN.PENDING: return { text: gettext("Sending…"), retry: false };
    case OWN.SENT: return { text: gettext("Delivered"), retry: false };
    case OWN.FAILED: return { text: gettext("Not delivered"), retry: true };
    case OWN.UNSURE: return { text: gettext("Delivery not confirmed"), retry: true };
    default: throw new Error("unknown state " + state);
  }
}

/** The messages of this page still waiting for the server's answer, by client_id. */
export class OwnMessages {
  /** @param {(line: any, state: string) => void} paint called on every change of state */
  constructor(paint) {
    this.paint = paint;
    this.waiting = new Map();
    this.watchers = [];
  }

  /** Also call `watcher(line, state, clientId)` on every change of state: for a page that
   * shows more than the line's look (a visible status, a "send again" button). */
  watch(watcher) {
    this.watchers.push(watcher);
  }

  /** A message sent, or sent again (a retry keeps its client_id: whichever answer comes
   * first settles it). */
  add(clientId, line) {
    this.waiting.set(clientId, line);
    this.show(line, OWN.PENDING, clientId);
  }

  /** The server echoed it: its line, now sent, or null when it is not one of ours. */
  acknowledge(clientId) {
    return this.settle(clientId, OWN.SENT);
  }

  /** An error named it: its line, now failed, or null when it is not one of ours. */
  refuse(clientId) {
    return this.settle(clientId, OWN.FAILED);
  }

  /** The socket dropped: every message still waiting may or may not have gone. */
  connectionLost() {
    for (const [clientId, line] of this.waiting) this.show(line, OWN.UNSURE, clientId);
  }

  clear() {
    this.waiting.clear();
  }

  settle(clientId, state) {
    if (!clientId || !this.waiting.has(clientId)) return null;
    const line = this.waiting.get(clientId);
    this.waiting.delete(clientId);
    this.show(line, state, clientId);
    return line;
  }

  show(line, state, clientId) {
    this.paint(line, state);
    for (const watcher of this.watchers) watcher(line, state, clientId);
  }
}
