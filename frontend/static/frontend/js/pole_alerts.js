// What the counsellor's desk says of a pole that needs help, and the shift frame that adds it.
// DOM-free: tests/js/pole_alerts.test.mjs checks the words against wire.js's ALERT_KINDS.
/* global gettext, ngettext, interpolate */

/** The words of one alert, by kind (a `PoleAlertCard` of the `pole_alerts` frame). */
export function alertReasons() {
  return {
    waiting_over: (alert) => interpolate(ngettext("%(n)s person is waiting",
      "%(n)s people are waiting", alert.value), { n: alert.value }, true),
    wait_over: (alert) => interpolate(ngettext("someone has been waiting for over %(n)s minute",
      "someone has been waiting for over %(n)s minutes", alert.threshold),
      { n: alert.threshold }, true),
    nobody_available: () => gettext("nobody is available"),
  };
}

/** One banner per pole, in the frame's order: `{pole, name, text}`. None off shift or while
 * the shift ends, nor for a pole the shift already serves (the server's next frame will say
 * the same; the page need not show a stale banner meanwhile). */
export function alertBanners(alerts, shift) {
  if (!shift || shift.status === "draining") return [];
  const serving = new Set(shift.poles);
  const reasons = alertReasons();
  const banners = new Map();
  for (const alert of alerts) {
    if (serving.has(alert.pole)) continue;
    if (!banners.has(alert.pole)) banners.set(alert.pole, { pole: alert.pole, name: alert.name, why: [] });
    if (Object.hasOwn(reasons, alert.kind)) banners.get(alert.pole).why.push(reasons[alert.kind](alert));
  }
  return [...banners.values()].map(({ pole, name, why }) => ({
    pole, name,
    text: why.length
      ? interpolate(gettext("%(pole)s needs help: %(reasons)s"), { pole: name, reasons: why.join(", ") }, true)
      : interpolate(gettext("%(pole)s needs help"), { pole: name }, true),
  }));
}

/** The `shift_start` frame that adds `pole` to the running shift, same capacity; null when
 * there is no shift to add it to. */
export function shiftWithPole(shift, pole) {
  if (!shift) return null;
  return { type: "shift_start", poles: [...new Set([...shift.poles, pole])], capacity: shift.capacity };
}
