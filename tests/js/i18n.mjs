// Django's JavaScript catalogue as the page gets it (views.i18n.JavaScriptCatalog), in English:
// gettext and ngettext return the source strings, interpolate fills them in the same way.
globalThis.gettext = (text) => text;
globalThis.ngettext = (singular, plural, count) => (count === 1 ? singular : plural);
globalThis.interpolate = (format, values, named) => (named
  ? format.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)]))
  : format.replace(/%s/g, () => String(values.shift())));
