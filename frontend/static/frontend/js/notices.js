// What a page says outside its transcripts: the notice bar (role=alert) for what the user must
// read, and the polite live region for what a screen reader should hear as it happens.
import { el, show } from "./dom.js";

const ANNOUNCE = "vc-announce";

/** Ask the page to announce `text`: any element inside the page's root may (the transcript
 * does for its system lines); the page's live region says it (`LiveRegion.listen`). */
export function announce(from, text) {
  from.dispatchEvent(new CustomEvent(ANNOUNCE, { bubbles: true, detail: { text } }));
}

/** The page's `aria-live="polite"` element. */
export class LiveRegion {
  constructor(node) {
    this.node = node;
  }

  /** Say what the elements inside `root` announce. */
  listen(root) {
    root.addEventListener(ANNOUNCE, (event) => this.say(event.detail.text));
  }

  say(text) {
    if (!this.node) return;
    // Clearing first makes repeated identical announcements audible too.
    this.node.textContent = "";
    window.setTimeout(() => { this.node.textContent = text; }, 50);
  }
}

/** The page's notice bar: one message at a time, made of paragraphs. */
export class NoticeBar {
  /** @param {{focus?: boolean}} options focus: move the keyboard focus to each notice shown */
  constructor(node, { focus = false } = {}) {
    this.node = node;
    this.focus = focus;
  }

  /** Show these parts (strings become paragraphs) instead of the notice shown; none hides it. */
  set(...parts) {
    this.node.replaceChildren(...parts.map((part) => (
      typeof part === "string" ? el("p", {}, part) : part)));
    show(this.node, parts.length > 0);
    if (parts.length > 0 && this.focus) this.node.focus();
  }

  clear() {
    this.set();
  }

  get shown() {
    return !this.node.hidden;
  }
}
