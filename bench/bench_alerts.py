"""Public alerts over seeded Monte-Carlo runs: in how many runs each partner's alert-regions
rules fire, and how long after the missile's burnout, on one shipped scenario with its spent
stages. A change to the tracker or to the alert rules must neither send a warning the truth
does not call for (the 2025 launch never comes near Japan) nor delay one it does (the 2022
overflight crosses Aomori).

    .venv/bin/python bench/bench_alerts.py                  (2025-01-06, 24 runs)
    .venv/bin/python bench/bench_alerts.py --runs 6 \
        --scenario scenarios/2022-10-04-irbm-overflight.toml

Each run is bench_montecarlo's (a new seed for the sensors, the re-entry β drawn from the
tracker's prior, stages kept), tracked in process with the default tracker, as `launchwatch
track` does, and judged by `assess_tracks` with the shipped rules.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from bench_montecarlo import BASE, scenario_text
from launchwatch.assessment.assess import assess_tracks
from launchwatch.measurements import read_lines
from launchwatch.scenario import load_scenario
from launchwatch.simulate import simulate
from launchwatch.tracking.intake import Intake, read_measurements
from launchwatch.tracking.records import alert_record, track_record
from launchwatch.tracking.tracker import Tracker


def one_run(job: tuple[Path, int, float]) -> list[tuple[str, str, float]]:
    """(partner, rule, seconds after M1's burnout) for each alert-regions rule that fired."""
    base, seed, beta = job
    with tempfile.TemporaryDirectory(prefix="launchwatch-alerts-") as tmp:
        out = Path(tmp)
        (out / "s.toml").write_text(scenario_text(base, seed, beta, keep_stages=True))
        sim = simulate(load_scenario(out / "s.toml"), out)
        sensors = sim.scenario.sensors
        tracker = Tracker(sensors, sim.scenario.epoch_s)
        intake = Intake.for_sensors(sensors, max_lag_s=5.0)  # `launchwatch track`'s default
        lines = read_lines(out / "measurements.jsonl")
        with open(out / "tracks.jsonl", "w", encoding="utf-8") as f:
            for u in tracker.run(read_measurements(lines, intake)):
                f.write(json.dumps(track_record(u)) + "\n")
            for a in tracker.alerts:
                f.write(json.dumps(alert_record(a)) + "\n")
        burnout = next(o.t_burnout for o in sim.truth.objects if o.id == "M1")
        return [
            (d.partner, d.rule, float(d.first_possible_time) - burnout)
            for ev in assess_tracks(out / "tracks.jsonl")
            for m in ev.missiles
            for d in m.alerts
            if d.fired and d.action == "alert-regions" and d.first_possible_time is not None
        ]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--scenario", type=Path, default=BASE, help="a shipped scenario")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)  # the β draws of bench_montecarlo
    jobs = [
        (args.scenario, args.seed + k, 1.0 / (5e-5 * np.exp(rng.normal(0.0, 1.0))))
        for k in range(args.runs)
    ]
    with Pool(args.workers) as pool:
        results = pool.map(one_run, jobs)
    print(f"{args.scenario.name}, stages kept, {args.runs} runs (seeds from {args.seed})")
    fired: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for (_, seed, _), run in zip(jobs, results, strict=True):
        for partner, rule, after in run:
            fired[(partner, rule)].append((seed, after))
    if not fired:
        print("  no alert-regions rule fired in any run")
    for (partner, rule), hits in sorted(fired.items()):
        after = np.array([a for _, a in hits])
        seeds = ", ".join(str(s) for s, _ in hits[:8]) + (" ..." if len(hits) > 8 else "")
        print(
            f"  {partner} {rule}: fired in {len(hits)} of {args.runs} runs, "
            f"{after.min():.0f}-{after.max():.0f} s after burnout "
            f"(median {np.median(after):.0f} s); seeds {seeds}"
        )


if __name__ == "__main__":
    main()
