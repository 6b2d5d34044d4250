// The reports page's two charts, drawn with the vendored Chart.js (window.Chart) from the
// page's JSON (#chart-data, virtualcite/figures/charts.py): visits per pole, stacked, and each
// pole's service level. Every text comes translated in the JSON. Each canvas gets
// data-drawn="true" once its chart exists, for the page's tests.
const data = JSON.parse(document.getElementById("chart-data").textContent);
const Chart = window.Chart;

function draw(canvasId, config) {
  const canvas = document.getElementById(canvasId);
  if (!canvas || !Chart) return;
  new Chart(canvas, config);
  canvas.dataset.drawn = "true";
}

const common = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false, // drawn at once, for printing too
  interaction: { mode: "index", intersect: false },
  plugins: { legend: { position: "bottom" } },
};

draw("visits-chart", {
  type: "bar",
  data: {
    labels: data.labels,
    datasets: data.poles.map((pole) => ({
      label: pole.name, data: pole.visits, backgroundColor: pole.colour, borderColor: pole.colour,
    })),
  },
  options: {
    ...common,
    scales: {
      x: { type: "category", stacked: true },
      y: { type: "linear", stacked: true, beginAtZero: true, ticks: { precision: 0 },
           title: { display: true, text: data.text.visits } },
    },
  },
});

draw("service-chart", {
  type: "line",
  data: {
    labels: data.labels,
    datasets: data.poles.map((pole) => ({
      label: pole.name, data: pole.service_level, borderColor: pole.colour,
      backgroundColor: pole.colour, spanGaps: true, tension: 0.2,
    })),
  },
  options: {
    ...common,
    scales: {
      x: { type: "category" },
      y: { type: "linear", min: 0, max: 100, title: { display: true, text: data.text.service_level } },
    },
  },
});
