"""Reconstruct a flight from the numbers a government reports: launch point, direction,
range, apogee and (optionally) flight time.

The flight is a kinematic boost (:mod:`launchwatch.flight.boost`) followed by a ballistic flight
propagated with J2, drag and the Earth's rotation (:mod:`launchwatch.flight.propagate`). The
unknowns are the burnout speed v_b and flight-path angle γ_b, and, when the flight time is
given, the burn time t_b (which sets the burnout altitude). They are found by Newton's method
on the relative misfit of range, apogee (and flight time), with a finite-difference Jacobian
whose columns are flown together as one batch. A coarse batch of 900 candidate flights gives
the starting point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.errors import InfeasibleFlightError, InputError
from launchwatch.flight.boost import (
    DEFAULT_ASSUMPTIONS,
    BoostAssumptions,
    BoostProfile,
    default_burn_time_s,
    kinematic_boost,
)
from launchwatch.flight.propagate import Flight, propagate

__all__ = ["Candidates", "Reconstruction", "ReportedLaunch", "fly", "reconstruct"]

FloatArray = npt.NDArray[np.float64]

HALF_CIRCUMFERENCE_KM: Final = 20_003.9  # half a WGS-84 meridian
MAX_APOGEE_KM: Final = 40_000.0  # beyond this the object is not a ballistic missile
BURN_TIME_BOUNDS_S: Final = (10.0, 600.0)
RANGE_TOLERANCE: Final = 0.002
APOGEE_TOLERANCE: Final = 0.002
TIME_TOLERANCE: Final = 0.005


@dataclass(frozen=True)
class ReportedLaunch:
    """The public numbers of one launch. Give ``azimuth_deg`` or ``impact_lat_deg`` and
    ``impact_lon_deg``; with an impact point the azimuth is the geodesic's towards it."""

    launch_lat_deg: float
    launch_lon_deg: float
    range_km: float
    apogee_km: float
    azimuth_deg: float | None = None
    impact_lat_deg: float | None = None
    impact_lon_deg: float | None = None
    flight_time_s: float | None = None

    def checked(self) -> ReportedLaunch:
        """Raise :class:`InputError` naming the first unusable field."""
        _finite("launch_lat_deg", self.launch_lat_deg, -90.0, 90.0)
        _finite("launch_lon_deg", self.launch_lon_deg, -180.0, 360.0)
        _finite("range_km", self.range_km)
        _finite("apogee_km", self.apogee_km)
        if self.apogee_km <= 0:
            raise InputError("apogee_km", f"must be above 0 km, got {self.apogee_km:g}")
        if self.apogee_km > MAX_APOGEE_KM:
            raise InputError(
                "apogee_km",
                f"{self.apogee_km:g} km is beyond any ballistic flight "
                f"(limit {MAX_APOGEE_KM:,.0f} km)",
            )
        if self.range_km <= 0:
            raise InputError("range_km", f"must be above 0 km, got {self.range_km:g}")
        if self.range_km > HALF_CIRCUMFERENCE_KM:
            raise InputError(
                "range_km",
                f"{self.range_km:,.0f} km is more than half the Earth's "
                f"circumference ({HALF_CIRCUMFERENCE_KM:,.1f} km)",
            )
        has_impact = self.impact_lat_deg is not None or self.impact_lon_deg is not None
        if (self.azimuth_deg is None) == (not has_impact):
            raise InputError(
                "azimuth_deg",
                "give either an azimuth or an impact point, not both"
                if has_impact
                else "give an azimuth or an impact point",
            )
        if self.azimuth_deg is not None:
            _finite("azimuth_deg", self.azimuth_deg, -360.0, 360.0)
        if has_impact:
            if self.impact_lat_deg is None or self.impact_lon_deg is None:
                raise InputError("impact", "needs both latitude and longitude")
            _finite("impact_lat_deg", self.impact_lat_deg, -90.0, 90.0)
            _finite("impact_lon_deg", self.impact_lon_deg, -180.0, 360.0)
        if self.flight_time_s is not None:
            _finite("flight_time_s", self.flight_time_s)
            if self.flight_time_s <= 0:
                raise InputError("flight_time_s", f"must be above 0 s, got {self.flight_time_s:g}")
        return self

    def azimuth(self) -> float:
        if self.azimuth_deg is not None:
            return self.azimuth_deg % 360.0
        if self.impact_lat_deg is None or self.impact_lon_deg is None:
            raise InputError("azimuth_deg", "give an azimuth or an impact point")
        _, az, _ = earth.geodesic_inverse(
            self.launch_lat_deg, self.launch_lon_deg, self.impact_lat_deg, self.impact_lon_deg
        )
        return float(az)


