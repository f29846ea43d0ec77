"""simulate: deterministic files, consistent truth, salvos, glides, burnout-state launches."""

import json
from pathlib import Path

import numpy as np
import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch import earth
from launchwatch.scenario import load_scenario
from launchwatch.simulate import simulate
from launchwatch.truth import PHASES, build_truth

ROOT = Path(__file__).parents[1]
MINI = Path(__file__).parent / "data" / "mini.toml"
JAN_2025 = ROOT / "scenarios" / "2025-01-06-hypersonic-irbm.toml"


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    simulate(load_scenario(JAN_2025), tmp_path / "a")
    simulate(load_scenario(JAN_2025), tmp_path / "b")
    for name in ("measurements.jsonl", "truth.jsonl", "sensors.toml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = tmp_path / "other.toml"
    other.write_text(
        JAN_2025.read_text()
        .replace("seed = 20250106", "seed = 1")
        .replace(
            'sensors_file = "sensors/allied.toml"',
            f'sensors_file = "{ROOT / "scenarios" / "sensors" / "allied.toml"}"',
        )
    )
    simulate(load_scenario(other), tmp_path / "c")
    assert (tmp_path / "a" / "measurements.jsonl").read_bytes() != (
        tmp_path / "c" / "measurements.jsonl"
    ).read_bytes()


@pytest.fixture(scope="module")
def mini_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("mini")
    sim = simulate(load_scenario(MINI), out)
    return sim, out


def test_measurements_are_time_ordered_in_the_shared_format(mini_out):
    _, out = mini_out
    rows = _lines(out / "measurements.jsonl")
    times = [r["time"] for r in rows]
    assert times == sorted(times)
    assert all(t.endswith("Z") and len(t) == 24 for t in times)
    for r in rows:
        if r["type"] == "radar":
            assert set(r) <= {
                "time",
                "sensor",
                "type",
                "range_m",
                "azimuth_deg",
                "elevation_deg",
                "range_rate_m_s",
            }
            assert r["range_m"] > 0
            assert -90 <= r["elevation_deg"] <= 90
        else:
            assert r["type"] == "los"
            assert np.linalg.norm(r["los_ecef"]) == pytest.approx(1.0, abs=1e-8)
    # R1 measures range-rate, S1 does not
    assert all("range_rate_m_s" in r for r in rows if r["sensor"] == "R1")
    assert not any("range_rate_m_s" in r for r in rows if r["sensor"] == "S1")


def test_truth_names_the_objects_behind_every_measurement(mini_out):
    sim, out = mini_out
    meas = _lines(out / "measurements.jsonl")
    truth = _lines(out / "truth.jsonl")
    detections = [t for t in truth if t["record"] == "detection"]
    assert [d["line"] for d in detections] == list(range(1, len(meas) + 1))
    for d, m in zip(detections, meas, strict=True):
        assert (d["time"], d["sensor"]) == (m["time"], m["sensor"])
    objects = {t["object"]: t for t in truth if t["record"] == "object"}
    assert {o["kind"] for o in objects.values()} == {"missile", "stage", "debris"}
    assert objects["M1-S1"]["parent"] == "M1"
    false_alarms = sum(1 for d in detections if not d["objects"])
    assert false_alarms == sum(d.false_alarms for d in sim.detections)
    states = [t for t in truth if t["record"] == "state"]
    assert {s["phase"] for s in states if s["object"] == "M1"} == {"boost", "midcourse", "re-entry"}
    assert {s["phase"] for s in states} <= set(PHASES)


def test_truth_ends_on_the_ground_at_the_reported_range(mini_out):
    sim, _ = mini_out
    m = next(o for o in sim.truth.objects if o.id == "M1")
    assert float(earth.geodetic_altitude_m(m.nodes_r[-1])) == pytest.approx(0.0, abs=1e-2)
    lat, lon, _ = earth.ecef_to_geodetic(m.nodes_r[-1])
    dist, _, _ = earth.geodesic_inverse(39.0, 126.0, lat, lon)
    assert float(dist) == pytest.approx(500e3, rel=0.01)
    alts = earth.geodetic_altitude_m(m.nodes_r)
    assert alts.max() == pytest.approx(150e3, rel=0.01)


def test_truth_interpolation_between_nodes_is_smooth(mini_out):
    sim, _ = mini_out
    m = sim.truth.objects[0]
    mid = 0.5 * (m.nodes_t[:-1] + m.nodes_t[1:])
    r, v, alive = sim.truth.states(mid)
    # velocity from the interpolant agrees with the finite difference of positions (1 cm/s)
    dt = 1e-3
    r2, _, _ = sim.truth.states(mid + dt)
    ok = alive[0] & (mid + dt < m.t_end)
    fd = (r2[0, ok] - r[0, ok]) / dt
    assert np.max(np.linalg.norm(fd - v[0, ok], axis=1)) < 1.0


SALVO = """
[scenario]
name = "salvo"
epoch = "2025-01-01T00:00:00Z"
seed = 3

[[launch]]
time = "2025-01-01T00:01:00Z"
lat_deg = 38.5
lon_deg = 125.8
azimuth_deg = 75.0
range_km = 400.0
apogee_km = 100.0
count = 7
interval_s = 90.0

[[sensor]]
id = "R"
owner = "ROK"
type = "radar"
lat_deg = 37.5
lon_deg = 127.5
"""


def test_salvo_missiles_fly_a_few_km_apart(tmp_path):
    p = tmp_path / "salvo.toml"
    p.write_text(SALVO)
    sim = simulate(load_scenario(p))
    missiles = [o for o in sim.truth.objects if o.kind == "missile"]
    assert [o.id for o in missiles] == [f"M{i}" for i in range(1, 8)]
    starts = np.array([o.t_start for o in missiles])
    assert np.allclose(np.diff(starts), 90.0)
    impacts = np.array([o.nodes_r[-1] for o in missiles])
    gaps = np.linalg.norm(impacts[:, None] - impacts[None], axis=-1)[np.triu_indices(7, 1)]
    assert gaps.min() > 50.0  # not one path seven times
    assert gaps.max() < 20e3  # but one salvo


def test_glide_segment_pulls_up_into_a_second_peak(tmp_path):
    text = (
        SALVO.replace("count = 7\ninterval_s = 90.0", "").replace(
            "range_km = 400.0\napogee_km = 100.0", "range_km = 1100.0\napogee_km = 100.0"
        )
        + "\n[launch.glide]\nstart_alt_km = 40.0\nlift_to_drag = 2.5\nbeta_kg_m2 = 8000.0\n"
    )
    p = tmp_path / "glide.toml"
    p.write_text(text)
    sim = simulate(load_scenario(p))
    m = sim.truth.objects[0]
    assert np.isfinite(m.t_glide)
    after = m.nodes_t >= m.t_glide
    alt = earth.geodetic_altitude_m(m.nodes_r[after])
    assert alt[0] == pytest.approx(40e3, abs=1.0)
    assert alt.max() > alt[0] + 1e3  # it climbs again: a second peak
    phases = sim.truth.phases(np.array([m.t_glide + 5.0]))
    assert PHASES[phases[0, 0]] == "glide"
    # and it flies further than the ballistic fall would have
    lat, lon, _ = earth.ecef_to_geodetic(m.nodes_r[-1])
    assert float(earth.geodesic_inverse(38.5, 125.8, lat, lon)[0]) > 1150e3


def test_launch_given_by_burnout_state_has_no_boost(tmp_path):
    text = SALVO.replace(
        "lat_deg = 38.5\nlon_deg = 125.8\nazimuth_deg = 75.0\nrange_km = 400.0\n"
        "apogee_km = 100.0\ncount = 7\ninterval_s = 90.0",
        "[launch.burnout]\nlat_deg = 38.6\nlon_deg = 126.2\nalt_km = 60.0\nspeed_m_s = 2500.0\n"
        "heading_deg = 80.0\nflight_path_deg = 35.0\ntime_after_launch_s = 70.0",
    )
    p = tmp_path / "burnout.toml"
    p.write_text(text)
    sim = simulate(load_scenario(p))
    m = sim.truth.objects[0]
    assert m.t_burnout == m.t_start
    assert m.t_start == pytest.approx(load_scenario(p).launch_times_s[0] + 70.0)


def test_a_lower_stage_falls_away_during_the_boost_the_last_at_burnout(tmp_path):
    """Two stages: S1 separates half-way through the boost, S2 beside the payload at burnout,
    each pushed back 3 m/s along the missile's velocity at that moment (truth._released)."""
    p = tmp_path / "two.toml"
    p.write_text(
        SALVO.replace("count = 7\ninterval_s = 90.0", "stages = 2").replace(
            "range_km = 400.0\napogee_km = 100.0", "range_km = 950.0\napogee_km = 4475.0"
        )
    )
    truth = build_truth(load_scenario(p))
    objects = {o.id: o for o in truth.objects}
    m, s1, s2 = objects["M1"], objects["M1-S1"], objects["M1-S2"]
    half_way = m.t_start + 0.5 * (m.t_burnout - m.t_start)
    assert abs(s1.t_start - half_way) <= 1.0  # truth nodes are 1 s apart
    assert abs(s2.t_start - m.t_burnout) <= 1.0
    for stage in (s1, s2):
        j = int(np.searchsorted(m.nodes_t, stage.t_start))
        assert m.nodes_t[j] == stage.t_start
        assert np.allclose(stage.nodes_r[0], m.nodes_r[j])
        v = m.nodes_v[j]
        assert np.allclose(stage.nodes_v[0], v - 3.0 * v / np.linalg.norm(v), atol=1e-9)
    # by burnout the first stage is tens of km behind, the second beside the missile
    r, _, alive = truth.states(np.array([m.t_burnout + 30.0]))
    at = {o.id: r[k, 0] for k, o in enumerate(truth.objects) if alive[k, 0]}
    assert "M1-S1" not in at or np.linalg.norm(at["M1-S1"] - at["M1"]) > 20e3
    assert np.linalg.norm(at["M1-S2"] - at["M1"]) < 500.0


def test_cli_simulate_summary_and_bad_file(tmp_path):
    proc = run_cli("simulate", MINI, "--out", tmp_path / "o", "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["objects"] == {"missile": 1, "stage": 1, "debris": 2}
    assert {s["sensor"] for s in summary["sensors"]} == {"R1", "S1", "IR1"}
    lines = (tmp_path / "o" / "measurements.jsonl").read_text().splitlines()
    assert summary["measurements"] == len(lines)
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI.read_text().replace("seed = 11", 'seed = "x"'))
    proc = run_cli("simulate", bad, "--out", tmp_path / "p", timeout=300)
    assert_bad_input(proc, "launchwatch: error: scenario.seed (bad.toml line 6)")


def test_2022_scenario_flies_over_aomori_as_reported():
    # Japan MoD: the 4 Oct 2022 missile passed over Aomori prefecture at 07:28-07:29 JST
    # (6-7 minutes after launch) and fell ~3,200 km east of Japan.
    truth = build_truth(load_scenario(ROOT / "scenarios" / "2022-10-04-irbm-overflight.toml"))
    m = truth.objects[0]
    lat, lon, _ = earth.ecef_to_geodetic(m.nodes_r)
    dist, _, _ = earth.geodesic_inverse(lat, lon, 40.82, 140.74)  # Aomori city
    i = int(np.argmin(dist))
    assert dist[i] < 30e3
    assert 5 * 60 < m.nodes_t[i] - m.t_start < 8 * 60
    east_of_japan, _, _ = earth.geodesic_inverse(lat[-1], lon[-1], 40.82, 141.5)
    assert 2800e3 < float(east_of_japan) < 3600e3
