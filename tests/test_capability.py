"""Capability against the public anchor.

Hwasong-14, 4 July 2017 (Panghyon, 39.87 N 125.27 E): apogee ~2,800 km, range ~933 km, flight
~37 min (US PACOM); it fell ~300 km west of the Oga peninsula, a bearing of about 88° from the
launch site. D. Wright (Union of Concerned Scientists, "North Korean ICBM appears able to reach
Alaska", 4 July 2017): on a standard trajectory about 6,700 km. Nothing in the model was fitted
to this flight (the burn-time law is fitted to Scud-B, Nodong and Minuteman III).
"""

import pytest

from launchwatch.flight.analysis import analyze
from launchwatch.flight.reconstruct import ReportedLaunch
from launchwatch.flight.shape import minimum_energy_range_km

WRIGHT_KM = 6700.0
HWASONG_14 = ReportedLaunch(
    39.87, 125.27, range_km=933.0, apogee_km=2800.0, azimuth_deg=88.0, flight_time_s=37 * 60.0
)


@pytest.fixture(scope="module")
def hs14():
    return analyze(HWASONG_14)


def test_capability_within_10_percent_of_published_estimate(hs14):
    j = hs14.to_json()
    assert j["capability_range_km"] == pytest.approx(WRIGHT_KM, rel=0.10)
    assert j["capability_class"] == "ICBM"
    assert j["shape"] == "lofted"
    assert j["range_class"] == "SRBM"  # by distance flown: why both classes are reported


def test_burn_time_spread_is_shown_and_brackets_the_estimate(hs14):
    low, high = hs14.capability_low_high_km
    assert low <= hs14.capability.range_m / 1e3 <= high
    assert high - low > 200.0  # the assumption matters and the output says by how much
    # the flight-time-solved burn time gives its own figure beside the main one
    assert hs14.capability_from_flight_time is not None
    assert hs14.reconstruction.flight_time_s == pytest.approx(37 * 60.0, rel=0.02)


def test_burnout_speed_alone_underestimates_badly(hs14):
    naive = float(minimum_energy_range_km(hs14.reconstruction.burnout_speed_m_s))
    assert naive < 0.8 * WRIGHT_KM
    assert hs14.capability.range_m / 1e3 > naive + 1500.0


def test_most_favourable_azimuth_is_at_least_as_far(hs14):
    assert hs14.capability_best.range_m >= hs14.capability.range_m - 1.0


def test_depressed_flight_capability_exceeds_range_flown():
    # 6 January 2025: ~1,100 km on a depressed path (apogee ~100 km); a minimum-energy path
    # with the same missile flies further, and still not as far as an ICBM.
    a = analyze(ReportedLaunch(39.19, 125.96, range_km=1100.0, apogee_km=100.0, azimuth_deg=68.0))
    j = a.to_json()
    assert j["shape"] == "depressed"
    assert j["apogee_ratio"] < 0.5
    assert 1100.0 < j["capability_range_km"] < 5500.0
    assert j["capability_class"] != "ICBM"
    for key in (
        "range_km",
        "apogee_km",
        "flight_time_s",
        "burnout_speed_m_s",
        "shape",
        "apogee_ratio",
        "range_class",
        "capability_range_km",
        "capability_class",
        "assumptions",
        "inputs",
    ):
        assert key in j
