"""WGS-84 frames and geodesics: edge-case tables, and agreement with pyproj and pymap3d (1 mm)."""

import numpy as np
import pymap3d
import pytest
from pyproj import Transformer

from launchwatch import earth

# Edge cases (pymap3d tests/test_geodetic.py style): poles, equator, antimeridian,
# ±1 m about the ellipsoid, high altitude, the Korean peninsula.
EDGE_POINTS = [
    # lat_deg, lon_deg, alt_m
    (90.0, 0.0, 0.0),
    (-90.0, 0.0, 0.0),
    (90.0, 0.0, 1.0),
    (-90.0, 45.0, -1.0),
    (0.0, 0.0, 0.0),
    (0.0, 180.0, 0.0),
    (0.0, -180.0, 1.0),
    (0.0, 90.0, -1.0),
    (89.999999, 179.999999, 1.0),
    (-0.000001, -179.999999, -1.0),
    (45.0, 45.0, 1.0),
    (45.0, -135.0, -1.0),
    (39.19, 125.96, 0.0),
    (39.19, 125.96, 1_000_000.0),
    (41.5, 138.2, 35_786_000.0),
    (-33.9, 151.2, 8_848.0),
]

TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


@pytest.mark.parametrize(("lat", "lon", "alt"), EDGE_POINTS)
def test_geodetic_to_ecef_matches_pyproj_to_1_mm(lat, lon, alt):
    x, y, z = TO_ECEF.transform(lon, lat, alt)
    assert np.allclose(earth.geodetic_to_ecef(lat, lon, alt), [x, y, z], rtol=0, atol=1e-3)


@pytest.mark.parametrize(("lat", "lon", "alt"), EDGE_POINTS)
def test_ecef_round_trip_to_1_mm(lat, lon, alt):
    r = earth.geodetic_to_ecef(lat, lon, alt)
    lat2, lon2, alt2 = earth.ecef_to_geodetic(r)
    back = earth.geodetic_to_ecef(lat2, lon2, alt2)
    assert np.allclose(back, r, rtol=0, atol=1e-3)
    assert alt2 == pytest.approx(alt, abs=1e-3)
    # 1 mm on the surface is ~1e-8 degrees of latitude
    assert lat2 == pytest.approx(lat, abs=1e-8)
    if abs(lat) < 89.9:
        assert np.cos(np.radians(lon2 - lon)) == pytest.approx(1.0, abs=1e-15)


def test_ecef_to_geodetic_batched_against_truth_and_pymap3d():
    rng = np.random.default_rng(20250106)
    lat = rng.uniform(-90, 90, 2000)
    lon = rng.uniform(-180, 180, 2000)
    alt = rng.uniform(-500, 2_000_000, 2000)
    r = earth.geodetic_to_ecef(lat, lon, alt)
    lat2, _, alt2 = earth.ecef_to_geodetic(r)
    # against the coordinates the points were made from
    assert np.max(np.abs(alt2 - alt)) < 1e-6
    assert np.max(np.abs(lat2 - lat)) < 1e-11
    # against pymap3d: its altitude agrees to 1 mm; its latitude is iterated only to ~1e-6
    # degrees (seen: 6.5e-7), so latitude is held to the generating truth above instead.
    _, _, alt_p = pymap3d.ecef2geodetic(r[:, 0], r[:, 1], r[:, 2])
    assert np.max(np.abs(alt2 - alt_p)) < 1e-3


def test_ellipsoid_plus_minus_one_metre():
    for lat in (0.0, 30.0, 60.0, 89.0, 90.0):
        up = earth.geodetic_altitude_m(earth.geodetic_to_ecef(lat, 10.0, 1.0))
        down = earth.geodetic_altitude_m(earth.geodetic_to_ecef(lat, 10.0, -1.0))
        assert float(up) == pytest.approx(1.0, abs=1e-3)
        assert float(down) == pytest.approx(-1.0, abs=1e-3)


OBSERVERS = [(36.5, 127.5, 300.0), (0.0, 180.0, 0.0), (89.9, -30.0, 10.0), (-45.0, 10.0, 0.0)]


@pytest.mark.parametrize(("lat0", "lon0", "alt0"), OBSERVERS)
def test_aer_matches_pymap3d(lat0, lon0, alt0):
    rng = np.random.default_rng(7)
    target = earth.geodetic_to_ecef(
        lat0 + rng.uniform(-5, 5, 50), lon0 + rng.uniform(-5, 5, 50), rng.uniform(0, 9e5, 50)
    )
    az, el, rng_m = earth.ecef_to_aer(target, lat0, lon0, alt0)
    az_p, el_p, r_p = pymap3d.ecef2aer(target[:, 0], target[:, 1], target[:, 2], lat0, lon0, alt0)
    # compare azimuth on the circle (0 and 360 are one direction)
    assert np.allclose(np.cos(np.radians(az - az_p)), 1.0, atol=1e-12)
    assert np.allclose(el, el_p, atol=1e-9)
    assert np.allclose(rng_m, r_p, atol=1e-3)
    enu = earth.aer_to_enu(az, el, rng_m)
    assert np.allclose(earth.enu_to_ecef(enu, lat0, lon0, alt0), target, atol=1e-3)


