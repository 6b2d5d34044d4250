// Attention: what tells a counsellor that something happened in a conversation or an offer
// they are not looking at. The tab's title counts what waits ("(2) Counsellor desk"); a short
// chime (off by default) and a browser notification (only when the tab is hidden and the
// counsellor allowed it) call them back. Both switches are remembered in localStorage.
//
// The browser's parts (title, storage, audio, notifications, visibility) come in as `env`, so
// tests/js/attention.test.mjs drives everything with fakes. A notification never holds
// message text: the system may keep notifications in its history, and the desk keeps no
// transcript.

export const SOUND_KEY = "vc-desk-sound";
export const NOTIFY_KEY = "vc-desk-notifications";

/** The tab's title with what waits in front: "(2) Counsellor desk". */
export function titleWith(base, count) {
  return count > 0 ? `(${count}) ${base}` : base;
}

function readFlag(storage, key) {
  try {
    return storage !== null && storage.getItem(key) === "on";
  } catch {
    return false; // storage refused (a privacy setting): the default, off
  }
}

function writeFlag(storage, key, on) {
  try {
    if (storage !== null) storage.setItem(key, on ? "on" : "off");
  } catch {
    // Not remembered: the switch still works for this page.
  }
}

// Two short rising tones, quiet: a chime heard beside a conversation, not an alarm.
const TONES = Object.freeze([{ hz: 660, at: 0 }, { hz: 880, at: 0.14 }]);
const TONE_SECONDS = 0.12;
const VOLUME = 0.15;

/** Play the chime on a Web Audio `context`; returns how long it lasts, in seconds. */
export function playChime(context) {
  const start = context.currentTime;
  for (const tone of TONES) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = tone.hz;
    const at = start + tone.at;
    // A ramp in and out: a tone cut at full volume clicks.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(VOLUME, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + TONE_SECONDS);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + TONE_SECONDS + 0.02);
  }
  return TONES[TONES.length - 1].at + TONE_SECONDS + 0.02;
}

export class Attention {
  /**
   * @param {{baseTitle: string, setTitle: (title: string) => void, storage: Storage | null,
   *   hidden: () => boolean, audioContext: () => (AudioContext | null),
   *   activated: () => boolean,
   *   notifications: null | {permission: () => string, request: () => Promise<string>,
   *                          show: (title: string, tag: string) => void}}} env
   */
  constructor(env) {
    this.env = env;
    this.count = 0;
    this.audio = null;
  }

  /** The chime is on (off until the counsellor turns it on). */
  get sound() {
    return readFlag(this.env.storage, SOUND_KEY);
  }

  /** Notifications are on: switched on, and the browser's permission granted. */
  get notifying() {
    return this.env.notifications !== null && readFlag(this.env.storage, NOTIFY_KEY)
      && this.env.notifications.permission() === "granted";
  }

  /** What waits for the counsellor (offers, unread messages), shown in the tab's title. */
  setCount(count) {
    this.count = count;
    this.env.setTitle(titleWith(this.env.baseTitle, count));
  }

  /** Something the counsellor must not miss: chime, and notify when the tab is hidden. `text`
   * says what happened without any message text; `tag` groups repeated notifications. */
  call(text, tag) {
    if (this.sound) this.chime();
    if (this.notifying && this.env.hidden()) this.env.notifications.show(text, tag);
  }

  chime() {
    const context = this.context();
    if (context) playChime(context);
  }

  /** The audio context, made at the first need. Browsers start one only after a gesture in
   * the page: after a reload the chime is heard once the counsellor has clicked or typed. */
  context() {
    if (this.audio === null) this.audio = this.env.audioContext();
    if (this.audio && this.audio.state === "suspended") {
      this.audio.resume().catch(() => {}); // refused until a gesture: the next one retries
    }
    return this.audio;
  }

  /** A gesture in the page: the moment a suspended audio context may start. */
  unlock() {
    if (this.sound) this.context();
  }

  /** The sound is on but the browser keeps it silent: no gesture in this page yet (a reload or
   * a new tab starts without one), so the counsellor must be told to click once or miss the
   * chime. */
  get soundWaitsForGesture() {
    return this.sound && !this.env.activated();
  }

  /** The sound switch (a gesture): remembered; turned on, it plays the chime as a sample. */
  setSound(on) {
    writeFlag(this.env.storage, SOUND_KEY, on);
    if (on) this.chime();
  }

  /** The notifications switch (a gesture, the only moment permission is asked): true when
   * notifications are on afterwards. */
  async setNotifications(on) {
    const notifications = this.env.notifications;
    if (!on || notifications === null) {
      writeFlag(this.env.storage, NOTIFY_KEY, false);
      return false;
    }
    let permission = notifications.permission();
    if (permission === "default") permission = await notifications.request();
    const granted = permission === "granted";
    writeFlag(this.env.storage, NOTIFY_KEY, granted);
    return granted;
  }
}
