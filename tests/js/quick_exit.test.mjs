import assert from "node:assert/strict";
import { test } from "node:test";
import { ESCAPES, ESCAPE_WINDOW_MS, EscapePresses, quickExit } from
  "../../frontend/static/frontend/js/quick_exit.js";

test("three Escapes within two seconds make an exit", () => {
  assert.equal(ESCAPES, 3);
  const presses = new EscapePresses();
  assert.equal(presses.press(0), false);
  assert.equal(presses.press(500), false);
  assert.equal(presses.press(ESCAPE_WINDOW_MS - 1), true);
});

test("Escapes spread over more than the window do not, nor a fourth after an exit", () => {
  const presses = new EscapePresses();
  presses.press(0);
  presses.press(1000);
  assert.equal(presses.press(ESCAPE_WINDOW_MS), false, "the first one has expired");
  assert.equal(presses.press(ESCAPE_WINDOW_MS + 500), true);
  assert.equal(presses.press(ESCAPE_WINDOW_MS + 600), false, "counting starts again");
});

function fakeTab() {
  const calls = [];
  return {
    calls,
    storage: { clear: () => calls.push("storage cleared") },
    location: { replace: (url) => calls.push("replace " + url) },
    body: { replaceChildren: () => calls.push("page emptied") },
  };
}

test("the exit tells the desk, empties the page, forgets the tab, then replaces the page", () => {
  const tab = fakeTab();
  quickExit({ url: "https://meteo.example/", ...tab, beforeExit: () => tab.calls.push("left") });
  assert.deepEqual(tab.calls, ["left", "page emptied", "storage cleared",
                               "replace https://meteo.example/"]);
});

test("nothing stops the exit: neither the desk failing nor storage refused", () => {
  const tab = fakeTab();
  tab.storage = { clear() { throw new Error("SecurityError"); } };
  quickExit({ url: "https://meteo.example/", ...tab,
              beforeExit() { throw new Error("socket closed"); } });
  assert.deepEqual(tab.calls, ["page emptied", "replace https://meteo.example/"]);
});
