"""tracking.resolution (compiled) against the NumPy form it replaced in the tracker."""

from __future__ import annotations

import math

import numpy as np

from launchwatch import earth
from launchwatch.tracking.resolution import unresolved_pairs


def _reference(inside, confirmed, p, s, res_range_m, res_angle_deg):
    """The tracker's NumPy form (tracker.py before 2026-12-03)."""
    merged = np.zeros(inside.shape[1], dtype=np.bool_)
    pairs: set[tuple[int, int]] = set()
    rel = p[:, :3] - s
    rng = np.sqrt(np.einsum("ij,ij->i", rel, rel))
    unit = rel / rng[:, None]
    cos_res = math.cos(math.radians(res_angle_deg))
    for c in np.flatnonzero((inside & confirmed[:, None]).sum(axis=0) >= 2):
        k = np.flatnonzero(inside[:, c] & confirmed)
        close = (np.abs(rng[k][:, None] - rng[k][None, :]) < res_range_m) & (
            unit[k] @ unit[k].T > cos_res
        )
        np.fill_diagonal(close, False)
        merged[c] = close.any()
        for a, b in zip(*np.nonzero(np.triu(close)), strict=True):
            pairs.add((int(k[a]), int(k[b])))
    return merged, pairs


def test_unresolved_pairs_match_the_numpy_form_on_300_seeded_scans() -> None:
    rng = np.random.default_rng(11)
    s = earth.geodetic_to_ecef(37.0, 127.0, 50.0)
    with_pairs = 0
    for _ in range(300):
        n_tracks, n_det = rng.integers(1, 12), rng.integers(1, 8)
        # tracks 600-900 km out in a cluster a few km wide, so that some share a cell
        centre = earth.geodetic_to_ecef(40.0, 132.0, 300e3)
        p = centre + rng.normal(0.0, rng.choice([300.0, 3000.0]), (n_tracks, 3))
        p = np.hstack([p, rng.normal(0.0, 1.0, (n_tracks, 5))])
        inside = rng.random((n_tracks, n_det)) < 0.5
        confirmed = rng.random(n_tracks) < 0.8
        merged, pairs = unresolved_pairs(inside, confirmed, p, s, 1500.0, 0.3)
        ref_merged, ref_pairs = _reference(inside, confirmed, p, s, 1500.0, 0.3)
        np.testing.assert_array_equal(merged, ref_merged)
        assert {(int(a), int(b)) for a, b in pairs} == ref_pairs
        assert len(pairs) == len(ref_pairs)  # each pair once
        with_pairs += bool(ref_pairs)
    # the cases exercise the test: many scans have pairs, many do not
    assert 50 < with_pairs < 250
