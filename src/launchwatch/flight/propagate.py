"""Propagate many ballistic objects at once to impact.

Each object carries its own adaptive step (Dormand-Prince 5(4) with error control, Hairer,
Nørsett & Wanner, *Solving ODEs I*, §II.4-5); all active objects advance together as arrays,
so one Python-level step moves 10,000 objects. This is hand-written because a per-object call
of ``scipy.integrate.solve_ivp`` spends its time in Python overhead (``bench/bench_propagate.py``
measures the difference).

Impact is an event on geodetic altitude: when a step ends below ``impact_altitude_m``, the
crossing is first located on the step's quintic Hermite interpolant and then refined by Newton
iterations that re-take a Dormand-Prince step of the trial length from the step's start, so the
impact point has the integrator's accuracy, not the step's length. The apogee is located the
same way on the interpolant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch.earth import OMEGA_EARTH_RAD_S, geodetic_altitude_m
from launchwatch.errors import InputError
from launchwatch.flight.dynamics import Gravity, acceleration
from launchwatch.flight.peak import parabolic_peak

__all__ = ["Flight", "propagate"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

# Dormand & Prince (1980) coefficients.
_C: Final = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
_A: Final = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_B5: Final = np.array(_A[6] + [0.0])
_E: Final = _B5 - np.array(
    [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]
)


@dataclass
class Flight:
    """Result of :func:`propagate` for n objects (SI units, ECEF).

    ``impacted[i]`` is False when object i reached ``t_end`` (or the step limit) first; then
    ``t_impact`` etc. hold its state at that end. ``paths`` (when recorded) holds for each
    object an array of rows ``[t, x, y, z, vx, vy, vz]`` at every accepted step.
    """

    t_impact: FloatArray
    r_impact: FloatArray
    v_impact: FloatArray
    impacted: BoolArray
    apogee_alt_m: FloatArray
    apogee_time: FloatArray
    steps: int
    rhs_evaluations: int
    paths: list[FloatArray] = field(default_factory=list)


def _dp_step(
    y: FloatArray,
    h: FloatArray,
    k1: FloatArray,
    inv_beta: FloatArray,
    ld: FloatArray,
    gravity: Gravity,
    omega: float = OMEGA_EARTH_RAD_S,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One Dormand-Prince step of length h (per row) from y with derivative k1 at y.

    Returns (y_new, error estimate, derivative at y_new)."""
    ks = [k1]
    hc = h[:, None]
    for s in range(1, 7):
        ys = y.copy()
        for j, a in enumerate(_A[s]):
            if a != 0.0:
                ys += hc * a * ks[j]
        ks.append(_deriv(ys, inv_beta, ld, gravity, omega))
    y_new = y.copy()
    err = np.zeros_like(y)
    for j in range(7):
        if _B5[j] != 0.0:
            y_new += hc * _B5[j] * ks[j]
        err += hc * _E[j] * ks[j]
    return y_new, err, ks[6]


def _deriv(
    y: FloatArray,
    inv_beta: FloatArray,
    ld: FloatArray,
    gravity: Gravity,
    omega: float = OMEGA_EARTH_RAD_S,
) -> FloatArray:
    out = np.empty_like(y)
    out[:, :3] = y[:, 3:]
    out[:, 3:] = acceleration(y[:, :3], y[:, 3:], inv_beta, ld, gravity, omega)
    return out


def _hermite5(
    y0: FloatArray, f0: FloatArray, y1: FloatArray, f1: FloatArray, h: FloatArray, theta: FloatArray
) -> FloatArray:
    """Position at fraction theta of a step by quintic Hermite interpolation of position,
    velocity and acceleration at both ends (error O(h^6))."""
    t = theta[:, None]
    p0, v0, a0 = y0[:, :3], f0[:, :3], f0[:, 3:]
    p1, v1, a1 = y1[:, :3], f1[:, :3], f1[:, 3:]
    hh = h[:, None]
    t2, t3 = t * t, t * t * t
    t4, t5 = t3 * t, t3 * t2
    h00 = 1 - 10 * t3 + 15 * t4 - 6 * t5
    h10 = t - 6 * t3 + 8 * t4 - 3 * t5
    h20 = 0.5 * (t2 - 3 * t3 + 3 * t4 - t5)
    h01 = 10 * t3 - 15 * t4 + 6 * t5
    h11 = -4 * t3 + 7 * t4 - 3 * t5
    h21 = 0.5 * (t3 - 2 * t4 + t5)
    return np.asarray(
        h00 * p0
        + h10 * hh * v0
        + h20 * hh * hh * a0
        + h01 * p1
        + h11 * hh * v1
        + h21 * hh * hh * a1,
        dtype=np.float64,
    )


