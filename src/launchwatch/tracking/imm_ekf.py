"""The tracker's IMM-EKF cycle compiled with Numba: mixing and prediction, combination, radar
and line-of-sight gating and updates, over the tracks held in one array.

Why compiled: a scan holds a handful of tracks (one to a few dozen), so the NumPy forms in
``imm``, ``kalman``, ``motion`` and ``sensing`` (which stay the reference and serve the UKF)
spend their time in per-call overhead on 8×8 arrays, some 300 calls a scan. Here each step is
one call that loops over rows. The equations are those modules' own, term for term:

- prediction: IMM mixing (imm.mix, Bar-Shalom et al. 2001, §11.6.6), then RK4 on the state
  and on Φ (Φ̇ = F Φ) in steps of at most ``max_step_s`` per row, P = Φ P Φᵀ + Q
  (motion.predict_states, motion.process_noise); the motion model is motion.state_derivative
  and motion.jacobian (J2 gravity, rotation, table air density, ln κ drag, thrust);
- update: the Joseph-form EKF update (kalman.ekf_update) per model and the model
  probabilities from each model's Gaussian likelihood (imm.update_probabilities);
- measurement models: sensing.radar_model and sensing.los_model with their Jacobians.

tests/test_imm_ekf.py checks every kernel against its NumPy reference. Innovation
covariances are at most 4×4, so they are factorised by a hand-written Cholesky, which also
gives the log-determinant for the gate's cost and the likelihood.

Arrays: x (n, K, 8), P (n, K, 8, 8), μ (n, K), float64, C-contiguous, updated in place.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
from numba import njit

from launchwatch.earth import GM_M3_S2, OMEGA_EARTH_RAD_S
from launchwatch.flight.pointwise import JIT, altitude, density, flight_derivative_in
from launchwatch.tracking.motion import _LOG_KAPPA_LIMITS, KAPPA0_M2_KG, THRUST_OFF_TAU_S

__all__ = [
    "below",
    "combine",
    "los_gate",
    "los_update",
    "predict",
    "radar_gate",
    "radar_sees",
    "radar_start",
    "radar_update",
]

FloatArray = npt.NDArray[np.float64]
D: Final = 8
_SEEN: Final = 6
"""The state components a measurement model depends on (position, velocity)."""

_LAM_LO, _LAM_HI = _LOG_KAPPA_LIMITS
_W = OMEGA_EARTH_RAD_S
_LN_2PI = math.log(2.0 * math.pi)
_TWO_PI = 2.0 * math.pi


@njit(**JIT)  # type: ignore[untyped-decorator]
def _kappa(lam: float) -> float:
    return KAPPA0_M2_KG * math.exp(min(max(lam, _LAM_LO), _LAM_HI))


@njit(**JIT)  # type: ignore[untyped-decorator]
def _derivative(x: FloatArray, on: bool, rho: float, out: FloatArray) -> None:
    """motion.state_derivative for one state in air of density rho: the flight's equations
    with the state's drag, plus the thrust along the velocity while the motor is on."""
    flight_derivative_in(x, _kappa(x[6]), _W, rho, out)
    out[6] = 0.0
    if on:
        push = x[7] / max(math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]), 1e-3)
        for c in range(3):
            out[3 + c] += push * x[3 + c]
        out[7] = 0.0
    else:
        out[7] = -x[7] / THRUST_OFF_TAU_S


