"""Reconstruction from reported parameters and its input errors."""

import pytest

from launchwatch import earth
from launchwatch.errors import InfeasibleFlightError, InputError
from launchwatch.flight.boost import BoostAssumptions, default_burn_time_s, kinematic_boost
from launchwatch.flight.reconstruct import ReportedLaunch, reconstruct

# Public numbers: Japan MoD / ROK JCS as recorded in shared/data/nk_launches.csv.
JAN_2025 = ReportedLaunch(39.19, 125.96, range_km=1100.0, apogee_km=100.0, azimuth_deg=68.0)
HWASONG_14 = ReportedLaunch(
    39.87, 125.27, range_km=933.0, apogee_km=2800.0, azimuth_deg=95.0, flight_time_s=37 * 60.0
)
SRBM = ReportedLaunch(38.5, 125.7, range_km=400.0, apogee_km=100.0, azimuth_deg=80.0)


@pytest.mark.parametrize(
    "reported", [JAN_2025, HWASONG_14, SRBM], ids=["2025-01-06", "hs14", "srbm"]
)
def test_reconstruction_matches_range_apogee_and_time(reported):
    rec = reconstruct(reported)
    assert rec.range_m / 1e3 == pytest.approx(reported.range_km, rel=0.01)
    assert rec.apogee_m / 1e3 == pytest.approx(reported.apogee_km, rel=0.01)
    if reported.flight_time_s:
        assert rec.flight_time_s == pytest.approx(reported.flight_time_s, rel=0.02)
        assert rec.burn_time_source.startswith("solved")
    # the trajectory is continuous from the pad to the ground
    traj = rec.trajectory
    assert traj[0, 3] == pytest.approx(0.0)
    assert traj[-1, 3] == pytest.approx(0.0, abs=1e-3)
    # rows are the integrator's steps; the apogee is located between them
    assert rec.apogee_m * 0.98 < traj[:, 3].max() <= rec.apogee_m + 1.0
    assert (traj[1:, 0] > traj[:-1, 0]).all()
    # the impact point lies along the reported azimuth at the reconstructed range
    dist, az, _ = earth.geodesic_inverse(
        reported.launch_lat_deg, reported.launch_lon_deg, rec.impact_lat_deg, rec.impact_lon_deg
    )
    assert float(dist) == pytest.approx(rec.range_m, rel=1e-9)
    # Coriolis bends the path a little off the launch azimuth, by well under a degree here
    assert abs((float(az) - reported.azimuth_deg + 180) % 360 - 180) < 1.0


def test_impact_point_input_sets_the_azimuth():
    lat, lon, _ = earth.geodesic_direct(39.19, 125.96, 68.0, 1100e3)
    by_impact = ReportedLaunch(
        39.19,
        125.96,
        range_km=1100.0,
        apogee_km=100.0,
        impact_lat_deg=float(lat),
        impact_lon_deg=float(lon),
    )
    assert by_impact.azimuth() == pytest.approx(68.0, abs=1e-6)


def test_given_burn_time_is_used_and_changes_burnout():
    short = reconstruct(JAN_2025, BoostAssumptions(burn_time_s=60.0))
    long = reconstruct(JAN_2025, BoostAssumptions(burn_time_s=160.0))
    assert short.burn_time_s == 60.0
    assert long.burn_time_s == 160.0
    assert long.burnout_altitude_m > short.burnout_altitude_m
    assert long.gravity_loss_m_s > short.gravity_loss_m_s


def test_ideal_delta_v_is_burnout_speed_plus_losses():
    b = kinematic_boost(120.0, 3500.0, 0.3)
    assert b.ideal_delta_v[0] == pytest.approx(3500.0 + b.gravity_loss[0] + b.drag_loss[0])
    # a vertical climb for the whole burn loses at most g·t (reduced by g falling with height)
    vertical = kinematic_boost(120.0, 3500.0, 1.5707963)
    assert 0.9 * 9.80665 * 120 < vertical.gravity_loss[0] < 9.80665 * 120


def test_default_burn_time_law_reproduces_its_calibration_missiles():
    # Scud-B ~62 s at ~1.7 km/s; Nodong ~110 s at ~3.5 km/s; Minuteman III ~187 s at ~7 km/s
    assert default_burn_time_s(1700.0) == pytest.approx(62.0, rel=0.05)
    assert default_burn_time_s(3500.0) == pytest.approx(110.0, rel=0.05)
    assert default_burn_time_s(7000.0) == pytest.approx(187.0, rel=0.05)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"apogee_km": 0.0}, "apogee_km"),
        ({"apogee_km": -10.0}, "apogee_km"),
        ({"apogee_km": float("nan")}, "apogee_km"),
        ({"range_km": 25_000.0}, "range_km"),
        ({"range_km": -1.0}, "range_km"),
        ({"launch_lat_deg": 95.0}, "launch_lat_deg"),
        ({"azimuth_deg": None}, "azimuth_deg"),
        ({"impact_lat_deg": 41.0, "impact_lon_deg": 138.0}, "azimuth_deg"),
        ({"flight_time_s": -5.0}, "flight_time_s"),
    ],
)
def test_bad_input_names_the_field(changes, field):
    fields = {**JAN_2025.__dict__, **changes}
    with pytest.raises(InputError, match=rf"^{field}"):
        reconstruct(ReportedLaunch(**fields))


def test_flight_time_no_ballistic_flight_can_have():
    # 1,100 km with a 100 km apogee takes minutes; 60 s is impossible, and the error says what
    # range of flight times is possible
    with pytest.raises(InfeasibleFlightError, match=r"^flight_time_s: 60 s .* lasts \d"):
        reconstruct(
            ReportedLaunch(39.19, 125.96, 1100.0, 100.0, azimuth_deg=68.0, flight_time_s=60.0)
        )


def test_apogee_too_low_for_the_range():
    with pytest.raises(InfeasibleFlightError, match=r"^apogee_km"):
        reconstruct(ReportedLaunch(39.19, 125.96, 3000.0, 5.0, azimuth_deg=68.0))


def test_burn_time_outside_bounds_is_rejected():
    with pytest.raises(InputError, match=r"^burn_time_s"):
        reconstruct(JAN_2025, BoostAssumptions(burn_time_s=5000.0))
