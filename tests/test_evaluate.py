"""Evaluation: the metrics against values worked out from their definitions, and the
evaluate command on a simulated and tracked run."""

import json
from pathlib import Path

import numpy as np
import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch import earth
from launchwatch.tracking.metrics import gospa, inside_ellipse, nees

MINI = Path(__file__).parent / "data" / "mini.toml"


def test_gospa_worked_cases():
    c = 1000.0
    # one estimate 300 m from the one truth: only localisation
    g = gospa(np.array([[300.0, 0, 0]]), np.array([[0.0, 0, 0]]), c)
    assert g.total == pytest.approx(300.0)
    assert (g.missed, g.false) == (0, 0)
    # plus a false estimate far away: sqrt(300² + c²/2)
    g = gospa(np.array([[300.0, 0, 0], [5e4, 0, 0]]), np.array([[0.0, 0, 0]]), c)
    assert g.total == pytest.approx(np.sqrt(300.0**2 + c**2 / 2))
    assert (g.missed, g.false) == (0, 1)
    # an estimate beyond the cut-off counts as one missed and one false, not as localisation
    g = gospa(np.array([[2000.0, 0, 0]]), np.array([[0.0, 0, 0]]), c)
    assert g.total == pytest.approx(np.sqrt(c**2 / 2 * 2))
    assert (g.missed, g.false, g.pairs) == (1, 1, [])
    # nothing estimated: every truth missed
    g = gospa(np.zeros((0, 3)), np.zeros((3, 3)), c)
    assert g.total == pytest.approx(np.sqrt(3 * c**2 / 2))
    # the assignment is global: crossing pairs are matched the cheap way
    g = gospa(np.array([[0.0, 0, 0], [100.0, 0, 0]]), np.array([[110.0, 0, 0], [5.0, 0, 0]]), c)
    assert g.total == pytest.approx(np.sqrt(5.0**2 + 10.0**2))


def test_nees_of_a_known_error():
    P = np.diag([4.0, 9.0, 1.0])[None]
    e = np.array([[2.0, 3.0, 1.0]])
    assert nees(e, P)[0] == pytest.approx(3.0)


# (offset east km, offset north km, semi-major, semi-minor, orientation, inside?)
ELLIPSES = [
    (0.0, 0.0, 1.0, 0.5, 0.0, True),  # the centre
    (0.0, 0.99, 1.0, 0.5, 0.0, True),  # just inside along a north-pointing major axis
    (0.0, 1.01, 1.0, 0.5, 0.0, False),
    (0.49, 0.0, 1.0, 0.5, 0.0, True),  # just inside along the minor axis
    (0.51, 0.0, 1.0, 0.5, 0.0, False),
    (0.99, 0.0, 1.0, 0.5, 90.0, True),  # major axis east
    (0.0, 0.6, 1.0, 0.5, 90.0, False),
    (0.69, 0.69, 1.0, 0.5, 45.0, True),  # along a north-east axis: 0.976 km
]


@pytest.mark.parametrize(("east", "north", "a", "b", "orient", "inside"), ELLIPSES)
def test_inside_ellipse_edge_table(east, north, a, b, orient, inside):
    lat0, lon0 = 42.0, 138.0
    p = earth.enu_to_ecef([east * 1e3, north * 1e3, 0.0], lat0, lon0, 0.0)
    lat, lon, _ = earth.ecef_to_geodetic(p)
    assert inside_ellipse(float(lat), float(lon), lat0, lon0, a, b, orient) is inside


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    assert run_cli("simulate", MINI, "--out", d).returncode == 0
    proc = run_cli(
        "track",
        d / "measurements.jsonl",
        "--sensors",
        d / "sensors.toml",
        "--out",
        d / "tracks.jsonl",
    )
    assert proc.returncode == 0, proc.stderr
    return d


def test_evaluate_scores_the_run_and_draws_plots(run):
    proc = run_cli(
        "evaluate", run / "tracks.jsonl", "--run", run, "--plots", run / "plots", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["objects"]["M1"]["tracks"]
    assert s["objects"]["M1"]["first_track_after_launch_s"] < 120.0
    assert s["position_rmse_m"] < 200.0
    assert s["false_tracks"] == []
    # the bound is a bound: the tracker is not better than it (how near it comes with the
    # stage unresolved after separation is a known limit, docs/tracking.md)
    assert s["pcrlb"]["M1"]["ratio"] >= 1.0
    late = [b for b in s["impact_by_time_since_burnout"] if b["since_burnout_s"] == "60-120"]
    assert late
    assert late[0]["median_error_km"] < 2.0
    for name in ("position_error.png", "gospa.png", "impact.png", "nees.png"):
        png = run / "plots" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 10_000


def test_without_the_stage_the_tracker_comes_near_the_bound(tmp_path):
    # the same launch without its spent stage: nothing unresolved, so the position RMSE in
    # ballistic flight comes near the posterior Cramér-Rao bound (within 2×: the ballistic
    # model's process noise, kept as a margin for unresolved stages, costs accuracy on a flight
    # that has none; docs/tracking.md, "Consistency")
    scenario = tmp_path / "clean.toml"
    scenario.write_text(MINI.read_text().replace("stages = 1", "stages = 0"))
    assert run_cli("simulate", scenario, "--out", tmp_path).returncode == 0
    tracks = tmp_path / "tracks.jsonl"
    proc = run_cli(
        "track",
        tmp_path / "measurements.jsonl",
        "--sensors",
        tmp_path / "sensors.toml",
        "--out",
        tracks,
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("evaluate", tracks, "--run", tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    ratio = json.loads(proc.stdout)["pcrlb"]["M1"]["ratio"]
    assert 1.0 <= ratio < 2.0


def test_evaluate_without_tracks_exits_2(run, tmp_path):
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    proc = run_cli("evaluate", empty, "--run", run, timeout=120)
    assert_bad_input(proc)
    assert "no track records" in proc.stderr


def test_evaluate_names_the_line_of_a_bad_track_record(run, tmp_path):
    lines = (run / "tracks.jsonl").read_text().splitlines()
    bad = json.loads(lines[3])
    del bad["covariance_ecef"]
    lines[3] = json.dumps(bad)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    proc = run_cli("evaluate", broken, "--run", run, timeout=120)
    assert_bad_input(proc, "launchwatch: error: broken.jsonl line 4: track record has no")
    (tmp_path / "garbage.jsonl").write_text('{"record": "track"\n')
    proc = run_cli("evaluate", tmp_path / "garbage.jsonl", "--run", run, timeout=120)
    assert_bad_input(proc, "launchwatch: error: garbage.jsonl line 1: not JSON")
