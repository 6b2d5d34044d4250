// The visitor page's words beyond the reason tables (tests/js/reasons.test.mjs): the transfer
// line and the final close of their socket.
import "./i18n.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";
import { closedText, transferredText } from
  "../../frontend/static/frontend/js/visitor_reasons.js";
import { CLOSE_CODES } from "../../frontend/static/frontend/js/wire.js";

test("a transferred visitor is told who passed them on, where, and that they keep their place",
  () => {
    assert.equal(transferredText("Camille", "Trouver une formation"),
                 "Camille passed you to Trouver une formation; you keep your place.");
    assert.equal(transferredText(null, "Trouver une formation"),
                 "You were passed to Trouver une formation; you keep your place.");
  });

test("a token open in too many tabs says why the page stopped; other closes use the common words",
  () => {
    assert.match(closedText(CLOSE_CODES.TOO_MANY_CONNECTIONS), /already open in other tabs/);
    for (const code of [CLOSE_CODES.FORBIDDEN, CLOSE_CODES.ABUSE, 1000]) {
      assert.equal(closedText(code), null);
    }
  });
