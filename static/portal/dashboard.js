// The dashboard: one ECharts chart per [data-chart], its option read from the json_script beside it.
// Canvas renderer, no network: echarts.min.js is served from static/vendor/ (npm, pinned).
(function () {
  "use strict";
  if (!window.echarts) return;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = document.getElementById(box.dataset.chart);
    if (!data) return;
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(JSON.parse(data.textContent));
    box.dataset.chartReady = "1";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
