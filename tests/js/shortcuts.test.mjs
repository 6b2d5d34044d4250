// The desk's keyboard shortcuts: Alt+Shift and a key, by its place, nothing else.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { keysOf, SHORTCUTS, shortcutOf, shortcutTexts } from
  "../../frontend/static/frontend/js/shortcuts.js";

const press = (code, mods = {}) => ({ code, altKey: true, shiftKey: true, ctrlKey: false,
                                      metaKey: false, repeat: false, ...mods });

test("each shortcut is Alt+Shift and its key", () => {
  assert.equal(shortcutOf(press("KeyJ")), "next");
  assert.equal(shortcutOf(press("KeyK")), "previous");
  assert.equal(shortcutOf(press("KeyA")), "accept");
  assert.equal(shortcutOf(press("KeyE")), "extend");
  assert.equal(shortcutOf(press("KeyR")), "composer");
});

test("other combinations are left to the browser, the screen reader and typing", () => {
  assert.equal(shortcutOf(press("KeyJ", { altKey: false })), null);
  assert.equal(shortcutOf(press("KeyJ", { shiftKey: false })), null);
  assert.equal(shortcutOf(press("KeyJ", { ctrlKey: true })), null);
  assert.equal(shortcutOf(press("KeyJ", { metaKey: true })), null);
  assert.equal(shortcutOf(press("KeyJ", { repeat: true })), null); // a held key acts once
  assert.equal(shortcutOf(press("KeyZ")), null);
});

test("the visible list has words and keys for every shortcut, each key once", () => {
  const texts = shortcutTexts();
  assert.deepEqual(Object.keys(texts).sort(), SHORTCUTS.map((s) => s.action).sort());
  assert.equal(new Set(SHORTCUTS.map((s) => s.code)).size, SHORTCUTS.length);
  assert.equal(keysOf("accept"), "Alt+Shift+A");
  assert.equal(keysOf("nothing"), null);
});
