"""A report per assessed event, for people and for other tools.

``write_report`` writes into a directory:

- ``report.html``: one self-contained page (its pictures inside it, no script, no network)
  with the statements, the evidence behind them (each figure with its 1σ, the alert rules,
  the claims and the sentences they came from, source and model version) and the figures;
- the figures as PNG: ``map.png`` (ground track flown and predicted, impact ellipse, launch
  point, 200-nmi zones, the sensors), ``altitude_range.png`` (altitude against down-range),
  ``altitude_time.png``, ``impact_ellipse.png`` (the 95 % ellipse's semi-major axis against
  time since launch, as the track firmed up) and ``record_timeline.png`` (range against date
  for the launch record, this event marked);
- the event as ``event.geojson`` (RFC 7946), ``event.kml`` (OGC KML 2.2, written with
  fastkml) and ``event.czml`` (Cesium's CZML, written with czml3: the flight as a time-tagged
  path, the impact ellipse, the launch point).

The figures are of the event's farthest-flying missile (its headline figures).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod

from launchwatch.assessment.alert_rules import ellipse_points
from launchwatch.assessment.assess import AssessedEvent
from launchwatch.assessment.events import FlyingObject
from launchwatch.assessment.ground_track import object_records, predicted_paths
from launchwatch.assessment.statements import statements
from launchwatch.flight.analysis import MODEL_VERSION
from launchwatch.geography.countries import country_geometries
from launchwatch.geography.zone_map import zone_outlines
from launchwatch.geography.zones import APPROXIMATION
from launchwatch.measurements import format_time
from launchwatch.record.database import Record
from launchwatch.record.queries import list_launches
from launchwatch.scenario import SensorSpec

__all__ = ["ReportFiles", "write_report"]

FloatArray = npt.NDArray[np.float64]
_GEOD = Geod(ellps="WGS84")
_CLASSES = {"SRBM": "#2e8b57", "MRBM": "#d4a017", "IRBM": "#e8702a", "ICBM": "#c0392b"}


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pngs: list[Path]
    geojson: Path
    kml: Path
    czml: Path


@dataclass(frozen=True)
class _Flight:
    """The missile's track records and ground track, ready to draw."""

    times: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt_m: FloatArray
    ground: FloatArray
    """(lat, lon) flown then predicted."""
    ellipse_times: FloatArray
    ellipse_major_km: FloatArray


def _flight(obj: FlyingObject) -> _Flight:
    records, times = object_records(obj)
    # one update a moment: several tracks (partners, a broken track) can report the same one
    times, first = np.unique(times, return_index=True)
    records = [records[i] for i in first]
    lat = np.array([r.lat_deg for r in records])
    lon = np.array([r.lon_deg for r in records])
    alt = np.array([r.alt_m for r in records])
    et = [t for t, r in zip(times, records, strict=True) if r.impact is not None]
    em = [r.impact.semi_major_km for r in records if r.impact is not None]
    (ahead,) = predicted_paths(records[-1:], times[-1:])
    ground = np.vstack([np.column_stack([lat, lon]), ahead])
    return _Flight(times, lat, lon, alt, ground, np.array(et), np.array(em))


