"""The first-order uncertainty of a trajectory's shape (apogee over the minimum-energy
apogee for its range) against sampling the same Gaussian range and apogee."""

import numpy as np
import pytest

from launchwatch.assessment.measures import Measure, apogee_ratio_sigma
from launchwatch.flight.shape import minimum_energy_apogee_km


@pytest.mark.parametrize(
    ("range_km", "apogee_km"),
    [
        (Measure(1098.5, 15.0, ""), Measure(100.0, 5.0, "")),  # depressed, as in the design sketch
        (Measure(950.0, 10.0, ""), Measure(4440.0, 22.0, "")),  # lofted
        (Measure(4587.0, 13.0, ""), Measure(999.0, 1.2, "")),  # near minimum energy
    ],
)
def test_shape_sigma_matches_sampling(range_km, apogee_km):
    rng = np.random.default_rng(5)
    R = rng.normal(range_km.value, range_km.sigma, 20_000)
    H = rng.normal(apogee_km.value, apogee_km.sigma, 20_000)
    ratio = H / minimum_energy_apogee_km(R)
    assert apogee_ratio_sigma(range_km, apogee_km) == pytest.approx(np.std(ratio), rel=0.05)
