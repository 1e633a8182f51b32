/* Supervision dashboard — progressive enhancement: the tables work without this file.
   The trend chart (Chart.js, vendored under static/vendor/chartjs/) reads its data from the
   json_script element; clicking a bar opens the ledger rows behind it. */
(function () {
  "use strict";

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function periodFields(form) {
    var select = form.querySelector("select[name=period]");
    if (!select) return;
    var custom = form.querySelectorAll("[data-field=start], [data-field=end]");
    function sync() {
      custom.forEach(function (el) { el.hidden = select.value !== "custom"; });
    }
    select.addEventListener("change", sync);
    sync();
  }

  function trendChart() {
    var source = document.getElementById("sv-trend-data");
    var canvas = document.getElementById("sv-trend");
    if (!source || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.names.found, data: data.found, backgroundColor: "#90a4ae", yAxisID: "y" },
          { type: "bar", label: data.names.signed_off, data: data.signed_off, backgroundColor: "#2e7d32", yAxisID: "y" },
          { type: "line", label: data.names.rate, data: data.rate, borderColor: "#c62828", backgroundColor: "#c62828",
            spanGaps: true, yAxisID: "rate" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 } },
          rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
        },
        onClick: function (event, elements) {
          if (elements.length && data.links[elements[0].index]) window.location.href = data.links[elements[0].index];
        }
      }
    });
    // Printing: draw at the paper's width.
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  ready(function () {
    document.querySelectorAll("[data-period-form]").forEach(periodFields);
    trendChart();
  });
})();