def _finite(name: str, value: float, lo: float = -math.inf, hi: float = math.inf) -> None:
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(name, f"must be a finite number, got {value!r}")
    if not lo <= value <= hi:
        raise InputError(name, f"must be between {lo:g} and {hi:g}, got {value:g}")


@dataclass
class Candidates:
    """k flights flown as one batch: boost profile, burnout state and the ballistic flight."""

    azimuth_deg: FloatArray
    burn_time_s: FloatArray
    burnout_speed_m_s: FloatArray
    burnout_gamma_rad: FloatArray
    boost: BoostProfile
    burnout_lat_deg: FloatArray
    burnout_lon_deg: FloatArray
    burnout_alt_m: FloatArray
    flight: Flight
    impact_lat_deg: FloatArray
    impact_lon_deg: FloatArray
    range_m: FloatArray
    apogee_m: FloatArray
    flight_time_s: FloatArray


def fly(
    launch_lat_deg: float,
    launch_lon_deg: float,
    azimuth_deg: npt.ArrayLike,
    burn_time_s: npt.ArrayLike,
    burnout_speed_m_s: npt.ArrayLike,
    burnout_gamma_rad: npt.ArrayLike,
    assumptions: BoostAssumptions = DEFAULT_ASSUMPTIONS,
    *,
    record: bool = False,
    max_step_s: float = np.inf,
) -> Candidates:
    """Fly k candidate missiles (arguments broadcast to (k,)) from one launch point."""
    az, t_b, v_b, g_b = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(a, dtype=np.float64))
            for a in (azimuth_deg, burn_time_s, burnout_speed_m_s, burnout_gamma_rad)
        )
    )
    boost = kinematic_boost(t_b, v_b, g_b, assumptions)
    lat_b, lon_b, back = earth.geodesic_direct(
        launch_lat_deg, launch_lon_deg, az, boost.downrange[:, -1]
    )
    alt_b = boost.altitude[:, -1]
    heading = (back + 180.0) % 360.0
    r_b = earth.geodetic_to_ecef(lat_b, lon_b, alt_b)
    enu = earth.aer_to_enu(heading, np.degrees(g_b), v_b)
    v_ecef = np.einsum("kji,kj->ki", earth.enu_rotation(lat_b, lon_b), enu)
    flight = propagate(
        r_b,
        v_ecef,
        t0=t_b,
        beta_kg_m2=assumptions.reentry_beta_kg_m2,
        record=record,
        max_step_s=max_step_s,
    )
    lat_i, lon_i, _ = earth.ecef_to_geodetic(flight.r_impact)
    dist, _, _ = earth.geodesic_inverse(launch_lat_deg, launch_lon_deg, lat_i, lon_i)
    apogee = np.maximum(flight.apogee_alt_m, alt_b)
    return Candidates(
        az,
        t_b,
        v_b,
        g_b,
        boost,
        lat_b,
        lon_b,
        alt_b,
        flight,
        lat_i,
        lon_i,
        dist,
        apogee,
        flight.t_impact,
    )


@dataclass
class Reconstruction:
    """A flight that meets the reported numbers, with its burnout state and trajectory."""

    reported: ReportedLaunch
    assumptions: BoostAssumptions
    azimuth_deg: float
    """Bearing from the launch point to the impact point (as reported)."""
    heading_deg: float
    """Launch heading that gives that bearing on the rotating Earth."""
    burn_time_s: float
    burn_time_source: str
    burnout_speed_m_s: float
    burnout_gamma_deg: float
    burnout_altitude_m: float
    burnout_downrange_m: float
    range_m: float
    apogee_m: float
    flight_time_s: float
    impact_lat_deg: float
    impact_lon_deg: float
    ideal_delta_v_m_s: float
    gravity_loss_m_s: float
    drag_loss_m_s: float
    iterations: int
    trajectory: FloatArray = field(repr=False)
    """Rows [t_s, lat_deg, lon_deg, alt_m, speed_m_s]: the boost samples, then every step of
    the ballistic flight."""


def _misfit(c: Candidates, target: FloatArray, with_time: bool) -> FloatArray:
    cols = [c.range_m / target[0] - 1.0, c.apogee_m / target[1] - 1.0]
    if with_time:
        cols.append(c.flight_time_s / target[2] - 1.0)
    return np.stack(cols, axis=1)


