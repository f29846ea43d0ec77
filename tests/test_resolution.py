"""tracking.resolution: the compiled kernels against the NumPy forms they replaced in the
tracker, and missile_ahead on hand-made scans."""

from __future__ import annotations

import math

import numpy as np

from launchwatch import earth
from launchwatch.atmosphere import density_kg_m3
from launchwatch.flight.dynamics import approximate_altitude_m
from launchwatch.tracking.resolution import (
    between_pairs,
    missile_ahead,
    stage_floor,
    unresolved_pairs,
)


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


def _floor_reference(x, P, mu, rows, cols, z, half, alone, t, s, beta, res_r, res_a, sig_r, sig_a):
    """Tracker._consider_pair's NumPy form (tracker.py before 2026-12-03), past its filter, with
    the floor on the variance along the velocity given the other directions (2026-12-05)."""
    xc = np.einsum("nk,nka->na", mu[rows], x[rows])
    h = half[rows]
    dt = np.maximum(t - h[:, 2], 0.0)
    speed = np.linalg.norm(xc[:, 3:6], axis=1)
    rho = density_kg_m3(approximate_altitude_m(xc[:, :3]))
    accel = rho * speed**2 / (2.0 * beta)
    h[:, 1] += 0.5 * accel * dt
    h[:, 0] += h[:, 1] * dt
    h[:, 2] = t
    half[rows] = h
    u = xc[:, 3:6] / speed[:, None]
    rel = xc[:, :3] - s
    rng = np.linalg.norm(rel, axis=1)
    along = np.abs(np.einsum("ij,ij->i", u, rel)) / rng
    sep = 2.0 * h[:, 0]
    across = sep * np.sqrt(np.maximum(1.0 - along**2, 0.0)) / rng

    def one_cell(fraction):
        return (fraction * sep * along < res_r) & (fraction * across < math.radians(res_a))

    merged = one_cell(1.0)
    resolved = np.flatnonzero(~one_cell(0.5))
    if resolved.size:
        c = cols[resolved]
        dr = np.abs(z[:, 0][None, :] - z[c, 0][:, None])
        daz = (z[:, 1][None, :] - z[c, 1][:, None] + math.pi) % (2.0 * math.pi) - math.pi
        dang = np.hypot(daz * np.cos(z[c, 2])[:, None], z[:, 2][None, :] - z[c, 2][:, None])
        near = (dr < (2.0 * sep[resolved] * along[resolved] + 4.0 * sig_r)[:, None]) & (
            dang < (2.0 * across[resolved] + 4.0 * math.radians(sig_a))[:, None]
        )
        near[np.arange(c.size), c] = False
        alone[rows[resolved[~near.any(axis=1)]]] += 1
    floored, um = rows[merged], u[merged]
    uu = np.einsum("ma,mb->mab", um, um)[:, None]
    for lo, sigma in ((0, h[merged, 0]), (3, h[merged, 1])):
        block = P[floored, :, lo : lo + 3, lo : lo + 3]
        # the variance along u given the other two directions: 1 / (uᵀ B⁻¹ u)
        var = 1.0 / np.einsum("ma,mkab,mb->mk", um, np.linalg.inv(block), um)
        P[floored, :, lo : lo + 3, lo : lo + 3] = (
            block + np.maximum(sigma[:, None] ** 2 - var, 0.0)[:, :, None, None] * uu
        )


