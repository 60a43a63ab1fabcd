// dondoc: small progressive enhancements; every page also works without JavaScript.
"use strict";

// The CSRF token from the page's own forms (every page has one: the language switcher); the cookie is HttpOnly in
// production.
function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

// No inline handlers (Content Security Policy): a form with data-confirm asks first; a select with data-autosubmit
// submits its form when changed.
function confirmBeforeSubmit(event) {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}

function autoSubmit(event) {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
}

// A PAR-Index criterion's form: show only the settings of the chosen rule (without JavaScript every field stays
// visible).
function criterionRuleFields(form) {
  const part = (name) => form.querySelector(".field-" + name);
  const show = (name, on) => { const el = part(name); if (el) el.style.display = on ? "" : "none"; };  // CSSOM: allowed
  const update = () => {
    const rule = form.elements.rule ? form.elements.rule.value : "";
    const linear = form.elements.mode ? form.elements.mode.value === "linear" : false;
    show("metric", rule === "metric"); show("mode", rule === "metric");
    show("bands", rule === "metric" && !linear);
    show("zero_at", rule === "metric" && linear); show("full_at", rule === "metric" && linear);
    show("area", rule === "tasks"); show("self_assessed", rule !== "survey");
  };
  form.addEventListener("change", update);
  update();
}

document.addEventListener("submit", confirmBeforeSubmit, true);
document.addEventListener("change", autoSubmit);

// Import progress: poll the draft's status until it is read, then reload into the review.
function watchImport(box) {
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("progress");
  const stage = box.querySelector(".stage");
  const tick = async () => {
    try {
      const res = await fetch(url, {headers: {Accept: "application/json"}});
      const data = await res.json();
      bar.value = data.progress;
      stage.textContent = data.stage || stage.textContent;
      if (data.status !== "queued" && data.status !== "reading") { window.location.reload(); return; }
    } catch (e) { /* network hiccup: try again */ }
    setTimeout(tick, 800);
  };
  setTimeout(tick, 400);
}

// Review table: click a cell, edit it in place, save on blur or Ctrl+Enter; Escape cancels.
function editableReview(table) {
  const url = table.dataset.editUrl;
  table.addEventListener("click", (ev) => {
    const cell = ev.target.closest("td.cell");
    if (!cell || cell.querySelector("textarea")) return;
    const original = cell.textContent.trim();
    const box = document.createElement("textarea");
    box.value = original;
    box.rows = Math.max(2, Math.ceil(original.length / 40));
    box.setAttribute("aria-label", "Sửa ô");
    cell.textContent = "";
    cell.appendChild(box);
    box.focus();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const value = box.value.trim();
      if (!save || value === original) { cell.textContent = original; return; }
      cell.textContent = value;
      cell.classList.add("saving");
      const row = cell.closest("tr");
      const body = new URLSearchParams({index: row.dataset.index, field: cell.dataset.field, value});
      const res = await fetch(url, {method: "POST", body,
        headers: {"X-CSRFToken": csrfToken(), Accept: "application/json"}});
      cell.classList.remove("saving");
      const data = await res.json();
      if (!res.ok) { cell.textContent = original; alert(data.error || "Không lưu được."); return; }
      cell.classList.add("edited");
      renderNormalised(row, data.task);
    };
    box.addEventListener("blur", () => finish(true));
    box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.preventDefault(); finish(false); }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); box.blur(); }
    });
  });
}

function renderNormalised(row, task) {
  const cell = row.querySelector("td.normalised");
  if (!cell) return;
  const span = (cls, text) => { const s = document.createElement("span"); s.className = cls; s.textContent = text; return s; };
  const lead = cell.querySelector(".agencies-lead"), coord = cell.querySelector(".agencies-coord");
  const sched = cell.querySelector(".schedule");
  lead.replaceChildren(...task.lead_agencies.map((a) => span("agency", a)));
  coord.replaceChildren(...task.coordinating_agencies.map((a) => span("agency coord", a)));
  const parts = task.schedule.due_dates.map((d) => span("due", d));
  task.schedule.recurrence.forEach((r) => parts.push(span("tag", r)));
  if (task.schedule.continuous) parts.push(span("tag", "thường xuyên"));
  if (task.schedule.conditional) parts.push(span("tag warn", "theo điều kiện"));
  sched.replaceChildren(...parts);
  cell.querySelectorAll("div.warn").forEach((w) => w.remove());
  task.warnings.forEach((w) => { const d = document.createElement("div"); d.className = "warn"; d.textContent = w.message; cell.appendChild(d); });
  row.classList.toggle("warned", task.warnings.length > 0);
}

// Agency pickers: suggestions from the directory as you type (accent-free).
function agencyPicker(input) {
  const list = document.getElementById(input.getAttribute("list"));
  const hidden = input.form.querySelector("input[name=agency]");
  const known = new Map();
  let timer = null;
  input.addEventListener("input", () => {
    hidden.value = known.get(input.value) || "";
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (input.value.trim().length < 2) return;
      const res = await fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(input.value));
      const data = await res.json();
      list.replaceChildren(...data.results.map((r) => { known.set(r.name, r.id); const o = document.createElement("option"); o.value = r.name; return o; }));
      hidden.value = known.get(input.value) || "";
    }, 200);
  });
  input.addEventListener("change", () => { hidden.value = known.get(input.value) || ""; });
}

// A target's trend: its actual per period against the goal line (Chart.js, served by dondoc itself).
function trendChart(canvas) {
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  if (typeof Chart === "undefined") return;  // the table below the chart carries the same figures
  const unit = data.unit ? " " + data.unit : "";
  canvas.chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {label: "Đạt được" + unit, data: data.actual, borderColor: "#0b5cad", backgroundColor: "#0b5cad",
         spanGaps: true, tension: 0.2},
        {label: "Mục tiêu (" + data.comparator + ")" + unit, data: data.goal, borderColor: "#a3161a",
         borderDash: [6, 4], pointRadius: 0},
      ],
    },
    options: {animation: false, responsive: true, maintainAspectRatio: false,
              plugins: {legend: {position: "bottom"}}, scales: {y: {beginAtZero: false}}},
  });
  canvas.dataset.ready = "1";
}

// "Tải ảnh PNG" next to a chart: the chart as drawn, on a white background.
function chartPngButton(button) {
  button.addEventListener("click", () => {
    const canvas = document.getElementById(button.dataset.chart);
    if (!canvas || !canvas.chart) return;
    const link = document.createElement("a");
    link.href = canvas.chart.toBase64Image("image/png", 1);
    link.download = button.dataset.filename || "bieu-do.png";
    link.click();
  });
}

window.addEventListener("load", () => {
  const trend = document.getElementById("trend-chart");
  if (trend) trendChart(trend);
  document.querySelectorAll("button.chart-png").forEach(chartPngButton);
});

document.addEventListener("DOMContentLoaded", () => {
  const progress = document.getElementById("import-progress");
  if (progress) watchImport(progress);
  document.querySelectorAll("table.review[data-edit-url]").forEach(editableReview);
  document.querySelectorAll("input.agency-pick").forEach(agencyPicker);
  document.querySelectorAll("form[data-rule-fields]").forEach(criterionRuleFields);
});