def reconstruct(
    reported: ReportedLaunch, assumptions: BoostAssumptions = DEFAULT_ASSUMPTIONS
) -> Reconstruction:
    """The flight that matches ``reported``; raises :class:`InputError` (or its subclass
    :class:`InfeasibleFlightError`) naming the field that no flight can meet."""
    rep = reported.checked()
    if assumptions.burn_time_s is not None:
        _finite("burn_time_s", assumptions.burn_time_s, *BURN_TIME_BOUNDS_S)
    az = rep.azimuth()
    lat0, lon0 = rep.launch_lat_deg, rep.launch_lon_deg
    with_time = rep.flight_time_s is not None and assumptions.burn_time_s is None
    target = np.array(
        [
            rep.range_km * 1e3,
            rep.apogee_km * 1e3,
            rep.flight_time_s if rep.flight_time_s is not None else 0.0,
        ]
    )

    def burn_time(v_b: FloatArray) -> FloatArray:
        if assumptions.burn_time_s is not None:
            return np.full_like(v_b, assumptions.burn_time_s)
        return default_burn_time_s(v_b)

    # Coarse batch: speeds 0.3-8 km/s, angles 2-88°, burn time from the default law.
    v_mesh, g_mesh = np.meshgrid(
        np.linspace(300.0, 8000.0, 30), np.radians(np.linspace(2.0, 88.0, 30))
    )
    v_grid, g_grid = v_mesh.ravel(), g_mesh.ravel()
    coarse = fly(lat0, lon0, az, burn_time(v_grid), v_grid, g_grid, assumptions)
    miss = _misfit(coarse, target, False)
    best = int(np.argmin(np.sum(miss**2, axis=1)))
    x = np.array([v_grid[best], g_grid[best], float(burn_time(v_grid[best : best + 1])[0])])
    free = 3 if with_time else 2
    steps = np.array([0.5, 2e-5, 0.05])[:free]
    tol = np.array([RANGE_TOLERANCE, APOGEE_TOLERANCE, TIME_TOLERANCE])[: (3 if with_time else 2)]

    # The reported direction is the bearing from launch to impact; the Earth turns under a long
    # flight, so the launch heading that gives that bearing is solved in an outer loop.
    heading = az
    iterations = 0
    for _ in range(4):
        x, resid, n = _newton(
            lat0, lon0, heading, x, target, with_time, burn_time, steps, tol, assumptions
        )
        iterations += n
        if not np.all(np.abs(resid) < tol):
            _explain_failure(rep, assumptions, az, resid, with_time)
        t_b_now = float(x[2]) if with_time else float(burn_time(x[:1])[0])
        c = fly(lat0, lon0, heading, t_b_now, x[0], x[1], assumptions)
        _, bearing, _ = earth.geodesic_inverse(lat0, lon0, c.impact_lat_deg, c.impact_lon_deg)
        off = (az - float(bearing[0]) + 180.0) % 360.0 - 180.0
        if abs(off) < 0.02:
            break
        heading = (heading + off) % 360.0

    t_b_final = float(x[2]) if with_time else float(burn_time(x[:1])[0])
    final = fly(lat0, lon0, heading, t_b_final, x[0], x[1], assumptions, record=True)
    source = (
        "solved from flight_time_s"
        if with_time
        else "given"
        if assumptions.burn_time_s is not None
        else "default law t_b = 41 s × (v_b / 1 km/s)^0.78"
    )
    return Reconstruction(
        reported=rep,
        assumptions=assumptions,
        azimuth_deg=az,
        heading_deg=heading,
        burn_time_s=t_b_final,
        burn_time_source=source,
        burnout_speed_m_s=float(x[0]),
        burnout_gamma_deg=float(np.degrees(x[1])),
        burnout_altitude_m=float(final.burnout_alt_m[0]),
        burnout_downrange_m=float(final.boost.downrange[0, -1]),
        range_m=float(final.range_m[0]),
        apogee_m=float(final.apogee_m[0]),
        flight_time_s=float(final.flight_time_s[0]),
        impact_lat_deg=float(final.impact_lat_deg[0]),
        impact_lon_deg=float(final.impact_lon_deg[0]),
        ideal_delta_v_m_s=float(final.boost.ideal_delta_v[0]),
        gravity_loss_m_s=float(final.boost.gravity_loss[0]),
        drag_loss_m_s=float(final.boost.drag_loss[0]),
        iterations=iterations,
        trajectory=_trajectory_rows(lat0, lon0, final),
    )


