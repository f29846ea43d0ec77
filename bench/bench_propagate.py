"""Propagate N burnout states to impact: launchwatch (vectorised) against a loop of
scipy.integrate.solve_ivp (RK45, the same Dormand-Prince 5(4) pair) over the same set.

    .venv/bin/python bench/bench_propagate.py [--n 10000] [--peer-count 500] [--seed 1]

Both use the same equations of motion (J2, rotating Earth, drag through β), the same
tolerances and a terminal event on geodetic altitude. The peer loop is timed over a random
subset of the same set (``--peer-count``; pass ``--peer-count N`` to run all of it) and its
rate is trajectories per second over that subset. The impact points of the subset are compared.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.integrate import solve_ivp

from launchwatch import earth
from launchwatch.flight.dynamics import acceleration
from launchwatch.flight.propagate import propagate

RTOL, ATOL = 1e-9, 1e-3


def states(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = rng.uniform(38.0, 41.0, n)
    lon = rng.uniform(124.5, 129.0, n)
    alt = rng.uniform(30e3, 200e3, n)
    az = rng.uniform(0.0, 360.0, n)
    el = rng.uniform(15.0, 75.0, n)
    speed = rng.uniform(1500.0, 7000.0, n)  # SRBM to ICBM burnout speeds
    beta = rng.uniform(5e3, 6e4, n)
    enu = earth.aer_to_enu(az, el, speed)
    v = np.einsum("nji,nj->ni", earth.enu_rotation(lat, lon), enu)
    return earth.geodetic_to_ecef(lat, lon, alt), v, beta


def peer_one(r: np.ndarray, v: np.ndarray, beta: float) -> np.ndarray:
    inv_beta, no_lift = np.array([1.0 / beta]), np.zeros(1)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return np.concatenate([y[3:], acceleration(y[None, :3], y[None, 3:], inv_beta, no_lift)[0]])

    def ground(_t: float, y: np.ndarray) -> float:
        return float(earth.geodetic_altitude_m(y[:3]))

    ground.terminal = True  # type: ignore[attr-defined]
    ground.direction = -1  # type: ignore[attr-defined]
    sol = solve_ivp(
        rhs,
        (0.0, 4 * 3600.0),
        np.concatenate([r, v]),
        method="RK45",
        rtol=RTOL,
        atol=ATOL,
        events=ground,
    )
    return np.asarray(sol.y_events[0][0][:3])


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--peer-count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    r, v, beta = states(args.n, rng)

    propagate(r[:10], v[:10], beta_kg_m2=beta[:10])  # warm-up (imports, tables)
    t0 = time.perf_counter()
    flight = propagate(r, v, beta_kg_m2=beta, rtol=RTOL, atol_m=ATOL)
    ours_s = time.perf_counter() - t0
    assert flight.impacted.all()

    subset = rng.choice(args.n, size=min(args.peer_count, args.n), replace=False)
    t0 = time.perf_counter()
    peer_impacts = np.array([peer_one(r[i], v[i], beta[i]) for i in subset])
    peer_s = time.perf_counter() - t0

    ours_rate = args.n / ours_s
    peer_rate = subset.size / peer_s
    miss = np.linalg.norm(flight.r_impact[subset] - peer_impacts, axis=1)
    print(
        f"trajectories: {args.n} (seed {args.seed}), flight times "
        f"{(flight.t_impact.min()):.0f}-{flight.t_impact.max():.0f} s, rtol {RTOL:g}"
    )
    print(
        f"launchwatch propagate : {ours_s:8.2f} s  {ours_rate:10.0f} trajectories/s "
        f"({flight.steps} array steps)"
    )
    print(
        f"scipy solve_ivp loop  : {peer_s:8.2f} s  {peer_rate:10.1f} trajectories/s "
        f"(over {subset.size} of the same set)"
    )
    print(f"ratio                 : {ours_rate / peer_rate:8.1f}x")
    print(f"impact difference     : median {np.median(miss):.3f} m, max {miss.max():.3f} m")


if __name__ == "__main__":
    main()