def _png(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _map(a: AssessedEvent, f: _Flight, sensors: list[SensorSpec], path: Path) -> Path:
    m = a.farthest.measures
    lats = np.concatenate([f.ground[:, 0], [a.event.launch_lat_deg]])
    lons = np.concatenate([f.ground[:, 1], [a.event.launch_lon_deg]])
    pad = 3.0
    box = (lons.min() - pad, lats.min() - pad, lons.max() + pad, lats.max() + pad)
    fig, ax = plt.subplots(figsize=(8, 6.5))
    ax.set_facecolor("#dbe9f6")
    for z in zone_outlines(box):
        for poly in getattr(z.geometry, "geoms", [z.geometry]):
            x, y = poly.exterior.xy
            ax.plot(x, y, color="#4a78b5", lw=0.6, ls="--")
    for geom in country_geometries():
        clipped = shapely.clip_by_rect(geom, *box)
        for poly in getattr(clipped, "geoms", [clipped]):
            if poly.is_empty or poly.geom_type != "Polygon":
                continue
            x, y = poly.exterior.xy
            ax.fill(x, y, color="#c9d8bf", ec="#6f7f6e", lw=0.5)
    for s in sensors:
        if box[0] <= s.lon_deg <= box[2] and box[1] <= s.lat_deg <= box[3]:
            ax.plot(s.lon_deg, s.lat_deg, "s", color="#2e7d32", ms=5)
            ax.annotate(s.id, (s.lon_deg, s.lat_deg), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")  # fmt: skip
    n = len(f.lat)
    ax.plot(f.ground[:n, 1], f.ground[:n, 0], color="#d35400", lw=1.8, label="tracked")
    ax.plot(f.ground[n:, 1], f.ground[n:, 0], color="#d35400", lw=1.2, ls=":",
            label="predicted from the last update")  # fmt: skip
    ring = np.array(_ellipse_ring(a))  # the edge in order around it, (lon, lat)
    size = f"{m.impact.semi_major_km:.1f} × {m.impact.semi_minor_km:.1f} km"
    ax.fill(ring[:, 0], ring[:, 1], color="#c0392b", alpha=0.5,
            label=f"impact, 95 % ({size})")  # fmt: skip
    ax.plot(m.impact.lon_deg, m.impact.lat_deg, "x", color="#c0392b")
    ax.plot(a.event.launch_lon_deg, a.event.launch_lat_deg, "^", color="#1f77b4", ms=8,
            label=f"launch point (± {a.event.launch_sigma_km:.1f} km)")  # fmt: skip
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect(1 / np.cos(np.radians((box[1] + box[3]) / 2)))
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_title(f"{a.event.key}: ground track; dashed: 200-nmi zones (approx.)", fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    return _png(fig, path)


def _dots(
    x: FloatArray, y: FloatArray, labels: tuple[str, str, str], path: Path, log: bool = False
) -> Path:
    """One scatter of track updates: (x label, y label, title)."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    if x.size:
        (ax.semilogy if log else ax.plot)(x, y, ".", ms=2, color="#d35400")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(labels[2], fontsize=10)
    ax.grid(alpha=0.3, which="both")
    return _png(fig, path)


def _profiles(a: AssessedEvent, f: _Flight, out: Path) -> list[Path]:
    t0 = a.event.launch_time
    _, _, dist = _GEOD.inv(
        np.full(len(f.lat), a.event.launch_lon_deg), np.full(len(f.lat), a.event.launch_lat_deg),
        f.lon, f.lat,
    )  # fmt: skip
    since = "time since launch (s)"
    return [
        _dots(np.asarray(dist) / 1e3, f.alt_m / 1e3,
              ("down-range from the launch point (km)", "altitude (km)",
               "altitude against down-range (track updates)"), out / "altitude_range.png"),
        _dots(f.times - t0, f.alt_m / 1e3, (since, "altitude (km)", "altitude against time"),
              out / "altitude_time.png"),
        _dots(f.ellipse_times - t0, f.ellipse_major_km,
              (since, "95 % semi-major axis (km)", "the impact ellipse as the track firms up"),
              out / "impact_ellipse.png", log=True),
    ]  # fmt: skip


def _timeline(a: AssessedEvent, record: Record | None, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 3.5))
    if record is not None:
        rows = [r for r in list_launches(record) if r.range_km]
        for r in rows:
            kind = next((k for k in _CLASSES if k in (r.type or "")), "")
            ax.semilogy(r.date_utc, r.range_km, "o", ms=4, color=_CLASSES.get(kind, "#888888"))
    day = dt.datetime.fromtimestamp(a.event.launch_time, dt.UTC).date()
    m = a.farthest.measures
    ax.semilogy(day, m.range_km.value, "*", ms=16, color="black", label="this event (measured)")
    for k, c in _CLASSES.items():
        ax.plot([], [], "o", color=c, label=k)
    ax.set_ylabel("range (km)")
    ax.set_title("the launch record: range against date (reported class)", fontsize=10)
    ax.legend(fontsize=7, ncol=5, loc="upper left")
    ax.grid(alpha=0.3, which="both")
    return _png(fig, path)


def _ellipse_ring(a: AssessedEvent) -> list[tuple[float, float]]:
    """The 95 % impact ellipse's edge, (lon, lat), closed, in order around it."""
    e = a.farthest.measures.impact
    lat, lon = ellipse_points(e)
    ring = list(zip(lon[1:17].tolist(), lat[1:17].tolist(), strict=True))
    return [*ring, ring[0]]


def _geojson(a: AssessedEvent, f: _Flight, path: Path) -> Path:
    m = a.farthest.measures
    n = len(f.lat)
    props = {"event": a.event.key, "model_version": MODEL_VERSION}
    features = [
        {
            "type": "Feature",
            "properties": {
                **props,
                "role": "launch point",
                "time": format_time(a.event.launch_time),
                "sigma_km": a.event.launch_sigma_km,
            },
            "geometry": {
                "type": "Point",
                "coordinates": [a.event.launch_lon_deg, a.event.launch_lat_deg],
            },
        },
        {
            "type": "Feature",
            "properties": {**props, "role": "ground track, tracked"},
            "geometry": {
                "type": "LineString",
                "coordinates": np.column_stack([f.lon, f.lat, f.alt_m]).round(5).tolist(),
            },
        },
        {
            "type": "Feature",
            "properties": {**props, "role": "ground track, predicted"},
            "geometry": {
                "type": "LineString",
                "coordinates": f.ground[n - 1 :, ::-1].round(5).tolist(),
            },
        },
        {
            "type": "Feature",
            "properties": {
                **props,
                "role": "impact ellipse (95 %)",
                "time": format_time(m.impact_time),
                "semi_major_km": m.impact.semi_major_km,
                "semi_minor_km": m.impact.semi_minor_km,
                "orientation_deg": m.impact.orientation_deg,
            },
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in _ellipse_ring(a)]]},
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1))
    return path


