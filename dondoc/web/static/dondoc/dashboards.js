// dondoc: the dashboards' charts, drawn with Chart.js and its matrix plugin (both served by dondoc itself).
// Every <canvas data-chart-kind="bar|line|matrix" data-source="ID"> is drawn from the JSON of the json_script
// element ID. The table under each chart carries the same figures: without JavaScript nothing is lost.
"use strict";

(function () {
  const number = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 2});

  // PNG downloads (app.js chartPngButton) get a white background instead of a transparent one.
  const whiteBackground = {
    id: "whiteBackground",
    beforeDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  // Long labels (area and agency names) on several lines rather than cut or rotated.
  function lines(text, width) {
    const out = [];
    let current = "";
    String(text).split(" ").forEach((word) => {
      if (current && (current + " " + word).length > width) { out.push(current); current = word; }
      else current = current ? current + " " + word : word;
    });
    if (current) out.push(current);
    return out;
  }

  function datasets(data, extra) {
    return data.datasets.map((d) => Object.assign(
      {label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color}, extra || {}));
  }

  function axisTitle(data) {
    return {display: Boolean(data.axis), text: data.axis || ""};
  }

  function bar(data) {
    const horizontal = Boolean(data.horizontal);
    const valueAxis = horizontal ? "x" : "y";
    const categoryAxis = horizontal ? "y" : "x";
    const scales = {};
    scales[categoryAxis] = {stacked: Boolean(data.stacked), ticks: {autoSkip: false,
      callback(value) { return lines(this.getLabelForValue(value), horizontal ? 48 : 22); }}};
    scales[valueAxis] = {stacked: Boolean(data.stacked), beginAtZero: true, title: axisTitle(data),
      ticks: data.max ? {} : {precision: 0}};
    if (data.max) scales[valueAxis].max = data.max;
    return {
      type: "bar",
      data: {labels: data.labels, datasets: datasets(data)},
      options: {indexAxis: horizontal ? "y" : "x", scales,
        plugins: {legend: {display: data.legend !== false, position: "bottom"},
          tooltip: {callbacks: {label: (item) => `${item.dataset.label}: ${number.format(item.parsed[valueAxis])}`}}}},
    };
  }

  function line(data) {
    return {
      type: "line",
      data: {labels: data.labels, datasets: datasets(data, {tension: 0, pointRadius: 4})},
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}, title: axisTitle(data)}},
        plugins: {legend: {position: "bottom"}}},
    };
  }

  // 0% on time red, 100% green; no due task: pale grey.
  function heatColour(share) {
    return share === null || share === undefined ? "#eef2f6" : `hsl(${Math.round(share * 1.2)}, 65%, 50%)`;
  }

  function matrix(data) {
    const columns = Math.max(data.x.length, 1);
    const rows = Math.max(data.y.length, 1);
    const labels = data.labels;
    return {
      type: "matrix",
      data: {datasets: [{
        label: labels.share,
        data: data.cells,
        backgroundColor: (ctx) => heatColour((ctx.raw || {}).v),
        borderColor: "#fff",
        borderWidth: 1,
        width: ({chart}) => Math.max(((chart.chartArea || {}).width || 0) / columns - 2, 1),
        height: ({chart}) => Math.max(((chart.chartArea || {}).height || 0) / rows - 2, 1),
      }]},
      options: {
        scales: {
          x: {type: "category", labels: data.x, position: "top", offset: true, grid: {display: false},
            ticks: {autoSkip: false, maxRotation: 0, callback(value) { return lines(this.getLabelForValue(value), 18); }}},
          y: {type: "category", labels: data.y, offset: true, reverse: true, grid: {display: false},
            ticks: {autoSkip: false, callback(value) { return lines(this.getLabelForValue(value), 48); }}},
        },
        plugins: {
          legend: {display: false},
          tooltip: {callbacks: {
            title: (items) => `${items[0].raw.y} — ${items[0].raw.x}`,
            label: (item) => {
              const cell = item.raw;
              if (cell.v === null) return labels.none;
              return [`${labels.share}: ${number.format(cell.v)}%`,
                `${labels.on_time}: ${cell.on_time} / ${labels.due}: ${cell.due}`];
            },
          }},
        },
      },
    };
  }

  const BUILDERS = {bar, line, matrix};

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.source);
    const build = BUILDERS[canvas.dataset.chartKind];
    if (!source || !build) return;
    const config = build(JSON.parse(source.textContent));
    config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false}, config.options);
    config.plugins = [whiteBackground];
    try {
      canvas.chart = new Chart(canvas, config);
      canvas.dataset.ready = "1";
    } catch (e) {  // e.g. the matrix plugin missing: the table below still has the figures
      console.error(e);
    }
  }

  window.addEventListener("load", () => {
    if (typeof Chart === "undefined") return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart-kind]").forEach(draw);
  });
})();