@njit(**JIT)  # type: ignore[untyped-decorator]
def _jacobian(x: FloatArray, on: bool, h: float, rho: float, F: FloatArray) -> None:
    """motion.jacobian for one state at altitude h, air density rho there (point-mass
    gravity gradient, as there)."""
    F[:, :] = 0.0
    for i in range(3):
        F[i, 3 + i] = 1.0
    r = x[0:3]
    v = x[3:6]
    rn = math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2])
    g = GM_M3_S2 / rn**3
    drho = (density(h + 25.0) - density(h - 25.0)) / 50.0
    kappa = _kappa(x[6])
    speed = max(math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]), 1e-3)
    a = x[7] if on else 0.0
    c_drag = 0.5 * rho * kappa
    c_grad = 0.5 * kappa * speed * drho
    for i in range(3):
        ui = r[i] / rn
        for j in range(3):
            uj = r[j] / rn
            eye = 1.0 if i == j else 0.0
            vhat_ij = v[i] * v[j] / (speed * speed)
            F[3 + i, j] = g * (3.0 * ui * uj - eye) - c_grad * v[i] * uj
            F[3 + i, 3 + j] = -c_drag * (speed * eye + v[i] * v[j] / speed) + (a / speed) * (
                eye - vhat_ij
            )
        F[3 + i, 6] = -0.5 * rho * speed * kappa * v[i]
        F[3 + i, 7] = v[i] / speed if on else 0.0
    F[3, 0] += _W * _W
    F[4, 1] += _W * _W
    F[3, 4] += 2.0 * _W
    F[4, 3] -= 2.0 * _W
    F[7, 7] = 0.0 if on else -1.0 / THRUST_OFF_TAU_S


@njit(**JIT)  # type: ignore[untyped-decorator]
def _covariance_flow(Phi: FloatArray, P: FloatArray, M: FloatArray, out: FloatArray) -> None:
    """out = Φ P Φᵀ (M: workspace for Φ P) for a transition matrix of _flow, whose rows 6
    (ln κ does not move) and 7 (the thrust only decays) are zero off the diagonal and Φ[6, 6]
    is 1: those rows and columns are scaled copies, the same sums without the zero terms."""
    for j in range(D):
        for i in range(6):
            acc = 0.0
            for k in range(D):
                acc += Phi[i, k] * P[k, j]
            M[i, j] = acc
        M[6, j] = P[6, j]
        M[7, j] = Phi[7, 7] * P[7, j]
    for i in range(D):
        for j in range(6):
            acc = 0.0
            for k in range(D):
                acc += M[i, k] * Phi[j, k]
            out[i, j] = acc
        out[i, 6] = M[i, 6]
        out[i, 7] = M[i, 7] * Phi[7, 7]


@njit(**JIT)  # type: ignore[untyped-decorator]
def _mul_jacobian(F: FloatArray, M: FloatArray, out: FloatArray) -> None:
    """out = F M for a motion Jacobian F (_jacobian's pattern: rows 0-2 the identity on the
    velocity, row 6 zero, row 7 only F[7, 7]), skipping the products with its structural
    zeros; the same sums as the full product, in the same order."""
    for j in range(D):
        for i in range(3):
            out[i, j] = M[3 + i, j]
        for i in range(3, 6):
            acc = 0.0
            for k in range(D):
                acc += F[i, k] * M[k, j]
            out[i, j] = acc
        out[6, j] = 0.0
        out[7, j] = F[7, 7] * M[7, j]


@njit(**JIT)  # type: ignore[untyped-decorator]
def _flow(
    x: FloatArray, dt: float, on: bool, max_step: float, Phi: FloatArray, work: FloatArray
) -> None:
    """motion.predict_states for one state, in place: RK4 on x and Φ over dt. ``work`` is
    scratch space (7, 8, 8)."""
    steps = max(1, math.ceil(abs(dt) / max_step))
    h = dt / steps
    Phi[:, :] = 0.0
    for i in range(D):
        Phi[i, i] = 1.0
    ks, y2 = work[0, :4], work[0, 4]
    F, M = work[1], work[2]
    P1, P2, P3, P4 = work[3], work[4], work[5], work[6]
    Ps = (P1, P2, P3, P4)
    for _ in range(steps):
        # stage s at x + c_s h k_{s-1} (c = 0, ½, ½, 1), with Φ's stage at Φ + c_s h P_{s-1}
        for stage in range(4):
            c = (0.0, 0.5, 0.5, 1.0)[stage]
            if stage == 0:
                y2[:] = x
                M[:, :] = Phi
            else:
                for i in range(D):
                    y2[i] = x[i] + c * h * ks[stage - 1, i]
                    for j in range(D):
                        M[i, j] = Phi[i, j] + c * h * Ps[stage - 1][i, j]
            # the altitude and air density serve both (computed once per stage)
            h_stage = altitude(y2)
            rho = density(h_stage)
            _derivative(y2, on, rho, ks[stage])
            _jacobian(y2, on, h_stage, rho, F)
            _mul_jacobian(F, M, Ps[stage])
        for i in range(D):
            for j in range(D):
                Phi[i, j] += h / 6.0 * (P1[i, j] + 2.0 * P2[i, j] + 2.0 * P3[i, j] + P4[i, j])
            x[i] += h / 6.0 * (ks[0, i] + 2.0 * ks[1, i] + 2.0 * ks[2, i] + ks[3, i])


