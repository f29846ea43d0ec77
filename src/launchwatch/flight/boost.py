"""The boost as a smooth kinematic profile from the pad to burnout, and what it costs.

The profile is not a thrust simulation. It says how speed and flight-path angle grow between
lift-off and burnout, and integrates them over a spherical Earth to get altitude and
down-range distance. The missile rises vertically for the first ``vertical_fraction`` of the
burn, then pitches over, turning fastest early (as a gravity turn does, when it is slow) and
not at all at burnout:

    v(τ) = v_b · ln(1/(1 - f τ)) / ln(1/(1 - f))           τ = t / t_b
    γ(τ) = 90° - (90° - γ_b) · (1 - (1 - s)²)              s = (τ - τ_v) / (1 - τ_v), 0 ≤ s ≤ 1

The speed law is the ideal-rocket velocity gain of a stage whose propellant is a fraction f of
its lift-off mass; only its shape is used. Along the profile the losses are the integrals

    gravity loss  L_g = ∫ g(z) sin γ dt        drag loss  L_d = ∫ ρ(z) v² / (2 β_boost) dt

and the missile's ideal velocity (its "capability") is Δv = v_b + L_g + L_d. A lofted climb
keeps sin γ near 1 for the whole burn and so pays more gravity loss than a standard one: this
is why the burnout speed of a lofted test understates what the missile can do.

Vectorised over candidate profiles: every argument broadcasts to shape (k,).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.atmosphere import density_kg_m3

__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "BoostAssumptions",
    "BoostProfile",
    "boost_states",
    "default_burn_time_s",
    "kinematic_boost",
]

FloatArray = npt.NDArray[np.float64]

G0: Final = 9.80665
EARTH_RADIUS_M: Final = 6_371_008.8  # mean radius, for the profile's spherical Earth
_SAMPLES: Final = 241


@dataclass(frozen=True)
class BoostAssumptions:
    """What the boost model assumes and the user may change (all stated in the output)."""

    burn_time_s: float | None = None
    """None: :func:`default_burn_time_s` of the burnout speed (or solved from a flight time)."""
    propellant_fraction: float = 0.85
    vertical_fraction: float = 0.04
    boost_beta_kg_m2: float = 30_000.0
    """Ballistic coefficient of the whole missile in the boost (lift-off mass over C_D A)."""
    reentry_beta_kg_m2: float = 20_000.0
    """Ballistic coefficient of what flies on after burnout."""


DEFAULT_ASSUMPTIONS: Final = BoostAssumptions()


@dataclass
class BoostProfile:
    """Sampled profiles, shape (k, m) for k candidates and m samples in time."""

    t: FloatArray  # (k, m) seconds since lift-off
    speed: FloatArray  # (k, m) m/s, Earth-relative
    gamma: FloatArray  # (k, m) rad, flight-path angle above the local horizontal
    altitude: FloatArray  # (k, m) m
    downrange: FloatArray  # (k, m) m, along the spherical Earth's surface
    gravity_loss: FloatArray  # (k,) m/s
    drag_loss: FloatArray  # (k,) m/s

    @property
    def ideal_delta_v(self) -> FloatArray:
        return np.asarray(self.speed[:, -1] + self.gravity_loss + self.drag_loss)


def default_burn_time_s(burnout_speed_m_s: npt.ArrayLike) -> FloatArray:
    """Burn time when none is given: t_b = 41 s × (v_b / 1 km/s)^0.78.

    A power law through three well-documented missiles, none of them North Korean: Scud-B
    (about 62 s to about 1.7 km/s), Nodong (about 110 s to about 3.5 km/s; the law gives 109 s)
    and Minuteman III (about 187 s over three stages to about 7.0 km/s). It is an assumption,
    reported as such; `--burn-time-s` overrides it."""
    v = np.asarray(burnout_speed_m_s, dtype=np.float64)
    return np.asarray(41.0 * (np.maximum(v, 100.0) / 1000.0) ** 0.78, dtype=np.float64)


def _cumtrapz(y: FloatArray, dt: FloatArray) -> FloatArray:
    out = np.zeros_like(y)
    out[:, 1:] = np.cumsum(0.5 * (y[:, 1:] + y[:, :-1]) * dt[:, None], axis=1)
    return out


def kinematic_boost(
    burn_time_s: npt.ArrayLike,
    burnout_speed_m_s: npt.ArrayLike,
    burnout_gamma_rad: npt.ArrayLike,
    assumptions: BoostAssumptions | None = None,
) -> BoostProfile:
    """The profiles for k candidates (arguments broadcast to (k,))."""
    t_b, v_b, gamma_b = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(a, dtype=np.float64))
            for a in (burn_time_s, burnout_speed_m_s, burnout_gamma_rad)
        )
    )
    assumptions = assumptions or DEFAULT_ASSUMPTIONS
    f = assumptions.propellant_fraction
    tau = np.linspace(0.0, 1.0, _SAMPLES)[None, :]
    speed = v_b[:, None] * np.log(1.0 / (1.0 - f * tau)) / np.log(1.0 / (1.0 - f))
    s = np.clip(
        (tau - assumptions.vertical_fraction) / (1.0 - assumptions.vertical_fraction), 0.0, 1.0
    )
    gamma = 0.5 * np.pi - (0.5 * np.pi - gamma_b[:, None]) * (1.0 - (1.0 - s) ** 2)
    dt = t_b / (_SAMPLES - 1)
    altitude = _cumtrapz(speed * np.sin(gamma), dt)
    # one fixed-point pass so the ground distance uses the radius at the current altitude
    downrange = _cumtrapz(speed * np.cos(gamma) * EARTH_RADIUS_M / (EARTH_RADIUS_M + altitude), dt)
    g = G0 * (EARTH_RADIUS_M / (EARTH_RADIUS_M + altitude)) ** 2
    gravity_loss = _cumtrapz(g * np.sin(gamma), dt)[:, -1]
    rho = density_kg_m3(altitude)
    drag_loss = _cumtrapz(rho * speed**2 / (2.0 * assumptions.boost_beta_kg_m2), dt)[:, -1]
    return BoostProfile(
        t=tau * t_b[:, None],
        speed=speed,
        gamma=gamma,
        altitude=altitude,
        downrange=downrange,
        gravity_loss=gravity_loss,
        drag_loss=drag_loss,
    )


def boost_states(
    launch_lat_deg: float, launch_lon_deg: float, heading_deg: npt.ArrayLike, profile: BoostProfile
) -> tuple[FloatArray, FloatArray]:
    """ECEF positions and Earth-relative velocities (k, m, 3) along k profiles leaving the
    launch point on the given headings (the ground track is the geodesic)."""
    k, m = profile.speed.shape
    heading = np.broadcast_to(np.asarray(heading_deg, dtype=np.float64), (k,))[:, None]
    lat, lon, back = earth.geodesic_direct(
        launch_lat_deg, launch_lon_deg, np.broadcast_to(heading, (k, m)), profile.downrange
    )
    r = earth.geodetic_to_ecef(lat, lon, profile.altitude)
    enu = earth.aer_to_enu((back + 180.0) % 360.0, np.degrees(profile.gamma), profile.speed)
    v = np.einsum("...ji,...j->...i", earth.enu_rotation(lat, lon), enu)
    return r, np.asarray(v, dtype=np.float64)
