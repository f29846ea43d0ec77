"""The tracker on simulated scenarios, scored against the truth."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch import earth
from launchwatch.scenario import load_scenario
from launchwatch.simulate import simulate
from launchwatch.tracking.intake import Intake, read_measurements
from launchwatch.tracking.tracker import Tracker, TrackerConfig

MINI = Path(__file__).parent / "data" / "mini.toml"


def _run(path, out, config=None):
    config = config or TrackerConfig()
    sim = simulate(load_scenario(path), out)
    intake = Intake.for_sensors(sim.scenario.sensors)
    lines = (Path(out) / "measurements.jsonl").read_text().splitlines()
    tracker = Tracker(sim.scenario.sensors, sim.scenario.epoch_s, config)
    updates = list(tracker.run(read_measurements(lines, intake)))
    return sim, tracker, updates


def _match(sim, updates):
    """For each confirmed track: the truth object it follows (nearest on median) and errors."""
    out = {}
    for tid in sorted({u.track for u in updates}):
        us = [u for u in updates if u.track == tid]
        t = np.array([u.time for u in us])
        x = np.array([u.x[:3] for u in us])
        r, _, alive = sim.truth.states(t)
        err = np.where(alive, np.linalg.norm(r - x[None], axis=2), np.inf)
        best = int(np.argmin(np.median(err, axis=1)))
        out[tid] = (sim.truth.objects[best], err[best], us)
    return out


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return _run(MINI, tmp_path_factory.mktemp("mini"))


def test_every_confirmed_track_follows_a_real_object(mini):
    sim, _, updates = mini
    matched = _match(sim, updates)
    assert matched
    for tid, (_, err, _) in matched.items():
        # false alarms do not make confirmed tracks: each one stays near a real object
        assert np.median(err) < 500.0, tid
    # and the missile is tracked
    assert any(obj.id == "M1" for obj, _, _ in matched.values())


def test_missile_impact_prediction_and_ellipse(mini):
    sim, _, updates = mini
    missile_tracks = [(err, us) for obj, err, us in _match(sim, updates).values() if obj.id == "M1"]
    err, us = max(missile_tracks, key=lambda m: len(m[1]))
    assert np.median(err) < 100.0  # metres, radars of 25-40 m and 0.05° at 100-450 km
    last = next(u for u in reversed(us) if u.impact is not None)
    truth = next(o for o in sim.truth.objects if o.id == "M1")
    lat, lon, _ = earth.ecef_to_geodetic(truth.nodes_r[-1])
    miss, _, _ = earth.geodesic_inverse(lat, lon, last.impact.lat_deg, last.impact.lon_deg)
    assert float(miss) < 1000.0
    assert last.impact.semi_major_km < 5.0
    assert abs(last.impact.time - truth.t_end) < 10.0


def test_infrared_launch_alert_finds_the_pad(mini):
    _, tracker, _ = mini
    (alert,) = tracker.alerts
    dist, _, _ = earth.geodesic_inverse(39.0, 126.0, alert.lat_deg, alert.lon_deg)
    assert float(dist) < 3e3 + 3 * alert.sigma_km * 1e3
    assert alert.first_time == pytest.approx(load_scenario(MINI).launch_times_s[0], abs=1.5)


def test_ukf_tracks_too(tmp_path):
    sim, _, updates = _run(MINI, tmp_path, TrackerConfig(filter="ukf"))
    matched = _match(sim, updates)
    missile = [err for obj, err, _ in matched.values() if obj.id == "M1"]
    assert missile
    assert min(np.median(e) for e in missile) < 100.0


SALVO = """
[scenario]
name = "salvo"
epoch = "2025-01-01T00:00:00Z"
seed = 4

[[launch]]
time = "2025-01-01T00:01:00Z"
lat_deg = 38.5
lon_deg = 125.8
azimuth_deg = 75.0
range_km = 400.0
apogee_km = 100.0
count = 4
interval_s = 20.0

