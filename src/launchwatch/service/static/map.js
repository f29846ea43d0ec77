// The watch floor's map: plain JavaScript and SVG, no tile server, no library, works offline.
// Equirectangular projection of the region, scaled by cos(37.5°) so that a kilometre is
// (nearly) as long east-west as north-south in the middle of the map.
//
// The map keeps every report it has seen, in event-time order, and draws the picture as it was
// at one moment: in live mode the latest report's time (new reports come from the server-sent
// event stream), in replay the time of a clock running at 1x-60x from the first report.
"use strict";

const REGION = { lonMin: 110, latMin: 20, lonMax: 160, latMax: 55 };
const W = 1000;
const KX = Math.cos((37.5 * Math.PI) / 180);
const H = (W * (REGION.latMax - REGION.latMin)) / ((REGION.lonMax - REGION.lonMin) * KX);
const PX_PER_DEG = W / (REGION.lonMax - REGION.lonMin);
const PX_PER_KM = PX_PER_DEG / KX / 111.2; // north-south degree: 111.2 km
const SVG = "http://www.w3.org/2000/svg";
const ENDED_S = 20; // a track with no report for this long is drawn as ended

const run = pageParams.get("run") || "";
let selected = null;
let reports = []; // every report seen, by event time
const seen = new Set(); // message ids
let mode = "live"; // or "replay"
let speed = 1;
let clockMs = 0; // the moment drawn (ms since 1970, UTC)
let replayWall = 0;
let replayStart = 0;
let firstAlerts = new Set();
const sensorPoints = []; // the partner's own sensors (GeoJSON points), drawn at every render
let zoom = 1; // screen units per map unit: marks keep their size when the view closes in
let view = "fit"; // "fit": the tracks seen so far; "region": the whole map

function x(lon) { return (lon - REGION.lonMin) * PX_PER_DEG; }
function y(lat) { return ((REGION.latMax - lat) * PX_PER_DEG) / KX; }
function t(r) { return Date.parse(r.event_time); }

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function withRun(path) {
  if (!run) return path;
  return path + (path.includes("?") ? "&" : "?") + "run=" + encodeURIComponent(run);
}

function ringPath(ring) {
  return ring.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join("") + "Z";
}

function geometryPath(g) {
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  return polys.map((poly) => poly.map(ringPath).join("")).join("");
}

function titled(node, text) {
  el("title", {}, node).textContent = text;
  return node;
}

