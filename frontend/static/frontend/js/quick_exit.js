// Quick exit (issue 12, item 9; the practice of helplines such as Crisis Text Line and Aselo):
// someone who must hide the page at once clicks "Quick exit", or presses Escape three times,
// and the tab shows a neutral site instead. The neutral address is the link's own `href`,
// set in the template (frontend/templates/frontend/home.html), so the link works without
// JavaScript too. With it the exit also:
//   - empties the page at once, before the neutral site has loaded;
//   - clears this tab's sessionStorage (the desk's token, the draft question), so coming back
//     to the site does not resume the conversation;
//   - replaces the page in the tab's history (location.replace): Back does not return to it.

export const ESCAPES = 3; // Escape presses that make an exit...
export const ESCAPE_WINDOW_MS = 2000; // ...within this long, so a single stray Escape does not

/** Counts Escape presses; the clock is passed in. */
export class EscapePresses {
  constructor({ presses = ESCAPES, windowMs = ESCAPE_WINDOW_MS } = {}) {
    this.presses = presses;
    this.windowMs = windowMs;
    this.times = [];
  }

  /** An Escape pressed at `now` (ms): true when it completes an exit. */
  press(now) {
    this.times = [...this.times.filter((at) => now - at < this.windowMs), now];
    if (this.times.length < this.presses) return false;
    this.times = [];
    return true;
  }
}

/** Leave for `url` as described above; `beforeExit` (e.g. tell the desk the visitor left)
 * runs first, and its failure never stops the exit. */
export function quickExit({ url, storage, location, body, beforeExit = () => {} }) {
  try { beforeExit(); } catch (error) { /* leaving matters more */ }
  if (body) body.replaceChildren();
  try { storage.clear(); } catch (error) { /* storage refused: nothing was kept in it */ }
  location.replace(url);
}

/** Wire the page's quick-exit link and the triple Escape. */
export function installQuickExit(link, { win = window, beforeExit } = {}) {
  const leave = () => {
    let storage = null;
    try { storage = win.sessionStorage; } catch (error) { /* refused */ }
    quickExit({ url: link.href, storage: storage || { clear() {} }, location: win.location,
                body: win.document.body, beforeExit });
  };
  link.addEventListener("click", (event) => {
    event.preventDefault();
    leave();
  });
  const escapes = new EscapePresses();
  win.document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && escapes.press(event.timeStamp)) leave();
  }, { capture: true });
}
