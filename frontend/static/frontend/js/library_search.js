// The library search of the counsellor's side panel, over the published resources the desk
// page carries (frontend/selectors.py desk_resource_cards_list). No DOM here:
// tests/js/library_search.test.mjs drives it.

/** Text folded for matching: lower case, accents dropped ("Métiers" finds "metiers"). */
export function fold(text) {
  return String(text ?? "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The resources matching every word of `query` in their title, kind or pole's name, those of
 * `pole` (the open conversation's) first, at most `limit`. An empty query lists `pole`'s own.
 */
export function searchResources(resources, query, { pole = null, poleName = (slug) => slug,
                                                   limit = 20 } = {}) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return resources.filter((resource) => resource.pole === pole).slice(0, limit);
  const found = resources.filter((resource) => {
    const haystack = fold([resource.title, resource.kind, poleName(resource.pole)].join(" "));
    return words.every((word) => haystack.includes(word));
  });
  // Stable: within each group the page's order (the pole's order, then the title) stays.
  const own = found.filter((resource) => resource.pole === pole);
  const others = found.filter((resource) => resource.pole !== pole);
  return [...own, ...others].slice(0, limit);
}
