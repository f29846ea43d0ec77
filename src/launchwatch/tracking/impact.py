"""Where and when a tracked object will fall, with its 95 % error ellipse.

The estimate (x, P) is carried through the nonlinear flight by the unscented transform: its
sigma points (kalman.sigma_points over position, velocity and ln κ) are each flown to the
ground with the physics core's equations (J2, rotation, drag with each point's own ballistic
coefficient; flight.fall, the compiled single-point form of flight.propagate), all tracks'
points in one batch. The impact points are expressed in the east-north plane at their weighted
mean, and the 95 % ellipse is the 2×2 covariance scaled by χ²₂(0.95) = 5.991: semi-axes
√(5.991 λ) for its eigenvalues λ, orientation of the major axis clockwise from north.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.flight.fall import fall
from launchwatch.tracking.kalman import sigma_points
from launchwatch.tracking.motion import kappa_of

__all__ = ["CHI2_2_95", "ImpactPrediction", "predict_impacts", "predict_launch_points"]

FloatArray = npt.NDArray[np.float64]
CHI2_2_95: Final = 5.991464547107979  # scipy.stats.chi2.ppf(0.95, 2)


@dataclass(frozen=True)
class ImpactPrediction:
    lat_deg: float
    lon_deg: float
    time: float
    time_sigma_s: float
    semi_major_km: float
    semi_minor_km: float
    orientation_deg: float
    reached: bool
    """False if some sigma points had not come down within the horizon."""


def predict_impacts(
    x: FloatArray, P: FloatArray, t: FloatArray, horizon_s: float = 3 * 3600.0
) -> list[ImpactPrediction]:
    """Impact predictions for n estimates x (n, ≥7), P (n, ≥7, ≥7) valid at times t (n,):
    position, velocity and ln κ (motion.py) come first; later components are ignored."""
    return _through_flight(x, P, t, horizon_s, backward=False)


def predict_launch_points(x: FloatArray, P: FloatArray, t: FloatArray) -> list[ImpactPrediction]:
    """Where and when the tracked objects left the ground, by flying each sigma point back in
    vacuum (see ``propagate(backward=True)``). This is the ballistic launch point: a missile
    still or recently under thrust came from up-range of it by part of its boost's ground
    distance, so for early warning the infrared launch alert is the better figure."""
    return _through_flight(x, P, t, 3600.0, backward=True)


def _through_flight(
    x: FloatArray, P: FloatArray, t: FloatArray, horizon_s: float, backward: bool
) -> list[ImpactPrediction]:
    n = len(x)
    if n == 0:
        return []
    # the flight depends on position, velocity and drag only: a thrust component of the state
    # (index 7) would add two sigma points that fly like the mean
    x, P = x[:, :7], P[:, :7, :7]
    pts, wm, wc = sigma_points(x, P)
    k = pts.shape[1]
    flat = pts.reshape(n * k, x.shape[1])
    start = np.repeat(t, k)
    # tolerances of metres: the ellipses are hundreds of metres to kilometres, and this runs
    # every few seconds for every confirmed track
    r_ground, t_ground, down = fall(
        np.ascontiguousarray(flat[:, :3]),
        np.ascontiguousarray(flat[:, 3:6]),
        kappa_of(flat[:, 6]),
        start,
        horizon_s,
        backward,
        1e-6,
        5.0,
        1.0,
    )
    lat, lon, _ = earth.ecef_to_geodetic(r_ground)
    lat, lon = lat.reshape(n, k), lon.reshape(n, k)
    times = t_ground.reshape(n, k)
    # mean point of each track: weighted mean in ECEF on the ground, then its ENU plane
    ground = earth.geodetic_to_ecef(lat, lon, 0.0)  # (n, k, 3)
    m = np.einsum("k,nkd->nd", wm, ground)
    mlat, mlon, _ = earth.ecef_to_geodetic(m)
    enu = earth.ecef_to_enu(ground, mlat[:, None], mlon[:, None], 0.0)[:, :, :2]
    d = enu - np.einsum("k,nkd->nd", wm, enu)[:, None]
    C = np.einsum("k,nki,nkj->nij", wc, d, d)
    evals, evecs = np.linalg.eigh(C)
    evals = np.maximum(evals, 0.0)
    major = evecs[:, :, 1]
    orientation = np.degrees(np.arctan2(major[:, 0], major[:, 1])) % 180.0
    tm = times @ wm
    ts = np.sqrt(np.maximum(((times - tm[:, None]) ** 2) @ wc, 0.0))
    semi_major = np.sqrt(CHI2_2_95 * evals[:, 1]) / 1e3
    semi_minor = np.sqrt(CHI2_2_95 * evals[:, 0]) / 1e3
    reached = down.reshape(n, k).all(axis=1)
    return [
        ImpactPrediction(*values)
        for values in zip(
            mlat.tolist(),
            mlon.tolist(),
            tm.tolist(),
            ts.tolist(),
            semi_major.tolist(),
            semi_minor.tolist(),
            orientation.tolist(),
            reached.tolist(),
            strict=True,
        )
    ]