def _as_per_object(name: str, value: npt.ArrayLike, n: int) -> FloatArray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    if np.any(np.isnan(arr)):
        raise InputError(name, "contains NaN")
    return arr


def propagate(
    r0: npt.ArrayLike,
    v0: npt.ArrayLike,
    *,
    t0: npt.ArrayLike = 0.0,
    beta_kg_m2: npt.ArrayLike = np.inf,
    lift_to_drag: npt.ArrayLike = 0.0,
    t_end: npt.ArrayLike = np.inf,
    max_duration_s: float = 4.0 * 3600.0,
    impact_altitude_m: float = 0.0,
    gravity: Gravity = "j2",
    rtol: float = 1e-9,
    atol_m: float = 1e-3,
    record: bool = False,
    max_step_s: float = np.inf,
    max_steps: int = 200_000,
    find_apogee: bool = True,
    backward: bool = False,
    impact_tol_m: float = 1e-5,
) -> Flight:
    """Fly n objects from ECEF states (r0, v0) (shape (n, 3) or (3,)) until each falls through
    ``impact_altitude_m`` or reaches ``t_end`` (s, same clock as t0).

    ``beta_kg_m2``: ballistic coefficient m/(C_D A) per object (``inf``: vacuum);
    ``lift_to_drag``: L/D of a gliding body (0: purely ballistic). Tolerances: ``rtol`` on
    every state component and ``atol_m`` on position (velocity: ``atol_m`` per second).
    ``max_step_s`` caps the step, so that recorded paths are dense enough to interpolate.
    ``find_apogee=False`` skips locating the apogee (then ``apogee_alt_m`` is the highest
    step end), which impact-only callers do not need.

    ``backward=True`` flies back in time to the ground, in vacuum (drag cannot be run
    backwards stably): the velocity and the frame's spin are reversed, the flight is run
    forwards, and the result is reversed again, so ``t_impact`` is then the earlier time at
    which the path left the ground (``t_end`` is ignored).

    ``impact_tol_m`` is how close to ``impact_altitude_m`` the impact is located (default
    1e-5 m: on re-taken integrator steps; at a metre or more the step's interpolant is used
    alone, which is as good as an integration at metre tolerances).
    """
    if not max_step_s > 0:
        raise InputError("max_step_s", f"must be positive, got {max_step_s}")
    r0a = np.atleast_2d(np.asarray(r0, dtype=np.float64))
    v0a = np.atleast_2d(np.asarray(v0, dtype=np.float64))
    if r0a.shape[-1] != 3 or r0a.shape != v0a.shape or r0a.ndim != 2:
        raise InputError("r0/v0", f"need matching (n, 3) arrays, got {r0a.shape} and {v0a.shape}")
    if not (np.all(np.isfinite(r0a)) and np.all(np.isfinite(v0a))):
        raise InputError("r0/v0", "contain NaN or infinite values")
    n = r0a.shape[0]
    beta = _as_per_object("beta_kg_m2", beta_kg_m2, n)
    if np.any(beta <= 0):
        raise InputError("beta_kg_m2", "must be positive (use inf for vacuum)")
    inv_beta = np.where(np.isinf(beta), 0.0, 1.0 / beta)
    ld = _as_per_object("lift_to_drag", lift_to_drag, n)
    t_start = _as_per_object("t0", t0, n)
    t_stop = np.minimum(_as_per_object("t_end", t_end, n), t_start + max_duration_s)
    if np.any(t_stop < t_start):
        raise InputError("t_end", "is before t0")

    omega = -OMEGA_EARTH_RAD_S if backward else OMEGA_EARTH_RAD_S
    if backward:
        v0a = -v0a
        inv_beta = np.zeros(n)
        ld = np.zeros(n)
        t_stop = t_start + max_duration_s
    y = np.concatenate([r0a, v0a], axis=1)
    t = t_start.copy()
    alt = geodetic_altitude_m(r0a)
    f = _deriv(y, inv_beta, ld, gravity, omega)
    h = np.minimum(np.full(n, min(1.0, max_step_s)), t_stop - t)
    active = (alt > impact_altitude_m) & (t < t_stop)
    impacted = ~active & (alt <= impact_altitude_m)
    apogee_alt = alt.copy()
    apogee_time = t.copy()
    evaluations = 1
    steps = 0
    chunks: list[tuple[IntArray, FloatArray, FloatArray]] = []
    if record:
        chunks.append((np.arange(n), t.copy(), y.copy()))

    while np.any(active):
        steps += 1
        if steps > max_steps:
            break
        idx = np.flatnonzero(active)
        yi, fi, hi, ti = y[idx], f[idx], h[idx], t[idx]
        ib, li = inv_beta[idx], ld[idx]
        y_new, err, f_new = _dp_step(yi, hi, fi, ib, li, gravity, omega)
        evaluations += 6
        scale = np.empty_like(yi)
        scale[:, :3] = atol_m + rtol * np.maximum(np.abs(yi[:, :3]), np.abs(y_new[:, :3]))
        scale[:, 3:] = atol_m + rtol * np.maximum(np.abs(yi[:, 3:]), np.abs(y_new[:, 3:]))
        err_norm = np.max(np.abs(err) / scale, axis=1)
        ok = err_norm <= 1.0
        factor = np.clip(0.9 * np.maximum(err_norm, 1e-10) ** -0.2, 0.2, 5.0)

        acc = idx[ok]
        if acc.size:
            y0a, f0a, y1a, f1a, ha = yi[ok], fi[ok], y_new[ok], f_new[ok], hi[ok]
            alt_new = geodetic_altitude_m(y1a[:, :3])
            if find_apogee:
                _track_apogee(
                    acc, ti[ok], y0a, f0a, y1a, f1a, ha, alt[acc], alt_new, apogee_alt, apogee_time
                )
            else:
                apogee_alt[acc] = np.maximum(apogee_alt[acc], alt_new)
            hit = alt_new <= impact_altitude_m
            if np.any(hit):
                theta = _locate_impact(
                    y0a[hit],
                    f0a[hit],
                    y1a[hit],
                    f1a[hit],
                    ha[hit],
                    alt[acc[hit]],
                    alt_new[hit],
                    impact_altitude_m,
                    inv_beta[acc[hit]],
                    ld[acc[hit]],
                    gravity,
                    omega,
                    impact_tol_m,
                )
                hh = ha[hit] * theta
                y_hit, _, f_hit = _dp_step(
                    y0a[hit], hh, f0a[hit], inv_beta[acc[hit]], ld[acc[hit]], gravity, omega
                )
                y1a[hit], f1a[hit], ha[hit] = y_hit, f_hit, hh
                alt_new[hit] = geodetic_altitude_m(y_hit[:, :3])
                impacted[acc[hit]] = True
            y[acc], f[acc], t[acc], alt[acc] = y1a, f1a, ti[ok] + ha, alt_new
            finished = hit | (t[acc] >= t_stop[acc] - 1e-9)
            active[acc[finished]] = False
            if record:
                chunks.append((acc, t[acc].copy(), y[acc].copy()))
        h[idx] = np.minimum(hi * factor, max_step_s)
        h[idx] = np.minimum(h[idx], t_stop[idx] - t[idx])
        h[idx] = np.where(h[idx] <= 0, 1e-9, h[idx])

    paths: list[FloatArray] = []
    if record:
        ids = np.concatenate([c[0] for c in chunks])
        ts = np.concatenate([c[1] for c in chunks])
        ys = np.concatenate([c[2] for c in chunks])
        order = np.lexsort((ts, ids))
        rows = np.column_stack([ts, ys])[order]
        bounds = np.searchsorted(ids[order], np.arange(n + 1))
        paths = [rows[bounds[i] : bounds[i + 1]] for i in range(n)]
    if backward:
        t = 2.0 * t_start - t
        y[:, 3:] = -y[:, 3:]
        apogee_time = 2.0 * t_start - apogee_time
    return Flight(
        t_impact=t,
        r_impact=y[:, :3].copy(),
        v_impact=y[:, 3:].copy(),
        impacted=impacted,
        apogee_alt_m=apogee_alt,
        apogee_time=apogee_time,
        steps=steps,
        rhs_evaluations=evaluations,
        paths=paths,
    )


