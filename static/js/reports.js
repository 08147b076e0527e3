// The dashboards' charts (reports/): drawn by Chart.js (static/vendor/chartjs)
// from the JSON island the page carries; each chart's table sits behind it.
(function () {
  "use strict";
  var island = document.getElementById("report-charts");
  if (!island || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(island.textContent);
  var colours = ["#2f5bea", "#12b76a", "#f79009", "#7a5af8", "#f04438"];
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  charts.forEach(function (chart) {
    var canvas = document.querySelector('canvas[data-chart="' + chart.id + '"]');
    if (!canvas) { return; }
    var drawn = new window.Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colours[i % colours.length],
            borderColor: colours[i % colours.length],
            tension: 0.2,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduced ? false : { duration: 300 },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: chart.datasets.length > 1 } },
      },
    });
    canvas.setAttribute("data-drawn", drawn ? "true" : "false");
  });
})();
