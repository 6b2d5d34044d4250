// The managers' dashboard as text and chart data: pure functions of its frames (`dashboard`,
// `day`, docs/protocol.md, Managers), so the page and its node tests read them the same way.
/* global gettext, interpolate */
import { formatDuration, formatEstimate } from "./format.js";

const percent = (value) => `${value} %`;

/** "86 % (aim 80 % in 3 min)", or "none yet" before any visit ended today. */
export function serviceLevelText(card) {
  const aim = interpolate(gettext("aim %(level)s in %(wait)s"),
                          { level: percent(card.target_level),
                            wait: formatDuration(card.target_wait_seconds) }, true);
  if (card.today === null) return interpolate(gettext("none yet (%(aim)s)"), { aim }, true);
  return interpolate(gettext("%(share)s (%(aim)s)"),
                     { share: percent(Math.round(card.today * 100)), aim }, true);
}

/** Whether a pole misses its aim today (shown as an alert mark). */
export function belowTarget(card) {
  return card.today !== null && card.today * 100 < card.target_level;
}

/** "France Travail 2 (1), CIDJ 1 (0)": each partner's counsellors online (available). */
export function institutionsText(rows) {
  if (!rows.length) return gettext("nobody on shift");
  return rows.map((row) => `${row.institution} ${row.online} (${row.available})`).join(", ");
}

/** A pole's alerts, as its row says them ("" when none). */
export function alertsText(alerts) {
  return alerts.map((alert) => {
    if (alert.kind === "waiting_over") {
      return interpolate(gettext("%(value)s waiting, more than %(threshold)s"), alert, true);
    }
    if (alert.kind === "wait_over") {
      return interpolate(gettext("longest wait %(value)s min, over %(threshold)s"), alert, true);
    }
    return gettext("nobody available");
  }).join("; ");
}

/** Whether a pole's row is marked: an alert, or its aim missed today. */
export function needsAttention(pole) {
  return pole.alerts.length > 0 || belowTarget(pole.service_level);
}

/** The cells of a pole's row, in the table's column order. */
export function poleCells(pole) {
  return [
    pole.open ? pole.name : interpolate(gettext("%(name)s (closed)"), { name: pole.name }, true),
    String(pole.waiting),
    pole.waiting ? formatDuration(pole.longest_wait) : "–",
    pole.waiting || pole.open ? formatEstimate(pole.estimate_seconds) : "–",
    serviceLevelText(pole.service_level),
    `${pole.counsellors_online} (${pole.counsellors_available})`,
    String(pole.planned),
    pole.advice,
    institutionsText(pole.by_institution),
    String(pole.conversations),
    String(pole.offers_pending),
    alertsText(pole.alerts),
  ];
}

/** The cells of a running room's row. */
export function roomCells(room) {
  return [
    room.title,
    room.status === "paused" ? gettext("paused (no facilitator)") : gettext("open"),
    interpolate(gettext("%(seated)s of %(capacity)s"), room, true),
    String(room.waiting),
    String(room.admitted),
    String(room.left_early),
  ];
}

/** Chart.js data for one series of the `day` frame: a line per pole that has any point.
 * `field` is "waiting" or "longest_wait" (shown in minutes). */
export function chartData(day, field) {
  const scale = field === "longest_wait" ? (value) => Math.round(value / 6) / 10 : (v) => v;
  return {
    labels: day.minutes,
    datasets: day.poles
      .filter((pole) => pole[field].some((value) => value !== null))
      .map((pole) => ({
        label: pole.name,
        data: pole[field].map((value) => (value === null ? null : scale(value))),
        borderColor: pole.colour,
        backgroundColor: pole.colour,
        spanGaps: false,
        pointRadius: 0,
        borderWidth: 2,
      })),
  };
}