def _kml(a: AssessedEvent, f: _Flight, path: Path) -> Path:
    from fastkml import kml
    from fastkml.containers import Document
    from fastkml.enums import AltitudeMode
    from fastkml.features import Placemark
    from fastkml.geometry import LineString
    from pygeoif import geometry as geo

    m = a.farthest.measures
    launch = Placemark(
        name="launch point",
        description=f"{format_time(a.event.launch_time)} ± {a.event.launch_sigma_km:.1f} km",
        geometry=geo.Point(a.event.launch_lon_deg, a.event.launch_lat_deg),
    )
    flight = Placemark(
        name="flight (tracked)",
        kml_geometry=LineString(
            altitude_mode=AltitudeMode.absolute,
            geometry=geo.LineString(np.column_stack([f.lon, f.lat, f.alt_m]).tolist()),
        ),
    )
    impact = Placemark(
        name="impact ellipse (95 %)",
        description=f"{m.impact.semi_major_km:.2f} × {m.impact.semi_minor_km:.2f} km, "
        f"{format_time(m.impact_time)}",
        geometry=geo.Polygon(_ellipse_ring(a)),
    )
    doc = Document(name=f"launchwatch {a.event.key}", features=[launch, flight, impact])
    path.write_text(kml.KML(features=[doc]).to_string(prettyprint=True), encoding="utf-8")
    return path


def _czml(a: AssessedEvent, f: _Flight, path: Path) -> Path:
    from czml3 import (
        Color,
        Document,
        Material,
        Packet,
        Point,
        Polygon,
        PolylineMaterial,
        Position,
        PositionList,
        SolidColorMaterial,
        TimeInterval,
    )
    from czml3 import Path as FlightPath

    start = dt.datetime.fromtimestamp(f.times[0], dt.UTC)
    end = dt.datetime.fromtimestamp(f.times[-1], dt.UTC)
    samples = np.column_stack([f.times - f.times[0], f.lon, f.lat, f.alt_m]).ravel().tolist()
    colour = SolidColorMaterial(color=Color(rgba=[192, 57, 43, 160]))
    red, line = Material(solidColor=colour), PolylineMaterial(solidColor=colour)
    ring = [c for lon, lat in _ellipse_ring(a) for c in (lon, lat, 0.0)]
    doc = Document(
        packets=[
            Packet(id="document", name=f"launchwatch {a.event.key}", version="1.0"),
            Packet(
                id="missile",
                name="missile (tracked)",
                availability=TimeInterval(start=start, end=end),
                position=Position(epoch=start, cartographicDegrees=samples),
                path=FlightPath(show=True, width=2, material=line),
                point=Point(pixelSize=6),
            ),
            Packet(
                id="launch",
                name="launch point",
                position=Position(
                    cartographicDegrees=[a.event.launch_lon_deg, a.event.launch_lat_deg, 0.0]
                ),
                point=Point(pixelSize=8),
            ),
            Packet(
                id="impact",
                name="impact ellipse (95 %)",
                polygon=Polygon(positions=PositionList(cartographicDegrees=ring), material=red),
            ),
        ]
    )
    path.write_text(doc.to_json(), encoding="utf-8")
    return path


