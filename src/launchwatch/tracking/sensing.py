"""Measurement models of the filters, with analytic Jacobians, batched over pairs.

Radar: z = [range, azimuth, elevation(, range-rate)] of the target seen from the sensor at s
(ECEF) with local ENU rotation R:

    d = R (r - s) = (e, n, u),  ρ = |d|,  az = atan2(e, n),  el = atan2(u, √(e² + n²)),
    ρ̇ = (r - s)·(v - v_s) / ρ

Line of sight (space infrared): the measured unit vector u_m fixes two axes e1, e2 across it;
z = [0, 0] and h(x) = [e1·u(x), e2·u(x)] with u(x) = (r - s)/|r - s|, so the update is in the
two angles the sensor actually measures, with R = σ² I₂.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["los_frame", "los_model", "radar_model", "wrap_angle"]

FloatArray = npt.NDArray[np.float64]


def wrap_angle(a: FloatArray) -> FloatArray:
    return np.asarray((a + np.pi) % (2 * np.pi) - np.pi, dtype=np.float64)


def radar_model(
    x: FloatArray, s: FloatArray, sv: FloatArray, R: FloatArray, with_rate: bool
) -> tuple[FloatArray, FloatArray]:
    """h(x) (n, m) and H (n, m, d) for n states seen from sensors at s (n, 3) moving at sv,
    ENU rotations R (n, 3, 3); m = 4 with range-rate, else 3."""
    n = len(x)
    dr = x[:, :3] - s
    d = np.einsum("nij,nj->ni", R, dr)
    e, nn, u = d[:, 0], d[:, 1], d[:, 2]
    horiz2 = e * e + nn * nn
    horiz = np.sqrt(horiz2)
    rng = np.sqrt(horiz2 + u * u)
    m = 4 if with_rate else 3
    h = np.empty((n, m))
    h[:, 0] = rng
    h[:, 1] = np.arctan2(e, nn) % (2 * np.pi)
    h[:, 2] = np.arctan2(u, horiz)
    H = np.zeros((n, m, x.shape[1]))
    d_rng = d / rng[:, None]
    d_az = np.stack([nn / horiz2, -e / horiz2, np.zeros(n)], axis=1)
    d_el = np.stack([-e * u, -nn * u, horiz2], axis=1) / (rng**2 * horiz)[:, None]
    # chain rule through d = R (r - s)
    H[:, 0, :3] = np.einsum("ni,nij->nj", d_rng, R)
    H[:, 1, :3] = np.einsum("ni,nij->nj", d_az, R)
    H[:, 2, :3] = np.einsum("ni,nij->nj", d_el, R)
    if with_rate:
        dv = x[:, 3:6] - sv
        rate = np.einsum("ni,ni->n", dr, dv) / rng
        h[:, 3] = rate
        H[:, 3, :3] = (dv - rate[:, None] * dr / rng[:, None]) / rng[:, None]
        H[:, 3, 3:6] = dr / rng[:, None]
    return h, H


def los_frame(u_measured: FloatArray) -> FloatArray:
    """Two unit axes across each measured line of sight, shape (n, 2, 3)."""
    helper = np.where(
        np.abs(u_measured[:, 2:3]) < 0.9, np.array([[0.0, 0.0, 1.0]]), np.array([[1.0, 0.0, 0.0]])
    )
    e1 = np.cross(u_measured, helper)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(u_measured, e1)
    return np.stack([e1, e2], axis=1)


def los_model(x: FloatArray, s: FloatArray, frame: FloatArray) -> tuple[FloatArray, FloatArray]:
    """h(x) (n, 2) and H (n, 2, d) of the line of sight in the measured frame."""
    dr = x[:, :3] - s
    dist = np.linalg.norm(dr, axis=1)
    u = dr / dist[:, None]
    h = np.einsum("nij,nj->ni", frame, u)
    du = (np.eye(3) - np.einsum("ni,nj->nij", u, u)) / dist[:, None, None]
    H = np.zeros((len(x), 2, x.shape[1]))
    H[:, :, :3] = np.einsum("nij,njk->nik", frame, du)
    return h, H
