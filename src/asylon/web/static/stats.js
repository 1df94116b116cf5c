// Statistics pages: show the exact figures of a chart's year (its data-tip) in the <output>
// under the chart on keyboard focus or hover. No inline script: the CSP forbids it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("figure.interactive-chart").forEach(function (figure) {
    var out = figure.querySelector("output.chart-tip");
    if (!out) return;
    figure.querySelectorAll("[data-tip]").forEach(function (group) {
      var show = function () { out.textContent = group.getAttribute("data-tip"); };
      group.addEventListener("focus", show);
      group.addEventListener("mouseenter", show);
    });
  });
});