def test_aer_edge_cases_overhead_horizon_below():
    lat0, lon0, alt0 = 36.5, 127.5, 300.0
    up = earth.enu_to_ecef([0.0, 0.0, 1000.0], lat0, lon0, alt0)
    _, el, r = earth.ecef_to_aer(up, lat0, lon0, alt0)
    assert float(el) == pytest.approx(90.0)
    assert float(r) == pytest.approx(1000.0, abs=1e-6)
    east = earth.enu_to_ecef([5000.0, 0.0, 0.0], lat0, lon0, alt0)
    az, el, _ = earth.ecef_to_aer(east, lat0, lon0, alt0)
    assert float(az) == pytest.approx(90.0)
    assert float(el) == pytest.approx(0.0, abs=1e-9)
    # a point on the ellipsoid 2,000 km away is below the local horizon
    far = earth.geodetic_to_ecef(36.5, 150.0, 0.0)
    _, el, _ = earth.ecef_to_aer(far, lat0, lon0, alt0)
    assert float(el) < -5.0
    west = earth.aer_to_enu(270.0, -10.0, 100.0)
    assert west[0] < 0
    assert west[2] < 0


GEODESICS = [
    # lat1, lon1, lat2, lon2: across the antimeridian, pole to pole, along the equator
    (0.0, 179.5, 0.0, -179.5),
    (89.0, 0.0, -89.0, 180.0),
    (39.19, 125.96, 41.6, 138.3),
    (10.0, -10.0, 10.0, 10.0),
]


@pytest.mark.parametrize(("lat1", "lon1", "lat2", "lon2"), GEODESICS)
def test_geodesic_direct_inverts_inverse(lat1, lon1, lat2, lon2):
    d, az1, _ = earth.geodesic_inverse(lat1, lon1, lat2, lon2)
    lat, lon, _ = earth.geodesic_direct(lat1, lon1, az1, d)
    end = earth.geodetic_to_ecef(lat, lon, 0.0)
    assert np.allclose(end, earth.geodetic_to_ecef(lat2, lon2, 0.0), atol=1e-3)


def test_geodesic_across_antimeridian_is_short():
    d, az, _ = earth.geodesic_inverse(0.0, 179.5, 0.0, -179.5)
    # one degree of longitude on the equator: a * pi / 180 = 111,319.49 m
    assert float(d) == pytest.approx(111_319.49, abs=0.01)
    assert float(az) == pytest.approx(90.0, abs=1e-9)


def test_earth_rotation_angle_at_j2000_and_one_sidereal_day():
    # IERS 2010 eq. 5.15: at JD(UT1) 2451545.0 the angle is 2π × 0.7790572732640.
    j2000 = 946728000.0
    assert float(earth.earth_rotation_angle_rad(j2000)) == pytest.approx(
        2 * np.pi * 0.7790572732640, abs=1e-12
    )
    sidereal_day_s = 86400.0 / 1.00273781191135448
    assert float(earth.earth_rotation_angle_rad(j2000 + sidereal_day_s)) == pytest.approx(
        2 * np.pi * 0.7790572732640, abs=1e-9
    )


def test_eci_round_trip_and_rotation_speed():
    t = np.array([1736132460.0, 1736132460.0 + 3600.0])  # 2025-01-06T03:01Z and an hour on
    r = earth.geodetic_to_ecef([0.0, 39.19], [0.0, 125.96], [0.0, 100e3])
    v = np.array([[0.0, 0.0, 0.0], [1000.0, -2000.0, 500.0]])
    r_i, v_i = earth.ecef_to_eci(r, v, t)
    # a point at rest on the equator moves eastwards at ω a = 465.1 m/s inertially
    assert np.linalg.norm(v_i[0]) == pytest.approx(earth.OMEGA_EARTH_RAD_S * earth.WGS84_A_M)
    r_e, v_e = earth.eci_to_ecef(r_i, v_i, t)
    assert np.allclose(r_e, r, atol=1e-6)
    assert np.allclose(v_e, v, atol=1e-9)


def test_gravity_j2_is_gradient_of_potential():
    r = earth.geodetic_to_ecef([0.0, 45.0, 89.0, -30.0], [0.0, 20.0, 100.0, -60.0], 4e5)
    h = 1.0
    numeric = np.stack(
        [
            (earth.potential_j2(r + h * e) - earth.potential_j2(r - h * e)) / (2 * h)
            for e in np.eye(3)
        ],
        axis=-1,
    )
    assert np.allclose(-numeric, earth.gravity_j2(r), rtol=0, atol=1e-7)


def test_surface_gravity_magnitude():
    # Normal gravity minus centrifugal: gravitation at the equator ≈ 9.814 m/s², at the pole
    # ≈ 9.832 m/s² (TR8350.2 §4: normal gravity 9.7803 / 9.8322 m/s², plus ω²a = 0.0339 at
    # the equator). J2 alone reproduces these to ~5 mm/s².
    g_eq = np.linalg.norm(earth.gravity_j2(earth.geodetic_to_ecef(0.0, 0.0, 0.0)))
    g_pole = np.linalg.norm(earth.gravity_j2(earth.geodetic_to_ecef(90.0, 0.0, 0.0)))
    assert g_eq == pytest.approx(9.7803 + earth.OMEGA_EARTH_RAD_S**2 * earth.WGS84_A_M, abs=5e-3)
    assert g_pole == pytest.approx(9.8322, abs=5e-3)


def test_scalar_and_batched_shapes():
    assert earth.geodetic_to_ecef(1.0, 2.0, 3.0).shape == (3,)
    assert earth.geodetic_to_ecef(np.zeros((2, 5)), 0.0, 0.0).shape == (2, 5, 3)
    lat, _, _ = earth.ecef_to_geodetic(np.ones((2, 5, 3)) * 7e6)
    assert lat.shape == (2, 5)
    with pytest.raises(ValueError, match="last axis"):
        earth.ecef_to_geodetic(np.ones((4, 2)))