@njit(**JIT)  # type: ignore[untyped-decorator]
def predict(
    x: FloatArray,
    P: FloatArray,
    mu: FloatArray,
    rows: npt.NDArray[np.intp],
    dt: FloatArray,
    stay: FloatArray,
    q: FloatArray,
    q_kappa: float,
    q_jerk: FloatArray,
    thrust: npt.NDArray[np.bool_],
    max_step_s: float,
) -> None:
    """One IMM prediction of track rows[j] by dt[j] (a dt of 0 leaves it alone): mixing with
    the switching matrix of imm.ImmConfig.transition, each model's EKF prediction, and μ set
    to the predicted model probabilities."""
    K = mu.shape[1]
    T = np.empty((K, K))
    c = np.empty(K)
    x0 = np.empty((K, D))
    P0 = np.empty((K, D, D))
    Phi, M, Pb, xb = np.empty((D, D)), np.empty((D, D)), np.empty((D, D)), np.empty(D)
    work = np.empty((7, D, D))
    for j in range(rows.size):
        i = rows[j]
        step = dt[j]
        if step == 0.0:
            continue
        for a in range(K):
            s = stay[a] ** max(step, 1e-3)
            for b in range(K):
                T[a, b] = s if a == b else (1.0 - s) / 2.0
        for b in range(K):
            c[b] = 0.0
            for a in range(K):
                c[b] += T[a, b] * mu[i, a]
        for b in range(K):
            x0[b] = 0.0
            for a in range(K):
                wa = T[a, b] * mu[i, a] / max(c[b], 1e-300)
                for r in range(D):
                    x0[b, r] += wa * x[i, a, r]
        for b in range(K):
            P0[b] = 0.0
            for a in range(K):
                wa = T[a, b] * mu[i, a] / max(c[b], 1e-300)
                for r in range(D):
                    dr = x[i, a, r] - x0[b, r]
                    for col in range(D):
                        P0[b, r, col] += wa * (P[i, a, r, col] + dr * (x[i, a, col] - x0[b, col]))
        adt = abs(step)
        for b in range(K):
            xb[:] = x0[b]
            _flow(xb, step, thrust[b], max_step_s, Phi, work)
            _covariance_flow(Phi, P0[b], M, Pb)
            qa = q[b]
            for k in range(3):
                Pb[k, k] += qa * adt**3 / 3.0
                Pb[k, 3 + k] += qa * adt**2 / 2.0
                Pb[3 + k, k] += qa * adt**2 / 2.0
                Pb[3 + k, 3 + k] += qa * adt
            Pb[6, 6] += q_kappa * adt
            Pb[7, 7] += q_jerk[b] * adt + 1e-6
            x[i, b] = xb
            for r in range(D):
                for col in range(D):
                    P[i, b, r, col] = 0.5 * (Pb[r, col] + Pb[col, r])
            mu[i, b] = c[b]


