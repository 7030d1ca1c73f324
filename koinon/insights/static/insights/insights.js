/* Draws the insights charts from the JSON that each figure points at (data-chart-source).
   The table beside each chart stays: it is the accessible view and works without this. */
(function () {
  "use strict";
  var colours = ["#1f5fbf", "#b35900", "#2e7d32", "#7b3fb8"];
  var dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  function dataset(spec, d, i) {
    var colour = colours[i % colours.length];
    return {
      label: d.label,
      data: d.data,
      borderColor: colour,
      backgroundColor: spec.type === "line" ? colour : colour + "cc",
      borderDash: spec.type === "line" ? dashes[i % dashes.length] : [],
      pointStyle: ["circle", "rect", "triangle", "star"][i % 4],
      borderWidth: 2,
      tension: 0.2
    };
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart-source"));
    var holder = figure.querySelector(".insights-canvas");
    if (!source || !holder || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    holder.hidden = false;
    new window.Chart(holder.querySelector("canvas"), {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) { return dataset(spec, d, i); })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
