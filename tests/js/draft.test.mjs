import assert from "node:assert/strict";
import { test } from "node:test";
import { DRAFT_KEY, Draft } from "../../frontend/static/frontend/js/draft.js";

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
}

test("the question stays in this tab's storage until it is taken, then is gone", () => {
  const storage = new MemoryStorage();
  const draft = new Draft(storage);
  assert.equal(draft.text, "");
  draft.text = "  Une formation de cuisinier ?\n";
  assert.equal(new Draft(storage).text, "  Une formation de cuisinier ?\n", "a reload keeps it");
  assert.equal(draft.take(), "Une formation de cuisinier ?");
  assert.equal(storage.getItem(DRAFT_KEY), null);
  assert.equal(draft.take(), "");
});

test("a question that shows nothing is not sent", () => {
  const draft = new Draft(new MemoryStorage());
  draft.text = " \u200b\n\t";
  assert.equal(draft.take(), "");
});

test("without storage (refused, private mode) it is kept in the page's memory", () => {
  const refusing = {
    getItem() { throw new Error("denied"); },
    setItem() { throw new Error("denied"); },
    removeItem() { throw new Error("denied"); },
  };
  for (const storage of [null, refusing]) {
    const draft = new Draft(storage);
    draft.text = "Bonjour";
    assert.equal(draft.text, "Bonjour");
    assert.equal(draft.take(), "Bonjour");
    assert.equal(draft.text, "");
  }
});