@njit(**JIT)  # type: ignore[untyped-decorator]
def combine(
    x: FloatArray, P: FloatArray, mu: FloatArray, rows: npt.NDArray[np.intp]
) -> tuple[FloatArray, FloatArray]:
    """imm.combine of track rows: the moment-matched estimates, (n, 8) and (n, 8, 8)."""
    n, K = rows.size, mu.shape[1]
    xc = np.zeros((n, D))
    Pc = np.zeros((n, D, D))
    for j in range(n):
        i = rows[j]
        for k in range(K):
            for a in range(D):
                xc[j, a] += mu[i, k] * x[i, k, a]
        for k in range(K):
            w = mu[i, k]
            for a in range(D):
                da = x[i, k, a] - xc[j, a]
                for b in range(D):
                    Pc[j, a, b] += w * (P[i, k, a, b] + da * (x[i, k, b] - xc[j, b]))
    return xc, Pc


@njit(**JIT)  # type: ignore[untyped-decorator]
def _cholesky(S: FloatArray, L: FloatArray) -> float:
    """L Lᵀ = S for a small SPD S; returns ln|S| (−inf if S is not positive definite)."""
    m = S.shape[0]
    logdet = 0.0
    L[:, :] = 0.0
    for j in range(m):
        acc = S[j, j]
        for k in range(j):
            acc -= L[j, k] * L[j, k]
        if acc <= 0.0:
            return -np.inf
        L[j, j] = math.sqrt(acc)
        logdet += 2.0 * math.log(L[j, j])
        for i in range(j + 1, m):
            acc = S[i, j]
            for k in range(j):
                acc -= L[i, k] * L[j, k]
            L[i, j] = acc / L[j, j]
    return logdet


@njit(**JIT)  # type: ignore[untyped-decorator]
def _enu(d0: float, d1: float, d2: float, R: FloatArray) -> tuple[float, float, float]:
    """East, north, up of the ECEF offset d from a sensor with ENU rotation R."""
    return (
        R[0, 0] * d0 + R[0, 1] * d1 + R[0, 2] * d2,
        R[1, 0] * d0 + R[1, 1] * d1 + R[1, 2] * d2,
        R[2, 0] * d0 + R[2, 1] * d1 + R[2, 2] * d2,
    )


@njit(**JIT)  # type: ignore[untyped-decorator]
def _radar(
    x: FloatArray,
    s: FloatArray,
    sv: FloatArray,
    R: FloatArray,
    m: int,
    h: FloatArray,
    H: FloatArray,
) -> None:
    """sensing.radar_model for one state: h (m,) and H (m, 8), m = 3 or 4 (range-rate)."""
    dr0, dr1, dr2 = x[0] - s[0], x[1] - s[1], x[2] - s[2]
    e, nn, u = _enu(dr0, dr1, dr2, R)
    horiz2 = e * e + nn * nn
    horiz = math.sqrt(horiz2)
    rng = math.sqrt(horiz2 + u * u)
    h[0] = rng
    h[1] = math.atan2(e, nn) % _TWO_PI
    h[2] = math.atan2(u, horiz)
    H[:, :] = 0.0
    el_den = rng * rng * horiz
    for j in range(3):
        H[0, j] = (e * R[0, j] + nn * R[1, j] + u * R[2, j]) / rng
        H[1, j] = (nn * R[0, j] - e * R[1, j]) / horiz2
        H[2, j] = (-e * u * R[0, j] - nn * u * R[1, j] + horiz2 * R[2, j]) / el_den
    if m == 4:
        dv0, dv1, dv2 = x[3] - sv[0], x[4] - sv[1], x[5] - sv[2]
        rate = (dr0 * dv0 + dr1 * dv1 + dr2 * dv2) / rng
        h[3] = rate
        H[3, 0] = (dv0 - rate * dr0 / rng) / rng
        H[3, 1] = (dv1 - rate * dr1 / rng) / rng
        H[3, 2] = (dv2 - rate * dr2 / rng) / rng
        H[3, 3], H[3, 4], H[3, 5] = dr0 / rng, dr1 / rng, dr2 / rng


