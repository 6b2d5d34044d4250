// Where the page scripts are, for tests that import or read them.
export const SCRIPTS = new URL("../../frontend/static/frontend/js/", import.meta.url);
