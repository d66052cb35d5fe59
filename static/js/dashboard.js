/* Charts of the dashboard, drawn with the vendored Chart.js from data (and translated
 * labels) the page passes with json_script. Every chart's numbers are also in a table
 * on the page, so a chart that cannot be drawn loses nothing. */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "tr").toLowerCase();
  var turkish = lang.indexOf("tr") === 0;
  var nf = new Intl.NumberFormat(turkish ? "tr-TR" : lang, { maximumFractionDigits: 2 });

  function num(v) { return v === null || v === undefined ? "" : nf.format(v); }
  function pct(v) { return turkish ? "%" + nf.format(v) : nf.format(v) + "%"; }

  function readData(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
  };

  var builders = {
    /* indicators per status in each year, stacked */
    years: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: d.datasets.map(function (s) {
            return { label: s.label, data: s.data, backgroundColor: s.color,
                     borderColor: "#ffffff", borderWidth: 1 };
          })
        },
        options: Object.assign({}, common, {
          scales: {
            x: { stacked: true },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0, callback: num },
                 title: { display: true, text: d.axis } }
          },
          plugins: Object.assign({}, common.plugins, {
            tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + num(c.parsed.y); } } }
          })
        })
      };
    },
    /* people per group: target and realization side by side, horizontal bars */
    reach: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.names.target, data: d.target, backgroundColor: "#b39ddb" },
            { label: d.names.realized, data: d.realized, backgroundColor: "#4b2a7b" }
          ]
        },
        options: Object.assign({}, common, {
          indexAxis: "y",
          scales: { x: { beginAtZero: true, ticks: { callback: num },
                         title: { display: true, text: d.axis } } },
          plugins: Object.assign({}, common.plugins, {
            tooltip: { callbacks: { label: function (c) {
              return c.dataset.label + ": " + (c.parsed.x === null ? "—" : num(c.parsed.x));
            } } }
          })
        })
      };
    },
    /* one indicator: target and realization per year, baseline as a line */
    indicator: function (d) {
      var fmt = d.percent ? pct : num;
      var datasets = [
        { label: d.names.target, data: d.target, backgroundColor: "#b39ddb" },
        { label: d.names.realized, data: d.realized, backgroundColor: "#4b2a7b" }
      ];
      if (d.baseline !== null) {
        datasets.push({
          type: "line", label: d.names.baseline,
          data: d.labels.map(function () { return d.baseline; }),
          borderColor: "#78909c", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, order: -1
        });
      }
      return {
        type: "bar",
        data: { labels: d.labels, datasets: datasets },
        options: Object.assign({}, common, {
          scales: { y: { beginAtZero: true, ticks: { callback: fmt } } },
          plugins: Object.assign({}, common.plugins, {
            tooltip: { callbacks: { label: function (c) {
              return c.dataset.label + ": " + (c.parsed.y === null ? "—" : fmt(c.parsed.y));
            } } }
          })
        })
      };
    }
  };

  function draw() {
    if (!window.Chart) { return; }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#1b1f23";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.dataset.chart];
      var data = readData(canvas);
      if (build && data) { new Chart(canvas, build(data)); }
    });
  }

  /* charts follow the paper's width when printed */
  function resizeAll() {
    if (!window.Chart) { return; }
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  }
  /* tables folded away on screen are printed */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.as-table").forEach(function (d) { d.open = true; });
    resizeAll();
  });
  window.addEventListener("afterprint", resizeAll);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  draw();
})();
