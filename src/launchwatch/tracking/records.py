"""Track outputs as JSON Lines, one record per confirmed-track update:

    {"record": "track", "time": "...Z", "track": "T12", "sensor": "ROK-R1",
     "lat_deg": .., "lon_deg": .., "alt_m": .., "position_ecef_m": [..], "velocity_ecef_m_s": [..],
     "covariance_ecef": [[6 × 6, m and m/s]], "position_sigma_m": .., "speed_m_s": ..,
     "phase": "boost" | "ballistic" | "glide" | "re-entry",
     "model_probabilities": {"boost": .., "ballistic": .., "glide": ..},
     "ballistic_coefficient_kg_m2": .. (null while unobserved),
     "launch": {"lat_deg", "lon_deg", "time", "time_sigma_s", "semi_major_km", "semi_minor_km",
                "orientation_deg", "basis": "ballistic back-propagation"},
     "impact": {"lat_deg", "lon_deg", "time", "time_sigma_s", "semi_major_km", "semi_minor_km",
                "orientation_deg", "computed_at", "reached",
                "basis": "ballistic flight" | "if the motor stopped now" (made under thrust)},
     "sensors": [..], "updates": n}

and one ``{"record": "launch-alert", ...}`` per infrared launch alert at the end. Ellipses are
95 %; ``re-entry`` is the ballistic model below 100 km and descending.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from launchwatch import earth
from launchwatch.measurements import format_time
from launchwatch.tracking import imm
from launchwatch.tracking.impact import ImpactPrediction
from launchwatch.tracking.motion import kappa_of
from launchwatch.tracking.tracker import LaunchAlert, TrackUpdate
from launchwatch.truth import REENTRY_ALTITUDE_M

__all__ = ["alert_record", "track_record"]


def _ellipse(p: ImpactPrediction) -> dict[str, Any]:
    return {
        "lat_deg": round(p.lat_deg, 5),
        "lon_deg": round(p.lon_deg, 5),
        "time": format_time(p.time),
        "time_sigma_s": round(p.time_sigma_s, 2),
        "semi_major_km": round(p.semi_major_km, 3),
        "semi_minor_km": round(p.semi_minor_km, 3),
        "orientation_deg": round(p.orientation_deg, 1),
    }


def track_record(u: TrackUpdate) -> dict[str, Any]:
    r, v = u.x[:3], u.x[3:6]
    lat, lon, alt = earth.ecef_to_geodetic(r)
    up = r / np.linalg.norm(r)
    phase = u.phase
    if phase == "ballistic" and float(alt) < REENTRY_ALTITUDE_M and float(up @ v) < 0:
        phase = "re-entry"
    beta = 1.0 / float(kappa_of(np.array([u.x[6]]))[0])
    observed = float(u.P[6, 6]) < 0.25  # once ln β is known to better than ± 0.5
    out: dict[str, Any] = {
        "record": "track",
        "time": format_time(u.time),
        "track": u.track,
        "sensor": u.sensor,
        "lat_deg": round(float(lat), 6),
        "lon_deg": round(float(lon), 6),
        "alt_m": round(float(alt), 1),
        "position_ecef_m": np.round(r, 2).tolist(),
        "velocity_ecef_m_s": np.round(v, 3).tolist(),
        # in full: rounded to fixed decimals, a tight track's covariance (velocity σ of
        # centimetres per second, correlated with position) is no longer positive definite
        "covariance_ecef": u.P[:6, :6].tolist(),
        "position_sigma_m": round(float(np.sqrt(np.trace(u.P[:3, :3]) / 3.0)), 2),
        "speed_m_s": round(float(np.linalg.norm(v)), 2),
        "phase": phase,
        "model_probabilities": {
            m: round(float(p), 4) for m, p in zip(imm.MODELS, u.mu, strict=True)
        },
        "ballistic_coefficient_kg_m2": round(beta, 0) if observed else None,
        "launch": None,
        "impact": None,
        "sensors": list(u.sensors),
        "updates": u.updates,
        "unresolved": u.unresolved,
    }
    if u.launch is not None:
        out["launch"] = {**_ellipse(u.launch), "basis": "ballistic back-propagation"}
    if u.impact is not None:
        out["impact"] = {
            **_ellipse(u.impact),
            "computed_at": format_time(u.impact_computed),
            "reached": u.impact.reached,
            # made under thrust, it is where the missile would fall if the motor stopped then
            "basis": "if the motor stopped now"
            if u.impact_phase == "boost"
            else "ballistic flight",
        }
    return out


def alert_record(a: LaunchAlert) -> dict[str, Any]:
    return {
        "record": "launch-alert",
        "alert": a.id,
        "sensor": a.sensor,
        "first_time": format_time(a.first_time),
        "last_time": format_time(a.last_time),
        "launch_lat_deg": round(a.lat_deg, 5),
        "launch_lon_deg": round(a.lon_deg, 5),
        "launch_sigma_km": round(a.sigma_km, 3),
        "basis": (
            "lines of sight of several satellites triangulated"
            if a.triangulated_with
            else "first line of sight meets the ellipsoid"
        ),
        "triangulated_with": list(a.triangulated_with),
        "launch_alt_m": round(a.alt_m, 1),
        "lines_of_sight_miss_km": None if a.miss_km is None else round(a.miss_km, 3),
        "detections": a.detections,
    }
