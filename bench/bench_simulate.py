"""Sensor simulation throughput on the stress scenario (200 objects, clutter, 10 sensors),
against Stone Soup's RadarElevationBearingRange for one radar, side by side, on one core.

    bash scripts/bench simulate          (or: .venv-bench/bin/python bench/bench_simulate.py)

Reports: truth build time; measurements generated per second by launchwatch (all sensors,
in memory); the same for writing the JSON Lines files; the simulated-time / wall-time ratio of
the whole run; and, for radar ROK-R1, launchwatch's rate against Stone Soup's ``measure()``
over the same scans, given the same (already visible) objects: Stone Soup does no horizon,
detection-probability, resolution or clutter modelling there, so the comparison is of the
measurement step alone and favours the peer.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the goal states
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np

from launchwatch import earth
from launchwatch.scenario import load_scenario
from launchwatch.sensors import observe
from launchwatch.simulate import Simulation, _write
from launchwatch.truth import build_truth

ROOT = Path(__file__).parents[1]


def stone_soup_rate(truth, spec, scans: int) -> tuple[float, int, float]:
    """Stone Soup measure() over the first ``scans`` scans that have visible objects."""
    from stonesoup.sensor.radar.radar import RadarElevationBearingRange
    from stonesoup.types.array import CovarianceMatrix, StateVector
    from stonesoup.types.groundtruth import GroundTruthState

    pos = earth.geodetic_to_ecef(spec.lat_deg, spec.lon_deg, spec.alt_m)
    radar = RadarElevationBearingRange(
        ndim_state=6,
        position_mapping=(0, 2, 4),
        noise_covar=CovarianceMatrix(
            np.diag(
                [
                    np.radians(spec.sigma_elevation_deg) ** 2,
                    np.radians(spec.sigma_azimuth_deg) ** 2,
                    spec.sigma_range_m**2,
                ]
            )
        ),
        position=StateVector(pos),
        rotation_offset=StateVector([0.0, 0.0, 0.0]),
        max_range=spec.max_range_km * 1e3,
    )
    times = np.arange(min(o.t_start for o in truth.objects), truth.t_stop, spec.revisit_s)
    r, v, alive = truth.states(times)
    _, el, rng = earth.ecef_to_aer(np.nan_to_num(r), spec.lat_deg, spec.lon_deg, spec.alt_m)
    visible = alive & (el >= spec.min_elevation_deg) & (rng <= spec.max_range_km * 1e3)
    columns = [k for k in range(times.size) if visible[:, k].any()][:scans]
    count, elapsed, worst = 0, 0.0, 0.0
    for k in columns:
        stamp = dt.datetime.fromtimestamp(times[k], dt.UTC)
        t0 = time.perf_counter()
        states = {
            GroundTruthState(
                StateVector(np.column_stack([r[i, k], v[i, k]]).ravel()), timestamp=stamp
            )
            for i in np.flatnonzero(visible[:, k])
        }
        detections = radar.measure(states, noise=True)
        elapsed += time.perf_counter() - t0
        count += len(detections)
        for state in states:  # the same geometry: slant range is frame-free
            ss_range = float(radar.measurement_model.function(state, noise=False)[2, 0])
            mine = float(np.linalg.norm(state.state_vector.ravel()[[0, 2, 4]] - pos))
            worst = max(worst, abs(ss_range - mine))
    return count / elapsed, count, worst


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "stress-salvo.toml"))
    ap.add_argument("--peer-scans", type=int, default=300)
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)

    t0 = time.perf_counter()
    truth = build_truth(scenario)
    t_truth = time.perf_counter() - t0
    seeds = np.random.SeedSequence(scenario.settings.seed).spawn(len(scenario.sensors) + 1)
    t0 = time.perf_counter()
    detections = [
        observe(s, truth, np.random.default_rng(seeds[i + 1]))
        for i, s in enumerate(scenario.sensors)
    ]
    t_observe = time.perf_counter() - t0
    n = sum(len(d) for d in detections)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        _write(Simulation(scenario, truth, detections, None), Path(tmp), lambda *_: None)
        t_write = time.perf_counter() - t0
    span = truth.t_stop - min(o.t_start for o in truth.objects)
    wall = t_truth + t_observe + t_write
    print(
        f"scenario: {scenario.settings.name}; {len(truth.objects)} objects, "
        f"{len(scenario.sensors)} sensors, {span:.0f} s simulated"
    )
    print(f"truth build          : {t_truth:6.2f} s")
    print(
        f"measurements (memory): {t_observe:6.2f} s  {n / t_observe:12,.0f} measurements/s ({n:,})"
    )
    print(f"files written        : {t_write:6.2f} s  {n / t_write:12,.0f} measurements/s")
    print(f"simulated / wall time: {span / wall:6.1f}x (whole run {wall:.2f} s)")

    spec = next(s for s in scenario.sensors if s.id == "ROK-R1")
    one = observe(spec, truth, np.random.default_rng(1))
    t0 = time.perf_counter()
    for _ in range(3):
        one = observe(spec, truth, np.random.default_rng(1))
    ours = 3 * len(one) / (time.perf_counter() - t0)
    peer, count, worst = stone_soup_rate(truth, spec, args.peer_scans)
    print(
        f"radar {spec.id}: launchwatch {ours:12,.0f} measurements/s; Stone Soup measure() "
        f"{peer:10,.0f} measurements/s ({count:,} over {args.peer_scans} scans); "
        f"ratio {ours / peer:6.1f}x; slant range agrees to {worst:.3g} m"
    )


if __name__ == "__main__":
    main()
