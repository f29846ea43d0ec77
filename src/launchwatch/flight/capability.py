"""Capability: how far the missile of a reconstructed flight would fly on a standard
(range-maximising, minimum-energy) trajectory.

The missile is held to its ideal velocity Δv = v_b + L_g + L_d from the reconstruction (see
:mod:`launchwatch.flight.boost`) and its burn time. For a standard trajectory it pitches over
to a lower burnout angle γ', pays a smaller gravity loss and so burns out faster:

    v'_b = Δv - L_g(v'_b, γ', t_b) - L_d(v'_b, γ', t_b)          (solved by fixed point)

Each candidate is flown on the rotating Earth with the same propagator as the reconstruction,
and the range is maximised over γ' (a batch over 2-64°, then a parabola through the best three
and a check flight). It is done along the flight's own launch heading and over all azimuths (every
15°, then ±7.5° about the best) for the most favourable one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from launchwatch.flight.boost import BoostAssumptions, kinematic_boost
from launchwatch.flight.peak import parabolic_peak
from launchwatch.flight.reconstruct import Reconstruction, fly

__all__ = ["Capability", "capability_range"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Capability:
    range_m: float
    azimuth_deg: float
    burnout_speed_m_s: float
    burnout_gamma_deg: float
    flight_time_s: float


def _standard_speed(
    delta_v: float, burn_time_s: float, gamma: FloatArray, assumptions: BoostAssumptions
) -> FloatArray:
    v = np.full_like(gamma, delta_v * 0.8)
    for _ in range(6):  # the losses depend weakly on v; converges to < 0.1 m/s in ~4 passes
        b = kinematic_boost(burn_time_s, v, gamma, assumptions)
        v = delta_v - b.gravity_loss - b.drag_loss
    return np.maximum(v, 10.0)


def _best_over_gamma(
    rec: Reconstruction, azimuths: FloatArray, assumptions: BoostAssumptions
) -> list[Capability]:
    lat0, lon0 = rec.reported.launch_lat_deg, rec.reported.launch_lon_deg
    gammas = np.radians(np.arange(2.0, 64.1, 2.0))
    az_grid, g_grid = np.meshgrid(azimuths, gammas, indexing="ij")
    v = _standard_speed(rec.ideal_delta_v_m_s, rec.burn_time_s, g_grid.ravel(), assumptions)
    c = fly(lat0, lon0, az_grid.ravel(), rec.burn_time_s, v, g_grid.ravel(), assumptions)
    ranges = c.range_m.reshape(az_grid.shape)
    j = np.clip(np.argmax(ranges, axis=1), 1, gammas.size - 2)
    rows = np.arange(azimuths.size)
    r_0 = ranges[rows, j]
    shift, _ = parabolic_peak(ranges[rows, j - 1], r_0, ranges[rows, j + 1])
    g_star = gammas[j] + shift * (gammas[1] - gammas[0])
    v_star = _standard_speed(rec.ideal_delta_v_m_s, rec.burn_time_s, g_star, assumptions)
    check = fly(lat0, lon0, azimuths, rec.burn_time_s, v_star, g_star, assumptions)
    out = []
    for i in range(azimuths.size):
        if check.range_m[i] >= r_0[i]:
            out.append(
                Capability(
                    float(check.range_m[i]),
                    float(azimuths[i]),
                    float(v_star[i]),
                    float(np.degrees(g_star[i])),
                    float(check.flight_time_s[i]),
                )
            )
        else:
            k = int(i * gammas.size + j[i])
            out.append(
                Capability(
                    float(r_0[i]),
                    float(azimuths[i]),
                    float(v[k]),
                    float(np.degrees(gammas[j[i]])),
                    float(c.flight_time_s[k]),
                )
            )
    return out


def capability_range(
    rec: Reconstruction, *, all_azimuths: bool = True
) -> tuple[Capability, Capability]:
    """(along the flight's own azimuth, along the most favourable azimuth); without
    ``all_azimuths`` both are the first."""
    a = rec.assumptions
    same = _best_over_gamma(rec, np.array([rec.heading_deg]), a)[0]
    if not all_azimuths:
        return same, same
    coarse = _best_over_gamma(rec, np.arange(0.0, 360.0, 15.0), a)
    top = max(coarse, key=lambda cap: cap.range_m)
    fine = _best_over_gamma(rec, (top.azimuth_deg + np.arange(-7.5, 7.6, 2.5)) % 360.0, a)
    best = max([*fine, top, same], key=lambda cap: cap.range_m)
    return same, best
