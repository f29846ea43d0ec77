"""Posterior Cramér-Rao lower bound for tracking one object through a scenario.

Recursive information form (Tichavský, Muravchik & Nehorai 1998, eq. 21, for additive
Gaussian noise):

    J_{k+1} = (Q_k + F_k J_k⁻¹ F_kᵀ)⁻¹ + H_{k+1}ᵀ R⁻¹ H_{k+1}

with F the state transition (the filters' motion model linearised along the *true* path), Q
the ballistic model's process noise and H the measurement Jacobian at the true state. The
state is the filters' position, velocity and drag parameter λ = ln(κ/κ₀) at its true value
(the object's ballistic coefficient; drag-free when it is unknown): an unknown drag is part of
what any estimator must learn, so a 7 × 7 prior ``J0`` carries the filters' own prior on λ.
The bound is conditioned on the detections that actually happened (the object's lines in
the simulated measurement file, from its first detection, including those it shared with an
unresolved neighbour), so missed detections are accounted for. √(trace of the position block
of J⁻¹) bounds the position RMSE of any unbiased estimator.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.scenario import SensorSpec
from launchwatch.sensors import sensor_position
from launchwatch.tracking.motion import KAPPA0_M2_KG, predict_states, process_noise
from launchwatch.tracking.sensing import los_frame, los_model, radar_model

__all__ = ["position_bound"]

FloatArray = npt.NDArray[np.float64]


def position_bound(
    times: FloatArray,
    states: FloatArray,
    sensors: list[SensorSpec],
    epoch_s: float,
    J0: FloatArray,
    q_m2_s3: FloatArray,
    beta_kg_m2: float = float("inf"),
) -> FloatArray:
    """Bound on position RMSE (m) after each detection. ``times`` (k,), ``states`` (k, 6)
    true position and velocity at the detections, ``sensors`` the detecting sensor of each,
    ``J0`` (6, 6) or (7, 7) the prior information (7: with λ), ``q_m2_s3`` (k,) the process
    noise of the interval ending at each detection, ``beta_kg_m2`` the true ballistic
    coefficient."""
    n = J0.shape[0]
    lam = -12.0 if not np.isfinite(beta_kg_m2) else float(np.log(1.0 / (beta_kg_m2 * KAPPA0_M2_KG)))
    J = J0.copy()
    out = np.empty(len(times))
    t_prev = times[0]
    for i, (t, x6, spec) in enumerate(zip(times, states, sensors, strict=True)):
        x = np.concatenate([x6, [lam, 0.0]])[None]
        dt = t - t_prev
        if dt > 0:
            # F along the truth from the previous detection
            prev = np.concatenate([states[i - 1], [lam, 0.0]])[None]
            _, Phi = predict_states(prev, np.array([dt]))
            F = Phi[0, :n, :n]
            Q = process_noise(np.array([dt]), np.array([q_m2_s3[i]]), 0.0)[0, :n, :n]
            J = np.asarray(np.linalg.inv(Q + F @ np.linalg.inv(J) @ F.T), dtype=np.float64)
        s, sv = sensor_position(spec, np.array([t]), epoch_s)
        if spec.type == "radar":
            lat, lon, _ = earth.ecef_to_geodetic(s[0])
            R = earth.enu_rotation(lat, lon)[None]
            with_rate = spec.sigma_range_rate_m_s is not None
            _, H = radar_model(x, s, sv, R, with_rate)
            sig = [
                spec.sigma_range_m,
                np.radians(spec.sigma_azimuth_deg),
                np.radians(spec.sigma_elevation_deg),
                spec.sigma_range_rate_m_s or 1.0,
            ]
            Rinv = np.diag(1.0 / np.square(np.maximum(sig[: H.shape[1]], 1e-9)))
        else:
            u = (x[0, :3] - s[0]) / np.linalg.norm(x[0, :3] - s[0])
            _, H = los_model(x, s, los_frame(u[None]))
            Rinv = np.eye(2) / max(spec.sigma_los_urad * 1e-6, 1e-12) ** 2
        Hs = H[0, :, :n]
        J = J + Hs.T @ Rinv @ Hs
        out[i] = float(np.sqrt(np.trace(np.linalg.inv(J)[:3, :3])))
        t_prev = t
    return out
