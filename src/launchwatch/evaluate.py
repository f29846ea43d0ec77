"""Score a tracker run against its scenario's truth (``launchwatch evaluate``).

Inputs: the directory ``simulate`` wrote (truth.jsonl, measurements.jsonl, sensors.toml) and
the track records ``track`` wrote. Outputs a summary (JSON-able) and, on request, PNG plots.

- Each track is matched to the truth object it follows most closely (median distance); a
  track further than the cut-off ``c`` from every object is a false track.
- Per track record: position and velocity error, NEES (6 degrees of freedom) and, for records
  with an impact prediction, impact error and whether the 95 % ellipse holds the true point,
  binned by time since the object's burnout.
- On a 1 s grid: GOSPA (c, p = 2) between the confirmed tracks (their latest record within
  1 s, carried forward under gravity) and the objects in flight; assignments give track breaks
  (distinct tracks per object, minus one) and the time from launch to the first track.
- Stable impact prediction: the first time after which every prediction for the object stays
  within ``stable_km`` of the true impact point.
- PCRLB: the position bound for each missile given its actual detections
  (:mod:`launchwatch.tracking.pcrlb`), against the tracker's position RMSE in ballistic flight.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.errors import InputError
from launchwatch.scenario import SensorSpec, load_sensors_with_epoch, parse_time
from launchwatch.tracking.imm import MODELS, ImmConfig
from launchwatch.tracking.metrics import gospa, inside_ellipse, nees
from launchwatch.tracking.pcrlb import position_bound
from launchwatch.tracking.tracker import TrackerConfig
from launchwatch.truth import hermite

__all__ = ["Evaluation", "evaluate_run"]

FloatArray = npt.NDArray[np.float64]
BINS_S = (0.0, 30.0, 60.0, 120.0, 240.0, 480.0, np.inf)


@dataclass
class _Object:
    id: str
    kind: str
    start: float
    burnout: float
    impact_time: float
    impact_lat: float
    impact_lon: float
    t: FloatArray
    r: FloatArray
    v: FloatArray
    beta_kg_m2: float = float("inf")

    def state(self, times: FloatArray) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
        alive = (times >= self.t[0]) & (times <= self.t[-1])
        r = np.full((times.size, 3), np.nan)
        v = np.full((times.size, 3), np.nan)
        if alive.any() and self.t.size > 1:
            r[alive], v[alive] = hermite(self.t, self.r, self.v, times[alive])
        return r, v, alive


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSON Lines file, each with its line number under ``_line``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the file: {exc}") from exc
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name} line {n}", f"not JSON: {exc.msg}") from exc
        if not isinstance(rec, dict):
            raise InputError(f"{path.name} line {n}", "not a JSON object")
        rec["_line"] = n
        out.append(rec)
    return out


_REQUIRED = {
    "object": (
        "object",
        "kind",
        "start_time",
        "burnout_time",
        "impact_time",
        "impact_lat_deg",
        "impact_lon_deg",
    ),
    "state": ("time", "object", "position_ecef_m", "velocity_ecef_m_s"),
    "detection": ("line", "objects"),
    "track": ("time", "track", "position_ecef_m", "velocity_ecef_m_s", "covariance_ecef"),
}


def _check(rec: dict[str, Any], path: Path) -> None:
    """Name the file, line and key of a record that lacks what evaluation needs."""
    for key in _REQUIRED.get(str(rec.get("record")), ()):
        if key not in rec:
            raise InputError(
                f"{path.name} line {rec['_line']}", f"{rec['record']} record has no {key!r}"
            )


def _time(rec: dict[str, Any], key: str, path: Path) -> float:
    """A record's time, or an error naming the file, line and key."""
    try:
        return parse_time(rec[key])
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path.name} line {rec['_line']}", f"{key}: {exc}") from exc


def _truth(path: Path) -> tuple[dict[str, _Object], dict[int, list[str]]]:
    states: dict[str, list[tuple[float, list[float], list[float]]]] = defaultdict(list)
    meta: dict[str, dict[str, Any]] = {}
    detections: dict[int, list[str]] = {}
    for rec in _read_jsonl(path):
        _check(rec, path)
        kind = rec.get("record")
        if kind == "object":
            meta[rec["object"]] = rec
        elif kind == "state":
            states[rec["object"]].append(
                (_time(rec, "time", path), rec["position_ecef_m"], rec["velocity_ecef_m_s"])
            )
        elif kind == "detection":
            detections[int(rec["line"])] = rec["objects"]
    objects = {}
    for oid, m in meta.items():
        rows = sorted(states.get(oid, []))
        t = np.array([r[0] for r in rows])
        objects[oid] = _Object(
            oid,
            m["kind"],
            _time(m, "start_time", path),
            _time(m, "burnout_time" if m["burnout_time"] else "start_time", path),
            _time(m, "impact_time", path),
            m["impact_lat_deg"],
            m["impact_lon_deg"],
            t,
            np.array([r[1] for r in rows]).reshape(-1, 3),
            np.array([r[2] for r in rows]).reshape(-1, 3),
            float(m.get("ballistic_coefficient_kg_m2") or "inf"),
        )
    return objects, detections


