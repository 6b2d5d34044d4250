// The desk's keyboard shortcuts, listed once: the page shows this list and handles these keys.
// Alt+Shift with a letter: screen readers (NVDA, JAWS, VoiceOver, Orca) use their own modifier
// keys or Insert/Caps Lock, and typing does not produce these combinations, so a shortcut
// works from the composer too. Keys are matched by `event.code` (the key's place): on a Mac,
// Option+Shift turns `event.key` into another character. No DOM here:
// tests/js/shortcuts.test.mjs drives it.
/* global gettext */

export const SHORTCUTS = Object.freeze([
  Object.freeze({ action: "next", code: "KeyJ", keys: "Alt+Shift+J" }),
  Object.freeze({ action: "previous", code: "KeyK", keys: "Alt+Shift+K" }),
  Object.freeze({ action: "accept", code: "KeyA", keys: "Alt+Shift+A" }),
  Object.freeze({ action: "extend", code: "KeyE", keys: "Alt+Shift+E" }),
  Object.freeze({ action: "composer", code: "KeyR", keys: "Alt+Shift+R" }),
]);

/** What each shortcut does, in the page's language. */
export function shortcutTexts() {
  return {
    next: gettext("Next conversation"),
    previous: gettext("Previous conversation"),
    accept: gettext("Accept the first visitor offered"),
    extend: gettext("Need a moment: extend the first offer, once"),
    composer: gettext("Write in the open conversation"),
  };
}

/** The action of a keydown, or null when it is not a shortcut. */
export function shortcutOf(event) {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) {
    return null;
  }
  const found = SHORTCUTS.find((shortcut) => shortcut.code === event.code);
  return found ? found.action : null;
}

/** The keys of an action, for `aria-keyshortcuts` and the list. */
export function keysOf(action) {
  const found = SHORTCUTS.find((shortcut) => shortcut.action === action);
  return found ? found.keys : null;
}