@njit(**JIT)  # type: ignore[untyped-decorator]
def below(
    x: FloatArray, mu: FloatArray, rows: npt.NDArray[np.intp], depth_m: float
) -> npt.NDArray[np.intp]:
    """Those of track rows whose μ-weighted position is more than depth_m under the ellipsoid
    (flight.dynamics.approximate_altitude_m)."""
    K = mu.shape[1]
    out = np.empty(rows.size, dtype=np.intp)
    p = np.empty(3)
    n = 0
    for j in range(rows.size):
        i = rows[j]
        for c in range(3):
            acc = 0.0
            for k in range(K):
                acc += mu[i, k] * x[i, k, c]
            p[c] = acc
        if altitude(p) < -depth_m:
            out[n] = i
            n += 1
    return out[:n]


@njit(**JIT)  # type: ignore[untyped-decorator]
def _in_sector(az_deg: float, az_min_deg: float, width_deg: float) -> bool:
    """sensors.in_sector for one azimuth."""
    return width_deg >= 360.0 or (az_deg - az_min_deg) % 360.0 <= width_deg


@njit(**JIT)  # type: ignore[untyped-decorator]
def radar_sees(
    x: FloatArray,
    mu: FloatArray,
    dt: FloatArray,
    s: FloatArray,
    R: FloatArray,
    max_range_m: float,
    min_elevation_deg: float,
    az_min_deg: float,
    width_deg: float,
    margin_m: float,
    margin_deg: float,
) -> npt.NDArray[np.bool_]:
    """Which of n states the radar at s (ENU rotation R) could see: the position of the
    μ-weighted mean of x (n, K, ≥6) moved in a straight line by dt (n,), in range, above
    the lowest elevation less 1° and in the azimuth sector (sensors.in_sector), each wider by
    the margins (where the position is only an extrapolation)."""
    n, K = mu.shape
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        p0, p1, p2 = 0.0, 0.0, 0.0
        for k in range(K):
            w = mu[i, k]
            p0 += w * (x[i, k, 0] + x[i, k, 3] * dt[i])
            p1 += w * (x[i, k, 1] + x[i, k, 4] * dt[i])
            p2 += w * (x[i, k, 2] + x[i, k, 5] * dt[i])
        e, nn, u = _enu(p0 - s[0], p1 - s[1], p2 - s[2], R)
        horizontal = math.hypot(e, nn)
        if math.hypot(horizontal, u) > max_range_m + margin_m:
            continue
        if math.degrees(math.atan2(u, horizontal)) < min_elevation_deg - 1.0 - margin_deg:
            continue
        az = math.degrees(math.atan2(e, nn)) % 360.0
        out[i] = _in_sector(az, az_min_deg, width_deg) or (
            margin_deg > 0.0
            and (
                _in_sector(az + margin_deg, az_min_deg, width_deg)
                or _in_sector(az - margin_deg, az_min_deg, width_deg)
            )
        )
    return out


