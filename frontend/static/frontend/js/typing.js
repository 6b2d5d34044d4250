// Typing notices, both ways, with the timings every page shares (docs/protocol.md, `typing`:
// "the page sends `true` at most every 3 s and `false` after 4 s idle"). No DOM here: the
// composer drives a `TypingNotice`, the transcript hides a notice after TYPING_SHOWN_MS.

/** While keys go on, "typing" is said again this often, so the other side keeps showing it. */
export const TYPING_SEND_EVERY_MS = 3000;
/** No key for this long: "stopped typing". */
export const TYPING_IDLE_MS = 4000;
/** A notice not renewed is hidden after this long: its "stopped" may have been lost. */
export const TYPING_SHOWN_MS = 8000;

const realClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer),
};

/** The sending side: told of each keystroke, it emits `true` at most every
 * TYPING_SEND_EVERY_MS and `false` once after TYPING_IDLE_MS without one (or on `stop()`). */
export class TypingNotice {
  /** @param {(active: boolean) => void} emit
   *  @param {{now: () => number, setTimer: Function, clearTimer: Function}} [clock] */
  constructor(emit, clock = realClock) {
    this.emit = emit;
    this.clock = clock;
    this.sentAt = null; // when `true` was last emitted; null while not typing
    this.idle = null;
  }

  /** A keystroke. */
  input() {
    const now = this.clock.now();
    if (this.sentAt === null || now - this.sentAt > TYPING_SEND_EVERY_MS) {
      this.sentAt = now;
      this.emit(true);
    }
    this.clock.clearTimer(this.idle);
    this.idle = this.clock.setTimer(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Typing stopped (idle, or the message was sent): say so once. */
  stop() {
    this.cancel();
    if (this.sentAt !== null) {
      this.sentAt = null;
      this.emit(false);
    }
  }

  /** Forget the timer without a word (the composer left the page). */
  cancel() {
    this.clock.clearTimer(this.idle);
    this.idle = null;
  }
}