def _track_apogee(
    idx: IntArray,
    t0: FloatArray,
    y0: FloatArray,
    f0: FloatArray,
    y1: FloatArray,
    f1: FloatArray,
    h: FloatArray,
    alt0: FloatArray,
    alt1: FloatArray,
    apogee_alt: FloatArray,
    apogee_time: FloatArray,
) -> None:
    """Update the running maximum altitude; inside a step that may hold the maximum, search
    the interpolant on 33 points and refine with a parabola through the best three."""
    best = np.maximum(alt0, alt1)
    candidate = best >= apogee_alt[idx] - 50_000.0  # the peak of a step can exceed its ends
    if not np.any(candidate):
        return
    c = np.flatnonzero(candidate)
    m = 33
    thetas = np.linspace(0.0, 1.0, m)
    pos = np.stack(
        [_hermite5(y0[c], f0[c], y1[c], f1[c], h[c], np.full(c.size, th)) for th in thetas], axis=1
    )
    alts = geodetic_altitude_m(pos)  # (k, m)
    j = np.clip(np.argmax(alts, axis=1), 1, m - 2)
    rows = np.arange(c.size)
    shift, peak = parabolic_peak(alts[rows, j - 1], alts[rows, j], alts[rows, j + 1])
    peak = np.maximum(peak, alts.max(axis=1))
    theta_peak = (j + shift) / (m - 1)
    better = peak > apogee_alt[idx[c]]
    apogee_alt[idx[c[better]]] = peak[better]
    apogee_time[idx[c[better]]] = t0[c[better]] + theta_peak[better] * h[c[better]]