@njit(**JIT)  # type: ignore[untyped-decorator]
def radar_start(
    z: FloatArray, s: FloatArray, R: FloatArray, sig2: FloatArray, prior: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """A new track's state (n, 8) and covariance (n, 8, 8) from each detection z (n, 4):
    range, azimuth, elevation, range-rate (NaN: not measured). Position and its covariance
    from the measurement's (variances sig2 (3,)) through the inverse radar model's Jacobian,
    plus 1 m²; velocity along the line of sight from the range-rate (else zero); the
    variances of velocity, ln κ and thrust acceleration from prior (3,)."""
    n = z.shape[0]
    x = np.zeros((n, D))
    P = np.zeros((n, D, D))
    J = np.empty((3, 3))
    for i in range(n):
        rng, az, el, rate = z[i, 0], z[i, 1], z[i, 2], z[i, 3]
        ca, sa, ce, se = math.cos(az), math.sin(az), math.cos(el), math.sin(el)
        enu0, enu1, enu2 = rng * ce * sa, rng * ce * ca, rng * se
        # ∂(e, n, u)/∂(range, azimuth, elevation)
        J[0, 0], J[0, 1], J[0, 2] = ce * sa, rng * ce * ca, -rng * se * sa
        J[1, 0], J[1, 1], J[1, 2] = ce * ca, -rng * ce * sa, -rng * se * ca
        J[2, 0], J[2, 1], J[2, 2] = se, 0.0, rng * ce
        if rate != rate:
            rate = 0.0
        for a in range(3):
            # Rᵀ maps ENU to ECEF
            x[i, a] = s[a] + R[0, a] * enu0 + R[1, a] * enu1 + R[2, a] * enu2
            x[i, 3 + a] = (x[i, a] - s[a]) / rng * rate
        for a in range(3):
            for b in range(3):
                acc = 0.0
                for k in range(3):
                    ja = R[0, a] * J[0, k] + R[1, a] * J[1, k] + R[2, a] * J[2, k]
                    jb = R[0, b] * J[0, k] + R[1, b] * J[1, k] + R[2, b] * J[2, k]
                    acc += ja * sig2[k] * jb
                P[i, a, b] = acc + (1.0 if a == b else 0.0)
            P[i, 3 + a, 3 + a] = prior[0]
        P[i, 6, 6] = prior[1]
        P[i, 7, 7] = prior[2]
    return x, P


@njit(**JIT)  # type: ignore[untyped-decorator]
def _los(x: FloatArray, s: FloatArray, frame: FloatArray, h: FloatArray, H: FloatArray) -> None:
    """sensing.los_model for one state in one measured frame (2, 3)."""
    dr = x[0:3] - s
    dist = math.sqrt(dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2])
    u = dr / dist
    H[:, :] = 0.0
    for a in range(2):
        h[a] = frame[a, 0] * u[0] + frame[a, 1] * u[1] + frame[a, 2] * u[2]
        fu = h[a]
        for j in range(3):
            H[a, j] = (frame[a, j] - fu * u[j]) / dist


@njit(**JIT)  # type: ignore[untyped-decorator]
def _wrap(a: float) -> float:
    return (a + math.pi) % _TWO_PI - math.pi


@njit(**JIT)  # type: ignore[untyped-decorator]
def _innovation_cov(
    H: FloatArray, P: FloatArray, Rm: FloatArray, HP: FloatArray, S: FloatArray
) -> None:
    """S = H P Hᵀ + R (m × m) into S, through the workspace HP (m, 8). The measurement models
    see position and velocity only: H's columns 6 and 7 (ln κ, thrust) are zero and skipped."""
    m = H.shape[0]
    for a in range(m):
        for c in range(D):
            acc = 0.0
            for k in range(_SEEN):
                acc += H[a, k] * P[k, c]
            HP[a, c] = acc
    for a in range(m):
        for b in range(m):
            acc = Rm[a, b]
            for k in range(_SEEN):
                acc += HP[a, k] * H[b, k]
            S[a, b] = acc


@njit(**JIT)  # type: ignore[untyped-decorator]
def _mahalanobis(L: FloatArray, y: FloatArray, w: FloatArray) -> float:
    """yᵀ S⁻¹ y = |L⁻¹ y|² for S = L Lᵀ (forward substitution into w)."""
    m = y.shape[0]
    total = 0.0
    for a in range(m):
        acc = y[a]
        for b in range(a):
            acc -= L[a, b] * w[b]
        w[a] = acc / L[a, a]
        total += w[a] * w[a]
    return total