[[sensor]]
id = "R"
owner = "ROK"
type = "radar"
lat_deg = 37.5
lon_deg = 127.5
alt_m = 500.0
max_range_km = 600.0
min_elevation_deg = 1.0
false_alarms_per_scan = 0.5
"""


def test_salvo_gives_one_track_per_missile(tmp_path):
    p = tmp_path / "salvo.toml"
    p.write_text(SALVO)
    sim, _, updates = _run(p, tmp_path / "out")
    matched = _match(sim, updates)
    followed = {obj.id for obj, err, _ in matched.values() if np.median(err) < 500.0}
    assert followed == {"M1", "M2", "M3", "M4"}


def test_cli_track_writes_json_lines(tmp_path):
    assert run_cli("simulate", MINI, "--out", tmp_path).returncode == 0
    # add a record the intake must reject, and one out of order inside the lag
    lines = (tmp_path / "measurements.jsonl").read_text().splitlines()
    bad = json.loads(lines[5])
    bad["range_m"] = -1.0
    lines.insert(10, json.dumps(bad))
    (tmp_path / "measurements.jsonl").write_text("\n".join(lines) + "\n")
    proc = run_cli(
        "track", tmp_path / "measurements.jsonl", "--sensors", tmp_path / "sensors.toml", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(x) for x in proc.stdout.splitlines()]
    tracks = [r for r in records if r["record"] == "track"]
    assert tracks
    with_impact = [r for r in tracks if r["impact"]]
    assert with_impact
    r = with_impact[-1]
    assert set(r["impact"]) >= {
        "lat_deg",
        "lon_deg",
        "time",
        "semi_major_km",
        "semi_minor_km",
        "orientation_deg",
    }
    assert r["launch"]["basis"] == "ballistic back-propagation"
    assert len(r["covariance_ecef"]) == 6
    assert r["phase"] in {"boost", "ballistic", "glide", "re-entry"}
    assert any(rec["record"] == "launch-alert" for rec in records)
    assert "rejected 1: range_m: not positive" in proc.stderr


def test_cli_track_with_nothing_usable_exits_2(tmp_path):
    assert run_cli("simulate", MINI, "--out", tmp_path).returncode == 0
    (tmp_path / "junk.jsonl").write_text('garbage\n{"time": 5}\n')
    proc = run_cli("track", tmp_path / "junk.jsonl", "--sensors", tmp_path / "sensors.toml")
    assert proc.returncode == 2
    assert "rejected 1: (line): not JSON" in proc.stderr
    assert proc.stderr.rstrip().endswith("no usable measurement (2 rejected, reasons above)")
    assert "Traceback" not in proc.stderr


def test_cli_track_bad_sensors_file_exits_2(tmp_path):
    (tmp_path / "m.jsonl").write_text("")
    proc = run_cli(
        "track", tmp_path / "m.jsonl", "--sensors", tmp_path / "missing.toml", timeout=120
    )
    assert_bad_input(proc)


def test_triangulate_exact_and_skew_rays():
    from launchwatch.tracking.tracker import triangulate

    target = earth.geodetic_to_ecef(39.0, 126.0, 2000.0)
    sats = earth.geodetic_to_ecef([0.0, 0.0, 10.0], [100.0, 160.0, 130.0], 35_786e3)
    rays = target - sats
    point, miss = triangulate(sats, rays)
    assert np.linalg.norm(point - target) < 1e-3
    assert miss < 1e-3
    # two rays that miss each other by 2 km: the point is midway, the miss is reported
    skew = rays.copy()
    skew[1] = (target + np.array([0.0, 0.0, 2000.0])) - sats[1]
    point, miss = triangulate(sats[:2], skew[:2])
    assert 500.0 < miss < 2000.0


def test_two_satellites_triangulate_the_launch_point(tmp_path):
    second = (
        '\n[[sensor]]\nid = "IR2"\nowner = "USA"\ntype = "space-ir"\nlat_deg = 0.0\n'
        "lon_deg = 100.0\nalt_m = 35786000.0\nsigma_los_urad = 25.0\nrevisit_s = 1.0\n"
    )
    p = tmp_path / "two.toml"
    p.write_text(MINI.read_text() + second)
    _, tracker, _ = _run(p, tmp_path / "out")
    fused = [a for a in tracker.alerts if a.triangulated_with]
    assert fused
    a = fused[0]
    dist, _, _ = earth.geodesic_inverse(39.0, 126.0, a.lat_deg, a.lon_deg)
    # the first lines of sight see the missile a second or so after lift-off, low down
    assert float(dist) < 2000.0
    assert a.alt_m < 5000.0
    assert a.miss_km < 2.0


def test_a_picture_predicted_to_a_time_leaves_the_tracks_as_they_were(tmp_path):
    """Tracker.estimates(t) predicts copies of the confirmed tracks (for scoring or display)."""
    sim = simulate(load_scenario(MINI), tmp_path)
    lines = (tmp_path / "measurements.jsonl").read_text().splitlines()
    ms = list(read_measurements(lines, Intake.for_sensors(sim.scenario.sensors)))
    tracker = Tracker(sim.scenario.sensors, sim.scenario.epoch_s)
    # the first 150 s after the first measurement: the missile is in flight and tracked
    updates = list(tracker.run(m for m in ms if m.time < ms[0].time + 150.0))
    assert updates
    t = max(u.time for u in updates) + 2.0
    before = (tracker._x.copy(), tracker._P.copy(), tracker._mu.copy(), tracker._t.copy())
    tracks, x, P = tracker.estimates(t)
    assert tracks
    assert [tr.id for tr in tracks] == [tr.id for tr in tracker.tracks if tr.confirmed]
    for kept, now in zip(before, (tracker._x, tracker._P, tracker._mu, tracker._t), strict=True):
        np.testing.assert_array_equal(kept, now)
    # each predicted position is within a few hundred metres of the object it follows at t
    r, _, alive = sim.truth.states(np.array([t]))
    for i in range(len(tracks)):
        err = np.linalg.norm(r[alive[:, 0], 0] - x[i, :3], axis=1).min()
        assert err < 2000.0, err
    assert (np.linalg.eigvalsh(P[:, :6, :6]) > 0).all()


def test_assignment_shortcut_agrees_with_linear_sum_assignment() -> None:
    """Global nearest neighbour: the shortcut for scans without contested detections gives
    linear_sum_assignment's pairs; contested ones go to the cheaper total (seeded cases)."""
    from scipy.optimize import linear_sum_assignment

    from launchwatch.tracking.tracker import _assign

    rng = np.random.default_rng(4)
    contested = 0
    for _ in range(300):
        n, k = rng.integers(1, 6, 2)
        d2 = rng.uniform(0, 40, (n, k))
        logdet = rng.normal(0, 5, n)
        inside = d2 < rng.choice([3.0, 12.0, 25.0])
        rows, cols = _assign(inside, d2, logdet)
        cost = np.where(inside, d2 + logdet[:, None], 1e12)
        r, c = linear_sum_assignment(cost)
        keep = cost[r, c] < 1e12
        np.testing.assert_array_equal(rows, r[keep])
        np.testing.assert_array_equal(cols, c[keep])
        contested += int((inside.sum(axis=0) > 1).any() or (inside.sum(axis=1) > 1).any())
    assert 30 < contested < 270  # both paths were taken