def _evidence(a: AssessedEvent) -> list[tuple[str, str]]:
    m = a.farthest.measures
    an = a.farthest.analysis
    rows = [
        (
            "launch time",
            f"{format_time(a.event.launch_time)} ± {a.event.launch_time_sigma_s:.1f} s",
        ),
        (
            "launch point",
            f"{a.event.launch_lat_deg:.3f}N {a.event.launch_lon_deg:.3f}E ± "
            f"{a.event.launch_sigma_km:.1f} km ({a.event.launch_basis})",
        ),
        ("missiles", str(a.count)),
        ("range flown", f"{m.range_km.value:,.1f} ± {m.range_km.sigma:,.1f} km"),
        ("apogee", f"{m.apogee_km.value:,.1f} ± {m.apogee_km.sigma:,.1f} km ({m.apogee_kind})"),
        ("flight time", f"{m.flight_time_s.value:,.0f} ± {m.flight_time_s.sigma:,.0f} s"),
        (
            "impact point",
            f"{m.impact.lat_deg:.3f}N {m.impact.lon_deg:.3f}E, 95 % ellipse "
            f"{m.impact.semi_major_km:.2f} × {m.impact.semi_minor_km:.2f} km",
        ),
        ("where it fell", f"{a.farthest.zone.describe()} ({APPROXIMATION})"),
    ]
    if an is not None:
        rows += [
            ("shape", f"{an.shape} (apogee ratio {an.apogee_ratio:.2f})"),
            ("class by range flown", an.range_class),
            ("capability", f"{an.capability.range_m / 1e3:,.0f} km ({an.capability_class})"),
        ]
    for d in a.farthest.alerts:
        state = "fired" if d.fired else "did not fire"
        rows.append((f"rule {d.partner} {d.rule}", f"{state}; {d.note}"
                     + (f"; regions: {', '.join(d.regions)}" if d.regions else "")))  # fmt: skip
    return rows


def write_report(
    a: AssessedEvent,
    out: Path,
    sensors: list[SensorSpec] | None = None,
    record: Record | None = None,
    extra: list[tuple[str, str]] | None = None,
) -> ReportFiles:
    """Write the event's report into ``out`` (made if missing). ``extra``: more rows of
    evidence (for example, when each partner first heard the launch)."""
    out.mkdir(parents=True, exist_ok=True)
    obj = a.event.missiles[a.missiles.index(a.farthest)]
    f = _flight(obj)
    pngs = [_map(a, f, sensors or [], out / "map.png"), *_profiles(a, f, out),
            _timeline(a, record, out / "record_timeline.png")]  # fmt: skip
    exports = (_geojson(a, f, out / "event.geojson"), _kml(a, f, out / "event.kml"),
               _czml(a, f, out / "event.czml"))  # fmt: skip
    rows = _evidence(a) + (extra or [])
    claims = "".join(
        f"<tr><td>{html.escape(c['report'])}</td><td>{html.escape(c['field'])}</td>"
        f"<td>{html.escape(c['value'])}</td><td>{'disagrees' if c.get('disagrees') else ''}</td>"
        f"<td>{html.escape(c['sentence'])}</td></tr>"
        for c in a.claims
    )
    images = "".join(
        f'<figure><img alt="{p.stem}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode()}"><figcaption>{p.name}</figcaption></figure>'
        for p in pngs
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>launchwatch — {html.escape(a.event.key)}</title>
<style>body{{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto;color:#1b2631}}
td{{padding:.2em .6em;border-bottom:1px solid #dde;vertical-align:top}}img{{max-width:100%}}
figure{{margin:1em 0}}</style></head><body>
<h1>Event {html.escape(a.event.key)}</h1>
<h2>Statements</h2><ol id="statements">{"".join(f"<li>{html.escape(s)}</li>" for s in statements(a))}</ol>
<h2>Evidence</h2><table id="evidence">{"".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows)}</table>
<h2>Claims in public reports</h2><table id="claims">{claims or "<tr><td>none filed</td></tr>"}</table>
<h2>Figures</h2>{images}
<h2>Exports</h2><p><a href="event.geojson">GeoJSON</a> · <a href="event.kml">KML</a> · <a href="event.czml">CZML</a></p>
<p>source: {html.escape(a.source)} · model {html.escape(MODEL_VERSION)} · written {format_time(dt.datetime.now(dt.UTC).timestamp())}</p>
</body></html>
"""  # noqa: E501
    (out / "report.html").write_text(page, encoding="utf-8")
    return ReportFiles(out / "report.html", pngs, *exports)
