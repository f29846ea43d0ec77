// What every page of the watch floor shares: the partner's token (from the address,
// #token=..., or this browser session), requests to the API with it, errors that say what the
// API said, and the navigation links carrying the token on.
"use strict";

const pageParams = new URLSearchParams(location.hash.slice(1));
let token = pageParams.get("token") || sessionStorage.getItem("launchwatch-token") || "";
if (token) sessionStorage.setItem("launchwatch-token", token);

async function api(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const r = await fetch(path, { headers });
  if (r.ok) return r.json();
  const text = await r.text();
  let detail = text;
  try {
    const d = JSON.parse(text).detail;
    detail = Array.isArray(d) ? d.map((x) => x.loc.slice(-1)[0] + ": " + x.msg).join("; ") : d;
  } catch (e) { /* not JSON: keep the text */ }
  throw new Error(detail || path + ": " + r.status);
}

function linkPages() {
  for (const a of document.querySelectorAll("nav a")) a.href += "#token=" + encodeURIComponent(token);
}