@njit(**JIT)  # type: ignore[untyped-decorator]
def radar_gate(
    xc: FloatArray,
    Pc: FloatArray,
    z: FloatArray,
    s: FloatArray,
    sv: FloatArray,
    R: FloatArray,
    Rm: FloatArray,
    gate: float,
) -> tuple[FloatArray, FloatArray]:
    """Normalised innovation squared d² of every track (n) against every detection (k, m),
    and ln|S| per track, at the combined estimates. d² is exact below ``gate``; above it may
    be a lower bound (y_a²/S_aa of one or more components, which never exceeds d²), enough to
    say the pair is outside, and most pairs of a crowded scan are far outside."""
    n = xc.shape[0]
    k, m = z.shape
    d2 = np.empty((n, k))
    logdet = np.empty(n)
    h, H, L = np.empty(m), np.empty((m, D)), np.empty((m, m))
    HP, S = np.empty((m, D)), np.empty((m, m))
    y, w = np.empty(m), np.empty(m)
    for i in range(n):
        _radar(xc[i], s, sv, R, m, h, H)
        _innovation_cov(H, Pc[i], Rm, HP, S)
        logdet[i] = _cholesky(S, L)
        for j in range(k):
            if logdet[i] == -np.inf:
                d2[i, j] = np.inf
                continue
            # range first: most pairs of a crowded scan are far apart in range alone
            y[0] = z[j, 0] - h[0]
            bound = y[0] * y[0] / S[0, 0]
            if bound < gate:
                for a in range(1, m):
                    y[a] = z[j, a] - h[a]
                y[1] = _wrap(y[1])
                for a in range(1, m):
                    bound = max(bound, y[a] * y[a] / S[a, a])
            if bound >= gate:
                d2[i, j] = bound
                continue
            d2[i, j] = _mahalanobis(L, y, w)
    return d2, logdet


@njit(**JIT)  # type: ignore[untyped-decorator]
def los_gate(
    xc: FloatArray, Pc: FloatArray, frames: FloatArray, s: FloatArray, Rm: FloatArray
) -> FloatArray:
    """Normalised innovation squared of every track (n) against every line of sight (k)."""
    n, k = xc.shape[0], frames.shape[0]
    d2 = np.empty((n, k))
    h, H, L = np.empty(2), np.empty((2, D)), np.empty((2, 2))
    HP, S = np.empty((2, D)), np.empty((2, 2))
    y, w = np.empty(2), np.empty(2)
    for i in range(n):
        for j in range(k):
            _los(xc[i], s, frames[j], h, H)
            _innovation_cov(H, Pc[i], Rm, HP, S)
            if _cholesky(S, L) == -np.inf:
                d2[i, j] = np.inf
                continue
            y[0], y[1] = -h[0], -h[1]
            d2[i, j] = _mahalanobis(L, y, w)
    return d2


@njit(**JIT)  # type: ignore[untyped-decorator]
def _update_row(
    x: FloatArray, P: FloatArray, y: FloatArray, H: FloatArray, Rm: FloatArray, work: FloatArray
) -> float:
    """kalman.ekf_update (Joseph form) of one model in place; returns the log-likelihood
    of the innovation y (m,). ``work`` is scratch space of at least (5, 8, 8)."""
    m = y.shape[0]
    HP, S, L = work[0, :m, :], work[1, :m, :m], work[1, 4 : 4 + m, :m]
    _innovation_cov(H, P, Rm, HP, S)
    logdet = _cholesky(S, L)
    if logdet == -np.inf:
        return -np.inf
    # K = P Hᵀ S⁻¹ = (S⁻¹ H P)ᵀ (P and S symmetric): solve L Lᵀ Kᵀ = H P column by column
    Kt = work[2, :m, :]
    for c in range(D):
        for a in range(m):
            acc = HP[a, c]
            for b in range(a):
                acc -= L[a, b] * Kt[b, c]
            Kt[a, c] = acc / L[a, a]
        for a in range(m - 1, -1, -1):
            acc = Kt[a, c]
            for b in range(a + 1, m):
                acc -= L[b, a] * Kt[b, c]
            Kt[a, c] = acc / L[a, a]
    w = work[2, 4, :m]
    maha = _mahalanobis(L, y, w)
    for c in range(D):
        acc = 0.0
        for a in range(m):
            acc += Kt[a, c] * y[a]
        x[c] += acc
    # Joseph form: P = A P Aᵀ + K R Kᵀ with A = I - K H, through the m-wide products:
    # A P = P - K (H P); (A P) Aᵀ = A P - (A P Hᵀ) Kᵀ; K R Kᵀ = (K R) Kᵀ
    AP, APHt, KR = work[3], work[1, :, 4 : 4 + m], work[4, :, :m]
    for r in range(D):
        for c in range(D):
            acc = P[r, c]
            for a in range(m):
                acc -= Kt[a, r] * HP[a, c]
            AP[r, c] = acc
    for r in range(D):
        for a in range(m):
            acc = 0.0
            acc_kr = 0.0
            for k in range(_SEEN):
                acc += AP[r, k] * H[a, k]
            for b in range(m):
                acc_kr += Kt[b, r] * Rm[b, a]
            APHt[r, a] = acc
            KR[r, a] = acc_kr
    for r in range(D):
        for c in range(r, D):
            acc = AP[r, c]
            for a in range(m):
                acc += (KR[r, a] - APHt[r, a]) * Kt[a, c]
            P[r, c] = acc
            P[c, r] = acc
    return float(-0.5 * (maha + logdet + m * _LN_2PI))


