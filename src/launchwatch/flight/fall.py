"""Fly single points to the ground, compiled: the impact predictor's inner loop.

The tracker flies every confirmed track's 15 sigma points to the ground every few seconds.
:func:`flight.propagate.propagate` advances all of them together as arrays, which is fast
for thousands of objects but spends its time in per-step array overhead for the tens to
hundreds the tracker has (some 25 steps of 7 stages each, every call). :func:`fall` is the same
integration, one point at a time in a compiled loop: Dormand-Prince 5(4) with the same error
control and step-size rule, the same right-hand side (flight.pointwise.flight_derivative: J2,
rotation, drag, no lift), the crossing of the ground located by Illinois regula falsi on the
step's quintic Hermite interpolant and the state there re-taken by one integrator step, and
``backward`` flying in vacuum with the spin and velocity reversed. tests/test_fall.py checks
it against ``propagate`` at the same tolerances.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from launchwatch.earth import OMEGA_EARTH_RAD_S
from launchwatch.flight.pointwise import JIT, altitude, flight_derivative

__all__ = ["fall"]

FloatArray = npt.NDArray[np.float64]

# Dormand & Prince (1980), as in flight.propagate
_A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [1 / 5, 0.0, 0.0, 0.0, 0.0, 0.0],
        [3 / 40, 9 / 40, 0.0, 0.0, 0.0, 0.0],
        [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0, 0.0],
        [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0, 0.0],
        [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656, 0.0],
        [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
    ]
)
_B5 = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
_E = _B5 - np.array([5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])


@njit(**JIT)  # type: ignore[untyped-decorator]
def _step(
    y: FloatArray,
    f0: FloatArray,
    h: float,
    inv_beta: float,
    omega: float,
    ks: FloatArray,
    ys: FloatArray,
    y_new: FloatArray,
    err: FloatArray,
) -> None:
    """One Dormand-Prince step of length h from y (derivative f0); ks[6] is the derivative
    at y_new. ``ys`` is scratch space (6,)."""
    ks[0] = f0
    for s in range(1, 7):
        for c in range(6):
            acc = y[c]
            for j in range(s):
                acc += h * _A[s, j] * ks[j, c]
            ys[c] = acc
        flight_derivative(ys, inv_beta, omega, ks[s])
    for c in range(6):
        acc = y[c]
        e = 0.0
        for j in range(7):
            acc += h * _B5[j] * ks[j, c]
            e += h * _E[j] * ks[j, c]
        y_new[c] = acc
        err[c] = e


@njit(**JIT)  # type: ignore[untyped-decorator]
def _hermite_altitude(
    y0: FloatArray, f0: FloatArray, y1: FloatArray, f1: FloatArray, h: float, t: float
) -> float:
    """Altitude at fraction t of a step on the quintic Hermite interpolant of position,
    velocity and acceleration at both ends (flight.propagate._hermite5)."""
    t2, t3 = t * t, t * t * t
    t4, t5 = t3 * t, t3 * t2
    h00 = 1 - 10 * t3 + 15 * t4 - 6 * t5
    h10 = t - 6 * t3 + 8 * t4 - 3 * t5
    h20 = 0.5 * (t2 - 3 * t3 + 3 * t4 - t5)
    h01 = 10 * t3 - 15 * t4 + 6 * t5
    h11 = -4 * t3 + 7 * t4 - 3 * t5
    h21 = 0.5 * (t3 - 2 * t4 + t5)
    p = np.empty(3)
    for c in range(3):
        p[c] = (
            h00 * y0[c]
            + h10 * h * f0[c]
            + h20 * h * h * f0[3 + c]
            + h01 * y1[c]
            + h11 * h * f1[c]
            + h21 * h * h * f1[3 + c]
        )
    return float(altitude(p))


@njit(**JIT)  # type: ignore[untyped-decorator]
def _crossing(
    y0: FloatArray,
    f0: FloatArray,
    y1: FloatArray,
    f1: FloatArray,
    h: float,
    alt0: float,
    alt1: float,
    tol_m: float,
) -> float:
    """Fraction of the step at which the interpolant reaches the ground: Illinois regula
    falsi (Dowell & Jarratt 1971), as flight.propagate._locate_impact."""
    lo, hi = 0.0, 1.0
    f_lo, f_hi = alt0, alt1
    theta = min(max(f_lo / (f_lo - f_hi) if f_lo - f_hi > 0 else f_lo, 0.0), 1.0)
    side = 0
    for _ in range(40):
        val = _hermite_altitude(y0, f0, y1, f1, h, theta)
        if abs(val) < max(tol_m, 1e-3):
            break
        if val > 0:
            if side == 1:
                f_hi *= 0.5
            lo, f_lo, side = theta, val, 1
        else:
            if side == -1:
                f_lo *= 0.5
            hi, f_hi, side = theta, val, -1
        theta = lo + (hi - lo) * f_lo / (f_lo - f_hi) if f_lo - f_hi > 0 else lo
        if theta <= lo or theta >= hi:
            theta = 0.5 * (lo + hi)
    return min(max(theta, 0.0), 1.0)


@njit(**JIT)  # type: ignore[untyped-decorator]
def fall(
    r: FloatArray,
    v: FloatArray,
    inv_beta: FloatArray,
    t0: FloatArray,
    horizon_s: float,
    backward: bool,
    rtol: float,
    atol_m: float,
    tol_m: float,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Where (ECEF, m) and when (s) each point (r, v) at time t0 reaches the ground, flying
    with drag 1/β = inv_beta (m²/kg; 0: vacuum) for at most horizon_s; and whether it did
    (False: the state at the horizon is returned). ``backward`` flies back in time in vacuum.
    Points that start at or below the ground are down where they are."""
    n = r.shape[0]
    r_out = np.empty((n, 3))
    t_out = np.empty(n)
    down = np.zeros(n, dtype=np.bool_)
    omega = -OMEGA_EARTH_RAD_S if backward else OMEGA_EARTH_RAD_S
    y, ys, y_new, err = np.empty(6), np.empty(6), np.empty(6), np.empty(6)
    f, f_new = np.empty(6), np.empty(6)
    ks = np.empty((7, 6))
    for i in range(n):
        ib = 0.0 if backward else inv_beta[i]
        for c in range(3):
            y[c] = r[i, c]
            y[3 + c] = -v[i, c] if backward else v[i, c]
        t = 0.0
        alt = altitude(y)
        flight_derivative(y, ib, omega, f)
        h = min(1.0, horizon_s)
        if alt <= 0.0:
            down[i] = True
        while not down[i] and t < horizon_s - 1e-9:
            _step(y, f, h, ib, omega, ks, ys, y_new, err)
            norm = 0.0
            for c in range(6):
                scale = atol_m + rtol * max(abs(y[c]), abs(y_new[c]))
                norm = max(norm, abs(err[c]) / scale)
            factor = min(max(0.9 * max(norm, 1e-10) ** -0.2, 0.2), 5.0)
            if norm <= 1.0:
                f_new[:] = ks[6]
                alt_new = altitude(y_new)
                if alt_new <= 0.0:
                    theta = _crossing(y, f, y_new, f_new, h, alt, alt_new, tol_m)
                    h *= theta
                    _step(y, f, h, ib, omega, ks, ys, y_new, err)
                    f_new[:] = ks[6]
                    down[i] = True
                y[:] = y_new
                f[:] = f_new
                alt = alt_new
                t += h
            h = min(h * factor, horizon_s - t)
            if h <= 0:
                h = 1e-9
        for c in range(3):
            r_out[i, c] = y[c]
        t_out[i] = t0[i] - t if backward else t0[i] + t
    return r_out, t_out, down