def _line_of_sight(spec, tracker):
    """Radar R1's position at time 0, its ENU rotation, and its unit line of sight (ECEF) at
    azimuth 90°, elevation 20° (inside its sector)."""
    from launchwatch.sensors import sensor_position

    s, _ = sensor_position(spec, np.array([0.0]), tracker.epoch_s)
    R = earth.enu_rotation(spec.lat_deg, spec.lon_deg)
    az, el = np.radians(90.0), np.radians(20.0)
    los = R.T @ np.array([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
    return s[0], R, los


def _two_confirmed_tracks(tracker, spec, gap_m, vertical_m_s=2000.0):
    """Two confirmed tracks 60 km up above the radar's sector, climbing at 2 km/s (or moving
    vertically at vertical_m_s), gap_m apart along the radar's line of sight; returns the
    radar's position and the tracks' states."""
    from launchwatch.tracking.tracker import D, K, Track

    s, R, los = _line_of_sight(spec, tracker)
    rng = 200e3
    up = s / np.linalg.norm(s)
    x = np.zeros((2, K, D))
    for i, r in enumerate((rng, rng + gap_m)):
        x[i, :, :3] = s + r * los
        x[i, :, 3:6] = vertical_m_s * up
        x[i, :, 6] = -1.5  # a drag measured on the way up
    P = np.tile(np.diag([30.0**2] * 3 + [5.0**2] * 3 + [0.1**2, 1e-6]), (2, K, 1, 1))
    tracker.tracks = [Track("T1", 0.0, confirmed=True), Track("T2", 0.0, confirmed=True)]
    tracker._x, tracker._P = x, P
    tracker._mu = np.tile([0.0, 1.0, 0.0], (2, 1))
    tracker._t = np.zeros(2)
    tracker._misses = np.zeros(2, dtype=np.int64)
    tracker._last = np.zeros(2)
    tracker._updates = np.full(2, 10, dtype=np.int64)
    tracker._chances = np.full(2, 0b11111, dtype=np.int64)
    tracker._confirmed = np.ones(2, dtype=np.bool_)
    tracker._nis = np.ones(2)
    tracker._burnout = np.full(2, np.nan)
    tracker._boosted = np.zeros(2, dtype=np.bool_)
    tracker._half = np.zeros((2, 3))
    tracker._alone = np.zeros(2, dtype=np.int64)
    return s, R, x


def _detection(target, velocity, s, R, t):
    """Radar R1's noiseless detection of a point (ECEF) at t, from the radar at s."""
    from launchwatch.tracking.intake import Measurement

    e, n, u = R @ (target - s)
    rng = float(np.linalg.norm(target - s))
    return Measurement(
        time=t,
        sensor="R1",
        kind="radar",
        range_m=rng,
        azimuth_rad=float(np.arctan2(e, n)),
        elevation_rad=float(np.arcsin(u / rng)),
        range_rate_m_s=float((target - s) @ velocity / rng),
    )


@pytest.mark.parametrize("gap_m", [60.0, 2000.0])
def test_a_detection_of_two_unresolved_tracks_updates_neither(gap_m):
    """A radar's one detection where it cannot tell two confirmed tracks apart (within its
    150 m in range and 0.3° in angle) is the mean of their objects: neither track takes it,
    neither counts a miss, no track starts from it, and the climbing tracks go back to the
    prior on ln κ. Two tracks 2 km apart in range are resolved: the nearer takes it (and,
    climbing, learns no drag from it: test_a_climbing_track_learns_no_drag, the same setup);
    the other keeps the drag it had."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    assert spec.resolution_range_m == 150.0
    tracker = Tracker([spec], scen.epoch_s)
    s, R, x = _two_confirmed_tracks(tracker, spec, gap_m)
    dt = 0.01  # the detection a moment later, at the middle of the two (or at T1)
    target = (x[0, 0, :3] + x[1, 0, :3]) / 2 if gap_m < 150.0 else x[0, 0, :3]
    target = target + dt * x[0, 0, 3:6]
    updates = tracker.process([_detection(target, x[0, 0, 3:6], s, R, dt)])
    assert len(tracker.tracks) == 2  # no new track from the detection
    if gap_m < 150.0:
        assert updates == []
        np.testing.assert_array_equal(tracker._misses, [0, 0])
        np.testing.assert_array_equal(tracker._updates, [10, 10])
        np.testing.assert_array_equal(tracker._x[:, :, 6], 0.0)
        np.testing.assert_allclose(tracker._P[:, :, 6, 6], 1.0)
        np.testing.assert_array_equal(tracker._P[:, :, 6, :6], 0.0)
    else:
        assert [u.track for u in updates] == ["T1"]
        np.testing.assert_array_equal(tracker._misses, [0, 1])  # T2's gate held nothing
        np.testing.assert_array_equal(tracker._updates, [11, 10])
        np.testing.assert_allclose(tracker._x[1, :, 6], -1.5, atol=0.05)


@pytest.mark.parametrize("vertical_m_s", [2000.0, -2000.0])
def test_a_climbing_track_learns_no_drag(vertical_m_s):
    """A track that takes a detection while climbing goes back to the prior on ln κ (a spent
    stage beside the missile may have slowed the detections); coming down it keeps and
    refines the drag it measured (here ln κ = -1.5 ± 0.1)."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s)
    s, R, x = _two_confirmed_tracks(tracker, spec, 2000.0, vertical_m_s)
    assert (
        np.sign(np.einsum("kj,kj->k", x[0, :, :3], x[0, :, 3:6])).tolist()
        == [np.sign(vertical_m_s)] * x.shape[1]
    )  # climbing or coming down, as asked
    dt = 0.01
    target = x[0, 0, :3] + dt * x[0, 0, 3:6]
    assert [u.track for u in tracker.process([_detection(target, x[0, 0, 3:6], s, R, dt)])] == [
        "T1"
    ]
    if vertical_m_s > 0.0:
        np.testing.assert_array_equal(tracker._x[0, :, 6], 0.0)
        np.testing.assert_allclose(tracker._P[0, :, 6, 6], 1.0)
        np.testing.assert_array_equal(tracker._P[0, :, 6, :6], 0.0)
    else:
        np.testing.assert_allclose(tracker._x[0, :, 6], -1.5, atol=0.05)
        assert tracker._P[0, :, 6, 6].max() <= 0.1**2 + 1e-6


@pytest.mark.parametrize("hold_s", [10.0, 0.5])
def test_tracks_in_one_resolution_cell_widen_and_are_marked_unresolved(hold_s):
    """Two confirmed tracks 100 m apart in range (inside the radar's 150 m) with position σ
    30 m each lie 3.3σ apart. After the radar's one detection of the pair, each track's
    covariance has widened by ¼ d dᵀ (d their difference) so that the other lies within 2σ, and
    the next update of either is marked unresolved for unresolved_hold_s (10 s by default).
    Without widen_unresolved (the default) the covariance stays as predicted."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    config = TrackerConfig(widen_unresolved=True, unresolved_hold_s=hold_s)
    tracker = Tracker([spec], scen.epoch_s, config)
    s, R, x = _two_confirmed_tracks(tracker, spec, 100.0)
    P0 = tracker._P[:, :, :6, :6].copy()
    d = x[0, 0, :6] - x[1, 0, :6]
    assert d @ np.linalg.solve(P0[0, 0], d) > 4.0  # apart, by their own covariances
    dt = 0.01
    middle = (x[0, 0, :3] + x[1, 0, :3]) / 2 + dt * x[0, 0, 3:6]
    assert tracker.process([_detection(middle, x[0, 0, 3:6], s, R, dt)]) == []
    for row in (0, 1):
        assert tracker.tracks[row].shared_cell_time == dt
        for m in range(P0.shape[1]):
            Pw = tracker._P[row, m, :6, :6]
            # in position, the widening and nothing else (0.01 s of prediction adds < 0.1 m²)
            np.testing.assert_allclose(
                Pw[:3, :3] - P0[row, m, :3, :3], 0.25 * np.outer(d[:3], d[:3]), atol=0.5
            )
            assert d @ np.linalg.solve(Pw, d) < 4.0
    # the objects come apart (T2 moved 5 km nearer the radar); one second on, a detection
    # of T1 alone: T1 takes it, marked unresolved only within the hold
    tracker._x[1, :, :3] -= 5e3 * (x[1, 0, :3] - s) / np.linalg.norm(x[1, 0, :3] - s)
    t1 = 1.0
    xc = tracker.estimates(t1)[1][0]
    (update,) = tracker.process([_detection(xc[:3], xc[3:6], s, R, t1)])
    assert update.track == "T1"
    assert update.unresolved is (t1 - dt <= hold_s)
    plain = Tracker([spec], scen.epoch_s, TrackerConfig(unresolved_hold_s=hold_s))
    _two_confirmed_tracks(plain, spec, 100.0)
    assert plain.process([_detection(middle, x[0, 0, 3:6], s, R, dt)]) == []
    assert plain.tracks[0].shared_cell_time == dt
    np.testing.assert_allclose(plain._P[:, :, :3, :3], P0[:, :, :3, :3], atol=0.1)


def test_a_track_whose_innovations_stay_too_large_has_its_covariance_scaled():
    """With innovation_scaling at 1.5, a track fed detections 3σ (of the range innovation)
    beyond its predicted position scan after scan (it follows something its model does not
    describe) has its covariance scaled up, and ends wider than the same track fed detections
    on its prediction, which is never scaled."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    scalings, spread = [], []
    for offset_sigma in (0.0, 3.0):
        tracker = Tracker([spec], scen.epoch_s, TrackerConfig(innovation_scaling=1.5))
        s, R, _ = _two_confirmed_tracks(tracker, spec, 2000.0)
        for k in range(1, 11):
            t = 0.5 * k
            _, xc, Pc = tracker.estimates(t)
            p, v = xc[0, :3], xc[0, 3:6]
            los = (p - s) / np.linalg.norm(p - s)
            sigma_range = np.sqrt(los @ Pc[0, :3, :3] @ los + spec.sigma_range_m**2)
            tracker.process([_detection(p + offset_sigma * sigma_range * los, v, s, R, t)])
        assert len(tracker.tracks) == 2
        np.testing.assert_array_equal(tracker._updates, [20, 10])  # T1 took every detection
        scalings.append(tracker.stats.covariance_scalings)
        _, _, Pc = tracker.estimates(5.0)
        spread.append(float(np.trace(Pc[0, :3, :3])))
    assert scalings[0] == 0
    assert scalings[1] >= 1
    assert spread[1] > 1.5 * spread[0]
    with pytest.raises(ValueError, match="innovation_memory"):
        Tracker([spec], scen.epoch_s, TrackerConfig(innovation_scaling=1.5, innovation_memory=1.0))


def test_a_track_past_burnout_keeps_the_unresolved_pair_s_half_separation():
    """With stage_release_m_s, a track booked as past its burnout (boost, then ballistic)
    keeps after a radar update at least the variance along its velocity of the nominal
    half-separation from a released stage while the radar could not resolve the pair; when the
    separation is one the radar resolves (10 km, 3.4 km in range), the update shrinks it as
    usual."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    along_sigma = []
    for half_m in (100.0, 5000.0):
        tracker = Tracker([spec], scen.epoch_s, TrackerConfig(stage_release_m_s=3.0))
        s, R, _ = _two_confirmed_tracks(tracker, spec, 2000.0)
        rows = np.array([0])
        tracker._mu[0] = [1.0, 0.0, 0.0]
        tracker._burnouts(rows, -20.0)
        assert tracker._boosted[0]
        assert np.isnan(tracker._burnout[0])
        tracker._mu[0] = [0.0, 1.0, 0.0]
        tracker._burnouts(rows, -19.0)
        assert tracker._burnout[0] == -19.0
        np.testing.assert_allclose(tracker._half[0], [0.0, 1.5, -19.0])
        tracker._half[0] = [half_m, 5.0, 0.0]
        _, xc, _ = tracker.estimates(0.5)
        (update,) = tracker.process([_detection(xc[0, :3], xc[0, 3:6], s, R, 0.5)])
        assert update.track == "T1"
        u = xc[0, 3:6] / np.linalg.norm(xc[0, 3:6])
        pos, vel, _ = tracker._half[0]
        assert half_m < pos < half_m + 5.0  # 0.5 s at ≥ 5 m/s, and the stage's drag
        assert vel > 5.0
        along_sigma.append(float(np.sqrt(u @ update.P[:3, :3] @ u)))
        if half_m == 100.0:
            for k in range(tracker._P.shape[1]):
                assert u @ tracker._P[0, k, :3, :3] @ u >= pos**2 * (1 - 1e-9)
                assert u @ tracker._P[0, k, 3:6, 3:6] @ u >= vel**2 * (1 - 1e-9)
    assert along_sigma[0] >= 100.0
    assert along_sigma[1] < 30.0  # resolved: the update tightens it below its 30 m prior
    for bad in (TrackerConfig(stage_release_m_s=-1.0), TrackerConfig(stage_beta_kg_m2=0.0)):
        with pytest.raises(ValueError, match="stage_release_m_s ≥ 0"):
            Tracker([spec], scen.epoch_s, bad)


@pytest.mark.parametrize("second_object", [False, True])
def test_a_track_seen_alone_where_a_stage_would_be_resolved_ends_its_floor(second_object):
    """With stage_release_m_s, a track past burnout whose nominal pair the radar would resolve
    (half-separation 5 km) and that the radar sees alone three times (stage_alone_looks) flies
    alone: its floor ends (until it burns out again), so a later update where the pair would be
    merged keeps no floor. Where the scan also holds a second detection near it (T2's, 2 km
    further in range), the looks do not count and the floor stays."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s, TrackerConfig(stage_release_m_s=3.0))
    assert tracker.config.stage_alone_looks == 3
    s, R, _ = _two_confirmed_tracks(tracker, spec, 2000.0)
    tracker._boosted[0] = True
    tracker._burnout[0] = -10.0
    for k, t in enumerate((0.5, 1.5, 2.5)):
        tracker._half[0] = [5000.0, 5.0, t - 0.5]
        _, xc, _ = tracker.estimates(t)
        scan = [_detection(xc[0, :3], xc[0, 3:6], s, R, t)]
        if second_object:
            scan.append(_detection(xc[1, :3], xc[1, 3:6], s, R, t))
        updates = tracker.process(scan)
        assert "T1" in {u.track for u in updates}
        assert tracker._alone[0] == (0 if second_object else k + 1)
    assert (tracker._alone[0] >= tracker.config.stage_alone_looks) != second_object
    tracker._half[0] = [100.0, 5.0, 2.5]  # a pair the radar could not resolve
    _, xc, _ = tracker.estimates(3.5)
    (update, *_) = tracker.process([_detection(xc[0, :3], xc[0, 3:6], s, R, 3.5)])
    assert update.track == "T1"
    u = xc[0, 3:6] / np.linalg.norm(xc[0, 3:6])
    along_sigma = float(np.sqrt(u @ update.P[:3, :3] @ u))
    assert (along_sigma >= 100.0) == second_object
    with pytest.raises(ValueError, match="stage_alone_looks"):
        Tracker([spec], scen.epoch_s, TrackerConfig(stage_release_m_s=3.0, stage_alone_looks=0))


@pytest.mark.parametrize(
    ("offset_m", "release_m_s", "takes_offset"),
    [(250.0, 3.0, True), (-250.0, 3.0, False), (250.0, 0.0, False)],
)
def test_where_a_radar_resolves_the_pair_a_floored_track_takes_the_object_ahead(
    offset_m, release_m_s, takes_offset
):
    """A track past burnout (floored, nominal half-separation 100 m) flying along the radar's
    line of sight sees two detections in its gate: one where it predicts its object, one
    offset_m along its velocity. The stage is pushed back and drags more, so the object ahead
    is the missile: the track takes the detection 250 m ahead, though the other is nearer.
    One 250 m behind it leaves alone, and with the consider term off it takes the nearer."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s, TrackerConfig(stage_release_m_s=release_m_s))
    s, R, x = _two_confirmed_tracks(tracker, spec, 20e3)
    los = (x[0, 0, :3] - s) / np.linalg.norm(x[0, 0, :3] - s)
    tracker._x[0, :, 3:6] = 2000.0 * los
    tracker._P[0, :, :3, :3] = np.eye(3) * 150.0**2  # the floor's width along the velocity
    tracker._boosted[0] = True
    tracker._burnout[0] = -10.0
    tracker._half[0] = [100.0, 1.5, 0.0]
    _, xc, _ = tracker.estimates(0.5)
    u = xc[0, 3:6] / np.linalg.norm(xc[0, 3:6])
    scan = [
        _detection(xc[0, :3], xc[0, 3:6], s, R, 0.5),
        _detection(xc[0, :3] + offset_m * u, xc[0, 3:6], s, R, 0.5),
    ]
    updates = tracker.process(scan)
    (update,) = [up for up in updates if up.track == "T1"]
    moved = float(u @ (update.x[:3] - xc[0, :3]))
    assert (abs(moved) > 0.8 * abs(offset_m)) == takes_offset
    assert tracker.stats.missile_ahead == int(takes_offset)


def _point_in_sector(spec, tracker):
    """Radar R1's position, ENU rotation, and a point 200 km out on its line of sight at
    azimuth 90°, elevation 20° (about 70 km up), with the unit vectors east and up there."""
    s, R, los = _line_of_sight(spec, tracker)
    p = s + 200e3 * los
    lat, lon, _ = earth.ecef_to_geodetic(p)
    east, _, up = earth.enu_rotation(float(lat), float(lon))
    return s, R, p, east, up


@pytest.mark.parametrize(
    ("speed_m_s", "max_speed_m_s", "confirmed"),
    [(7000.0, 8000.0, True), (10000.0, 8000.0, False), (10000.0, np.inf, True)],
)
def test_a_tentative_track_faster_than_any_missile_is_deleted_not_confirmed(
    speed_m_s, max_speed_m_s, confirmed
):
    """Three detections a second apart of a point moving east at speed_m_s: at 7 km/s (an
    ICBM's burnout speed) the track confirms; at 10 km/s, what two objects km apart taken for
    one look like, the tentative track is deleted at its second update and counted, unless
    the check is off (math.inf)."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s, TrackerConfig(max_speed_m_s=max_speed_m_s))
    s, R, p, east, _ = _point_in_sector(spec, tracker)
    v = speed_m_s * east
    out = []
    for k in range(3):
        out += tracker.process([_detection(p + k * v, v, s, R, float(k))])
    assert bool(out) is confirmed
    assert tracker.stats.tracks_too_fast == (0 if confirmed else 1)
    if confirmed:
        assert tracker.stats.tracks_started == 1
        np.testing.assert_allclose(np.linalg.norm(out[-1].x[3:6]), speed_m_s, rtol=0.05)
    else:
        # deleted at the second detection: the third starts a new tentative track
        assert tracker.stats.tracks_started == 2
        assert [tr.confirmed for tr in tracker.tracks] == [False]
    with pytest.raises(ValueError, match="max_speed_m_s"):
        Tracker([spec], scen.epoch_s, TrackerConfig(max_speed_m_s=0.0))


def test_a_satellite_s_line_of_sight_neither_updates_nor_confirms_a_tentative_track():
    """One radar detection starts a tentative track; a geostationary satellite's lines of
    sight on it each second leave it as it was (no update, no hit: a false alarm plus the
    satellite's view of anything near it would otherwise confirm). Once the radar has
    confirmed the track, the same lines of sight update it."""
    from launchwatch.sensors import sensor_position
    from launchwatch.tracking.intake import Measurement

    scen = load_scenario(MINI)
    radar = next(s for s in scen.sensors if s.id == "R1")
    sat = next(s for s in scen.sensors if s.id == "IR1")
    tracker = Tracker([radar, sat], scen.epoch_s)
    s, R, p, _, up = _point_in_sector(radar, tracker)
    v = 2000.0 * up

    def los(k):
        o, _ = sensor_position(sat, np.array([float(k) + 0.5]), tracker.epoch_s)
        u = p + (k + 0.5) * v - o[0]
        u = u / np.linalg.norm(u)
        return Measurement(time=k + 0.5, sensor="IR1", kind="los", los=tuple(u.tolist()))

    tracker.process([_detection(p, v, s, R, 0.0)])
    x0 = tracker._x.copy()
    for k in range(3):
        assert tracker.process([los(k)]) == []
    assert len(tracker.tracks) == 1
    assert not tracker.tracks[0].confirmed
    np.testing.assert_array_equal(tracker._x, x0)
    assert tracker._updates[0] == 1
    for k in range(3, 6):
        tracker.process([_detection(p + k * v, v, s, R, float(k))])
    assert tracker.tracks[0].confirmed
    (update,) = tracker.process([los(6)])
    assert update.sensor == "IR1"
    assert update.track == tracker.tracks[0].id


def test_a_phase_change_brings_the_next_impact_prediction_forward():
    """Far from impact, a track's prediction is refreshed every 2 % of the time left (here
    more than the 2 s interval); when its phase changed since the last one (at burnout), the
    next comes after the 2 s interval, and so do those of the next impact_settle_s (30 s)."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s)
    _two_confirmed_tracks(tracker, spec, 5000.0)
    tracker._last[:] = 0.0
    tracker._refresh_impacts(0.0)
    first = [tr.impact for tr in tracker.tracks]
    # more than 100 s left: 2 % of it is longer than the 2 s interval
    assert all(p is not None and p.time > 100.0 for p in first)
    assert [tr.impact_phase for tr in tracker.tracks] == ["ballistic", "ballistic"]
    assert [tr.phase_changed for tr in tracker.tracks] == [0.0, 0.0]  # the first counts
    for tr in tracker.tracks:
        tr.phase_changed = -100.0  # as if their phase had changed long ago
    tracker._mu[1] = [0.0, 0.1, 0.9]  # T2 now more likely gliding
    tracker._last[:] = 2.0
    tracker._refresh_impacts(2.0)
    assert tracker.tracks[0].impact_time == 0.0  # unchanged phase: not yet due
    assert tracker.tracks[1].impact_time == 2.0
    assert tracker.tracks[1].impact_phase == "glide"
    assert tracker.tracks[1].phase_changed == 2.0
    tracker._last[:] = 4.0
    tracker._refresh_impacts(4.0)
    assert [tr.impact_time for tr in tracker.tracks] == [0.0, 4.0]  # T2 settling


def test_a_tight_track_s_covariance_stays_positive_definite_in_its_record():
    """A filter with little process noise reaches velocity σ of centimetres per second,
    strongly correlated with position; written to fixed decimals (as before) that covariance
    lost its smallest eigenvalues and NEES computed from the record was off by orders of
    magnitude."""
    from launchwatch.tracking.records import track_record
    from launchwatch.tracking.tracker import TrackUpdate

    rng = np.random.default_rng(7)
    # position σ ~ 1-30 m, velocity σ ~ 0.01-0.05 m/s, each velocity axis 0.999 correlated
    # with a position axis (a long ballistic arc with no process noise)
    scale = np.diag([30.0, 3.0, 1.0, 0.05, 0.02, 0.01])
    corr = np.eye(6)
    for i in range(3):
        corr[i, i + 3] = corr[i + 3, i] = 0.999
    P6 = scale @ corr @ scale
    P = np.eye(8)
    P[:6, :6] = P6
    x = np.array([-3.08e6, 3.88e6, 4.12e6, -2371.0, -2361.0, 1345.0, 0.0, 0.0])
    u = TrackUpdate(
        0.0, "T1", "R", x, P, np.array([0.0, 1.0, 0.0]), "ballistic",
        None, None, 0.0, "ballistic", 10, ("R",), False,
    )  # fmt: skip
    written = np.array(json.loads(json.dumps(track_record(u)))["covariance_ecef"])
    np.linalg.cholesky(written)  # positive definite
    errors = rng.multivariate_normal(np.zeros(6), P6, size=200)

    def nees(cov):
        return np.einsum("ni,ni->n", errors, np.linalg.solve(cov, errors.T).T)

    np.testing.assert_allclose(nees(written), nees(P6), rtol=1e-6)


def test_only_a_track_that_flies_alone_takes_the_lone_ballistic_process_noise():
    """TrackerConfig.lone_ballistic_q_m2_s3: a track with no stage floor and no resolution
    cell shared within unresolved_hold_s is predicted with that ballistic density (here 0);
    one that keeps its floor, or shared a cell 5 s ago, keeps the IMM's margin. Each row's
    prediction is compared with a tracker whose IMM has that density for every track."""
    from launchwatch.tracking.imm import ImmConfig

    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")

    def predicted(config, shared_s=-math.inf):
        tracker = Tracker([spec], scen.epoch_s, config)
        _two_confirmed_tracks(tracker, spec, 2000.0)
        tracker._burnout[1] = -10.0  # T2 past burnout, not yet seen alone: floored
        tracker.tracks[0].shared_cell_time = shared_s
        tracker._predict(np.array([0, 1]), 2.0)
        return tracker._P[:, 1, :6, :6].copy()  # the ballistic model's

    margin = predicted(TrackerConfig())
    none = predicted(TrackerConfig(imm=ImmConfig(q_m2_s3=(400.0, 0.0, 100.0))))
    lone = predicted(TrackerConfig(lone_ballistic_q_m2_s3=0.0))
    np.testing.assert_allclose(lone[0], none[0], rtol=1e-12)  # T1 flies alone
    np.testing.assert_allclose(lone[1], margin[1], rtol=1e-12)  # T2 keeps its floor
    # the margin is visible: 2 s at 0.05 m²/s³ adds 0.1 (m/s)² per axis of velocity
    np.testing.assert_allclose(np.diag(margin[0] - none[0])[3:], 0.1, rtol=1e-6)
    shared = predicted(TrackerConfig(lone_ballistic_q_m2_s3=0.0), shared_s=-3.0)
    np.testing.assert_allclose(shared[0], margin[0], rtol=1e-12)  # 5 s since a shared cell
    for bad in (-1.0, math.nan):
        with pytest.raises(ValueError, match="lone_ballistic_q_m2_s3"):
            Tracker([spec], scen.epoch_s, TrackerConfig(lone_ballistic_q_m2_s3=bad))


def test_cli_track_reads_tracker_settings_and_names_a_bad_one(tmp_path):
    """`launchwatch track --config FILE`: settings change the run (confirmation that needs 5
    hits in 5 chances, not 3, comes two looks later at least); an unknown or ill-typed
    setting, or one the tracker refuses, exits 2 naming it."""
    assert run_cli("simulate", MINI, "--out", tmp_path).returncode == 0
    meas, sensors = tmp_path / "measurements.jsonl", tmp_path / "sensors.toml"

    def track(text):
        cfg = tmp_path / "tracker.toml"
        cfg.write_text(text)
        return run_cli("track", meas, "--sensors", sensors, "--json", "--config", cfg)

    def first_update(proc):
        assert proc.returncode == 0, proc.stderr
        records = [json.loads(x) for x in proc.stdout.splitlines()]
        return min(r["time"] for r in records if r["record"] == "track")

    default = first_update(track(""))
    strict = first_update(track("confirm_hits = 5\n[imm]\nstay = [0.98, 0.999, 0.98]\n"))
    assert strict > default
    for text, field in [
        ("confirm_hitz = 3\n", "tracker.toml: confirm_hitz: unknown setting"),
        ("[imm]\nstay = [0.98, 'x', 0.98]\n", "tracker.toml: imm.stay[1]: Expected `float`"),
        ("[imm]\nstay = [0.98, 1.5, 0.98]\n", "imm.stay: each model's probability"),
        ("lone_ballistic_q_m2_s3 = -1.0\n", "lone_ballistic_q_m2_s3 must be ≥ 0"),
        ("filter = 'pf'\n", "tracker.toml: filter: Invalid enum value 'pf'"),
        ("confirm_hits = [\n", "is not valid TOML"),
    ]:
        proc = track(text)
        assert_bad_input(proc)
        assert field in proc.stderr, proc.stderr


def test_the_mean_of_two_unresolved_tracks_outside_both_gates_starts_no_track():
    """Two confirmed tracks 1 km apart across radar R1's beam at 200 km (0.29°, inside its
    0.3° angular resolution) and at one range: the radar sees the pair as one object, at
    their mean, 500 m from each and outside both gates. That detection updates neither,
    starts no track (which would follow the middle of the pair), and counts as a shadowed
    look for both (no miss); their updates are marked unresolved. A detection 5 km beside
    the pair still starts a track."""
    scen = load_scenario(MINI)
    spec = next(s for s in scen.sensors if s.id == "R1")
    tracker = Tracker([spec], scen.epoch_s)
    s, R, x = _two_confirmed_tracks(tracker, spec, 0.0)
    los = (x[0, 0, :3] - s) / np.linalg.norm(x[0, 0, :3] - s)
    across = np.cross(los, s / np.linalg.norm(s))
    across /= np.linalg.norm(across)
    tracker._x[1, :, :3] += 1000.0 * across
    _, xc, _ = tracker.estimates(0.5)
    mean = xc[:, :3].mean(axis=0)
    updates = tracker.process([_detection(mean, xc[0, 3:6], s, R, 0.5)])
    assert updates == []
    assert tracker.stats.between_pairs == 1
    assert tracker.stats.tracks_started == 0
    np.testing.assert_array_equal(tracker._misses, [0, 0])
    assert [t.shared_cell_time for t in tracker.tracks] == [0.5, 0.5]
    _, xc, _ = tracker.estimates(1.5)
    tracker.process([_detection(xc[:, :3].mean(axis=0) + 5000.0 * across, xc[0, 3:6], s, R, 1.5)])
    assert tracker.stats.tracks_started == 1
    assert tracker.stats.between_pairs == 1