def test_the_stage_floor_matches_its_numpy_form_on_200_seeded_scans() -> None:
    rng = np.random.default_rng(12)
    s = earth.geodetic_to_ecef(37.0, 127.0, 50.0)
    R = earth.enu_rotation(37.0, 127.0)
    floored = counted = uncounted = 0
    for _ in range(200):
        n, K = int(rng.integers(2, 9)), 3
        # tracks 80-400 km up and 300-1,200 km out, falling or climbing at 2-4 km/s
        lat, lon = rng.uniform(38.0, 42.0, n), rng.uniform(128.0, 138.0, n)
        p = earth.geodetic_to_ecef(lat, lon, rng.uniform(80e3, 400e3, n))
        v = rng.normal(0.0, 1.0, (n, 3))
        v *= (rng.uniform(2e3, 4e3, n) / np.linalg.norm(v, axis=1))[:, None]
        x = np.zeros((n, K, 8))
        x[:, :, :3] = p[:, None] + rng.normal(0.0, 50.0, (n, K, 3))
        x[:, :, 3:6] = v[:, None] + rng.normal(0.0, 2.0, (n, K, 3))
        A = rng.normal(0.0, 1.0, (n, K, 8, 8))
        scale = np.array([200.0, 200.0, 200.0, 5.0, 5.0, 5.0, 0.1, 1.0])
        P = np.einsum("nkab,nkcb->nkac", A, A) * np.outer(scale, scale) / 8.0
        mu = rng.dirichlet(np.ones(K), n)
        # nominal half-separations of 0-3 km (some resolved by a 150 m / 0.3° radar, some not)
        half = np.column_stack(
            [rng.uniform(0.0, 3000.0, n), rng.uniform(0.0, 5.0, n), rng.uniform(-20.0, 0.0, n)]
        )
        alone = rng.integers(0, 3, n).astype(np.int64)
        # the scan: one detection per updated track, and some near others (the second object)
        rows = np.sort(rng.choice(n, int(rng.integers(1, n + 1)), replace=False)).astype(np.intp)
        enu = np.einsum("ij,nj->ni", R, p[rows] - s)
        az, el, sr = earth.enu_to_aer(enu)
        z = np.column_stack([sr, np.radians(az), np.radians(el)])
        extra = z[rng.random(rows.size) < 0.5] + rng.normal(0.0, 1.0, 3) * [2000.0, 0.01, 0.01]
        z = np.vstack([z, extra])
        cols = np.arange(rows.size, dtype=np.intp)
        args = (z, 0.0, s, 1500.0, 150.0, 0.3, 20.0, 0.05)
        before = (P.copy(), alone.copy())
        ref = (P.copy(), half.copy(), alone.copy())
        _floor_reference(x, ref[0], mu, rows, cols, z, ref[1], ref[2], *args[1:])
        stage_floor(x, P, mu, rows, cols, z, half, alone, *args[1:])
        np.testing.assert_allclose(P, ref[0], rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(half, ref[1], rtol=1e-12)
        np.testing.assert_array_equal(alone, ref[2])
        floored += int(not np.array_equal(ref[0], before[0]))
        counted += int((ref[2] - before[1]).sum())
        uncounted += int(rows.size - (ref[2] - before[1]).sum())
    # the cases exercise the floor, the count of looks alone and the looks not counted
    assert floored > 20
    assert counted > 20
    assert uncounted > 20


def test_the_floor_holds_the_pair_s_offset_where_the_range_is_sharp_and_the_beam_wide() -> None:
    """A track 500 km from the radar, 300 km up, flying 30° off the line of sight: its position
    is known to 3 m in range and to 60 m across the beam, so along its velocity alone it is
    uncertain by 30 m, more than the pair's half-separation of 25 m, but given the directions
    across it by 3.5 m. The merged detection pins the pair's mean in range, so the floor must
    leave room for the offset along the velocity: the block minus σ² u uᵀ stays positive
    semi-definite (a floor on the variance along u alone would not have moved it)."""
    s = earth.geodetic_to_ecef(37.0, 127.0, 50.0)
    R = earth.enu_rotation(37.0, 127.0)
    p = earth.geodetic_to_ecef(40.5, 130.5, 300e3)
    los = (p - s) / np.linalg.norm(p - s)
    side = np.cross(los, p / np.linalg.norm(p))
    side /= np.linalg.norm(side)
    other = np.cross(los, side)
    u = math.cos(math.radians(30.0)) * los + math.sin(math.radians(30.0)) * side
    K = 3
    x = np.zeros((1, K, 8))
    x[0, :, :3] = p
    x[0, :, 3:6] = 3000.0 * u
    block = 3.0**2 * np.outer(los, los) + 60.0**2 * (np.outer(side, side) + np.outer(other, other))
    P = np.zeros((1, K, 8, 8))
    P[0, :, :3, :3] = block
    P[0, :, 3:6, 3:6] = np.eye(3)
    P[0, :, 6, 6] = P[0, :, 7, 7] = 1.0
    mu = np.array([[0.1, 0.8, 0.1]])
    half = np.array([[25.0, 1.5, 0.0]])
    alone = np.zeros(1, dtype=np.int64)
    az, el, sr = earth.enu_to_aer(np.einsum("ij,nj->ni", R, p[None] - s))
    z = np.column_stack([sr, np.radians(az), np.radians(el)])
    assert u @ block @ u > half[0, 0] ** 2  # the old floor's test would pass it unchanged
    rows = cols = np.zeros(1, dtype=np.intp)
    stage_floor(x, P, mu, rows, cols, z, half, alone, 0.0, s, 1500.0, 150.0, 0.3, 20.0, 0.05)
    for k in range(K):
        for lo, sigma in ((0, half[0, 0]), (3, half[0, 1])):
            b = P[0, k, lo : lo + 3, lo : lo + 3]
            assert np.linalg.eigvalsh(b - sigma**2 * np.outer(u, u)).min() > -1e-6 * sigma**2
        assert math.sqrt(u @ P[0, k, :3, :3] @ u) > 38.0  # from 30.1 m: 25 m of offset added
    gained = P[0, 0, :3, :3] - block  # raised along u only
    np.testing.assert_allclose(gained, (u @ gained @ u) * np.outer(u, u), atol=1e-6)
    assert alone[0] == 0  # a radar that merges the pair does not call the track alone


def _ahead_case(**change):
    """Two gate rows, three detections: row 0 (floored, flying along the line of sight, cos
    0.9, half-separation 100 m) holds detection 0 at 100 km; detection 1 lies 180 m further
    in range (200 m ahead along the velocity), detection 2 far off, held by row 1 (not
    floored), whose gate holds detections 1 and 2 only. σ of range 20 m: ahead means more
    than 3√2·20 = 85 m in range and less than 4·100 m + 94 m along the velocity."""
    case = {
        "rows": np.array([0, 1], dtype=np.intp),
        "cols": np.array([0, 2], dtype=np.intp),
        "usable": np.array([[True, True, False], [False, True, True]]),
        "floored": np.array([True, False]),
        "range_m": np.array([100e3, 100e3 + 180.0, 120e3]),
        "along": np.array([0.9, 0.9]),
        "half_m": np.array([100.0, 0.0]),
        "sigma_range_m": 20.0,
    }
    case.update(change)
    return missile_ahead(**case)


def test_a_floored_track_takes_a_free_detection_ahead_of_its_own() -> None:
    cols, taken = _ahead_case()
    assert cols.tolist() == [1, 2]
    assert taken == 1
    # moving toward the radar, ahead is nearer in range
    cols, taken = _ahead_case(along=np.array([-0.9, 0.9]))
    assert cols.tolist() == [0, 2]
    assert taken == 0
    cols, taken = _ahead_case(
        along=np.array([-0.9, 0.9]), range_m=np.array([100e3, 100e3 - 180.0, 120e3])
    )
    assert cols.tolist() == [1, 2]
    assert taken == 1


def test_a_detection_behind_too_close_too_far_or_unjudgeable_is_left() -> None:
    for change in (
        {"range_m": np.array([100e3, 100e3 - 180.0, 120e3])},  # behind
        {"range_m": np.array([100e3, 100e3 + 80.0, 120e3])},  # inside 3σ of the noise
        {"range_m": np.array([100e3, 100e3 + 480.0, 120e3])},  # 533 m: not the pair
        {"along": np.array([0.4, 0.9])},  # across the line of sight: range cannot tell
        {"floored": np.array([False, False])},
    ):
        cols, taken = _ahead_case(**change)
        assert cols.tolist() == [0, 2], change
        assert taken == 0, change


def test_a_detection_ahead_held_by_another_track_is_swapped_only_if_it_may() -> None:
    # detection 1 held by row 1 (not floored), whose gate holds detection 0 too: swapped
    usable = np.array([[True, True, False], [True, True, False]])
    cols, taken = _ahead_case(cols=np.array([0, 1], dtype=np.intp), usable=usable)
    assert cols.tolist() == [1, 0]
    assert taken == 1
    # row 1 cannot take detection 0: left
    usable = np.array([[True, True, False], [False, True, False]])
    cols, taken = _ahead_case(cols=np.array([0, 1], dtype=np.intp), usable=usable)
    assert cols.tolist() == [0, 1]
    assert taken == 0
    # row 1 is floored itself (another missile): left
    usable = np.array([[True, True, False], [True, True, False]])
    cols, taken = _ahead_case(
        cols=np.array([0, 1], dtype=np.intp), usable=usable, floored=np.array([True, True])
    )
    assert cols.tolist() == [0, 1]
    assert taken == 0


def _between_reference(p, confirmed, s, R, z, resolution_range_m, resolution_angle_deg):
    """The NumPy form of resolution.between_pairs (before it was compiled, 2026-12-04)."""
    n, m = p.shape[0], z.shape[0]
    none = np.zeros(m, dtype=np.bool_), np.zeros((0, 2), dtype=np.intp)
    if n < 2 or not m or np.count_nonzero(confirmed) < 2:
        return none
    d = p[:, :3] - s
    rng = np.linalg.norm(d, axis=1)
    unit = d / rng[:, None]
    cos_res = math.cos(math.radians(resolution_angle_deg))
    a, b = np.triu_indices(n, 1)
    pair = (
        confirmed[a]
        & confirmed[b]
        & (np.abs(rng[a] - rng[b]) < resolution_range_m)
        & (np.einsum("ij,ij->i", unit[a], unit[b]) > cos_res)
    )
    if not pair.any():
        return none
    a, b = a[pair], b[pair]
    az, el = z[:, 1], z[:, 2]
    enu = np.column_stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
    los = enu @ R  # ECEF unit vectors: R's rows are east, north, up
    near = (np.abs(z[:, 0][None, :] - rng[:, None]) < resolution_range_m) & (
        unit @ los.T > cos_res
    )  # (tracks, detections): in the cell of track i
    holds = near[a] & near[b]  # (pairs, detections)
    return holds.any(axis=0), np.column_stack([a, b])[holds.any(axis=1)].astype(np.intp)


def _radar_view(targets: np.ndarray, s: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Noiseless range, azimuth, elevation of ECEF points from a radar at s (ENU rows R)."""
    d = (targets - s) @ R.T
    rng = np.linalg.norm(d, axis=1)
    return np.column_stack(
        [rng, np.arctan2(d[:, 0], d[:, 1]) % (2 * np.pi), np.arcsin(d[:, 2] / rng)]
    )


def test_the_mean_of_a_pair_the_radar_cannot_resolve_is_found_between_them() -> None:
    """Two confirmed tracks 1 km apart across the beam at 500 km (0.11°, under the 0.3° of
    angular resolution) and at one range: a detection at their mean lies in both cells; one
    3 km to the side, or 200 m further in range, does not. The same pair 300 m apart in range
    (resolved by 150 m) or with one track tentative finds nothing."""
    lat, lon = 37.0, 127.0
    s = earth.geodetic_to_ecef(lat, lon, 0.0)
    R = earth.enu_rotation(lat, lon)
    los = R.T @ np.array([np.cos(0.3), 0.0, np.sin(0.3)])  # north-east-ish, 17° up
    across = np.cross(los, s / np.linalg.norm(s))
    across /= np.linalg.norm(across)
    mid = s + 500e3 * los
    p = np.array([mid - 500.0 * across, mid + 500.0 * across])
    z = _radar_view(np.array([mid, mid + 3000.0 * across, mid + 200.0 * los]), s, R)
    found, pairs = between_pairs(p, np.array([True, True]), s, R, z, 150.0, 0.3)
    np.testing.assert_array_equal(found, [True, False, False])
    np.testing.assert_array_equal(pairs, [[0, 1]])
    apart = p + np.array([[0.0] * 3, list(300.0 * los)])
    for p_, confirmed in ((apart, [True, True]), (p, [True, False])):
        found, pairs = between_pairs(p_, np.array(confirmed), s, R, z, 150.0, 0.3)
        assert not found.any()
        assert pairs.shape == (0, 2)


def test_between_pairs_matches_its_numpy_form_on_300_seeded_scans() -> None:
    rng = np.random.default_rng(12)
    lat, lon = 37.0, 127.0
    s = earth.geodetic_to_ecef(lat, lon, 50.0)
    R = earth.enu_rotation(lat, lon)
    centre = earth.geodetic_to_ecef(40.0, 132.0, 300e3)
    with_found = 0
    for _ in range(300):
        n_tracks, n_det = rng.integers(1, 10), rng.integers(1, 8)
        # a cluster a few km wide 600-900 km out, and detections among the tracks
        p = centre + rng.normal(0.0, rng.choice([200.0, 2000.0]), (n_tracks, 3))
        p = np.hstack([p, rng.normal(0.0, 1.0, (n_tracks, 5))])
        near = p[rng.integers(0, n_tracks, n_det), :3] + rng.normal(0.0, 300.0, (n_det, 3))
        z = _radar_view(near, s, R)
        confirmed = rng.random(n_tracks) < 0.8
        found, pairs = between_pairs(p, confirmed, s, R, z, 150.0, 0.3)
        ref_found, ref_pairs = _between_reference(p, confirmed, s, R, z, 150.0, 0.3)
        np.testing.assert_array_equal(found, ref_found)
        np.testing.assert_array_equal(pairs, ref_pairs)
        with_found += bool(ref_found.any())
    # the cases exercise the test: many scans hold a pair's mean, many do not
    assert 30 < with_found < 270
