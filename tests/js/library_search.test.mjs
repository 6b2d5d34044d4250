// The side panel's library search: every word, accents aside, the conversation's pole first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fold, searchResources } from "../../frontend/static/frontend/js/library_search.js";

const names = { "find-a-job": "Trouver un emploi", "discover-jobs": "S'informer sur les métiers" };
const poleName = (slug) => names[slug] || slug;
const resources = [
  { id: 1, pole: "find-a-job", title: "France Travail : offres d'emploi", kind: "Site web" },
  { id: 2, pole: "find-a-job", title: "Réussir son CV", kind: "Guide" },
  { id: 3, pole: "discover-jobs", title: "ONISEP : fiches métiers", kind: "Site web" },
];
const ids = (found) => found.map((resource) => resource.id);

test("text is folded: case and accents do not matter", () => {
  assert.equal(fold("Métiers ÉTÉ"), "metiers ete");
  assert.equal(fold(null), "");
});

test("every word must match the title, the kind or the pole's name", () => {
  assert.deepEqual(ids(searchResources(resources, "metiers", { poleName })), [3]);
  assert.deepEqual(ids(searchResources(resources, "site emploi", { poleName })), [1]);
  assert.deepEqual(ids(searchResources(resources, "  cv  ", { poleName })), [2]);
  assert.deepEqual(ids(searchResources(resources, "cv onisep", { poleName })), []);
});

test("the open conversation's pole comes first, and an empty query lists its own", () => {
  assert.deepEqual(ids(searchResources(resources, "site", { pole: "discover-jobs", poleName })),
                   [3, 1]);
  assert.deepEqual(ids(searchResources(resources, "", { pole: "find-a-job", poleName })), [1, 2]);
  assert.deepEqual(ids(searchResources(resources, "", { pole: null, poleName })), []);
  assert.deepEqual(ids(searchResources(resources, "e", { poleName, limit: 2 })), [1, 2]);
});
