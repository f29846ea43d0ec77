"""Monte-Carlo consistency of the tracker: impact-ellipse coverage, NEES and the ratio of
position RMSE to the posterior Cramér-Rao bound, over seeded runs of one launch.

    bash scripts/bench montecarlo           (20 runs)
    .venv-bench/bin/python bench/bench_montecarlo.py --runs 100      (about 4 minutes)
    .venv-bench/bin/python bench/bench_montecarlo.py --runs 10 --scenario scenarios/X.toml

Each run re-simulates the 6 January 2025 launch seen by the allied sensors, without the spent
stage (an unresolved stage is a separate problem; see the README), with a new seed for the
sensors' noise and detections and a ballistic coefficient drawn from the tracker's own prior
(ln(β / 20,000 kg/m²) ~ N(0, 1)), tracks it and scores it with ``evaluate``: each run through
the command line (``launchwatch simulate``, ``launchwatch track``) in its own directory,
``--workers`` runs at a time. Goals (issue 4): coverage of the 95 % impact ellipse between 90
and 98 %, RMSE within 1.3× the bound, NEES inside its 95 % bounds: the N-run average NEES of each
second since burnout against χ²(6N)/N (``nees_band``), outside it about 5 % of the time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from launchwatch.errors import InputError
from launchwatch.evaluate import evaluate_run
from launchwatch.tracking.config_file import load_tracker_config

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "2025-01-06-hypersonic-irbm.toml"
NEES_BANDS: list[tuple[float, float]] = [(0.0, 30.0), (30.0, 60.0), (60.0, float("inf"))]


def scenario_text(base: Path, seed: int, beta: float, keep_stages: bool) -> str:
    """The scenario with a new seed, every launch's re-entry β set, and (unless
    ``keep_stages``) no spent stages."""
    text = re.sub(r"(?m)^seed = \d+", f"seed = {seed}", base.read_text(), count=1)
    text = re.sub(r"(?m)^reentry_beta_kg_m2 = .*\n", "", text)
    text = text.replace("[[launch]]", f"[[launch]]\nreentry_beta_kg_m2 = {beta:.1f}")
    if not keep_stages:
        text = re.sub(r"(?m)^stages = \d+", "stages = 0", text)
    return text.replace(
        'sensors_file = "sensors/allied.toml"',
        f'sensors_file = "{ROOT / "scenarios" / "sensors" / "allied.toml"}"',
    )


def one_run(
    seed: int,
    beta: float,
    tmp: Path,
    base: Path = BASE,
    keep_stages: bool = False,
    tracker_config: Path | None = None,
) -> dict:
    text = scenario_text(base, seed, beta, keep_stages)
    scen = tmp / "s.toml"
    scen.write_text(text)
    py = sys.executable
    subprocess.run(
        [py, "-m", "launchwatch.cli", "simulate", str(scen), "--out", str(tmp)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            py,
            "-m",
            "launchwatch.cli",
            "track",
            str(tmp / "measurements.jsonl"),
            "--sensors",
            str(tmp / "sensors.toml"),
            "--out",
            str(tmp / "tracks.jsonl"),
            *(["--config", str(tracker_config)] if tracker_config else []),
        ],
        check=True,
        capture_output=True,
    )
    ev = evaluate_run(tmp, tmp / "tracks.jsonl")
    records = ev.series["records"]
    rows = [r for r in records if "inside" in r and r["object"] == "M1"]
    nees = [
        (r["since_burnout"], r["nees"])
        for r in records
        if r["object"] == "M1" and r["ballistic"] and np.isfinite(r["nees"])
    ]
    return {
        "summary": ev.summary,
        "impact": [(r["since_burnout"], r["inside"], r["impact_err_km"]) for r in rows],
        "nees": nees,
    }


def _run_in_tmp(
    seed: int, beta: float, base: Path, keep_stages: bool, tracker_config: Path | None
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return one_run(seed, beta, Path(tmp), base, keep_stages, tracker_config)


def _band_means(series: list[list[tuple[float, float]]], lo: float, hi: float) -> list[float]:
    """Each run's mean of the values whose time since burnout lies in [lo, hi), for the runs
    with any there (so each run weighs the same)."""
    return [float(np.mean(v)) for run in series if (v := [y for t, y in run if lo <= t < hi])]


def nees_band(
    series: list[list[tuple[float, float]]], dof: int = 6, width_s: float = 1.0
) -> tuple[float, float, int, float, float]:
    """The N-run average NEES test (Bar-Shalom, Li and Kirubarajan, "Estimation with
    Applications to Tracking and Navigation", 2001, section 5.4): in each width_s bin of time
    since burnout where every run has a record (a run's records in the bin averaged first),
    the mean over the N runs should lie in the two-sided 95 % region of χ²(dof·N)/N. Returns
    that region, the number of such bins and the fractions above and below it; a consistent
    filter has about 2.5 % each."""
    n = len(series)
    lo, hi = chi2.ppf([0.025, 0.975], dof * n) / n
    per_run = []
    for run in series:
        bins: dict[int, list[float]] = {}
        for t, y in run:
            bins.setdefault(int(np.floor(t / width_s)), []).append(y)
        per_run.append({b: float(np.mean(v)) for b, v in bins.items()})
    common = set.intersection(*(set(r) for r in per_run)) if per_run else set()
    means = np.array([np.mean([r[b] for r in per_run]) for b in sorted(common)])
    if not means.size:
        return float(lo), float(hi), 0, float("nan"), float("nan")
    return (
        float(lo),
        float(hi),
        int(means.size),
        float(np.mean(means > hi)),
        float(np.mean(means < lo)),
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--json", metavar="FILE", help="also write every run's numbers here")
    ap.add_argument(
        "--scenario", type=Path, default=BASE, help="a shipped scenario (scored on its M1)"
    )
    ap.add_argument(
        "--keep-stages", action="store_true", help="fly the spent stages too (default: none)"
    )
    ap.add_argument(
        "--tracker-config",
        type=Path,
        metavar="TRACKER.toml",
        help="tracker settings for `launchwatch track --config` (default: its defaults)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="runs at a time, each in its own processes (default: 2, or 1 on one core)",
    )
    args = ap.parse_args()
    if args.workers < 1:
        ap.error(f"--workers: must be at least 1, got {args.workers}")
    if args.tracker_config:
        args.tracker_config = args.tracker_config.resolve()
        try:  # a bad file fails here, not in every run
            load_tracker_config(args.tracker_config)
        except InputError as exc:
            ap.error(str(exc))
    print(
        f"{args.scenario.name}; stages {'kept' if args.keep_stages else 'removed'}; tracker "
        f"settings {args.tracker_config or 'default'}"
    )
    rng = np.random.default_rng(args.seed)
    # the draws in run order, whatever the number of workers
    betas = [1.0 / (5e-5 * np.exp(rng.normal(0.0, 1.0))) for _ in range(args.runs)]
    seeds = [args.seed + k for k in range(args.runs)]
    results = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = pool.map(
            _run_in_tmp,
            seeds,
            betas,
            [args.scenario] * args.runs,
            [args.keep_stages] * args.runs,
            [args.tracker_config] * args.runs,
        )
        for k, (beta, res) in enumerate(zip(betas, runs, strict=True)):
            res["beta_kg_m2"] = beta
            results.append(res)
            s = res["summary"]
            print(
                f"run {k + 1:3d}: β {beta:8.0f} kg/m², RMSE {s['position_rmse_m']} m, "
                f"NEES(ballistic) {s['nees_mean_ballistic']}, PCRLB ratio "
                f"{s['pcrlb'].get('M1', {}).get('ratio')}",
                flush=True,
            )
    bins = [(0, 30), (30, 60), (60, 120), (120, 240), (240, 480)]
    print(
        f"\n{args.runs} runs; 95 % impact ellipse coverage by time since burnout "
        f"(each run weighted equally):"
    )
    for lo, hi in bins:
        per_run = _band_means([[(x[0], x[1]) for x in r["impact"]] for r in results], lo, hi)
        errs = [x[2] for r in results for x in r["impact"] if lo <= x[0] < hi]
        if per_run:
            print(
                f"  {lo:3d}-{hi:3d} s: coverage {np.mean(per_run):6.3f} "
                f"(runs {len(per_run)}), median impact error {np.median(errs):7.3f} km"
            )
    ratios = [
        r["summary"]["pcrlb"]["M1"]["ratio"] for r in results if "M1" in r["summary"]["pcrlb"]
    ]
    nees_b = [
        r["summary"]["nees_mean_ballistic"]
        for r in results
        if r["summary"]["nees_mean_ballistic"] is not None
    ]
    breaks = [r["summary"]["objects"]["M1"]["breaks"] for r in results]
    print(
        f"position RMSE / PCRLB in ballistic flight: median {np.median(ratios):.2f}, "
        f"90th percentile {np.percentile(ratios, 90):.2f}"
    )
    print(f"NEES (6 dof) in ballistic flight, mean over runs: {np.mean(nees_b):.2f} (ideal 6)")
    # where an unresolved stage leaves its mark: the missile's tracks by time since burnout
    parts = []
    for start, end in NEES_BANDS:
        band = _band_means([r["nees"] for r in results], start, end)
        if band:
            upper = f"{end:.0f}" if np.isfinite(end) else ""
            parts.append(f"{start:.0f}-{upper} s {np.mean(band):.1f}")
    print("NEES (6 dof) of the missile's tracks by time since burnout, mean over runs:")
    print("    " + ", ".join(parts))
    lo, hi, nbins, above, below = nees_band([r["nees"] for r in results])
    print(
        f"N-run average NEES per second since burnout ({nbins} s where every run has a record): "
        f"95 % region [{lo:.2f}, {hi:.2f}]; above it {100 * above:.1f} %, below "
        f"{100 * below:.1f} % of those seconds (consistent: about 2.5 % each)"
    )
    print(f"track breaks per missile: mean {np.mean(breaks):.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, default=float))


if __name__ == "__main__":
    main()