def _locate_impact(
    y0: FloatArray,
    f0: FloatArray,
    y1: FloatArray,
    f1: FloatArray,
    h: FloatArray,
    alt0: FloatArray,
    alt1: FloatArray,
    target: float,
    inv_beta: FloatArray,
    ld: FloatArray,
    gravity: Gravity,
    omega: float = OMEGA_EARTH_RAD_S,
    tol_m: float = 1e-5,
) -> FloatArray:
    """Fraction of the step at which altitude equals ``target`` (to ``tol_m``): Illinois
    regula falsi on the interpolant, then, for tolerances under a metre, Newton on re-taken
    integrator steps."""
    lo = np.zeros_like(h)
    hi = np.ones_like(h)
    f_lo = alt0 - target
    f_hi = alt1 - target
    theta = np.clip(f_lo / np.where(f_lo - f_hi > 0, f_lo - f_hi, 1.0), 0.0, 1.0)
    side = np.zeros(h.shape, dtype=np.int8)  # which end moved last (Illinois bookkeeping)
    for _ in range(40):  # Illinois regula falsi on the interpolant (Dowell & Jarratt 1971)
        val = geodetic_altitude_m(_hermite5(y0, f0, y1, f1, h, theta)) - target
        if np.all(np.abs(val) < max(tol_m, 1e-3)):
            break
        above = val > 0
        # the end that stays put twice in a row has its value halved: no one-sided stalls
        f_hi = np.where(above & (side == 1), 0.5 * f_hi, f_hi)
        f_lo = np.where(~above & (side == -1), 0.5 * f_lo, f_lo)
        lo = np.where(above, theta, lo)
        f_lo = np.where(above, val, f_lo)
        hi = np.where(above, hi, theta)
        f_hi = np.where(above, f_hi, val)
        side = np.where(above, 1, -1).astype(np.int8)
        theta = lo + (hi - lo) * f_lo / np.where(f_lo - f_hi > 0, f_lo - f_hi, 1.0)
        theta = np.where((theta <= lo) | (theta >= hi), 0.5 * (lo + hi), theta)
    for _ in range(3 if tol_m < 1.0 else 0):  # Newton on the integrator itself
        y_t, _, _ = _dp_step(y0, h * theta, f0, inv_beta, ld, gravity, omega)
        r = y_t[:, :3]
        up = r / np.linalg.norm(r, axis=1, keepdims=True)
        climb = np.einsum("ij,ij->i", up, y_t[:, 3:])
        resid = geodetic_altitude_m(r) - target
        theta = theta - resid / np.where(np.abs(climb) > 1e-6, climb * h, -1e-6 * h)
        if np.all(np.abs(resid) < tol_m):
            break
    return np.asarray(np.clip(theta, 0.0, 1.0), dtype=np.float64)
