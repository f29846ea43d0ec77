"""Julier & Uhlmann's re-entry problem, 100 Monte-Carlo runs, with launchwatch's EKF and UKF
steps: average position RMSE against the EKF/UKF toolbox's ~8.4 m.

    bash scripts/bench reentry_anchor
"""

from __future__ import annotations

import argparse

import numpy as np

from launchwatch.tracking.reentry_problem import run_reentry


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=100)
    args = ap.parse_args()
    runs = [run_reentry(seed) for seed in range(args.runs)]
    ekf = np.array([r.ekf_position_rmse_m for r in runs])
    ukf = np.array([r.ukf_position_rmse_m for r in runs])
    print(
        f"re-entry problem, {args.runs} runs: average position RMSE "
        f"EKF {ekf.mean():.2f} m (sd {ekf.std():.2f}), "
        f"UKF {ukf.mean():.2f} m (sd {ukf.std():.2f}); "
        f"EKF/UKF toolbox: about 8.4 m"
    )


if __name__ == "__main__":
    main()
