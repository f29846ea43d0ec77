"""Sensor models: geometry limits, noise statistics, detection probability, clutter,
resolution, infrared boost-only detection, moving platforms."""

from pathlib import Path

import msgspec
import numpy as np
import pytest
from scipy import stats

from launchwatch import earth
from launchwatch.scenario import SensorSpec, load_scenario
from launchwatch.sensors import (
    detection_probability,
    line_of_sight_clear,
    observe,
    sensor_position,
    ship_state,
)
from launchwatch.simulate import simulate
from launchwatch.truth import Truth, TruthObject

MINI = Path(__file__).parent / "data" / "mini.toml"


@pytest.fixture(scope="module")
def mini():
    return simulate(load_scenario(MINI))


def _single(d):
    """Rows that came from exactly one object."""
    return (d.objects[:, 0] >= 0) & (d.objects[:, 1] < 0)


def _truth_aer(sim, d, rows):
    r, _, _ = sim.truth.states(d.time[rows])
    pos = r[d.objects[rows, 0], np.arange(rows.sum())]
    s, _ = sensor_position(d.sensor, d.time[rows], sim.truth.epoch_s)
    lat, lon, _ = earth.ecef_to_geodetic(s)
    enu = np.einsum("kij,kj->ki", earth.enu_rotation(lat, lon), pos - s)
    return earth.enu_to_aer(enu)


def test_nothing_below_min_elevation_or_beyond_max_range(mini):
    for d in mini.detections:
        if d.sensor.type != "radar":
            continue
        rows = _single(d)
        assert rows.sum() > 50
        _, el, rng = _truth_aer(mini, d, rows)
        assert el.min() >= d.sensor.min_elevation_deg
        assert rng.max() <= d.sensor.max_range_km * 1e3
    # not vacuous: during the flight the objects were at times out of R1's coverage
    d = mini.detections[0]
    times = np.arange(d.time.min(), d.time.max(), 1.0)
    r, _, alive = mini.truth.states(times)
    _, el, rng = earth.ecef_to_aer(r[alive], d.sensor.lat_deg, d.sensor.lon_deg, d.sensor.alt_m)
    assert (el < d.sensor.min_elevation_deg).any() or (rng > d.sensor.max_range_km * 1e3).any()


def test_radar_noise_matches_sigmas_chi_square(mini):
    d = mini.detections[0]
    rows = _single(d)
    az, el, rng = _truth_aer(mini, d, rows)
    s = d.sensor
    z = np.concatenate(
        [
            (d.range_m[rows] - rng) / s.sigma_range_m,
            ((d.azimuth_deg[rows] - az + 180.0) % 360.0 - 180.0) / s.sigma_azimuth_deg,
            (d.elevation_deg[rows] - el) / s.sigma_elevation_deg,
        ]
    )
    chi2 = float(np.sum(z**2))
    p = stats.chi2.sf(chi2, df=z.size)
    assert 0.001 < p < 0.999, (chi2, z.size)
    for part in np.split(z, 3):  # each component is unbiased and unit-variance
        assert abs(part.mean()) < 4.0 / np.sqrt(part.size)
        assert part.std() == pytest.approx(1.0, abs=0.1)


def test_range_rate_noise(mini):
    d = mini.detections[0]
    rows = _single(d)
    r, v, _ = mini.truth.states(d.time[rows])
    k = np.arange(rows.sum())
    pos, vel = r[d.objects[rows, 0], k], v[d.objects[rows, 0], k]
    s, sv = sensor_position(d.sensor, d.time[rows], mini.truth.epoch_s)
    rel = pos - s
    rr = np.einsum("ij,ij->i", rel, vel - sv) / np.linalg.norm(rel, axis=1)
    z = (d.range_rate_m_s[rows] - rr) / d.sensor.sigma_range_rate_m_s
    assert 0.001 < stats.chi2.sf(np.sum(z**2), df=z.size) < 0.999