@njit(**JIT)  # type: ignore[untyped-decorator]
def _probabilities(mu: FloatArray, logl: FloatArray) -> None:
    """imm.update_probabilities from the models' log-likelihoods, in place."""
    K = mu.shape[0]
    top = -np.inf
    for k in range(K):
        logl[k] += math.log(max(mu[k], 1e-300))
        top = max(top, logl[k])
    if top == -np.inf:
        return
    total = 0.0
    for k in range(K):
        mu[k] = math.exp(logl[k] - top)
        total += mu[k]
    floored = 0.0
    for k in range(K):
        mu[k] = max(mu[k] / total, 1e-6)
        floored += mu[k]
    for k in range(K):
        mu[k] /= floored


@njit(**JIT)  # type: ignore[untyped-decorator]
def radar_update(
    x: FloatArray,
    P: FloatArray,
    mu: FloatArray,
    rows: npt.NDArray[np.intp],
    z: FloatArray,
    s: FloatArray,
    sv: FloatArray,
    R: FloatArray,
    Rm: FloatArray,
) -> None:
    """Update track rows[i] with detection z[i] (every model), and its model probabilities."""
    K = mu.shape[1]
    m = z.shape[1]
    h, H = np.empty(m), np.empty((m, D))
    y = np.empty(m)
    logl = np.empty(K)
    work = np.empty((5, D, D))
    for i in range(rows.size):
        r = rows[i]
        for k in range(K):
            _radar(x[r, k], s, sv, R, m, h, H)
            for a in range(m):
                y[a] = z[i, a] - h[a]
            y[1] = _wrap(y[1])
            logl[k] = _update_row(x[r, k], P[r, k], y, H, Rm, work)
        _probabilities(mu[r], logl)


@njit(**JIT)  # type: ignore[untyped-decorator]
def los_update(
    x: FloatArray,
    P: FloatArray,
    mu: FloatArray,
    rows: npt.NDArray[np.intp],
    frames: FloatArray,
    s: FloatArray,
    Rm: FloatArray,
) -> None:
    """Update track rows[i] with the line of sight whose measured frame is frames[i]."""
    K = mu.shape[1]
    h, H = np.empty(2), np.empty((2, D))
    y = np.empty(2)
    logl = np.empty(K)
    work = np.empty((5, D, D))
    for i in range(rows.size):
        r = rows[i]
        for k in range(K):
            _los(x[r, k], s, frames[i], h, H)
            y[0], y[1] = -h[0], -h[1]
            logl[k] = _update_row(x[r, k], P[r, k], y, H, Rm, work)
        _probabilities(mu[r], logl)
