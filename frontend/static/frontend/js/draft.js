// The question a visitor writes while waiting (issue 12, item 7). It stays in this tab only
// (sessionStorage: a reload keeps it, closing the tab or a quick exit forgets it) and is
// never sent before the conversation opens: then the page sends it as the first message.
// Transcript-free holds: the server sees it only as a message, like any other.
import { isBlank } from "./dom.js";

export const DRAFT_KEY = "vc.draft";

export class Draft {
  /** @param {Storage | null} storage this tab's sessionStorage; null keeps it in memory */
  constructor(storage) {
    this.storage = storage;
    this.memory = "";
  }

  get text() {
    try {
      if (this.storage) return this.storage.getItem(DRAFT_KEY) ?? "";
    } catch (error) { /* refused: the memory copy */ }
    return this.memory;
  }

  set text(value) {
    this.memory = value;
    try {
      if (!this.storage) return;
      if (value) this.storage.setItem(DRAFT_KEY, value);
      else this.storage.removeItem(DRAFT_KEY);
    } catch (error) { /* refused (private mode, quota): kept in memory for this page */ }
  }

  /** The question to send now, trimmed, and forgotten; "" when it shows nothing. */
  take() {
    const text = this.text.trim();
    this.text = "";
    return isBlank(text) ? "" : text;
  }
}
