// The page scripts name codes only through wire.js, and only codes it has: a renamed or
// removed code fails here rather than silently never matching in a `switch`.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { SCRIPTS } from "./scripts.mjs";
import * as wire from "../../frontend/static/frontend/js/wire.js";

const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith(".js") && name !== "wire.js")
  .map((name) => [name, readFileSync(new URL(name, SCRIPTS), "utf8")]);

test("every ERROR_CODES or CLOSE_CODES name a page script uses is in wire.js", () => {
  let used = 0;
  for (const [name, text] of scripts) {
    for (const [, group, key] of text.matchAll(/\b(ERROR_CODES|CLOSE_CODES)\.([A-Z_]+)/g)) {
      used += 1;
      assert.ok(Object.hasOwn(wire[group], key), `${name} uses ${group}.${key}`);
    }
  }
  assert.ok(used > 0, "the pages switch on codes through wire.js");
});
