// What became of a message this page sent, from the moment it is shown to the server's answer
// (docs/protocol.md, `message`: the sender gets its own message back with its `client_id`).
// No DOM here: the transcript paints each line as `ownLook` says.
//
//   pending -> sent      the server echoed its client_id: the conversation has it
//   pending -> failed    an `error` named its client_id: nobody got it
//   pending -> unsure    the socket dropped before the echo: it may or may not have gone
//   unsure  -> sent or failed, when the answer still comes on the next socket
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

/** The messages of this page still waiting for the server's answer, by client_id. */
export class OwnMessages {
  /** @param {(line: any, state: string) => void} paint called on every change of state */
  constructor(paint) {
    this.paint = paint;
    this.waiting = new Map();
  }

  add(clientId, line) {
    this.waiting.set(clientId, line);
    this.paint(line, OWN.PENDING);
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
    for (const line of this.waiting.values()) this.paint(line, OWN.UNSURE);
  }

  clear() {
    this.waiting.clear();
  }

  settle(clientId, state) {
    if (!clientId || !this.waiting.has(clientId)) return null;
    const line = this.waiting.get(clientId);
    this.waiting.delete(clientId);
    this.paint(line, state);
    return line;
  }
}
