// The launch record: filters, launches per month, range against date by class, the table, and
// the assessed events (each linked to its page). Plain JavaScript and SVG.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function classOf(type) {
  const m = /(SRBM|MRBM|IRBM|ICBM)/.exec(type || "");
  return m ? m[1] : "other";
}

function monthKey(date) { return date.slice(0, 7); }

function drawPerMonth(rows) {
  const svg = document.getElementById("per-month");
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  if (!rows.length) return;
  const counts = new Map();
  const first = new Date(rows[0].date_utc.slice(0, 7) + "-01T00:00:00Z");
  const last = new Date(rows[rows.length - 1].date_utc.slice(0, 7) + "-01T00:00:00Z");
  const months = [];
  for (let d = new Date(first); d <= last; d.setUTCMonth(d.getUTCMonth() + 1)) months.push(d.toISOString().slice(0, 7));
  for (const r of rows) counts.set(monthKey(r.date_utc), (counts.get(monthKey(r.date_utc)) || 0) + 1);
  const max = Math.max(...counts.values());
  const w = 860 / months.length;
  months.forEach((m, i) => {
    const n = counts.get(m) || 0;
    const h = (120 * n) / max;
    if (n) el("rect", { class: "bar", "data-month": m, "data-count": n, x: 30 + i * w, y: 135 - h, width: Math.max(w - 1, 1), height: h }, svg)
      .appendChild(Object.assign(document.createElementNS(SVG, "title"), { textContent: m + ": " + n }));
    if (m.endsWith("-01")) el("text", { x: 30 + i * w, y: 150 }, svg).textContent = m.slice(0, 4);
  });
  el("line", { class: "axis", x1: 30, y1: 135, x2: 890, y2: 135 }, svg);
  el("text", { x: 2, y: 20 }, svg).textContent = max;
}

function drawRangeDate(rows) {
  const svg = document.getElementById("range-date");
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const known = rows.filter((r) => r.range_km != null);
  if (!known.length) return;
  const t = (r) => Date.parse(r.date_utc + "T00:00:00Z");
  const t0 = t(known[0]), t1 = Math.max(t(known[known.length - 1]), t0 + 1);
  const maxR = Math.max(...known.map((r) => r.range_km));
  // range on a log scale: 100 km to the longest flight
  const ly = (km) => 230 - (200 * Math.log10(Math.max(km, 100) / 100)) / Math.log10(Math.max(maxR, 1000) / 100);
  for (const km of [100, 300, 1000, 3000, 10000]) {
    if (km > Math.max(maxR, 1000)) break;
    el("line", { class: "axis", x1: 40, y1: ly(km), x2: 890, y2: ly(km) }, svg);
    el("text", { x: 2, y: ly(km) + 3 }, svg).textContent = km + " km";
  }
  for (const r of known) {
    const c = el("circle", { class: "dot " + classOf(r.type), "data-class": classOf(r.type), cx: 40 + (850 * (t(r) - t0)) / (t1 - t0), cy: ly(r.range_km), r: 4 }, svg);
    c.appendChild(Object.assign(document.createElementNS(SVG, "title"), { textContent: r.date_utc + " " + r.type + " " + (r.name || "") + ": " + r.range_km + " km" }));
  }
  let lx = 60;
  for (const k of ["SRBM", "MRBM", "IRBM", "ICBM", "other"]) {
    el("circle", { class: "dot " + k, cx: lx, cy: 250, r: 4 }, svg);
    el("text", { x: lx + 7, y: 253 }, svg).textContent = k;
    lx += 70;
  }
}

function drawTable(rows) {
  const body = document.querySelector("#launches tbody");
  body.innerHTML = "";
  for (const r of rows.slice().reverse()) {
    const tr = body.insertRow();
    for (const v of [r.date_utc, r.type, r.name, r.count, r.range_km, r.apogee_km, r.site]) tr.insertCell().textContent = v == null ? "" : v;
  }
}

async function show() {
  const form = new FormData(document.getElementById("filters"));
  const q = new URLSearchParams();
  for (const [k, v] of form) if (v) q.set(k, v);
  q.set("limit", "1000");
  document.getElementById("error").textContent = "";
  try {
    const rows = await api("/api/launches?" + q);
    document.getElementById("summary").textContent = rows.length + " launches" +
      (rows.length ? " from " + rows[0].date_utc + " to " + rows[rows.length - 1].date_utc : "");
    drawPerMonth(rows);
    drawRangeDate(rows);
    drawTable(rows);
  } catch (e) {
    document.getElementById("error").textContent = e.message;
  }
}

async function start() {
  document.getElementById("partner").textContent = (await api("/api/me")).partner;
  linkPages();
  document.getElementById("filters").addEventListener("submit", (e) => { e.preventDefault(); show(); });
  const events = await api("/api/events");
  const list = document.getElementById("events");
  for (const ev of events) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/event#token=" + encodeURIComponent(token) + "&id=" + ev.id;
    a.textContent = ev.launch_time.slice(0, 16).replace("T", " ") + " UTC — " + ev.count + " × " +
      (ev.class_by_range || "?") + ", " + ev.range_km.toFixed(0) + " ± " + ev.range_sigma_km.toFixed(0) + " km";
    li.appendChild(a);
    list.appendChild(li);
  }
  if (!events.length) list.textContent = "none saved (launchwatch assess --save)";
  await show();
  document.body.dataset.ready = "yes";
}

start().catch((e) => { document.getElementById("error").textContent = e.message; });
