"""Sensor coverage footprints: the edge of each footprint is where the sensor's own limits
(maximum range, minimum elevation, sector) are reached, checked with the earth module's
geometry rather than the footprint's own formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from launchwatch import earth
from launchwatch.coverage import coverage_ring
from launchwatch.scenario import SensorSpec


def radar(**kw: object) -> SensorSpec:
    base: dict[str, object] = {
        "id": "R", "owner": "ROK", "type": "radar", "lat_deg": 37.5, "lon_deg": 128.5,
        "alt_m": 500.0, "max_range_km": 900.0, "min_elevation_deg": 2.0,
    }  # fmt: skip
    base.update(kw)
    return SensorSpec(**base)  # type: ignore[arg-type]


def seen_from(
    spec: SensorSpec, ring: np.ndarray, altitude_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """(elevation_deg, slant range m) of objects at ``altitude_m`` over the ring's points."""
    ecef = earth.geodetic_to_ecef(ring[:, 0], ring[:, 1], np.full(len(ring), altitude_m))
    _, el, rng = earth.ecef_to_aer(ecef, spec.lat_deg, spec.lon_deg, spec.alt_m)
    return np.asarray(el), np.asarray(rng)


@pytest.mark.parametrize(
    ("max_range_km", "min_elevation_deg", "altitude_m", "limit"),
    [
        (900.0, 2.0, 100e3, "range"),  # 900 km: the object at 100 km is still above 2°
        (3000.0, 2.0, 100e3, "elevation"),  # the horizon (2°) comes before 3,000 km
        (600.0, 0.0, 300e3, "range"),
        (5000.0, 10.0, 500e3, "elevation"),
    ],
)
def test_the_footprint_edge_is_where_a_limit_is_reached(
    max_range_km: float, min_elevation_deg: float, altitude_m: float, limit: str
) -> None:
    spec = radar(max_range_km=max_range_km, min_elevation_deg=min_elevation_deg)
    ring = coverage_ring(spec, altitude_m)[:-1]
    el, rng = seen_from(spec, ring, altitude_m)
    # the footprint is spherical; the ellipsoid moves the edge by a fraction of a per cent
    if limit == "range":
        assert np.allclose(rng, max_range_km * 1e3, rtol=5e-3)
        assert np.all(el >= min_elevation_deg - 0.2)
    else:
        assert np.allclose(el, min_elevation_deg, atol=0.25)
        assert np.all(rng <= max_range_km * 1e3 * 1.005)


def test_a_sector_radar_gives_its_wedge() -> None:
    spec = radar(azimuth_min_deg=30.0, azimuth_max_deg=120.0)
    ring = coverage_ring(spec)
    assert ring[0].tolist() == ring[-1].tolist() == [spec.lat_deg, spec.lon_deg]
    _, az, _ = earth.geodesic_inverse(spec.lat_deg, spec.lon_deg, ring[1:-1, 0], ring[1:-1, 1])
    assert az.min() == pytest.approx(30.0, abs=0.05)
    assert az.max() == pytest.approx(120.0, abs=0.05)


def test_a_geostationary_footprint_is_its_horizon_and_crosses_the_antimeridian() -> None:
    spec = SensorSpec(
        id="IR", owner="USA", type="space-ir", lat_deg=0.0, lon_deg=140.0, alt_m=35_786e3
    )
    ring = coverage_ring(spec, altitude_m=0.0)
    # from the ground at the edge the satellite is on the horizon: central angle acos(R / r)
    r = 6_371_008.8
    theta = math.degrees(math.acos(r / (r + 35_786e3)))
    assert theta == pytest.approx(81.3, abs=0.1)
    dist, _, _ = earth.geodesic_inverse(0.0, 140.0, ring[:, 0], ring[:, 1])
    assert np.allclose(dist, math.radians(theta) * r, rtol=1e-9)
    # one continuous ring: no jump of 360° in longitude where it passes 180°E (steps of up
    # to about 25° are real: near 81°N, 4° of azimuth sweep a wide band of longitude)
    assert ring[:, 1].max() > 180.0
    assert np.abs(np.diff(ring[:, 1])).max() < 90.0
