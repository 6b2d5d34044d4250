// Figures and times in the page's language, through Django's JavaScript catalogue.
/* global gettext, ngettext, interpolate */

const lang = () => document.documentElement.lang || "fr";
// Opening hours are the Cité's: show them in its time zone, as the server-rendered page does.
const timeZone = () => document.body.dataset.timeZone || undefined;

/** "about 5 minutes", "less than a minute", or "unknown" when the desk cannot tell. */
export function formatEstimate(seconds) {
  if (seconds === null || seconds === undefined) return gettext("unknown");
  if (seconds < 60) return gettext("less than a minute");
  const minutes = Math.round(seconds / 60);
  return interpolate(ngettext("about %(n)s minute", "about %(n)s minutes", minutes),
                     { n: minutes }, true);
}

/** A duration already elapsed, e.g. a wait: "3 min" or "40 s". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return interpolate(gettext("%(s)s s"), { s }, true);
  return interpolate(gettext("%(m)s min"), { m: Math.floor(s / 60) }, true);
}

/** An epoch time (seconds) as a weekday and hour in the page's language. */
export function formatWhen(epochSeconds) {
  if (!epochSeconds) return "";
  return new Date(epochSeconds * 1000).toLocaleString(lang(), {
    weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
    timeZone: timeZone(),
  });
}

/** An epoch time (seconds) as an hour in the Cité's time zone: a session's end, as the
 * server-rendered page says it. */
export function formatHour(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString(lang(), {
    hour: "2-digit", minute: "2-digit", timeZone: timeZone(),
  });
}

export function formatClock(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString(lang(), {
    hour: "2-digit", minute: "2-digit",
  });
}

/** A counsellor as visitors and colleagues see them: "Camille (France Travail)". */
export function cardLabel(card) {
  return interpolate(gettext("%(name)s (%(institution)s)"),
                     { name: card.name, institution: card.institution }, true);
}
