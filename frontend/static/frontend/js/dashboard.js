// The managers' live dashboard: every pole's queue and staffing, the rooms running, and the
// day's charts (Chart.js, vendored). Each `dashboard` frame replaces the tables, each `day`
// frame the charts' data; nothing here names a visitor.
/* global Chart, gettext, interpolate */
import { el, show } from "./dom.js";
import { chartData, needsAttention, poleCells, roomCells } from "./dashboard_view.js";
import { startRealtimePage } from "./page.js";

const root = document.getElementById("dashboard-live");
const $ = (id) => document.getElementById(id);
const polesBody = $("poles-board").querySelector("tbody");
const roomsBody = $("rooms-board").querySelector("tbody");
const charts = {};

function rows(body, items, cells, mark = () => false) {
  body.replaceChildren(...items.map((item) => el(
    "tr", { "data-slug": item.slug, class: mark(item) ? "alert" : null },
    cells(item).map((text, column) => el(column === 0 ? "th" : "td",
                                         column === 0 ? { scope: "row" } : {}, text)))));
}

function showDashboard(frame) {
  rows(polesBody, frame.poles, poleCells, needsAttention);
  rows(roomsBody, frame.rooms, roomCells);
  show($("no-rooms"), frame.rooms.length === 0);
  show($("rooms-board"), frame.rooms.length > 0);
  $("updated").textContent = interpolate(gettext("Updated at %(time)s"), {
    time: new Date(frame.server_time * 1000).toLocaleTimeString(document.documentElement.lang),
  }, true);
}

function drawChart(id, data) {
  if (charts[id]) {
    charts[id].data = data;
    charts[id].update("none");
    return;
  }
  charts[id] = new Chart($(id), {
    type: "line",
    data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true } },
    },
  });
}

function showDay(day) {
  show($("no-day"), day.minutes.length === 0);
  if (typeof Chart === "undefined") return; // the tables still tell everything live
  drawChart("waiting-chart", chartData(day, "waiting"));
  drawChart("wait-chart", chartData(day, "longest_wait"));
  root.dataset.points = String(day.minutes.length);
}

const page = startRealtimePage(root, {
  hello: () => ({ type: "hello" }),
  frames: { dashboard: showDashboard, day: showDay },
});
page.socket.connect();
