"""The demo's wall time and peak memory (``launchwatch demo`` on a shipped scenario, in a child
process), step by step, beside the flight's own duration: a watch floor must keep up with the
flight it watches.

    bash scripts/bench demo
    .venv/bin/python bench/bench_demo.py --scenario scenarios/2022-10-04-irbm-overflight.toml
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--scenario", default=str(ROOT / "scenarios" / "2025-01-06-hypersonic-irbm.toml")
    )
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="launchwatch-demo-") as tmp:
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "launchwatch.cli", "demo", args.scenario, "--out", tmp,
             "--report", f"{tmp}/reports", "--json"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = json.loads(proc.stdout)
        times = [
            json.loads(line)["time"] for line in (Path(tmp) / "run" / "measurements.jsonl").open()
        ]
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in out["timings_s"].items())
    first, last = min(times), max(times)
    span = (dt.datetime.fromisoformat(last) - dt.datetime.fromisoformat(first)).total_seconds()
    print(f"scenario: {out['scenario']['name']}")
    print(f"demo wall time: {wall:.1f} s ({steps}, the rest start-up and the report)")
    print(f"peak memory (resident): {peak_mib:.0f} MiB")
    rate = span / wall
    print(f"measurements span {span:.0f} s of flight: the whole job ran at {rate:.1f}x real time")


if __name__ == "__main__":
    main()