@dataclass
class Evaluation:
    summary: dict[str, Any]
    series: dict[str, Any]


def evaluate_run(
    run_dir: str | Path, tracks_path: str | Path, *, c_m: float = 5000.0, stable_km: float = 5.0
) -> Evaluation:
    run = Path(run_dir)
    objects, detections = _truth(run / "truth.jsonl")
    sensors, epoch = load_sensors_with_epoch(run / "sensors.toml")
    records = [r for r in _read_jsonl(Path(tracks_path)) if r.get("record") == "track"]
    for r in records:
        _check(r, Path(tracks_path))
        r["_t"] = _time(r, "time", Path(tracks_path))
    if not records:
        raise InputError(str(tracks_path), "no track records")
    by_track: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_track[r["track"]].append(r)
    ids = list(objects)

    # -- match tracks to objects, per-record errors -------------------------------------
    match: dict[str, str | None] = {}
    per_record: list[dict[str, Any]] = []
    for tid, recs in by_track.items():
        t = np.array([r["_t"] for r in recs])
        x = np.array([r["position_ecef_m"] for r in recs])
        med = {}
        for oid in ids:
            r_true, _, alive = objects[oid].state(t)
            d = np.where(alive, np.linalg.norm(np.nan_to_num(r_true) - x, axis=1), np.inf)
            med[oid] = float(np.median(d))
        best = min(med, key=lambda k: med[k])
        match[tid] = best if med[best] < c_m else None
        if match[tid] is None:
            continue
        obj = objects[best]
        r_true, v_true, alive = obj.state(t)
        for rec, rt, vt, ok in zip(recs, r_true, v_true, alive, strict=True):
            if not ok:
                continue
            e = np.concatenate(
                [np.array(rec["position_ecef_m"]) - rt, np.array(rec["velocity_ecef_m_s"]) - vt]
            )
            P = np.array(rec["covariance_ecef"])
            row: dict[str, Any] = {
                "t": rec["_t"],
                "track": tid,
                "object": best,
                "kind": obj.kind,
                "pos_err": float(np.linalg.norm(e[:3])),
                "vel_err": float(np.linalg.norm(e[3:])),
                "nees": float(nees(e[None], P[None])[0]) if np.all(np.isfinite(P)) else np.nan,
                "since_burnout": rec["_t"] - obj.burnout,
                "ballistic": rec["_t"] > obj.burnout + 5.0,
            }
            imp = rec.get("impact")
            if imp:
                miss, _, _ = earth.geodesic_inverse(
                    obj.impact_lat, obj.impact_lon, imp["lat_deg"], imp["lon_deg"]
                )
                row["impact_err_km"] = float(miss) / 1e3
                row["inside"] = inside_ellipse(
                    obj.impact_lat,
                    obj.impact_lon,
                    imp["lat_deg"],
                    imp["lon_deg"],
                    imp["semi_major_km"],
                    imp["semi_minor_km"],
                    imp["orientation_deg"],
                )
                row["semi_major_km"] = imp["semi_major_km"]
            per_record.append(row)

    # -- GOSPA on a grid, breaks, time to first track -------------------------------------
    t0 = min(o.start for o in objects.values())
    t1 = max(o.impact_time for o in objects.values())
    grid = np.arange(np.ceil(t0), t1, 1.0)
    track_t = {tid: np.array([r["_t"] for r in recs]) for tid, recs in by_track.items()}
    true_pos = {oid: objects[oid].state(grid) for oid in ids}
    gospa_series, assigned_by_object = [], defaultdict(list)
    for k, tg in enumerate(grid):
        est, est_ids = [], []
        for tid, tt in track_t.items():
            j = int(np.searchsorted(tt, tg, side="right")) - 1
            if j < 0 or tg - tt[j] > 1.0:
                continue
            last = by_track[tid][j]
            r_j = np.array(last["position_ecef_m"], dtype=np.float64)
            v_j = np.array(last["velocity_ecef_m_s"], dtype=np.float64)
            dt = float(tg - tt[j])
            est.append(r_j + v_j * dt + 0.5 * earth.gravity_j2(r_j) * dt * dt)
            est_ids.append(tid)
        live = [oid for oid in ids if true_pos[oid][2][k]]
        truths = np.array([true_pos[oid][0][k] for oid in live]).reshape(-1, 3)
        gs = gospa(np.array(est).reshape(-1, 3), truths, c_m)
        gospa_series.append((float(tg), gs.total, gs.missed, gs.false))
        for ei, ti in gs.pairs:
            assigned_by_object[live[ti]].append((float(tg), est_ids[ei]))
    objects_report = {}
    for oid, obj in objects.items():
        pairs = assigned_by_object.get(oid, [])
        tracks = [tid for _, tid in pairs]
        breaks = max(len(dict.fromkeys(tracks)) - 1, 0)
        first = pairs[0][0] - obj.start if pairs else None
        rows = [r for r in per_record if r["object"] == oid and "impact_err_km" in r]
        stable = None
        if rows:
            bad = [r["t"] for r in rows if r["impact_err_km"] > stable_km]
            after = [r["t"] for r in rows if not bad or r["t"] > max(bad)]
            stable = (min(after) - obj.start) if after else None
        objects_report[oid] = {
            "kind": obj.kind,
            "tracks": list(dict.fromkeys(tracks)),
            "breaks": breaks,
            "first_track_after_launch_s": None if first is None else round(first, 1),
            "stable_impact_after_launch_s": None if stable is None else round(stable, 1),
            "coverage_s": len(pairs),
            "flight_s": round(obj.impact_time - obj.start, 1),
        }

    # -- impact error and coverage by time since burnout ----------------------------------
    impact_bins = []
    for lo, hi in itertools.pairwise(BINS_S):
        rows = [
            r
            for r in per_record
            if "impact_err_km" in r and lo <= r["since_burnout"] < hi and r["kind"] == "missile"
        ]
        if rows:
            impact_bins.append(
                {
                    "since_burnout_s": f"{lo:g}-{hi:g}",
                    "records": len(rows),
                    "median_error_km": round(
                        float(np.median([r["impact_err_km"] for r in rows])), 3
                    ),
                    "coverage": round(float(np.mean([r["inside"] for r in rows])), 3),
                    "median_semi_major_km": round(
                        float(np.median([r["semi_major_km"] for r in rows])), 3
                    ),
                }
            )

    # -- PCRLB for the missiles -----------------------------------------------------------
    lines = (run / "measurements.jsonl").read_text(encoding="utf-8").splitlines()
    missiles = {oid for oid, o in objects.items() if o.kind == "missile"}
    detected = {  # each line the bound needs, decoded once
        n: json.loads(lines[n - 1]) for n, objs in detections.items() if missiles & set(objs)
    }
    spec_by_id = {s.id: s for s in sensors}
    bound_series: dict[str, tuple[FloatArray, FloatArray]] = {}
    ratios = {}
    for oid, obj in objects.items():
        if obj.kind != "missile":
            continue
        det = [
            (parse_time(detected[n]["time"]), detected[n]["sensor"])
            for n, objs in sorted(detections.items())
            if oid in objs
        ]
        if len(det) < 5:
            continue
        times = np.array([d[0] for d in det])
        specs: list[SensorSpec] = [spec_by_id[d[1]] for d in det]
        r_det, v_det, keep = obj.state(times)
        times, r_det, v_det = times[keep], r_det[keep], v_det[keep]
        specs = [sp for sp, k in zip(specs, keep, strict=True) if k]
        # the tracker's own prior at its first detection: 1 km, 2.5 km/s, and ln β ± 1
        prior = TrackerConfig()
        J0 = np.diag(
            [1 / 1000.0**2] * 3
            + [1 / prior.initial_speed_sigma_m_s**2] * 3
            + [1 / prior.initial_log_kappa_sigma**2]
        )
        # process noise: under thrust the boost model's density (an estimator does not know
        # the thrust profile); after burnout none, as the truth's ballistic flight has none
        q = np.where(times <= obj.burnout, ImmConfig().q_m2_s3[MODELS.index("boost")], 0.0)
        bound = position_bound(
            times, np.hstack([r_det, v_det]), specs, epoch or 0.0, J0, q, obj.beta_kg_m2
        )
        bound_series[oid] = (times, bound)
        rows = [x for x in per_record if x["object"] == oid and x["ballistic"]]
        if rows:
            rt = np.array([x["t"] for x in rows])
            b = bound[np.clip(np.searchsorted(times, rt, side="right") - 1, 0, len(bound) - 1)]
            rmse = float(np.sqrt(np.mean([x["pos_err"] ** 2 for x in rows])))
            ratios[oid] = {
                "position_rmse_m": round(rmse, 2),
                "pcrlb_rms_m": round(float(np.sqrt(np.mean(b**2))), 2),
                "ratio": round(rmse / float(np.sqrt(np.mean(b**2))), 3),
            }

    pos = np.array([r["pos_err"] for r in per_record]) if per_record else np.zeros(0)
    vel = np.array([r["vel_err"] for r in per_record]) if per_record else np.zeros(0)
    ns = np.array([r["nees"] for r in per_record if np.isfinite(r["nees"])])
    ns_ballistic = np.array(
        [r["nees"] for r in per_record if np.isfinite(r["nees"]) and r["ballistic"]]
    )
    summary = {
        "tracks": len(by_track),
        "false_tracks": sorted(t for t, m in match.items() if m is None),
        "position_rmse_m": round(float(np.sqrt(np.mean(pos**2))), 2) if pos.size else None,
        "velocity_rmse_m_s": round(float(np.sqrt(np.mean(vel**2))), 2) if vel.size else None,
        "nees_mean": round(float(np.mean(ns)), 2) if ns.size else None,
        "nees_within_95_percent": round(float(np.mean((ns > 1.2373) & (ns < 14.4494))), 3)
        if ns.size
        else None,
        "nees_mean_ballistic": round(float(np.mean(ns_ballistic)), 2)
        if ns_ballistic.size
        else None,
        "nees_within_95_percent_ballistic": round(
            float(np.mean((ns_ballistic > 1.2373) & (ns_ballistic < 14.4494))), 3
        )
        if ns_ballistic.size
        else None,
        "gospa_mean_m": round(float(np.mean([g[1] for g in gospa_series])), 1),
        "gospa_c_m": c_m,
        "objects": objects_report,
        "impact_by_time_since_burnout": impact_bins,
        "pcrlb": ratios,
    }
    series = {"records": per_record, "gospa": gospa_series, "bounds": bound_series}
    return Evaluation(summary, series)


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(ev: Evaluation, out_dir: str | Path) -> list[Path]:
    """PNG plots: position error with the PCRLB, GOSPA, impact error and ellipse size, NEES."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rec = ev.series["records"]
    files = []
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for oid in sorted({r["object"] for r in rec if r["kind"] == "missile"}):
        rows = [r for r in rec if r["object"] == oid]
        t0 = min(r["t"] for r in rows)
        ax.semilogy(
            [r["t"] - t0 for r in rows],
            [r["pos_err"] for r in rows],
            ".",
            ms=2,
            label=f"{oid} track error",
        )
        if oid in ev.series["bounds"]:
            bt, b = ev.series["bounds"][oid]
            ax.semilogy(bt - t0, b, "-", lw=1.5, label=f"{oid} PCRLB")
    ax.set_xlabel("time since first track (s)")
    ax.set_ylabel("position error (m)")
    ax.set_title("Position error against the posterior Cramér-Rao bound")
    ax.legend(fontsize=7)
    files.append(_save(fig, out / "position_error.png"))

    g = np.array(ev.series["gospa"])
    fig, ax = plt.subplots(figsize=(8, 3.5))
    if g.size:
        ax.plot(g[:, 0] - g[0, 0], g[:, 1] / 1e3)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("GOSPA (km)")
    ax.set_title(f"GOSPA (c = {ev.summary['gospa_c_m'] / 1e3:g} km, p = 2)")
    files.append(_save(fig, out / "gospa.png"))

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for oid in sorted({r["object"] for r in rec if r["kind"] == "missile"}):
        rows = [r for r in rec if r["object"] == oid and "impact_err_km" in r]
        if not rows:
            continue
        x = [r["since_burnout"] for r in rows]
        ax.semilogy(x, [r["impact_err_km"] for r in rows], ".", ms=3, label=f"{oid} impact error")
        ax.semilogy(
            x, [r["semi_major_km"] for r in rows], "-", lw=1, label=f"{oid} 95 % semi-major"
        )
    ax.set_xlabel("time since burnout (s)")
    ax.set_ylabel("km")
    ax.set_title("Predicted impact: error and 95 % ellipse")
    ax.legend(fontsize=7)
    files.append(_save(fig, out / "impact.png"))

    fig, ax = plt.subplots(figsize=(8, 3.5))
    ns = [(r["t"], r["nees"]) for r in rec if np.isfinite(r["nees"])]
    if ns:
        t0 = ns[0][0]
        ax.semilogy([a - t0 for a, _ in ns], [b for _, b in ns], ".", ms=2)
        ax.axhline(1.2373, color="k", lw=0.8)
        ax.axhline(14.4494, color="k", lw=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("NEES (6 dof)")
    ax.set_title("NEES per record; lines: two-sided 95 % bounds of χ²(6)")
    files.append(_save(fig, out / "nees.png"))
    return files
