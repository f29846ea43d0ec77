"""Ground truth of a scenario: every object's state from launch (or release) to impact.

Missiles come from the reconstruction of their reported numbers (one batch per launch site,
each missile turned by a seeded few tenths of a degree and its speed varied by a few metres
per second, so a salvo's missiles fly a few kilometres apart), or from a given burnout state.
At burnout a missile may drop spent stages and shed debris, each flown on with its own
ballistic coefficient. A missile with a glide segment pulls up into lifting flight when it
falls through the glide altitude.

Each object is stored as nodes (t, r, v) no more than ``NODE_STEP_S`` apart, and any instant is
read by cubic Hermite interpolation of position and velocity (error under a centimetre at
that spacing; see tests/test_truth.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.flight.boost import BoostAssumptions, boost_states
from launchwatch.flight.propagate import propagate
from launchwatch.flight.reconstruct import ReportedLaunch, fly, reconstruct
from launchwatch.scenario import Burnout, Glide, Launch, Scenario

__all__ = ["PHASES", "Truth", "TruthObject", "build_truth", "hermite"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int8]

NODE_STEP_S: Final = 1.0
REENTRY_ALTITUDE_M: Final = 100_000.0
STAGE_PUSH_M_S: Final = 3.0
"""The speed at which a spent stage is pushed back at separation (the tracker's
stage_release_m_s assumes the same)."""
PHASES: Final = ("boost", "midcourse", "re-entry", "glide")
Kind = Literal["missile", "stage", "debris"]


@dataclass
class TruthObject:
    id: str
    kind: Kind
    parent: str | None
    rcs_m2: float
    t_start: float
    t_burnout: float
    """End of the motor burn (equal to t_start for stages and debris: they never burn)."""
    t_end: float
    t_glide: float
    """Start of the glide segment (inf without one)."""
    nodes_t: FloatArray = field(repr=False)
    nodes_r: FloatArray = field(repr=False)
    nodes_v: FloatArray = field(repr=False)
    t_apogee: float = 0.0
    beta_kg_m2: float = float("inf")
    """Ballistic coefficient after burnout (the missile's re-entry β; a stage's or fragment's)."""


@dataclass
class Truth:
    objects: list[TruthObject]
    epoch_s: float
    t_stop: float
    _cache: dict[bytes, tuple[FloatArray, FloatArray, BoolArray]] = field(
        default_factory=dict, repr=False
    )

    def states(self, times: npt.ArrayLike) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Positions, velocities (n_objects, k, 3) and alive mask (n_objects, k) at times (k,).

        The last few results are kept: sensors with the same revisit interval scan at the same
        times, so they share one interpolation. Treat the arrays as read-only."""
        t = np.atleast_1d(np.asarray(times, dtype=np.float64))
        key = t.tobytes()
        if key in self._cache:
            return self._cache[key]
        if len(self._cache) >= 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = out = self._interpolate(t)
        return out

    def _interpolate(self, t: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray]:
        n = len(self.objects)
        r = np.full((n, t.size, 3), np.nan)
        v = np.full((n, t.size, 3), np.nan)
        alive = np.zeros((n, t.size), dtype=bool)
        for i, o in enumerate(self.objects):
            live = (t >= o.t_start) & (t <= o.t_end)
            if not np.any(live):
                continue
            ri, vi = hermite(o.nodes_t, o.nodes_r, o.nodes_v, t[live])
            r[i, live], v[i, live], alive[i, live] = ri, vi, True
        return r, v, alive

    def phases(self, times: npt.ArrayLike) -> IntArray:
        """Index into :data:`PHASES` per object and time (n_objects, k); -1 where not alive."""
        t = np.atleast_1d(np.asarray(times, dtype=np.float64))
        r, _, alive = self.states(t)
        alt = np.where(alive, earth.geodetic_altitude_m(np.nan_to_num(r)), np.inf)
        out = np.full(alive.shape, -1, dtype=np.int8)
        for i, o in enumerate(self.objects):
            a = alive[i]
            phase = np.where(
                t < o.t_burnout,
                0,
                np.where(
                    t >= o.t_glide,
                    3,
                    np.where((t > o.t_apogee) & (alt[i] < REENTRY_ALTITUDE_M), 2, 1),
                ),
            )
            out[i, a] = phase[a]
        return out


def hermite(
    nt: FloatArray, nr: FloatArray, nv: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Cubic Hermite interpolation of position (and its derivative, velocity) at times t."""
    j = np.clip(np.searchsorted(nt, t, side="right") - 1, 0, nt.size - 2)
    h = (nt[j + 1] - nt[j])[:, None]
    s = ((t - nt[j])[:, None]) / h
    p0, p1, v0, v1 = nr[j], nr[j + 1], nv[j], nv[j + 1]
    s2, s3 = s * s, s * s * s
    pos = (
        (2 * s3 - 3 * s2 + 1) * p0
        + (s3 - 2 * s2 + s) * h * v0
        + (-2 * s3 + 3 * s2) * p1
        + (s3 - s2) * h * v1
    )
    vel = (
        (6 * s2 - 6 * s) * p0 / h
        + (3 * s2 - 4 * s + 1) * v0
        + (-6 * s2 + 6 * s) * p1 / h
        + (3 * s2 - 2 * s) * v1
    )
    return pos, vel


def _path_nodes(path: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    return path[:, 0], path[:, 1:4], path[:, 4:7]


def _fly_on(
    r: FloatArray,
    v: FloatArray,
    t0: FloatArray,
    beta: FloatArray,
    lift: FloatArray | float = 0.0,
    impact_altitude_m: float = 0.0,
) -> tuple[list[FloatArray], FloatArray]:
    flight = propagate(
        r,
        v,
        t0=t0,
        beta_kg_m2=beta,
        lift_to_drag=lift,
        record=True,
        max_step_s=NODE_STEP_S,
        impact_altitude_m=impact_altitude_m,
    )
    return flight.paths, flight.apogee_time


def _missiles(
    launch: Launch, t_launch: float, rng: np.random.Generator, first_index: int
) -> list[TruthObject]:
    """The missiles of one [[launch]] table, with their stages and debris."""
    sites = list(launch.sites) or [(float(launch.lat_deg or 0.0), float(launch.lon_deg or 0.0))]
    out: list[TruthObject] = []
    assumptions = BoostAssumptions(
        burn_time_s=launch.burn_time_s, reentry_beta_kg_m2=launch.reentry_beta_kg_m2
    )
    by_site: dict[int, list[int]] = {}
    for k in range(launch.count):
        by_site.setdefault(k % len(sites), []).append(k)
    for s, members in by_site.items():
        lat, lon = sites[s]
        times = np.array([t_launch + k * launch.interval_s for k in members])
        ids = [f"{launch.id}{first_index + k + 1}" for k in members]
        if launch.burnout is not None:
            out += _from_burnout(launch, launch.burnout, times, ids)
            continue
        rec = reconstruct(
            ReportedLaunch(
                lat,
                lon,
                float(launch.range_km or 0.0),
                float(launch.apogee_km or 0.0),
                azimuth_deg=launch.azimuth_deg,
                impact_lat_deg=launch.impact_lat_deg,
                impact_lon_deg=launch.impact_lon_deg,
                flight_time_s=launch.flight_time_s,
            ),
            assumptions,
        )
        n = len(members)
        spread = n > 1
        heading = rec.heading_deg + (rng.uniform(-0.3, 0.3, n) if spread else np.zeros(n))
        speed = rec.burnout_speed_m_s + (rng.normal(0.0, 4.0, n) if spread else np.zeros(n))
        c = fly(
            lat,
            lon,
            heading,
            rec.burn_time_s,
            speed,
            np.radians(rec.burnout_gamma_deg),
            replace(assumptions, burn_time_s=rec.burn_time_s),
            record=True,
            max_step_s=NODE_STEP_S,
        )
        br, bv = boost_states(lat, lon, heading, c.boost)
        for i in range(n):
            t0 = times[i]
            path = c.flight.paths[i]
            t_b = t0 + rec.burn_time_s
            nodes_t = np.concatenate([t0 + c.boost.t[i, :-1], t0 + path[:, 0]])
            nodes_r = np.concatenate([br[i, :-1], path[:, 1:4]])
            nodes_v = np.concatenate([bv[i, :-1], path[:, 4:7]])
            out.append(
                TruthObject(
                    ids[i],
                    "missile",
                    None,
                    launch.rcs_m2,
                    t0,
                    t_b,
                    float(nodes_t[-1]),
                    np.inf,
                    nodes_t,
                    nodes_r,
                    nodes_v,
                    t_apogee=t0 + float(c.flight.apogee_time[i]),
                    beta_kg_m2=launch.reentry_beta_kg_m2,
                )
            )
    return out


def _from_burnout(
    launch: Launch, b: Burnout, times: FloatArray, ids: list[str]
) -> list[TruthObject]:
    r = earth.geodetic_to_ecef(b.lat_deg, b.lon_deg, b.alt_km * 1e3)
    enu = earth.aer_to_enu(b.heading_deg, b.flight_path_deg, b.speed_m_s)
    v = earth.enu_rotation(b.lat_deg, b.lon_deg).T @ enu
    n = times.size
    t0 = times + b.time_after_launch_s
    paths, apogee = _fly_on(
        np.tile(r, (n, 1)), np.tile(v, (n, 1)), t0, np.full(n, launch.reentry_beta_kg_m2)
    )
    return [
        TruthObject(
            ids[i],
            "missile",
            None,
            launch.rcs_m2,
            float(t0[i]),
            float(t0[i]),
            float(paths[i][-1, 0]),
            np.inf,
            *_path_nodes(paths[i]),
            t_apogee=float(apogee[i]),
            beta_kg_m2=launch.reentry_beta_kg_m2,
        )
        for i in range(n)
    ]


def _add_glide(m: TruthObject, launch: Launch, g: Glide) -> None:
    """Cut the ballistic fall at the glide altitude and fly on with lift from there."""
    burnout = int(np.searchsorted(m.nodes_t, m.t_burnout))
    start = np.array([burnout])
    paths, _ = _fly_on(
        m.nodes_r[start],
        m.nodes_v[start],
        m.nodes_t[start],
        np.array([launch.reentry_beta_kg_m2]),
        impact_altitude_m=g.start_alt_km * 1e3,
    )
    fall = paths[0]
    if (
        fall[-1, 0] >= m.nodes_t[-1] - 1e-6
        or earth.geodetic_altitude_m(fall[0, 1:4]) < g.start_alt_km * 1e3
    ):
        return  # never above the glide altitude after burnout: nothing to pull up from
    glide_paths, _ = _fly_on(
        fall[-1:, 1:4],
        fall[-1:, 4:7],
        fall[-1:, 0],
        np.array([g.beta_kg_m2]),
        np.array([g.lift_to_drag]),
    )
    t, r, v = _path_nodes(np.concatenate([fall, glide_paths[0][1:]]))
    m.nodes_t = np.concatenate([m.nodes_t[:burnout], t])
    m.nodes_r = np.concatenate([m.nodes_r[:burnout], r])
    m.nodes_v = np.concatenate([m.nodes_v[:burnout], v])
    m.t_glide, m.t_end = float(fall[-1, 0]), float(t[-1])


def _released(
    missiles: list[TruthObject], launch: Launch, rng: np.random.Generator
) -> list[TruthObject]:
    """Spent stages and debris released by each missile: stage k of n (S1 the lowest) when it
    burns out, k/n of the way through the boost, so that only the last flies on beside the
    payload after burnout; debris at burnout. A lower stage does not ride to the end of the
    powered flight: it falls away while the stages above it burn, kilometres behind by
    burnout."""
    rs, vs, ts, betas = [], [], [], []
    meta: list[tuple[str, Kind, str, float]] = []
    for m in missiles:
        if m.t_burnout <= m.t_start:
            continue
        for s in range(launch.stages):
            t_sep = m.t_start + (m.t_burnout - m.t_start) * (s + 1) / launch.stages
            j = int(np.searchsorted(m.nodes_t, t_sep))
            r, v = m.nodes_r[j], m.nodes_v[j]
            rs.append(r)
            vs.append(v - STAGE_PUSH_M_S * v / np.linalg.norm(v))  # pushed back at separation
            ts.append(m.nodes_t[j])
            betas.append(launch.stage_beta_kg_m2)
            meta.append((f"{m.id}-S{s + 1}", "stage", m.id, launch.stage_rcs_m2))
        j = int(np.searchsorted(m.nodes_t, m.t_burnout))
        r, v, t = m.nodes_r[j], m.nodes_v[j], m.nodes_t[j]
        for d in range(launch.debris):
            rs.append(r)
            vs.append(v + rng.normal(0.0, launch.debris_speed_sigma_m_s, 3))
            ts.append(t)
            betas.append(float(np.exp(rng.uniform(np.log(300.0), np.log(3000.0)))))
            meta.append((f"{m.id}-D{d + 1}", "debris", m.id, launch.debris_rcs_m2))
    if not rs:
        return []
    paths, apogee = _fly_on(np.array(rs), np.array(vs), np.array(ts), np.array(betas))
    out = []
    for i, (oid, kind, parent, rcs) in enumerate(meta):
        p = paths[i]
        out.append(
            TruthObject(
                oid,
                kind,
                parent,
                rcs,
                float(p[0, 0]),
                float(p[0, 0]),
                float(p[-1, 0]),
                np.inf,
                *_path_nodes(p),
                t_apogee=float(apogee[i]),
                beta_kg_m2=float(betas[i]),
            )
        )
    return out


def build_truth(scenario: Scenario) -> Truth:
    """All objects of the scenario (seeded: the same file gives the same truth)."""
    rng = np.random.default_rng(scenario.settings.seed)
    objects: list[TruthObject] = []
    counters: dict[str, int] = {}
    for launch, t_launch in zip(scenario.launches, scenario.launch_times_s, strict=True):
        first = counters.get(launch.id, 0)
        missiles = _missiles(launch, t_launch, rng, first)
        counters[launch.id] = first + launch.count
        if launch.glide is not None:
            for m in missiles:
                _add_glide(m, launch, launch.glide)
        objects += missiles + _released(missiles, launch, rng)
    t_stop = max(o.t_end for o in objects) + 1.0
    if scenario.settings.duration_s is not None:
        t_stop = min(t_stop, scenario.epoch_s + scenario.settings.duration_s)
    return Truth(objects, scenario.epoch_s, t_stop)
