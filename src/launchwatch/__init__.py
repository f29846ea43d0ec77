"""launchwatch: open missile-launch monitoring and warning.

The public API is what ``__all__`` names (a test checks it); everything else may change.
"""

from launchwatch.atmosphere import density_kg_m3
from launchwatch.earth import (
    aer_to_enu,
    ecef_to_aer,
    ecef_to_eci,
    ecef_to_enu,
    ecef_to_geodetic,
    eci_to_ecef,
    enu_to_aer,
    enu_to_ecef,
    geodesic_direct,
    geodesic_inverse,
    geodetic_to_ecef,
    gravity_j2,
)
from launchwatch.errors import InfeasibleFlightError, InputError, LaunchwatchError
from launchwatch.flight.analysis import MODEL_VERSION, Analysis, analyze
from launchwatch.flight.boost import BoostAssumptions
from launchwatch.flight.capability import Capability, capability_range
from launchwatch.flight.propagate import Flight, propagate
from launchwatch.flight.reconstruct import Reconstruction, ReportedLaunch, reconstruct
from launchwatch.flight.shape import minimum_energy_apogee_km, range_class, trajectory_shape
from launchwatch.measurements import write_measurements
from launchwatch.scenario import Scenario, ScenarioError, SensorSpec, load_scenario, load_sensors
from launchwatch.sensors import Detections, observe
from launchwatch.simulate import Simulation, simulate
from launchwatch.truth import Truth, TruthObject, build_truth

__version__ = "0.1.0"

__all__ = [
    "MODEL_VERSION",
    "Analysis",
    "BoostAssumptions",
    "Capability",
    "Detections",
    "Flight",
    "InfeasibleFlightError",
    "InputError",
    "LaunchwatchError",
    "Reconstruction",
    "ReportedLaunch",
    "Scenario",
    "ScenarioError",
    "SensorSpec",
    "Simulation",
    "Truth",
    "TruthObject",
    "__version__",
    "aer_to_enu",
    "analyze",
    "build_truth",
    "capability_range",
    "density_kg_m3",
    "ecef_to_aer",
    "ecef_to_eci",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "eci_to_ecef",
    "enu_to_aer",
    "enu_to_ecef",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_to_ecef",
    "gravity_j2",
    "load_scenario",
    "load_sensors",
    "minimum_energy_apogee_km",
    "observe",
    "propagate",
    "range_class",
    "reconstruct",
    "simulate",
    "trajectory_shape",
    "write_measurements",
]
