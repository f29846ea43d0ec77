// The watch floor's map: plain JavaScript and SVG, no tile server, no library, works offline.
// Equirectangular projection of the region, scaled by cos(37.5°) so that a kilometre is
// (nearly) as long east-west as north-south in the middle of the map.
"use strict";

const REGION = { lonMin: 110, latMin: 20, lonMax: 160, latMax: 55 };
const W = 1000;
const KX = Math.cos((37.5 * Math.PI) / 180);
const H = (W * (REGION.latMax - REGION.latMin)) / ((REGION.lonMax - REGION.lonMin) * KX);
const PX_PER_DEG = W / (REGION.lonMax - REGION.lonMin);
const PX_PER_KM = PX_PER_DEG / KX / 111.2; // north-south degree: 111.2 km
const SVG = "http://www.w3.org/2000/svg";

let token = "";
let selected = null;

function x(lon) { return (lon - REGION.lonMin) * PX_PER_DEG; }
function y(lat) { return ((REGION.latMax - lat) * PX_PER_DEG) / KX; }

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

async function api(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const r = await fetch(path, { headers });
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()));
  return r.json();
}

function ringPath(ring) {
  return ring.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join("") + "Z";
}

async function drawLand() {
  const land = await api("/api/geo/land");
  const g = document.getElementById("land");
  for (const f of land.features) {
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    const d = polys.map((poly) => poly.map(ringPath).join("")).join("");
    el("path", { d, "data-country": f.properties.code }, g).appendChild(
      Object.assign(document.createElementNS(SVG, "title"), { textContent: f.properties.name })
    );
  }
}

function clear(id) {
  const g = document.getElementById(id);
  while (g.firstChild) g.removeChild(g.firstChild);
  return g;
}

function drawEllipse(parent, e, key, cls) {
  el("ellipse", {
    class: cls,
    "data-track": key,
    cx: x(e.lon_deg), cy: y(e.lat_deg),
    rx: Math.max(e.semi_minor_km * PX_PER_KM, 1), ry: Math.max(e.semi_major_km * PX_PER_KM, 1),
    // the major axis runs along north, turned clockwise by the orientation (SVG turns clockwise)
    transform: "rotate(" + e.orientation_deg + " " + x(e.lon_deg) + " " + y(e.lat_deg) + ")",
  }, parent);
}

let latest = "";

async function refresh() {
  const [tracks, events] = await Promise.all([api("/api/tracks"), api("/api/reports?kind=event")]);
  const gt = clear("tracks"), ge = clear("ellipses"), gv = clear("events"), gp = clear("paths");
  for (const t of tracks) {
    const key = t.sender + "/" + t.track;
    if (t.latest_track) {
      const b = t.latest_track.body;
      const c = el("circle", {
        class: "track" + (key === selected ? " selected" : ""),
        "data-track": key, cx: x(b.lon_deg), cy: y(b.lat_deg), r: 5,
      }, gt);
      el("title", {}, c).textContent = key;
      c.addEventListener("click", () => select(key));
      if (t.latest_track.event_time > latest) latest = t.latest_track.event_time;
    }
    if (t.latest_impact) drawEllipse(ge, t.latest_impact.body.impact, key, "impact-ellipse");
    const launch = t.latest_track && t.latest_track.body.launch;
    if (launch) drawEllipse(ge, launch, key, "launch-ellipse");
    if (t.path.length > 1) {
      el("polyline", {
        class: "path", "data-track": key,
        points: t.path.map((p) => x(p[1]).toFixed(1) + "," + y(p[0]).toFixed(1)).join(" "),
      }, gp);
    }
  }
  for (const ev of events) {
    const b = ev.body;
    const px = x(b.lon_deg), py = y(b.lat_deg);
    el("path", {
      class: "launch-event", "data-sender": ev.sender,
      d: "M" + px + "," + (py - 7) + "L" + (px + 6) + "," + (py + 5) + "L" + (px - 6) + "," + (py + 5) + "Z",
    }, gv);
  }
  document.getElementById("clock").textContent = latest ? latest.slice(11, 19) + " UTC" : "--:--:-- UTC";
  document.getElementById("status").textContent = tracks.length + " tracks, " + events.length + " launch events";
}

function row(table, name, value) {
  const tr = table.insertRow();
  tr.insertCell().textContent = name;
  tr.insertCell().textContent = value;
}

async function select(key) {
  selected = key;
  const history = await api("/api/tracks/" + key);
  const points = history.filter((r) => r.kind === "track").map((r) => r.body);
  const impacts = history.filter((r) => r.kind === "impact");
  const last = points[points.length - 1];
  const v = last.velocity_ecef_m_s;
  const speed = Math.hypot(v[0], v[1], v[2]);
  document.getElementById("panel").hidden = false;
  document.getElementById("panel-title").textContent = key;
  const table = document.getElementById("panel-numbers");
  table.innerHTML = "";
  row(table, "altitude", (last.alt_m / 1000).toFixed(1) + " km");
  row(table, "speed", speed.toFixed(0) + " m/s");
  row(table, "phase", last.phase);
  if (impacts.length) {
    const imp = impacts[impacts.length - 1];
    const toGo = (Date.parse(imp.body.impact.time) - Date.parse(history[history.length - 1].event_time)) / 1000;
    row(table, "time to impact", toGo > 0 ? toGo.toFixed(0) + " s" : "fallen");
    row(table, "impact ellipse (95 %)",
      imp.body.impact.semi_major_km.toFixed(1) + " × " + imp.body.impact.semi_minor_km.toFixed(1) + " km");
  }
  // altitude against down-range from the first report (great-circle distance)
  const first = points[0];
  const range = points.map((p) => haversineKm(first.lat_deg, first.lon_deg, p.lat_deg, p.lon_deg));
  const maxR = Math.max(...range, 1), maxA = Math.max(...points.map((p) => p.alt_m), 1);
  const prof = document.getElementById("profile");
  while (prof.firstChild) prof.removeChild(prof.firstChild);
  el("polyline", {
    points: points.map((p, i) => (10 + (280 * range[i]) / maxR).toFixed(1) + "," + (140 - (130 * p.alt_m) / maxA).toFixed(1)).join(" "),
  }, prof);
  el("text", { x: 10, y: 12, fill: "#e8eef4", "font-size": 10 }, prof).textContent =
    "altitude to " + (maxA / 1000).toFixed(0) + " km over " + maxR.toFixed(0) + " km down-range";
  await refresh();
}

function haversineKm(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371.0 * Math.asin(Math.sqrt(a));
}

async function start() {
  const svg = document.getElementById("map");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H.toFixed(0));
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  token = fromHash || sessionStorage.getItem("launchwatch-token") || "";
  if (!token) {
    const form = document.getElementById("login");
    form.hidden = false;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem("launchwatch-token", document.getElementById("token").value);
      location.reload();
    });
    return;
  }
  sessionStorage.setItem("launchwatch-token", token);
  document.getElementById("partner").textContent = (await api("/api/me")).partner;
  await drawLand();
  await refresh();
  document.body.dataset.ready = "yes";
  setInterval(() => refresh().catch((e) => console.warn(e)), 2000);
}

start();
