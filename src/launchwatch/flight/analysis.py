"""Analysis of a launch from its reported numbers: reconstructed flight, shape, classes and
capability, each with the inputs and assumptions that gave it.

Burn time is the one assumption that moves the capability estimate most. It is taken from
``--burn-time-s`` when given, else from the default law of :func:`boost.default_burn_time_s`.
When the flight time is reported, the reconstruction solves the burn time that matches it; that
burn time is poorly constrained (a minute more flight time moves it by tens of seconds), so its
capability is reported beside the main figure as a variant, not instead of it. The spread over
burn time ×0.7 and ×1.3 is the capability's stated uncertainty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Final

from launchwatch.flight.boost import BoostAssumptions
from launchwatch.flight.capability import Capability, capability_range
from launchwatch.flight.reconstruct import Reconstruction, ReportedLaunch, reconstruct
from launchwatch.flight.shape import (
    DEPRESSED_BELOW,
    LOFTED_ABOVE,
    minimum_energy_apogee_km,
    range_class,
    trajectory_shape,
)

__all__ = ["MODEL_VERSION", "Analysis", "analyze"]

MODEL_VERSION: Final = "launchwatch-flight 1"
BURN_TIME_SPREAD: Final = (0.7, 1.3)


@dataclass
class Analysis:
    reconstruction: Reconstruction
    shape: str
    apogee_ratio: float
    minimum_energy_apogee_km: float
    range_class: str
    capability: Capability
    capability_best: Capability
    capability_low_high_km: tuple[float, float]
    capability_burn_time_s: float
    capability_burn_time_source: str
    capability_from_flight_time: Capability | None
    capability_class: str

    def to_json(self) -> dict[str, Any]:
        """One JSON object: results with units in the names, then assumptions and inputs."""
        rec = self.reconstruction
        rep = rec.reported
        out: dict[str, Any] = {
            "model_version": MODEL_VERSION,
            "range_km": round(rec.range_m / 1e3, 2),
            "apogee_km": round(rec.apogee_m / 1e3, 2),
            "flight_time_s": round(rec.flight_time_s, 1),
            "flight_time_source": "matched to input"
            if rep.flight_time_s is not None and rec.burn_time_source.startswith("solved")
            else "model",
            "azimuth_deg": round(rec.azimuth_deg, 2),
            "launch_heading_deg": round(rec.heading_deg, 2),
            "impact_lat_deg": round(rec.impact_lat_deg, 4),
            "impact_lon_deg": round(rec.impact_lon_deg, 4),
            "burnout_speed_m_s": round(rec.burnout_speed_m_s, 1),
            "burnout_flight_path_angle_deg": round(rec.burnout_gamma_deg, 2),
            "burnout_altitude_km": round(rec.burnout_altitude_m / 1e3, 2),
            "burnout_downrange_km": round(rec.burnout_downrange_m / 1e3, 2),
            "burn_time_s": round(rec.burn_time_s, 1),
            "ideal_delta_v_m_s": round(rec.ideal_delta_v_m_s, 1),
            "gravity_loss_m_s": round(rec.gravity_loss_m_s, 1),
            "drag_loss_m_s": round(rec.drag_loss_m_s, 1),
            "shape": self.shape,
            "apogee_ratio": round(self.apogee_ratio, 3),
            "minimum_energy_apogee_km": round(self.minimum_energy_apogee_km, 1),
            "range_class": self.range_class,
            "capability_range_km": round(self.capability.range_m / 1e3, 0),
            "capability_range_low_km": round(self.capability_low_high_km[0], 0),
            "capability_range_high_km": round(self.capability_low_high_km[1], 0),
            "capability_azimuth_deg": round(self.capability.azimuth_deg, 1),
            "capability_best_azimuth_deg": round(self.capability_best.azimuth_deg, 1),
            "capability_range_best_azimuth_km": round(self.capability_best.range_m / 1e3, 0),
            "capability_class": self.capability_class,
            "capability_burnout_speed_m_s": round(self.capability.burnout_speed_m_s, 1),
            "capability_burnout_flight_path_angle_deg": round(self.capability.burnout_gamma_deg, 1),
        }
        if self.capability_from_flight_time is not None:
            out["capability_range_from_flight_time_km"] = round(
                self.capability_from_flight_time.range_m / 1e3, 0
            )
        out["match"] = {
            "range_error_percent": round(100 * (rec.range_m / (rep.range_km * 1e3) - 1), 3),
            "apogee_error_percent": round(100 * (rec.apogee_m / (rep.apogee_km * 1e3) - 1), 3),
            "flight_time_error_percent": None
            if rep.flight_time_s is None
            else round(100 * (rec.flight_time_s / rep.flight_time_s - 1), 3),
        }
        a = rec.assumptions
        out["assumptions"] = {
            "burn_time_s": round(rec.burn_time_s, 1),
            "burn_time_source": rec.burn_time_source,
            "capability_burn_time_s": round(self.capability_burn_time_s, 1),
            "capability_burn_time_source": self.capability_burn_time_source,
            "capability_spread": f"burn time x{BURN_TIME_SPREAD[0]} to x{BURN_TIME_SPREAD[1]}",
            "propellant_fraction": a.propellant_fraction,
            "vertical_rise_fraction_of_burn": a.vertical_fraction,
            "boost_beta_kg_m2": a.boost_beta_kg_m2,
            "reentry_beta_kg_m2": a.reentry_beta_kg_m2,
            "earth": "WGS-84, J2 gravity, rotating",
            "atmosphere": "US Standard Atmosphere 1976",
            "shape_thresholds": f"depressed < {DEPRESSED_BELOW} <= minimum-energy <= "
            f"{LOFTED_ABOVE} < lofted (apogee / minimum-energy apogee)",
        }
        out["inputs"] = {k: v for k, v in asdict(rep).items() if v is not None}
        return out


def analyze(reported: ReportedLaunch, burn_time_s: float | None = None) -> Analysis:
    """Reconstruct the flight and estimate its capability (see the module docstring)."""
    assumptions = BoostAssumptions(burn_time_s=burn_time_s)
    rec = reconstruct(reported, assumptions)
    if rep_time_solved := rec.burn_time_source.startswith("solved"):
        base = reconstruct(replace(rec.reported, flight_time_s=None), assumptions)
    else:
        base = rec
    same, best = capability_range(base)
    spread = []
    for factor in BURN_TIME_SPREAD:
        varied = reconstruct(
            replace(rec.reported, flight_time_s=None),
            replace(assumptions, burn_time_s=min(max(base.burn_time_s * factor, 10.0), 600.0)),
        )
        spread.append(capability_range(varied, all_azimuths=False)[0].range_m / 1e3)
    from_time = capability_range(rec, all_azimuths=False)[0] if rep_time_solved else None
    shape, ratio = trajectory_shape(rec.apogee_m / 1e3, rec.range_m / 1e3)
    values = [*spread, same.range_m / 1e3]
    low, high = min(values), max(values)
    return Analysis(
        reconstruction=rec,
        shape=shape,
        apogee_ratio=ratio,
        minimum_energy_apogee_km=float(minimum_energy_apogee_km(rec.range_m / 1e3)),
        range_class=range_class(rec.range_m / 1e3),
        capability=same,
        capability_best=best,
        capability_low_high_km=(low, high),
        capability_burn_time_s=base.burn_time_s,
        capability_burn_time_source=base.burn_time_source,
        capability_from_flight_time=from_time,
        capability_class=range_class(same.range_m / 1e3),
    )