def test_bias_shifts_the_mean(mini):
    spec = mini.scenario.sensors[0]
    biased = msgspec.structs.replace(spec, bias_range_m=200.0, false_alarms_per_scan=0.0)
    d = observe(biased, mini.truth, np.random.default_rng(5))
    rows = _single(d)
    _, _, rng = _truth_aer(mini, d, rows)
    res = d.range_m[rows] - rng
    assert res.mean() == pytest.approx(200.0, abs=4 * spec.sigma_range_m / np.sqrt(rows.sum()))


def test_infrared_sees_the_boost_only_with_the_stated_noise(mini):
    d = next(x for x in mini.detections if x.sensor.type == "space-ir")
    assert len(d) > 30
    objs = mini.truth.objects
    for t, i in zip(d.time, d.objects[:, 0], strict=True):
        assert objs[i].kind == "missile"
        assert objs[i].t_start <= t < objs[i].t_burnout
    r, _, _ = mini.truth.states(d.time)
    k = np.arange(len(d))
    s, _ = sensor_position(d.sensor, d.time, mini.truth.epoch_s)
    true_u = r[d.objects[:, 0], k] - s
    true_u /= np.linalg.norm(true_u, axis=1, keepdims=True)
    angle = np.arccos(np.clip(np.einsum("ij,ij->i", true_u, d.los), -1, 1))
    # two independent axes of sigma each: (angle/sigma)² ~ chi-square with 2 dof
    z2 = (angle / (d.sensor.sigma_los_urad * 1e-6)) ** 2
    assert 0.001 < stats.chi2.sf(z2.sum(), df=2 * z2.size) < 0.999
    assert np.allclose(np.linalg.norm(d.los, axis=1), 1.0)


def test_false_alarms_are_poisson_per_scan(mini):
    d = mini.detections[0]
    scans = np.arange(d.time.min(), d.time.max() + 0.5, d.sensor.revisit_s).size
    expected = d.sensor.false_alarms_per_scan * scans
    assert abs(d.false_alarms - expected) < 4 * np.sqrt(expected)
    fa = d.objects[:, 0] < 0
    assert d.range_m[fa].max() <= d.sensor.max_range_km * 1e3
    assert d.elevation_deg[fa].min() >= d.sensor.min_elevation_deg


# Line-of-sight edge cases: through the Earth, grazing above it, straight up, along the surface.
LOS_CASES = [
    ((0.0, 0.0, 100.0), (0.0, 180.0, 100.0), False),  # antipodes
    ((0.0, 0.0, 100.0), (0.0, 0.05, 100.0), True),  # 5.6 km apart, 100 m up: sag 0.6 m
    ((0.0, 0.0, 100.0), (0.0, 1.0, 100.0), False),  # 111 km apart, 100 m up: sag 242 m
    ((0.0, 0.0, 0.0), (0.0, 20.0, 1000.0), False),  # far below the horizon
    ((0.0, 0.0, 0.0), (0.0, 0.0, 35_786_000.0), True),  # straight up to GEO
    ((89.9, 0.0, 0.0), (-89.9, 0.0, 0.0), False),  # pole to pole
    ((40.0, 126.0, 1_000_000.0), (0.0, 140.0, 35_786_000.0), True),  # missile seen from GEO
    ((40.0, -54.0, 1_000.0), (0.0, 140.0, 35_786_000.0), False),  # beyond GEO's limb
]


@pytest.mark.parametrize(("a", "b", "clear"), LOS_CASES)
def test_line_of_sight_against_the_ellipsoid(a, b, clear):
    pa, pb = earth.geodetic_to_ecef(*a), earth.geodetic_to_ecef(*b)
    assert bool(line_of_sight_clear(pa[None], pb[None])[0]) is clear
    assert bool(line_of_sight_clear(pb[None], pa[None])[0]) is clear


def test_detection_probability_follows_the_radar_equation():
    spec = SensorSpec(
        id="X",
        owner="ROK",
        type="radar",
        lat_deg=0,
        lon_deg=0,
        max_range_km=1000.0,
        pd_ref=0.9,
        pd_ref_range_km=800.0,
        ref_rcs_m2=1.0,
    )
    pd = detection_probability(spec, np.array([400e3, 800e3, 1000e3]), np.ones(3))
    assert pd[1] == pytest.approx(0.9)
    assert pd[0] > pd[1] > pd[2]
    # the same SNR: double the range and 16 times the RCS
    assert detection_probability(spec, np.array([1600e3]), np.array([16.0]))[0] == pytest.approx(
        0.9
    )