def _newton(
    lat0: float,
    lon0: float,
    heading: float,
    x: FloatArray,
    target: FloatArray,
    with_time: bool,
    burn_time: Callable[[FloatArray], FloatArray],
    steps: FloatArray,
    tol: FloatArray,
    assumptions: BoostAssumptions,
) -> tuple[FloatArray, FloatArray, int]:
    """Damped Newton on (v_b, γ_b[, t_b]); the Jacobian's columns fly as one batch."""
    x = x.copy()
    free = steps.size
    resid = np.full(free, np.inf)
    n = 0
    for n in range(1, 41):  # noqa: B007 (the count is reported)
        X = np.repeat(x[None, :], free + 1, axis=0)
        X[1:, :free] += np.diag(steps)
        t_b = X[:, 2] if with_time else burn_time(X[:, 0])
        c = fly(lat0, lon0, heading, t_b, X[:, 0], X[:, 1], assumptions)
        F = _misfit(c, target, with_time)
        resid = F[0]
        if np.all(np.abs(resid) < tol * 0.5):
            break
        J = (F[1:] - F[0]).T / steps
        dx = np.linalg.lstsq(J, -resid, rcond=None)[0]
        # damp: at most 15 % of speed, 10° of angle and 30 % of burn time per iteration
        limits = np.array([0.15 * x[0], np.radians(10.0), 0.3 * x[2]])[:free]
        dx *= min(1.0, float(np.min(limits / np.maximum(np.abs(dx), 1e-300))))
        x[:free] += dx
        x[1] = np.clip(x[1], np.radians(0.5), np.radians(89.9))
        x[0] = max(x[0], 50.0)
        if with_time:
            x[2] = np.clip(x[2], *BURN_TIME_BOUNDS_S)
    return x, resid, n


def _trajectory_rows(lat0: float, lon0: float, c: Candidates) -> FloatArray:
    b = c.boost
    lat, lon, _ = earth.geodesic_direct(lat0, lon0, c.azimuth_deg[0], b.downrange[0])
    boost_rows = np.column_stack([b.t[0], lat, lon, b.altitude[0], b.speed[0]])
    path = c.flight.paths[0]
    plat, plon, palt = earth.ecef_to_geodetic(path[:, 1:4])
    speed = np.linalg.norm(path[:, 4:], axis=1)
    return np.vstack(
        [boost_rows, np.column_stack([path[1:, 0], plat[1:], plon[1:], palt[1:], speed[1:]])]
    )


def _explain_failure(
    rep: ReportedLaunch,
    assumptions: BoostAssumptions,
    az: float,
    resid: FloatArray,
    with_time: bool,
) -> None:
    """Say which reported number no flight can meet, and what would be possible."""
    if with_time:
        # Range and apogee alone must be possible (this raises if they are not); then it is
        # the flight time that no flight can have.
        reconstruct(replace(rep, flight_time_s=None), assumptions)
        lo, hi = BURN_TIME_BOUNDS_S
        times = []
        for t_b in (lo, hi):
            try:
                r = reconstruct(
                    ReportedLaunch(
                        rep.launch_lat_deg,
                        rep.launch_lon_deg,
                        rep.range_km,
                        rep.apogee_km,
                        azimuth_deg=az,
                    ),
                    BoostAssumptions(**{**assumptions.__dict__, "burn_time_s": t_b}),
                )
                times.append(r.flight_time_s)
            except InputError:
                continue
        span = (
            (
                f"; with this range and apogee a flight lasts "
                f"{min(times):,.0f}-{max(times):,.0f} s "
                f"(burn time {lo:g}-{hi:g} s)"
            )
            if times
            else ""
        )
        raise InfeasibleFlightError(
            "flight_time_s",
            f"{rep.flight_time_s:,.0f} s is not the flight time of any ballistic flight with "
            f"range {rep.range_km:,.0f} km and apogee {rep.apogee_km:,.0f} km{span}",
        )
    raise InfeasibleFlightError(
        "apogee_km",
        f"no ballistic flight reaches {rep.range_km:,.0f} km with an apogee of "
        f"{rep.apogee_km:,.0f} km (closest: range off by {resid[0]:+.1%}, "
        f"apogee by {resid[1]:+.1%}); "
        "a flight that low and that far would have to glide or fly through the dense atmosphere",
    )