async function drawBackground() {
  const [land, zones, sensors] = await Promise.all([
    api("/api/geo/land"), api("/api/geo/zones"), api(withRun("/api/sensors")),
  ]);
  const gz = document.getElementById("zones");
  for (const f of zones.features) {
    titled(el("path", { class: "zone", d: geometryPath(f.geometry), "data-country": f.properties.code }, gz),
      f.properties.name + ": 200-nmi zone (" + f.properties.note + ")");
  }
  const gl = document.getElementById("land");
  for (const f of land.features) {
    titled(el("path", { d: geometryPath(f.geometry), "data-country": f.properties.code }, gl), f.properties.name);
  }
  const gc = document.getElementById("coverage");
  for (const f of sensors.features) {
    const p = f.properties;
    if (p.role === "coverage") {
      titled(el("path", { class: "coverage " + p.type, d: geometryPath(f.geometry), "data-sensor": p.id }, gc),
        p.id + " coverage at " + (p.altitude_m / 1000).toFixed(0) + " km altitude");
    } else {
      sensorPoints.push(f);
    }
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

// -- the picture at one moment ---------------------------------------------------------------

function pictureAt(ms) {
  const tracks = new Map(), events = [], alerts = [];
  for (const r of reports) {
    if (t(r) > ms) break;
    const b = r.body;
    if (r.kind === "track" || r.kind === "impact") {
      const key = r.sender + "/" + b.track;
      if (!tracks.has(key)) tracks.set(key, { key, points: [], impacts: [], last: null });
      const tr = tracks.get(key);
      if (r.kind === "track") { tr.points.push(b); tr.last = r; } else tr.impacts.push(r);
    } else if (r.kind === "event") events.push(r);
    else if (r.kind === "alert") alerts.push(r);
  }
  return { tracks, events, alerts };
}

// the view: the whole region, or fitted to what has flown (at least 800 km across)
function fit(pic) {
  const svg = document.getElementById("map");
  let box = [0, 0, W, H];
  if (view === "fit") {
    const xs = [], ys = [];
    for (const tr of pic.tracks.values()) for (const p of tr.points) { xs.push(x(p.lon_deg)); ys.push(y(p.lat_deg)); }
    for (const ev of pic.events) { xs.push(x(ev.body.lon_deg)); ys.push(y(ev.body.lat_deg)); }
    if (xs.length) {
      const min = 800 * PX_PER_KM;
      const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      const rect = svg.getBoundingClientRect();
      const aspect = rect.width / Math.max(rect.height, 1);
      let w = Math.max(Math.max(...xs) - Math.min(...xs), min) * 1.3;
      let h = Math.max(Math.max(...ys) - Math.min(...ys), min) * 1.3;
      if (w / h < aspect) w = h * aspect; else h = w / aspect;
      box = [cx - w / 2, cy - h / 2, w, h];
    }
  }
  svg.setAttribute("viewBox", box.map((v) => v.toFixed(1)).join(" "));
  const rect = svg.getBoundingClientRect();
  zoom = Math.min(rect.width / box[2], rect.height / box[3]) / Math.min(rect.width / W, rect.height / H);
  svg.style.setProperty("--zoom", zoom);
  document.getElementById("view").textContent = view === "fit" ? "⤢ whole region" : "⤡ fit to tracks";
}

function render() {
  const pic = pictureAt(clockMs);
  fit(pic);
  const gt = clear("tracks"), ge = clear("ellipses"), gv = clear("events"), gp = clear("paths");
  const gs = clear("sensors"), half = 4 / zoom;
  for (const f of sensorPoints) {
    const [lon, lat] = f.geometry.coordinates, p = f.properties;
    titled(el("rect", { class: "sensor " + p.type, "data-sensor": p.id, x: x(lon) - half, y: y(lat) - half, width: 2 * half, height: 2 * half }, gs),
      p.id + (p.name ? " — " + p.name : ""));
  }
  for (const tr of pic.tracks.values()) {
    if (!tr.last) continue;
    const b = tr.last.body;
    const ended = clockMs - t(tr.last) > ENDED_S * 1000;
    const c = el("circle", {
      class: "track" + (tr.key === selected ? " selected" : "") + (ended ? " ended" : ""),
      "data-track": tr.key, cx: x(b.lon_deg), cy: y(b.lat_deg), r: (ended ? 3 : 5) / zoom,
    }, gt);
    titled(c, tr.key);
    c.addEventListener("click", () => select(tr.key));
    const imp = tr.impacts[tr.impacts.length - 1];
    if (imp && !ended) drawEllipse(ge, imp.body.impact, tr.key, "impact-ellipse");
    if (b.launch) drawEllipse(ge, b.launch, tr.key, "launch-ellipse");
    if (tr.points.length > 1) {
      el("polyline", {
        class: "path", "data-track": tr.key,
        points: tr.points.map((p) => x(p.lon_deg).toFixed(1) + "," + y(p.lat_deg).toFixed(1)).join(" "),
      }, gp);
    }
  }
  for (const ev of pic.events) {
    const b = ev.body;
    const px = x(b.lon_deg), py = y(b.lat_deg), k = 1 / zoom;
    titled(el("path", {
      class: "launch-event", "data-sender": ev.sender,
      d: "M" + px + "," + (py - 7 * k) + "L" + (px + 6 * k) + "," + (py + 5 * k) + "L" + (px - 6 * k) + "," + (py + 5 * k) + "Z",
    }, gv), ev.sender + ": launch " + b.launch_time.slice(11, 19) + " UTC ± " + b.sigma_km.toFixed(1) + " km (" + b.basis + ")");
  }
  renderAlerts(pic.alerts);
  document.getElementById("clock").textContent = clockMs ? new Date(clockMs).toISOString().slice(11, 19) + " UTC" : "--:--:-- UTC";
  const live = [...pic.tracks.values()].filter((tr) => tr.last && clockMs - t(tr.last) <= ENDED_S * 1000).length;
  document.getElementById("status").textContent =
    live + " tracks in flight, " + pic.tracks.size + " seen, " + pic.events.length + " launch events, " + pic.alerts.length + " alerts";
  if (selected && pic.tracks.has(selected)) showPanel(pic.tracks.get(selected));
}

function renderAlerts(alerts) {
  const list = document.getElementById("alerts");
  list.innerHTML = "";
  for (const a of alerts) {
    const b = a.body;
    const li = document.createElement("li");
    li.className = "alert " + b.action;
    li.dataset.sender = a.sender;
    const what = b.action === "inform" ? "inform (no public alert)" : "ALERT " + (b.areas.join(", ") || "");
    li.textContent = a.event_time.slice(11, 19) + " " + a.sender + " " + b.rule_set + ": " + what + " — " + b.reason;
    list.appendChild(li);
    if (!firstAlerts.has(a.message_id)) {
      firstAlerts.add(a.message_id);
      if (b.action !== "inform") {
        const banner = document.getElementById("banner");
        banner.hidden = false;
        banner.textContent = a.sender + " " + b.rule_set + " — " + (b.areas.join(", ") || "alert") + " (" + a.event_time.slice(11, 19) + " UTC)";
      }
    }
  }
  document.getElementById("alerts-none").hidden = alerts.length > 0;
}

function row(table, name, value) {
  const tr = table.insertRow();
  tr.insertCell().textContent = name;
  tr.insertCell().textContent = value;
}

function select(key) {
  selected = key;
  render();
}

function showPanel(tr) {
  const points = tr.points;
  const last = points[points.length - 1];
  const v = last.velocity_ecef_m_s;
  const speedMs = Math.hypot(v[0], v[1], v[2]);
  document.getElementById("panel").hidden = false;
  document.getElementById("panel-title").textContent = tr.key;
  const table = document.getElementById("panel-numbers");
  table.innerHTML = "";
  row(table, "altitude", (last.alt_m / 1000).toFixed(1) + " km");
  row(table, "speed", speedMs.toFixed(0) + " m/s");
  row(table, "phase", last.phase);
  row(table, "last report", tr.last.event_time.slice(11, 19) + " UTC");
  if (tr.impacts.length) {
    const imp = tr.impacts[tr.impacts.length - 1].body;
    const toGo = (Date.parse(imp.impact.time) - clockMs) / 1000;
    row(table, "time to impact", toGo > 0 ? toGo.toFixed(0) + " s" : "fallen");
    row(table, "impact (95 %)",
      imp.impact.lat_deg.toFixed(2) + "N " + imp.impact.lon_deg.toFixed(2) + "E, " +
      imp.impact.semi_major_km.toFixed(1) + " × " + imp.impact.semi_minor_km.toFixed(1) + " km");
    row(table, "basis", imp.basis);
  }
  if (last.launch) {
    row(table, "launch point (95 %)", last.launch.lat_deg.toFixed(2) + "N " + last.launch.lon_deg.toFixed(2) +
      "E, " + last.launch.semi_major_km.toFixed(1) + " km");
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
}

function haversineKm(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371.0 * Math.asin(Math.sqrt(a));
}

// -- reports in: the history, then the live stream ---------------------------------------------

function add(batch) {
  let late = false;
  for (const r of batch) {
    if (seen.has(r.message_id)) continue;
    seen.add(r.message_id);
    if (reports.length && t(r) < t(reports[reports.length - 1])) late = true;
    reports.push(r);
  }
  if (late) reports.sort((a, b) => t(a) - t(b));
}

async function loadHistory() {
  add(await api(withRun("/api/reports?limit=100000")));
}

async function follow() {
  // EventSource cannot send a bearer token, so the stream is read with fetch
  for (;;) {
    try {
      const r = await fetch(withRun("/api/stream"), { headers: { Authorization: "Bearer " + token } });
      if (!r.ok) throw new Error("stream: " + r.status);
      document.body.dataset.stream = "open";
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const kind = (block.match(/^event: (.*)$/m) || [])[1];
          const data = (block.match(/^data: (.*)$/m) || [])[1];
          if (kind === "overflow") { await loadHistory(); continue; }
          if (!data) continue;
          add([JSON.parse(data)]);
          if (mode === "live") { clockMs = Math.max(clockMs, t(reports[reports.length - 1])); render(); }
        }
      }
    } catch (e) {
      console.warn(e);
    }
    document.body.dataset.stream = "closed";
    await new Promise((ok) => setTimeout(ok, 2000));
    await loadHistory().catch((e) => console.warn(e)); // what came while the stream was down
  }
}

// -- live or replay ----------------------------------------------------------------------------

function latestMs() { return reports.length ? t(reports[reports.length - 1]) : 0; }

function setMode(value) {
  if (value === "live") {
    mode = "live";
    clockMs = latestMs();
    document.body.dataset.replay = "";
    render();
    return;
  }
  mode = "replay";
  speed = Number(value);
  replayStart = reports.length ? t(reports[0]) : 0;
  replayWall = performance.now();
  firstAlerts = new Set();
  document.getElementById("banner").hidden = true;
  document.body.dataset.replay = "running";
  clockMs = replayStart;
  render();
}

function tick() {
  if (mode === "replay") {
    clockMs = replayStart + (performance.now() - replayWall) * speed;
    if (clockMs >= latestMs()) {
      clockMs = latestMs();
      if (document.body.dataset.replay !== "done") {
        document.body.dataset.replay = "done";
      }
    }
    render();
  }
}

async function start() {
  const svg = document.getElementById("map");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H.toFixed(0));
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
  document.getElementById("partner").textContent = (await api("/api/me")).partner + (run ? " · run " + run : " · live network");
  linkPages();
  await drawBackground();
  await loadHistory();
  const choice = document.getElementById("speed");
  choice.addEventListener("change", () => setMode(choice.value));
  document.getElementById("view").addEventListener("click", () => { view = view === "fit" ? "region" : "fit"; render(); });
  document.getElementById("replay").addEventListener("click", () => setMode(choice.value === "live" ? "60" : choice.value));
  const wanted = pageParams.get("replay");
  if (wanted) { choice.value = wanted; setMode(wanted); } else setMode("live");
  document.body.dataset.ready = "yes";
  setInterval(tick, 200);
  follow();
}

start();