def _linear_object(oid, start_ecef, velocity, t0=0.0, t1=100.0, rcs=1.0):
    t = np.arange(t0, t1 + 1.0, 1.0)
    r = start_ecef + np.outer(t - t0, velocity)
    v = np.tile(velocity, (t.size, 1))
    return TruthObject(oid, "missile", None, rcs, t0, t0, t1, np.inf, t, r, v, t_apogee=t1)


def test_unresolved_objects_give_one_detection():
    radar = SensorSpec(
        id="X",
        owner="ROK",
        type="radar",
        lat_deg=37.0,
        lon_deg=127.0,
        max_range_km=800.0,
        pd_ref=0.999999,
        pd_ref_range_km=800.0,
        resolution_range_m=150.0,
        resolution_angle_deg=0.3,
    )
    base = earth.geodetic_to_ecef(38.0, 128.0, 100e3)
    vel = np.array([100.0, 50.0, 0.0])
    near = Truth(
        [
            _linear_object("A", base, vel),
            _linear_object("B", base + np.array([20.0, 0.0, 0.0]), vel),
        ],
        0.0,
        100.0,
    )
    far = Truth(
        [
            _linear_object("A", base, vel),
            _linear_object("B", base + np.array([5000.0, 0.0, 0.0]), vel),
        ],
        0.0,
        100.0,
    )
    merged = observe(radar, near, np.random.default_rng(1))
    apart = observe(radar, far, np.random.default_rng(1))
    scans = np.unique(merged.time).size
    assert len(merged) == scans  # one detection per scan for the pair
    assert (merged.objects[:, 1] >= 0).all()  # attributed to both objects
    assert len(apart) == 2 * np.unique(apart.time).size


def test_ship_moves_along_its_course():
    ship = SensorSpec(
        id="S",
        owner="JPN",
        type="radar",
        lat_deg=39.0,
        lon_deg=134.0,
        course_deg=90.0,
        speed_kn=10.0,
    )
    r, v = sensor_position(ship, np.array([0.0, 3600.0]), 0.0)
    assert np.linalg.norm(r[1] - r[0]) == pytest.approx(18_520.0, rel=1e-3)
    assert np.linalg.norm(v[0]) == pytest.approx(10 * 1852 / 3600, rel=1e-9)
    lat, lon, _ = earth.ecef_to_geodetic(r[1])
    assert lon > 134.0
    assert float(lat) == pytest.approx(39.0, abs=0.01)
    # the radar's frame (as the tracker takes it): east, north and up where the ship is, and
    # its velocity along the course in that frame's horizontal plane
    r2, v2, R = ship_state(ship, np.array([0.0, 3600.0]), 0.0)
    np.testing.assert_array_equal(r2, r)
    np.testing.assert_array_equal(v2, v)
    lat, lon, _ = earth.ecef_to_geodetic(r)
    np.testing.assert_allclose(R, earth.enu_rotation(lat, lon), atol=1e-12)
    enu = np.einsum("kij,kj->ki", R, v)
    assert np.abs(enu[:, 2]).max() < 1e-9
    assert np.degrees(np.arctan2(enu[0, 0], enu[0, 1])) == pytest.approx(90.0, abs=1e-6)


def test_highly_elliptical_orbit_perigee_and_apogee():
    heo = SensorSpec(
        id="H",
        owner="USA",
        type="space-ir",
        lat_deg=0,
        lon_deg=0,
        orbit="heo",
        semi_major_axis_km=26_560.0,
        eccentricity=0.74,
        mean_anomaly_deg=0.0,
    )
    period = 2 * np.pi * np.sqrt((26_560e3) ** 3 / earth.GM_M3_S2)
    r, _ = sensor_position(heo, np.array([0.0, period / 2]), 0.0)
    radius = np.linalg.norm(r, axis=1)
    assert radius[0] == pytest.approx(26_560e3 * 0.26, rel=1e-9)
    assert radius[1] == pytest.approx(26_560e3 * 1.74, rel=1e-9)
