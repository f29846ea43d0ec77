// One assessed event: the statements `launchwatch assess` made, and the evidence behind them
// (the measured figures with their uncertainty, the claims of public reports, the source).
"use strict";


function pm(v, s, unit, digits = 0) {
  return v.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits }) + " ± " +
    Math.max(s, 10 ** -digits).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits }) + " " + unit;
}

async function start() {
  document.getElementById("partner").textContent = (await api("/api/me")).partner;
  linkPages();
  const ev = await api("/api/events/" + encodeURIComponent(pageParams.get("id") || "0"));
  document.getElementById("title").textContent = "Event of " + ev.launch_time.slice(0, 19).replace("T", " ") + " UTC";
  const list = document.getElementById("statements");
  for (const s of ev.statements) {
    const li = document.createElement("li");
    li.textContent = s;
    list.appendChild(li);
  }
  if (!ev.statements.length) list.textContent = "(saved before statements were kept: re-run assess --save)";
  const figures = [
    ["launch time", ev.launch_time.slice(0, 23) + "Z ± " + ev.launch_time_sigma_s.toFixed(1) + " s"],
    ["launch point", ev.launch_lat.toFixed(3) + "N " + ev.launch_lon.toFixed(3) + "E ± " + ev.launch_sigma_km.toFixed(1) + " km"],
    ["count", ev.count],
    ["range flown", pm(ev.range_km, ev.range_sigma_km, "km")],
    ["apogee", pm(ev.apogee_km, ev.apogee_sigma_km, "km", 1)],
    ["flight time", pm(ev.flight_time_s, ev.flight_time_sigma_s, "s")],
    ["shape", ev.shape],
    ["class by range flown", ev.class_by_range],
    ["capability (standard trajectory)", ev.capability_km == null ? "" : ev.capability_km.toFixed(0) + " km (" + ev.class_by_capability + ")"],
    ["impact point", ev.impact_lat.toFixed(3) + "N " + ev.impact_lon.toFixed(3) + "E, " + ev.impact_semi_major_km.toFixed(1) + " × " + ev.impact_semi_minor_km.toFixed(1) + " km"],
    ["where it fell", ev.impact_zone],
  ];
  const table = document.getElementById("figures");
  for (const [k, v] of figures) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
  const body = document.querySelector("#claims tbody");
  for (const c of ev.claims) {
    const tr = body.insertRow();
    for (const v of [c.report, c.report_date, c.field, c.value, c.sentence]) tr.insertCell().textContent = v;
  }
  document.getElementById("provenance").textContent = "source: " + ev.source + " · model " + ev.model_version +
    (ev.launch_id ? " · record launch #" + ev.launch_id : "");
  document.body.dataset.ready = "yes";
}

start().catch((e) => { document.getElementById("error").textContent = e.message; document.body.dataset.ready = "yes"; });
