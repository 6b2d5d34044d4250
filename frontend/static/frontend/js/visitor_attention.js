// Calling the visitor back to this tab (issue 12, item 5; the helpline chats' practice): a
// visitor told to browse the library in another tab must not miss the moment a counsellor
// answers. A moment changes the tab's title while the visitor is away, plays a short chime
// (on by default, a switch in the page, remembered in localStorage) and shows a browser
// notification when they allowed it.
//
// No DOM here beyond what is passed in: the document, the storage, the chime and the
// notification are given, so tests/js/visitor_attention.test.mjs drives it with fakes.
// A notification never carries message text: it shows on a screen others may see.
/* global gettext */

export const SOUND_KEY = "vc.visitor.sound";

/** The moments that call the visitor back. */
export const MOMENT = Object.freeze({
  NEXT: "next", // first in the queue: a counsellor is about to answer
  CALLED: "called", // offered to a counsellor, who has 30 s to accept
  MATCHED: "matched", // a counsellor answers: the conversation is open
  MESSAGE: "message", // a counsellor wrote (a message or a resource card)
  ENDED: "ended", // the counsellor ended the conversation
});

/** What the title and the notification say of a moment. */
export function momentText(moment) {
  switch (moment) {
    case MOMENT.NEXT: return gettext("You are next in the queue");
    case MOMENT.CALLED: return gettext("A counsellor is about to answer you");
    case MOMENT.MATCHED: return gettext("A counsellor is answering you");
    case MOMENT.MESSAGE: return gettext("New message");
    case MOMENT.ENDED: return gettext("The conversation has ended");
    default: throw new Error("unknown moment " + moment);
  }
}

/** Whether a moment chimes even when the visitor has this tab in front of them: the two that
 * ask them to come back to the screen do (they may be looking away); a message they can see
 * arrive does not. */
export function chimesInView(moment) {
  return moment === MOMENT.NEXT || moment === MOMENT.CALLED || moment === MOMENT.MATCHED;
}

/** The tab's title while `count` moments wait unseen, the latest being `latest`. */
export function attentionTitle(base, count, latest) {
  return count > 0 ? "(" + count + ") " + latest + " · " + base : base;
}

/** On unless the visitor switched it off; storage refused (private mode): on. */
export function soundOn(storage) {
  try { return storage.getItem(SOUND_KEY) !== "off"; } catch (error) { return true; }
}

export function rememberSound(storage, on) {
  try { storage.setItem(SOUND_KEY, on ? "on" : "off"); } catch (error) { /* this page only */ }
}

/** Two short rising tones (a "ding-dong" read as "someone is here", not an alarm), made with
 * the Web Audio API: no sound file, nothing fetched. */
export const CHIME = Object.freeze([
  Object.freeze({ hertz: 660, at: 0, seconds: 0.18 }),
  Object.freeze({ hertz: 880, at: 0.2, seconds: 0.3 }),
]);

/** Play CHIME on an AudioContext (or anything with its methods). */
export function playChime(context) {
  const start = context.currentTime;
  for (const tone of CHIME) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const t0 = start + tone.at;
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(tone.hertz, t0);
    // A quick rise and an exponential fade: no click at either end.
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + tone.seconds);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(t0);
    oscillator.stop(t0 + tone.seconds + 0.02);
  }
}

export class Attention {
  /**
   * @param {{document: {title: string, visibilityState: string, hasFocus: () => boolean},
   *          storage: Storage, chime: () => void, notify: (text: string) => void}} parts
   *   chime plays the sound; notify shows a notification when the visitor allowed them
   */
  constructor({ document, storage, chime, notify }) {
    this.document = document;
    this.storage = storage;
    this.chime = chime;
    this.notify = notify;
    this.base = document.title;
    this.unseen = 0;
  }

  get soundOn() {
    return soundOn(this.storage);
  }

  set soundOn(on) {
    rememberSound(this.storage, on);
  }

  /** Away: the tab is hidden, or the window is not the one in front. */
  get away() {
    return this.document.visibilityState === "hidden" || !this.document.hasFocus();
  }

  /** Something happened: call the visitor as the moment deserves. Returns whether they
   * were called at all. */
  call(moment) {
    const away = this.away;
    if (!away && !chimesInView(moment)) return false;
    if (away) {
      this.unseen += 1;
      const text = momentText(moment);
      this.document.title = attentionTitle(this.base, this.unseen, text);
      this.notify(text);
    }
    if (this.soundOn) this.chime();
    return true;
  }

  /** The visitor is back on the tab: the title is theirs again. */
  seen() {
    if (this.unseen === 0) return;
    this.unseen = 0;
    this.document.title = this.base;
  }
}

/** A storage that keeps nothing, for a browser that refuses localStorage. */
const NO_STORAGE = Object.freeze({ getItem: () => null, setItem() {} });

/** The Attention of this browser tab: Web Audio for the chime, the Notification API when the
 * visitor allowed it. Browsers let a page make sound only after a gesture on it, so the audio
 * context is made (or resumed) on the visitor's first click or key, e.g. "Join the queue". */
export function browserAttention(win) {
  let storage = NO_STORAGE;
  try { storage = win.localStorage || NO_STORAGE; } catch (error) { /* refused: not kept */ }
  let context = null;
  const unlock = () => {
    const Context = win.AudioContext || win.webkitAudioContext;
    if (!Context) return;
    if (!context) context = new Context();
    if (context.state === "suspended") context.resume().catch(() => {});
  };
  for (const kind of ["pointerdown", "keydown"]) {
    win.addEventListener(kind, unlock, { capture: true, passive: true });
  }
  const attention = new Attention({
    document: win.document,
    storage,
    chime() {
      // Before any gesture the context cannot run; a chime queued now would sound later,
      // at the wrong moment, so none is.
      if (context && context.state === "running") playChime(context);
    },
    notify(text) {
      const Notice = win.Notification;
      if (!Notice || Notice.permission !== "granted") return;
      try {
        const shown = new Notice(gettext("Virtual Cité des métiers"),
                                 { body: text, tag: "vc-visitor", silent: true });
        shown.onclick = () => { win.focus(); shown.close(); };
      } catch (error) {
        // Chrome for Android shows notifications only from a service worker: the title and
        // the chime still call the visitor.
      }
    },
  });
  const back = () => { if (!attention.away) attention.seen(); };
  win.document.addEventListener("visibilitychange", back);
  win.addEventListener("focus", back);
  return attention;
}

/** Whether this browser can show notifications and has not been asked yet. */
export function canAskForNotifications(win) {
  return Boolean(win.Notification) && win.Notification.permission === "default";
}
