"""One fused picture of every object in flight from all partners' sensors (centralised).

Measurements arrive in time order (see intake); those of one sensor at one time form a scan.
For each scan:

1. predict to the scan time the tracks the sensor may see (IMM over EKF or UKF steps,
   batched); a track is predicted only when a sensor may see it, so each IMM cycle spans the
   time between the scans that concern it, not between any two scans of any sensor;
2. for radar, gate the tracks the sensor can see against the scan's detections with the
   normalised innovation squared at χ²(0.9999), and assign by global nearest neighbour
   (``scipy.optimize.linear_sum_assignment`` on d² + ln|S|);
3. update the assigned tracks; count a miss for the others the sensor could see;
4. start a tentative track from each detection that fell in no gate;
5. confirm a tentative track with M hits in its last N chances, drop it after two misses in a
   row; delete a confirmed track after ``delete_misses`` misses in a row, after
   ``max_coast_s`` without an update, or when it is predicted below ground.

Space infrared (lines of sight) updates tracks it gates with, and otherwise raises or extends a
launch alert whose launch point is where the first line of sight meets the ellipsoid.

The tracks' filter states live in one set of arrays (x (n, K, 8), P (n, K, 8, 8), μ (n, K) and
each track's state time), row i for ``tracks[i]``; with the EKF the IMM cycle runs in the
compiled kernels of ``imm_ekf``, with the UKF in the NumPy forms of ``kalman``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import Any, Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from launchwatch import earth
from launchwatch.scenario import SensorSpec
from launchwatch.sensors import sector_width_deg, sensor_position, ship_state
from launchwatch.tracking import imm, imm_ekf
from launchwatch.tracking.impact import ImpactPrediction, predict_impacts, predict_launch_points
from launchwatch.tracking.intake import Measurement
from launchwatch.tracking.kalman import ukf_predict, ukf_update
from launchwatch.tracking.motion import MAX_STEP_S, STATE_DIM
from launchwatch.tracking.resolution import (
    between_pairs,
    missile_ahead,
    stage_floor,
    unresolved_pairs,
)
from launchwatch.tracking.sensing import los_frame, radar_model

__all__ = ["LaunchAlert", "Track", "TrackUpdate", "Tracker", "TrackerConfig", "triangulate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
K: Final = len(imm.MODELS)
_BELOW_GROUND_M: Final = 2000.0
"""A track this far under the ellipsoid is deleted (it has come down)."""
D: Final = STATE_DIM


@dataclass(frozen=True)
class TrackerConfig:
    filter: Literal["ekf", "ukf"] = "ekf"
    imm: imm.ImmConfig = field(default_factory=imm.ImmConfig)
    gate_probability: float = 0.9999
    confirm_hits: int = 3
    confirm_window: int = 5
    delete_misses: int = 12
    max_coast_s: float = 10.0
    initial_speed_sigma_m_s: float = 2500.0
    initial_log_kappa_sigma: float = 1.0
    """Prior on ln(β/20,000 kg/m²): one σ is a factor e either way."""
    initial_thrust_sigma_m_s2: float = 40.0
    impact_interval_s: float = 2.0
    impact_settle_s: float = 30.0
    """For this long after a track's phase changed (at burnout; a new track's first
    prediction counts as one), its impact is predicted every impact_interval_s even when 2 %
    of the flight left is longer: the prediction moves most then, and the alert rules wait
    for one made some seconds after burnout (alert_rules.RuleSet.min_coast_s)."""
    launch_interval_s: float = 10.0
    """The back-propagated launch point changes slowly once a track is ballistic."""
    alert_join_urad: float = 2000.0
    widen_unresolved: bool = False
    """Widen the covariance of each track of an unresolved pair until the other lies within
    2σ (docs/tracking.md, "Consistency"). Off by default: with a spent stage beside the
    missile it brings NEES from 82 to 13, but in the stress scenario's debris clouds the wider
    gates take the neighbours' detections (position RMSE 105 → 442 m, breaks 1,451 → 2,096)."""
    innovation_scaling: float = 0.0
    """When a track's running mean of the radar NIS per degree of freedom exceeds this, its
    position and velocity covariance is multiplied by that mean (at most 10) and the mean
    starts again at 1: a track whose innovations stay too large for its covariance follows
    something its model does not describe (docs/tracking.md, "Covariance scaled on the
    innovations"). 0 (the default) is off: at 2.0 a staged 2025 launch's NEES goes from 77 to
    45 and 2022's from 430 to 98 (clean flight: RMSE 1.22 → 1.26× the bound), but a young
    track between a stage and a debris fragment, widened, goes on taking both."""
    innovation_memory: float = 0.7
    """The running mean's weight on the past per update (about 6 updates)."""
    stage_release_m_s: float = 3.0
    """The speed (m/s) at which a spent stage may be pushed back from the missile at burnout,
    or 0 for no such consider term. A track seen under thrust and then in ballistic flight
    keeps, while a radar could not resolve such a pair, at least the variance along its
    velocity of the pair's nominal half-separation (pushed apart at this speed, then by the
    stage's drag at ``stage_beta_kg_m2``): its detections may be the pair's mean, and no
    number of them tells where the missile is within the pair (docs/tracking.md, "A released
    stage as a consider term"). 3 m/s is the simulator's push (truth.py) and an assumption a
    real system would set per missile type. Where a radar resolves the pair, such a track takes
    the detection ahead of it along its velocity over a nearer one behind: the missile, since
    the stage was pushed back (resolution.missile_ahead)."""
    stage_beta_kg_m2: float = 1500.0
    """The nominal ballistic coefficient of a spent stage (for stage_release_m_s)."""
    stage_alone_looks: int = 3
    """After this many updates past burnout by radars that would have resolved even half the
    pair's nominal separation and saw no second object where it would be, a track's floor ends:
    its object flies alone (no stage was released, or it fell behind out of the radars'
    view). Without this end the floor costs a flight without a stage its accuracy along the
    velocity for as long as any radar's angle cannot resolve the nominal pair."""
    max_speed_m_s: float = 8000.0
    """A tentative track whose speed exceeds this by more than 3σ is deleted, not confirmed:
    detections of different objects a few km apart, taken for one object by a track whose
    velocity is still unknown (the velocity gate of track initiation). The default is above
    every object the tracker follows (an ICBM burns out near 7 km/s, a satellite launcher
    reaches orbit near 7.8 km/s); math.inf turns the check off."""
    unresolved_hold_s: float = 10.0
    """A track's updates are marked unresolved until this long after the last detection it
    could not take for sharing a resolution cell with another track."""
    lone_ballistic_q_m2_s3: float | None = None
    """The ballistic model's process noise (m²/s³) for a track that flies alone: it keeps no
    stage floor and has not shared a resolution cell within unresolved_hold_s. None (the
    default): the IMM's ballistic density for every track. The IMM's is a margin for an
    unresolved stage; on a flight without one it makes the filter cautious (a clean flight's
    NEES about 3.8 of 6 at any density from 0.002 to 0.05, since the truth has no process
    noise), and near zero here it is consistent there (docs/tracking.md, "Process noise for a
    track that flies alone")."""


@dataclass(slots=True)
class Track:
    """What a track reports beside its state; its filter state and its hit-and-miss counts
    are row ``tracks.index(track)`` of the tracker's arrays."""

    id: str
    created: float
    confirmed: bool = False
    sensors: tuple[str, ...] = ()
    """The sensors that updated it, sorted."""
    impact: ImpactPrediction | None = None
    launch: ImpactPrediction | None = None
    shared_cell_time: float = -math.inf
    """The last time a radar saw it in one resolution cell with another confirmed track."""
    impact_time: float = -math.inf
    impact_phase: str = ""
    """The phase when the impact prediction was made (under thrust it is a lower bound)."""
    phase_changed: float = -math.inf
    """When an impact prediction was last made in another phase than the one before it."""
    launch_time: float = -math.inf


class TrackUpdate(NamedTuple):
    """One confirmed track's update (a named tuple: there is one per detection used, so it
    must be cheap to make)."""

    time: float
    track: str
    sensor: str
    x: FloatArray
    P: FloatArray
    mu: FloatArray
    phase: str
    impact: ImpactPrediction | None
    launch: ImpactPrediction | None
    impact_computed: float
    impact_phase: str
    updates: int
    sensors: tuple[str, ...]
    unresolved: bool
    """Recently in one radar resolution cell with another track: it may be following
    either object, or their mean."""


@dataclass
class LaunchAlert:
    id: str
    sensor: str
    first_time: float
    last_time: float
    lat_deg: float
    lon_deg: float
    sigma_km: float
    last_los: FloatArray
    detections: int = 1
    first_los: FloatArray | None = None
    first_origin: FloatArray | None = None
    triangulated_with: tuple[str, ...] = ()
    """Alerts of other satellites fused with this one (then lat/lon/alt are triangulated)."""
    alt_m: float = 0.0
    miss_km: float | None = None
    """Closest approach of the fused lines of sight (a check that they saw one object)."""


@dataclass
class _Stats:
    scans: int = 0
    updates: int = 0
    tracks_started: int = 0
    tracks_confirmed: int = 0
    tracks_deleted: int = 0
    tracks_too_fast: int = 0
    """Tentative tracks deleted for a speed above max_speed_m_s (counted in tracks_deleted)."""
    covariance_scalings: int = 0
    """Times a track's covariance was scaled on its innovations (innovation_scaling)."""
    between_pairs: int = 0
    """Detections in the resolution cell of both tracks of a confirmed pair the radar could not
    tell apart (their mean), gated or not: they updated neither track and started none."""
    missile_ahead: int = 0
    """Detections a floored track took for lying ahead of its nearest (resolution.missile_ahead)."""
    ended: list[tuple[str, float, str]] = field(default_factory=list)
    """(track, time, reason) for every confirmed track that ended."""


class Tracker:
    def __init__(
        self, sensors: Iterable[SensorSpec], epoch_s: float, config: TrackerConfig = TrackerConfig()
    ) -> None:
        self.sensors = {s.id: s for s in sensors}
        self.epoch_s = epoch_s
        self.config = config
        self.tracks: list[Track] = []
        self.alerts: list[LaunchAlert] = []
        self.stats = _Stats()
        self._next_id = 1
        self._impact_batch_time = -math.inf
        self._gates: dict[int, float] = {}
        self._enu = {s.id: earth.enu_rotation(s.lat_deg, s.lon_deg) for s in self.sensors.values()}
        self._fixed: dict[str, tuple[FloatArray, FloatArray, FloatArray]] = {}
        """Position, velocity and ENU rotation of the sensors that do not move."""
        self._noises: dict[tuple[str, int], FloatArray] = {}
        """Each radar's measurement covariance, by (sensor, measurement dimension)."""
        # the filter states of all tracks, row i for tracks[i]
        self._x = np.zeros((0, K, D))
        self._P = np.zeros((0, K, D, D))
        self._mu = np.zeros((0, K))
        self._t = np.zeros(0)
        # and their bookkeeping: misses in a row, time of the last update, number of updates,
        # the hit (1) or miss (0) of each of the last chances (newest in bit 0), confirmed
        self._misses = np.zeros(0, dtype=np.int64)
        self._last = np.zeros(0)
        self._updates = np.zeros(0, dtype=np.int64)
        self._chances = np.zeros(0, dtype=np.int64)
        self._confirmed = np.zeros(0, dtype=np.bool_)
        self._burnout = np.zeros(0)
        """When each track left boost for ballistic flight (NaN: not seen to)."""
        self._boosted = np.zeros(0, dtype=np.bool_)
        self._half = np.zeros((0, 3))
        """Each track's nominal half-separation from a released stage: along-track distance
        (m), speed (m/s), and the time they refer to (stage_release_m_s)."""
        self._alone = np.zeros(0, dtype=np.int64)
        """Each track's updates past burnout by a radar that would have resolved the pair and
        saw no second object beside it (stage_alone_looks)."""
        self._nis = np.zeros(0)
        """The running mean of each track's radar NIS per degree of freedom (innovation_scaling)."""
        if not 1 <= config.confirm_hits <= config.confirm_window <= 62:
            raise ValueError("confirm_hits and confirm_window: need 1 ≤ hits ≤ window ≤ 62")
        if not (config.innovation_scaling >= 0.0 and 0.0 <= config.innovation_memory < 1.0):
            raise ValueError("innovation_scaling ≥ 0 (0: off) and 0 ≤ innovation_memory < 1")
        if not config.max_speed_m_s > 0.0:
            raise ValueError("max_speed_m_s must be > 0 (math.inf: no limit)")
        if not (config.stage_release_m_s >= 0.0 and config.stage_beta_kg_m2 > 0.0):
            raise ValueError("stage_release_m_s ≥ 0 (0: off) and stage_beta_kg_m2 > 0")
        if not config.stage_alone_looks >= 1:
            raise ValueError("stage_alone_looks must be ≥ 1")
        if not all(0.0 < p <= 1.0 for p in config.imm.stay):
            raise ValueError("imm.stay: each model's probability of staying must be in (0, 1]")
        if not all(q >= 0.0 for q in (*config.imm.q_m2_s3, *config.imm.q_jerk)):
            raise ValueError("imm.q_m2_s3 and imm.q_jerk must be ≥ 0")
        lone_q = config.lone_ballistic_q_m2_s3
        if lone_q is not None and not (math.isfinite(lone_q) and lone_q >= 0.0):
            raise ValueError("lone_ballistic_q_m2_s3 must be ≥ 0 (or None: off)")
        self._window = (1 << config.confirm_window) - 1
        # tracks started in the current scan (they join the arrays after it)
        self._born: list[tuple[list[Track], FloatArray, FloatArray, FloatArray, float]] = []
        self._moved = np.zeros(0, dtype=np.intp)
        """The rows predicted in the current scan."""
        self._over: list[IntArray] = []
        """Rows that reached their limit of misses in a row in the current scan."""
        imm_cfg = config.imm
        self._stay = np.asarray(imm_cfg.stay, dtype=np.float64)
        self._q = np.asarray(imm_cfg.q_m2_s3, dtype=np.float64)
        self._q_lone = self._q.copy()
        if lone_q is not None:
            self._q_lone[imm.MODELS.index("ballistic")] = lone_q
        self._q_jerk = np.asarray(imm_cfg.q_jerk, dtype=np.float64)
        self._thrust = np.asarray(imm_cfg.thrust, dtype=np.bool_)

    # -- the loop ---------------------------------------------------------------------------

    def run(self, measurements: Iterable[Measurement]) -> Iterator[TrackUpdate]:
        """Track updates from measurements in time order, one scan (consecutive measurements
        of one sensor at one time) at a time."""
        for _, scan in groupby(measurements, key=attrgetter("time", "sensor")):
            yield from self.process(list(scan))

    def process(self, scan: list[Measurement]) -> list[TrackUpdate]:
        """One sensor's measurements at one time."""
        self.stats.scans += 1
        spec = self.sensors[scan[0].sensor]
        t = scan[0].time
        self._moved = np.zeros(0, dtype=np.intp)
        self._over = []
        if spec.type == "radar":
            updates = self._radar_scan(spec, t, scan)
        else:
            updates = self._los_scan(spec, t, scan)
        self._manage(t)
        if t - self._impact_batch_time >= self.config.impact_interval_s:
            # one batch for every confirmed track: the sigma points of all tracks fly together
            self._impact_batch_time = t
            self._refresh_impacts(t)
        return updates

    def estimates(self, t: float) -> tuple[list[Track], FloatArray, FloatArray]:
        """The confirmed tracks and their combined estimates (n, 8), (n, 8, 8) predicted to
        time t, without changing the tracks (a picture for display or scoring)."""
        rows = np.array([i for i, tr in enumerate(self.tracks) if tr.confirmed], dtype=np.intp)
        x, P, mu = self._x[rows], self._P[rows], self._mu[rows]
        local = np.arange(rows.size, dtype=np.intp)
        dt = np.maximum(t - self._t[rows], 0.0)
        self._predict_states(x, P, mu, local, dt, self._alone_now(rows, t))
        xc, Pc = imm_ekf.combine(x, P, mu, local)
        return [self.tracks[i] for i in rows.tolist()], xc, Pc

    def _gate(self, dof: int) -> float:
        if dof not in self._gates:
            self._gates[dof] = float(chi2.ppf(self.config.gate_probability, dof))
        return self._gates[dof]

    # -- prediction -------------------------------------------------------------------------

    def _predict(self, rows: IntArray, t: float) -> None:
        """Bring track rows to time t (those already there are left alone)."""
        if rows.size:
            lone = self._alone_now(rows, t)
            self._predict_states(self._x, self._P, self._mu, rows, t - self._t[rows], lone)
            self._t[rows] = t
            self._moved = rows

    def _alone_now(self, rows: IntArray, t: float) -> npt.NDArray[np.bool_] | None:
        """Which track rows fly alone (TrackerConfig.lone_ballistic_q_m2_s3): no stage floor,
        and no resolution cell shared with another track within unresolved_hold_s; None
        without that setting."""
        if self.config.lone_ballistic_q_m2_s3 is None:
            return None
        shared = np.array([self.tracks[r].shared_cell_time for r in rows.tolist()])
        return ~self._floored(rows) & (t - shared > self.config.unresolved_hold_s)

    def _predict_states(
        self,
        x: FloatArray,
        P: FloatArray,
        mu: FloatArray,
        rows: IntArray,
        dt: FloatArray,
        lone: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        """One IMM prediction of x, P, μ at rows by dt (each), in place; the rows where
        ``lone`` holds with TrackerConfig.lone_ballistic_q_m2_s3 for the ballistic model."""
        cfg = self.config
        parts = [(rows, dt, self._q)]
        if lone is not None and lone.any():
            parts = [(rows[~lone], dt[~lone], self._q), (rows[lone], dt[lone], self._q_lone)]
        for part, step, q in parts:
            if cfg.filter == "ekf":
                imm_ekf.predict(
                    x,
                    P,
                    mu,
                    part,
                    np.ascontiguousarray(step, dtype=np.float64),
                    self._stay,
                    q,
                    cfg.imm.q_kappa,
                    self._q_jerk,
                    self._thrust,
                    MAX_STEP_S,
                )
                continue
            move, step = part[step > 0], step[step > 0]
            if not move.size:
                continue
            n = move.size
            x0, P0, c = imm.mix(x[move], P[move], mu[move], cfg.imm.transition(step))
            xp, Pp = ukf_predict(
                x0.reshape(n * K, D),
                P0.reshape(n * K, D, D),
                np.repeat(step, K),
                np.tile(q, n),
                cfg.imm.q_kappa,
                np.tile(self._q_jerk, n),
                np.tile(self._thrust, n),
            )
            x[move], P[move], mu[move] = xp.reshape(n, K, D), Pp.reshape(n, K, D, D), c

    # -- radar ------------------------------------------------------------------------------

    def _sensor_state(
        self, spec: SensorSpec, t: float
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        orbiting = spec.type == "space-ir" and spec.orbit == "heo"
        fixed = spec.speed_kn == 0 and not orbiting
        if fixed and spec.id in self._fixed:
            return self._fixed[spec.id]
        if spec.speed_kn > 0 and not orbiting:
            # the ship's frame at its own latitude and longitude (not from its ECEF position)
            s, sv, R = ship_state(spec, np.array([t]), self.epoch_s)
            return s[0], sv[0], R[0]
        s, sv = sensor_position(spec, np.array([t]), self.epoch_s)
        if fixed:
            self._fixed[spec.id] = (s[0], sv[0], self._enu[spec.id])
            return self._fixed[spec.id]
        return s[0], sv[0], self._enu[spec.id]

    def _visible(
        self,
        spec: SensorSpec,
        s: FloatArray,
        R: FloatArray,
        x: FloatArray,
        mu: FloatArray,
        dt: FloatArray,
        margin_m: float = 0.0,
        margin_deg: float = 0.0,
    ) -> npt.NDArray[np.bool_]:
        """Which of the μ-weighted means of x (n, K, ≥6), moved in a straight line by dt, the
        radar could see: in range, above its lowest elevation less 1°, in its sector; wider
        by the margins where the position is only an extrapolation (imm_ekf.radar_sees)."""
        return np.asarray(
            imm_ekf.radar_sees(
                x,
                mu,
                dt,
                s,
                R,
                spec.max_range_km * 1e3,
                spec.min_elevation_deg,
                spec.azimuth_min_deg,
                sector_width_deg(spec),
                margin_m,
                margin_deg,
            )
        )

    def _may_see(self, spec: SensorSpec, s: FloatArray, R: FloatArray, t: float) -> IntArray:
        """Rows of the tracks the radar may see at t, from each track's state extrapolated in a
        straight line (at most a few seconds: gravity and thrust bend it by under ~3 km, inside
        the margins); the exact test follows the prediction."""
        if not self.tracks:
            return np.zeros(0, dtype=np.intp)
        seen = self._visible(spec, s, R, self._x, self._mu, t - self._t, 20e3, 1.0)
        return np.flatnonzero(seen)

    def _radar_scan(self, spec: SensorSpec, t: float, scan: list[Measurement]) -> list[TrackUpdate]:
        z_all = np.array(
            [[m.range_m, m.azimuth_rad, m.elevation_rad, m.range_rate_m_s] for m in scan]
        )
        with_rate = spec.sigma_range_rate_m_s is not None and not np.isnan(z_all[:, 3]).any()
        mdim = 4 if with_rate else 3
        z = np.ascontiguousarray(z_all[:, :mdim])
        Rm = self._noise(spec, mdim)
        s, sv, R = self._sensor_state(spec, t)
        gated = np.zeros(len(scan), dtype=np.bool_)
        between = np.zeros(len(scan), dtype=np.bool_)
        updates: list[TrackUpdate] = []
        near = self._may_see(spec, s, R, t)
        if near.size:
            self._predict(near, t)
            xc, Pc = imm_ekf.combine(self._x, self._P, self._mu, near)
            seen = self._visible(
                spec, s, R, xc[:, None], np.ones((near.size, 1)), np.zeros(near.size)
            )
            see, xc, Pc = near[seen], xc[seen], Pc[seen]
            if see.size:
                gate = self._gate(mdim)
                d2, logdet = imm_ekf.radar_gate(xc, Pc, z, s, sv, R, Rm, gate)
                inside = d2 < gate
                gated = inside.any(axis=0)
                between, cell = self._between(spec, s, R, xc, see, z)
                if between.any():
                    self._share_cell(see, xc, cell, t)
                merged, pairs = self._unresolved(spec, s, xc, see, inside)
                usable = inside & ~between[None, :]
                climbing = np.einsum("ij,ij->i", xc[:, :3], xc[:, 3:6]) > 0.0
                if merged.any():
                    usable &= ~merged[None, :]
                    pair = inside[:, merged].any(axis=1) & self._confirmed[see]
                    self._forget_drag(see[pair & climbing])
                    self._share_cell(see, xc, pairs, t)
                rows, cols = _assign(usable, d2, logdet)
                if self.config.stage_release_m_s > 0.0 and rows.size:
                    cols = self._missile_ahead(see, rows, cols, usable, z, s, xc, spec)
                hit = np.zeros(see.size, dtype=np.bool_)
                hit[rows] = True
                # a track whose gate held a detection another track took is shadowed (two
                # objects the sensor did not resolve), not missed
                counted = ~inside.any(axis=1) | hit
                if between.any():  # the pair's tracks are shadowed by their mean, not missed
                    counted[[r for pair in cell for r in pair]] = False
                    counted |= hit
                self._chance(see[counted], hit[counted])
                if rows.size:
                    if self.config.innovation_scaling > 0.0:
                        self._scale_on_innovations(see[rows], d2[rows, cols] / mdim)
                    updates = self._update_radar(
                        see[rows], cols, z, Rm, s, sv, R, with_rate, spec, t
                    )
                    self._forget_drag(see[rows[climbing[rows]]])
        self._start_tracks(spec, t, z_all[~(gated | between)], s, R)
        return updates

    def _between(
        self,
        spec: SensorSpec,
        s: FloatArray,
        R: FloatArray,
        xc: FloatArray,
        see: IntArray,
        z: FloatArray,
    ) -> tuple[npt.NDArray[np.bool_], set[tuple[int, int]]]:
        """The scan's detections in the resolution cell of two confirmed tracks this radar
        cannot tell apart (resolution.between_pairs), gated or not: the pair's mean, which
        updates neither and starts no track; and those pairs (indices into ``see``)."""
        if see.size < 2:
            return np.zeros(z.shape[0], dtype=np.bool_), set()
        between, pairs = between_pairs(
            xc,
            self._confirmed[see],
            s,
            R,
            z,
            spec.resolution_range_m,
            spec.resolution_angle_deg,
        )
        self.stats.between_pairs += int(between.sum())
        return between, {(a, b) for a, b in pairs.tolist()}

    def _unresolved(
        self,
        spec: SensorSpec,
        s: FloatArray,
        xc: FloatArray,
        see: IntArray,
        inside: npt.NDArray[np.bool_],
    ) -> tuple[npt.NDArray[np.bool_], set[tuple[int, int]]]:
        """Detections in the gates of two confirmed tracks that this radar cannot tell apart
        (predicted within its resolution in range and in angle): such a detection is the
        mean of the objects in one resolution cell, and updating either track with it as if it
        were that track's object pulls both to the middle. It updates neither (they count it
        as shadowed, not missed)."""
        merged, found = unresolved_pairs(
            inside,
            self._confirmed[see],
            xc,
            s,
            spec.resolution_range_m,
            spec.resolution_angle_deg,
        )
        pairs = {(a, b) for a, b in found.tolist()}
        return merged, pairs

    def _share_cell(
        self, see: IntArray, xc: FloatArray, pairs: set[tuple[int, int]], t: float
    ) -> None:
        """Book the pairs of tracks (indices into ``see``) that a radar saw in one resolution
        cell. Each may be following either object or the pair's mean: its updates are marked
        unresolved for TrackerConfig.unresolved_hold_s, and with
        TrackerConfig.widen_unresolved its position and velocity covariance widens until the
        other track lies within 2σ of it: P += ¼ d dᵀ, where d is their difference, applied to
        each model while dᵀ P⁻¹ d > 4 (then dᵀ (P + ¼ d dᵀ)⁻¹ d < 4)."""
        for a, b in sorted(pairs):
            rows = (int(see[a]), int(see[b]))
            for row in rows:
                self.tracks[row].shared_cell_time = t
            if not self.config.widen_unresolved:
                continue
            d = xc[a, :6] - xc[b, :6]
            widen = 0.25 * np.outer(d, d)
            for row in rows:
                for m in range(K):
                    if d @ np.linalg.solve(self._P[row, m, :6, :6], d) > 4.0:
                        self._P[row, m, :6, :6] += widen

    def _scale_on_innovations(self, rows: IntArray, nis: FloatArray) -> None:
        """Fold each track row's NIS per degree of freedom (of the detection it is about to
        take) into its running mean; where the mean exceeds TrackerConfig.innovation_scaling,
        scale the row's position and velocity covariance by it before the update (P stays
        positive definite: a positive semi-definite term is added) and restart the mean."""
        a = self.config.innovation_memory
        mean = a * self._nis[rows] + (1.0 - a) * nis
        high = mean > self.config.innovation_scaling
        if high.any():
            factor = np.minimum(mean[high], 10.0)
            self._P[rows[high], :, :6, :6] *= factor[:, None, None, None]
            self.stats.covariance_scalings += int(high.sum())
            mean[high] = 1.0
        self._nis[rows] = mean

    def _forget_drag(self, rows: IntArray) -> None:
        """Back to the prior on ln κ (and no correlation with the rest of the state) for
        track rows that are climbing: the drag measured on the way up may not be their
        object's. A spent stage released at burnout flies beside the missile unresolved for
        tens of seconds, and the radars' merged detections of the two (their mean) slow down
        with the light stage's drag, which a track on them would learn as its own (β
        1,600 kg/m² for a missile of 2,800 in a seeded 2025 run) and carry into an impact
        prediction kilometres short. The prior's uncertainty still widens each prediction by
        the drag it may feel; coming down (re-entry), a track learns its drag."""
        self._x[rows, :, 6] = 0.0
        self._P[rows, :, 6, :] = 0.0
        self._P[rows, :, :, 6] = 0.0
        self._P[rows, :, 6, 6] = self.config.initial_log_kappa_sigma**2

    def _floored(self, rows: IntArray) -> npt.NDArray[np.bool_]:
        """Which track rows keep the stage floor: past their burnout, and not yet seen alone
        stage_alone_looks times (TrackerConfig.stage_release_m_s)."""
        return np.isfinite(self._burnout[rows]) & (
            self._alone[rows] < self.config.stage_alone_looks
        )

    def _consider_pair(
        self,
        rows: IntArray,
        cols: IntArray,
        z: FloatArray,
        spec: SensorSpec,
        s: FloatArray,
        t: float,
    ) -> None:
        """TrackerConfig.stage_release_m_s: the track rows past their burnout, updated with
        detections z[cols] of this radar's scan z, keep at least the variance along their
        velocity of the pair's nominal half-separation, where this radar could not resolve
        the pair (a consider parameter, as in a Schmidt-Kalman filter, kept as a floor). Where
        it could and the scan holds no second detection where the other object would be, the
        look counts toward ending the floor (stage_alone_looks): a track with that many looks
        keeps no floor until it burns out again."""
        past = self._floored(rows)
        rows, cols = rows[past], cols[past]
        if not rows.size:
            return
        stage_floor(
            self._x,
            self._P,
            self._mu,
            rows,
            cols,
            z,
            self._half,
            self._alone,
            t,
            s,
            self.config.stage_beta_kg_m2,
            spec.resolution_range_m,
            spec.resolution_angle_deg,
            spec.sigma_range_m,
            max(spec.sigma_azimuth_deg, spec.sigma_elevation_deg),
        )

    def _missile_ahead(
        self,
        see: IntArray,
        rows: IntArray,
        cols: IntArray,
        usable: npt.NDArray[np.bool_],
        z: FloatArray,
        s: FloatArray,
        xc: FloatArray,
        spec: SensorSpec,
    ) -> IntArray:
        """TrackerConfig.stage_release_m_s: where this radar resolves a missile from its
        stage, the floored track takes the detection ahead (resolution.missile_ahead)."""
        # most scans have no track with two detections in its gate: ask that first
        several = np.count_nonzero(usable, axis=1) >= 2
        if not several[rows].any():
            return cols
        floored = self._floored(see)
        if not (floored & several)[rows].any():
            return cols
        los = xc[:, :3] - s
        los /= np.linalg.norm(los, axis=1, keepdims=True)
        speed = np.linalg.norm(xc[:, 3:6], axis=1, keepdims=True)
        u = xc[:, 3:6] / np.maximum(speed, 1e-9)  # a new track's velocity may be zero
        cols, taken = missile_ahead(
            rows,
            cols,
            usable,
            floored,
            z[:, 0],
            np.einsum("ij,ij->i", u, los),
            self._half[see, 0],
            spec.sigma_range_m,
        )
        self.stats.missile_ahead += taken
        return cols

    def _burnouts(self, rows: IntArray, t: float) -> None:
        """Book when updated track rows leave boost for another model (stage_release_m_s)."""
        boost = np.argmax(self._mu[rows], axis=1) == 0
        self._boosted[rows] |= boost
        self._burnout[rows[boost]] = np.nan
        new = rows[~boost & self._boosted[rows] & np.isnan(self._burnout[rows])]
        self._burnout[new] = t
        self._half[new] = [0.0, 0.5 * self.config.stage_release_m_s, t]
        self._alone[new] = 0

    def _noise(self, spec: SensorSpec, mdim: int) -> FloatArray:
        """The radar's measurement covariance (range, azimuth, elevation[, range-rate])."""
        key = (spec.id, mdim)
        if key not in self._noises:
            sig = [
                spec.sigma_range_m,
                math.radians(spec.sigma_azimuth_deg),
                math.radians(spec.sigma_elevation_deg),
                spec.sigma_range_rate_m_s or 1.0,
            ][:mdim]
            self._noises[key] = np.diag(np.square(np.maximum(sig, 1e-9)))
        return self._noises[key]

    def _chance(self, rows: IntArray, hit: npt.NDArray[np.bool_]) -> None:
        """Count a hit or a miss for each of the track rows (unique)."""
        self._chances[rows] = ((self._chances[rows] << 1) | hit) & self._window
        misses = np.where(hit, 0, self._misses[rows] + 1)
        self._misses[rows] = misses
        limit = np.where(self._confirmed[rows], self.config.delete_misses, 2)
        self._over.append(rows[misses >= limit])

    def _update_radar(
        self,
        rows: IntArray,
        cols: IntArray,
        z: FloatArray,
        Rm: FloatArray,
        s: FloatArray,
        sv: FloatArray,
        R: FloatArray,
        with_rate: bool,
        spec: SensorSpec,
        t: float,
    ) -> list[TrackUpdate]:
        zr = np.ascontiguousarray(z[cols])
        if self.config.filter == "ekf":
            imm_ekf.radar_update(self._x, self._P, self._mu, rows, zr, s, sv, R, Rm)
        else:
            n = rows.size
            x, P = self._x[rows].reshape(n * K, D), self._P[rows].reshape(n * K, D, D)
            sK, svK = np.tile(s, (n * K, 1)), np.tile(sv, (n * K, 1))
            RK = np.tile(R, (n * K, 1, 1))
            x1, P1, y, S = ukf_update(
                x,
                P,
                np.repeat(zr, K, axis=0),
                lambda pts, own: radar_model(pts, sK[own], svK[own], RK[own], with_rate)[0],
                np.broadcast_to(Rm, (n * K, *Rm.shape)),
                (1,),
            )
            m = y.shape[1]
            self._mu[rows] = imm.update_probabilities(
                self._mu[rows], y.reshape(n, K, m), S.reshape(n, K, m, m)
            )
            self._x[rows], self._P[rows] = x1.reshape(n, K, D), P1.reshape(n, K, D, D)
        if self.config.stage_release_m_s > 0.0:
            self._consider_pair(rows, cols, z, spec, s, t)
        return self._store(rows, spec, t)

    # -- infrared ---------------------------------------------------------------------------

    def _los_scan(self, spec: SensorSpec, t: float, scan: list[Measurement]) -> list[TrackUpdate]:
        u = np.array([m.los for m in scan])
        frame = los_frame(u)
        s, _, _ = self._sensor_state(spec, t)
        sig = max(spec.sigma_los_urad * 1e-6, 1e-9)
        Rm = np.eye(2) * sig**2
        updates: list[TrackUpdate] = []
        used: set[int] = set()
        # a satellite in view of the region may see every confirmed track: all are predicted.
        # Tentative tracks are left to the radars: a line of sight fixes two of the three
        # coordinates, and a tentative track's gate is kilometres wide, so one radar false
        # alarm and the satellite's view of anything near it would confirm a false track.
        confirmed = np.flatnonzero(self._confirmed)
        if confirmed.size:
            self._predict(confirmed, t)
            xc, Pc = imm_ekf.combine(self._x, self._P, self._mu, confirmed)
            d2 = imm_ekf.los_gate(xc, Pc, frame, s, Rm)
            found, cols = _assign(d2 < self._gate(2), d2, np.zeros(confirmed.size))
            rows = confirmed[found]
            if rows.size:
                updates = self._update_los(rows, cols, frame, s, Rm, spec, t)
                used = set(cols.tolist())
        for j in range(len(scan)):
            if j not in used:
                self._alert(spec, t, u[j], s)
        return updates

    def _update_los(
        self,
        rows: IntArray,
        cols: IntArray,
        frame: FloatArray,
        s: FloatArray,
        Rm: FloatArray,
        spec: SensorSpec,
        t: float,
    ) -> list[TrackUpdate]:
        frames = np.ascontiguousarray(frame[cols])
        # lines of sight are nearly linear in the state: the EKF update serves both filters
        imm_ekf.los_update(self._x, self._P, self._mu, rows, frames, s, Rm)
        self._chance(rows, np.ones(rows.size, dtype=np.bool_))
        return self._store(rows, spec, t)

    def _alert(self, spec: SensorSpec, t: float, u: FloatArray, s: FloatArray) -> None:
        for a in self.alerts:
            if (
                a.sensor == spec.id
                and t - a.last_time <= 10.0
                and math.acos(min(1.0, float(u @ a.last_los))) < self.config.alert_join_urad * 1e-6
            ):
                a.last_time, a.last_los = t, u
                a.detections += 1
                return
        point = _ellipsoid_hit(s, u)
        if point is None:
            return
        lat, lon, _ = earth.ecef_to_geodetic(point)
        # the angular error on the sky, laid on the ground: stretched by 1/sin(elevation of
        # the satellite seen from the point) along the line of sight's ground track
        up = earth.geodetic_to_ecef(lat, lon, 1.0) - point
        sin_elevation = max(float(-(u @ up) / np.linalg.norm(up)), 0.1)
        sigma_km = (
            float(np.linalg.norm(point - s)) * spec.sigma_los_urad * 1e-6 / 1e3 / sin_elevation
        )
        alert = LaunchAlert(
            f"A{len(self.alerts) + 1}",
            spec.id,
            t,
            t,
            float(lat),
            float(lon),
            sigma_km,
            u,
            first_los=u,
            first_origin=s,
        )
        self._triangulate(alert)
        self.alerts.append(alert)

    def _triangulate(self, alert: LaunchAlert) -> None:
        """Fuse a new alert with those of other satellites that began within 5 s and whose
        first lines of sight pass within 30 km of each other: one launch seen twice."""
        peers = [
            a
            for a in self.alerts
            if a.sensor != alert.sensor
            and abs(a.first_time - alert.first_time) <= 5.0
            and a.first_los is not None
            and a.first_origin is not None
        ]
        if not peers or alert.first_los is None or alert.first_origin is None:
            return
        origins = np.array([alert.first_origin] + [a.first_origin for a in peers])
        rays = np.array([alert.first_los] + [a.first_los for a in peers])
        point, miss = triangulate(origins, rays)
        if miss > 30e3:
            return
        lat, lon, alt = earth.ecef_to_geodetic(point)
        # the launch point is under the first seen position; its error is the rays' miss
        alert.lat_deg, alert.lon_deg, alert.alt_m = float(lat), float(lon), float(alt)
        alert.sigma_km = max(miss / 1e3, min(a.sigma_km for a in [alert, *peers]) / 2.0)
        alert.miss_km = miss / 1e3
        alert.triangulated_with = tuple(a.id for a in peers)

    # -- bookkeeping ------------------------------------------------------------------------

    def _store(self, rows: IntArray, spec: SensorSpec, t: float) -> list[TrackUpdate]:
        """Book the update of track rows (unique) by a sensor at t; confirm those with enough
        hits in their last chances; one TrackUpdate per confirmed row."""
        self._last[rows] = t
        self._updates[rows] += 1
        if self.config.stage_release_m_s > 0.0:
            self._burnouts(rows, t)
        self.stats.updates += rows.size
        sid = spec.id
        for i in rows.tolist():
            tr = self.tracks[i]
            if sid not in tr.sensors:
                tr.sensors = tuple(sorted((*tr.sensors, sid)))
        hits = np.bitwise_count(self._chances[rows])
        tentative = ~self._confirmed[rows]
        if tentative.any() and math.isfinite(self.config.max_speed_m_s):
            fast = self._too_fast(rows[tentative])
            if fast.size:
                self._over.append(fast)
                self.stats.tracks_too_fast += fast.size
                tentative &= ~np.isin(rows, fast)
        new = rows[tentative & (hits >= self.config.confirm_hits)]
        for i in new.tolist():
            self.tracks[i].confirmed = True
        self._confirmed[new] = True
        self.stats.tracks_confirmed += new.size
        shown = rows[self._confirmed[rows]]
        if not shown.size:
            return []
        xc, Pc = imm_ekf.combine(self._x, self._P, self._mu, shown)
        mu = self._mu[shown]
        names = imm.MODELS
        hold = self.config.unresolved_hold_s
        return [
            TrackUpdate(
                t,
                tr.id,
                sid,
                x,
                P,
                m,
                names[phase],
                tr.impact,
                tr.launch,
                tr.impact_time,
                tr.impact_phase,
                n,
                tr.sensors,
                t - tr.shared_cell_time <= hold,
            )
            for tr, x, P, m, phase, n in zip(
                [self.tracks[i] for i in shown.tolist()],
                list(xc),
                list(Pc),
                list(mu),
                np.argmax(mu, axis=1).tolist(),
                self._updates[shown].tolist(),
                strict=True,
            )
        ]

    def _too_fast(self, rows: IntArray) -> IntArray:
        """The track rows whose speed exceeds max_speed_m_s by more than 3σ (σ of the speed
        along the velocity)."""
        xc, Pc = imm_ekf.combine(self._x, self._P, self._mu, rows)
        v = xc[:, 3:6]
        speed = np.linalg.norm(v, axis=1)
        u = v / np.maximum(speed, 1e-9)[:, None]
        sigma = np.sqrt(np.einsum("ni,nij,nj->n", u, Pc[:, 3:6, 3:6], u))
        fast: IntArray = rows[speed - 3.0 * sigma > self.config.max_speed_m_s]
        return fast

    def _refresh_impacts(self, t: float) -> None:
        cfg = self.config
        # a prediction is due every impact_interval_s, or every 2 % of the time left to
        # impact when that is longer: far from impact the prediction changes slowly, unless
        # the track's phase changed since or did within impact_settle_s (at burnout the last
        # prediction, made under thrust, would otherwise stand for 2 % of the flight left,
        # 6 s for an IRBM, 24 s for the 2022 overflight)
        last = self._last.tolist()
        phases = [imm.MODELS[k] for k in np.argmax(self._mu, axis=1).tolist()]
        due = [
            i
            for i, tr in enumerate(self.tracks)
            if tr.confirmed
            and last[i] > tr.impact_time
            and t - tr.impact_time
            >= (
                cfg.impact_interval_s
                if phases[i] != tr.impact_phase or t - tr.phase_changed < cfg.impact_settle_s
                else max(
                    cfg.impact_interval_s,
                    0.02 * ((tr.impact.time - t) if tr.impact is not None else 0.0),
                )
            )
        ]
        if not due:
            return
        rows = np.array(due, dtype=np.intp)
        x, P = imm_ekf.combine(self._x, self._P, self._mu, rows)
        # each track's estimate is valid at its own state time (its last prediction)
        times = self._t[rows]
        tracks = [self.tracks[i] for i in due]
        for i, tr, p in zip(due, tracks, predict_impacts(x, P, times), strict=True):
            if phases[i] != tr.impact_phase:
                tr.phase_changed = t
            tr.impact, tr.impact_time, tr.impact_phase = p, t, phases[i]
        back = [k for k, tr in enumerate(tracks) if t - tr.launch_time >= cfg.launch_interval_s]
        if back:
            launches = predict_launch_points(x[back], P[back], times[back])
            for k, q in zip(back, launches, strict=True):
                tracks[k].launch, tracks[k].launch_time = q, t

    def _start_tracks(
        self, spec: SensorSpec, t: float, z: FloatArray, s: FloatArray, R: FloatArray
    ) -> None:
        """A tentative track from each detection z (n, 4: range, azimuth, elevation,
        range-rate or NaN): position and its covariance from the measurement's through the
        inverse radar model's Jacobian; velocity along the line of sight from the range-rate
        if measured, else unknown (imm_ekf.radar_start)."""
        n = z.shape[0]
        if not n:
            return
        cfg = self.config
        sig2 = np.square(
            [
                spec.sigma_range_m,
                math.radians(spec.sigma_azimuth_deg),
                math.radians(spec.sigma_elevation_deg),
            ]
        )
        prior = np.array(
            [
                cfg.initial_speed_sigma_m_s**2,
                cfg.initial_log_kappa_sigma**2,
                cfg.initial_thrust_sigma_m_s2**2,
            ]
        )
        x, P = imm_ekf.radar_start(np.ascontiguousarray(z), s, R, sig2, prior)
        first = self._next_id
        self._next_id += n
        sensors = (spec.id,)
        tracks = [Track(f"T{k}", t, sensors=sensors) for k in range(first, first + n)]
        # every model starts from the same state; the tracks join the arrays after the scan
        # (their detections are not gated again in it)
        mu = np.tile([0.3, 0.5, 0.2], (n, 1))
        self._born.append((tracks, np.repeat(x[:, None], K, 1), np.repeat(P[:, None], K, 1), mu, t))
        self.stats.tracks_started += n

    _ROWS: Final = (
        *("_x", "_P", "_mu", "_t"),
        *("_misses", "_last", "_updates", "_chances", "_confirmed", "_nis"),
        *("_burnout", "_boosted", "_half", "_alone"),
    )
    """The per-track arrays, row i for tracks[i]."""

    def _manage(self, t: float) -> None:
        """After a scan: delete the tracks missed too often (misses change only where a scan
        counts them), coasting too long, or predicted below ground (only the states predicted
        in this scan moved); the tracks started in the scan join the arrays (state time and
        last update their start, one update, one hit in one chance). One compaction."""
        cfg = self.config
        below = imm_ekf.below(self._x, self._mu, self._moved, _BELOW_GROUND_M)
        coasting = np.zeros(0, dtype=np.intp)
        if self.tracks and t - float(self._last.min()) > cfg.max_coast_s:
            coasting = np.flatnonzero(t - self._last > cfg.max_coast_s)
        parts = [a for a in (below, coasting, *self._over) if a.size]
        drop = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
        for i in drop.tolist():
            self.stats.tracks_deleted += 1
            tr = self.tracks[i]
            if tr.confirmed:
                fell = tr.impact is not None and t >= tr.impact.time - 15.0
                why = "fell" if fell or i in below else "coasting" if i in coasting else "missed"
                self.stats.ended.append((tr.id, t, why))
        born = self._joining()
        if not drop.size and born is None:
            return
        keep = np.ones(len(self.tracks), dtype=np.bool_)
        keep[drop] = False
        self.tracks = [tr for tr, k in zip(self.tracks, keep.tolist(), strict=True) if k]
        for name in self._ROWS:
            kept = getattr(self, name)[keep] if drop.size else getattr(self, name)
            if born is not None:
                kept = np.concatenate([kept, born[name]])
            setattr(self, name, kept)
        if born is not None:
            self.tracks.extend(born["tracks"])

    def _joining(self) -> dict[str, Any] | None:
        """The tracks started in the scan, as rows to join the arrays (those started below
        ground are deleted at once)."""
        if not self._born:
            return None
        tracks = [tr for b in self._born for tr in b[0]]
        n = len(tracks)
        start = np.concatenate([np.full(len(b[0]), b[4]) for b in self._born])
        new: dict[str, Any] = {
            "_x": np.concatenate([b[1] for b in self._born]),
            "_P": np.concatenate([b[2] for b in self._born]),
            "_mu": np.concatenate([b[3] for b in self._born]),
            "_t": start,
            "_misses": np.zeros(n, dtype=np.int64),
            "_last": start,
            "_updates": np.ones(n, dtype=np.int64),
            "_chances": np.ones(n, dtype=np.int64),
            "_confirmed": np.zeros(n, dtype=np.bool_),
            "_nis": np.ones(n),
            "_burnout": np.full(n, np.nan),
            "_boosted": np.zeros(n, dtype=np.bool_),
            "_half": np.zeros((n, 3)),
            "_alone": np.zeros(n, dtype=np.int64),
        }
        self._born = []
        up = np.ones(n, dtype=np.bool_)
        up[imm_ekf.below(new["_x"], new["_mu"], np.arange(n), _BELOW_GROUND_M)] = False
        if not up.all():
            self.stats.tracks_deleted += int((~up).sum())
            tracks = [tr for tr, u in zip(tracks, up.tolist(), strict=True) if u]
            new = {name: value[up] for name, value in new.items()}
        new["tracks"] = tracks
        return new


def _assign(
    inside: npt.NDArray[np.bool_], d2: FloatArray, logdet: FloatArray
) -> tuple[IntArray, IntArray]:
    """Global nearest neighbour: the (track, detection) pairs inside the gate that minimise
    the total d² + ln|S| (linear_sum_assignment; lines of sight pass ln|S| = 0, d² alone).
    When no track gates more than one detection and no detection falls in more than one gate
    (most scans), those pairs are the answer."""
    if (inside.sum(axis=0) <= 1).all() and (inside.sum(axis=1) <= 1).all():
        rows, cols = np.nonzero(inside)
        return rows.astype(np.intp), cols.astype(np.intp)
    cost = np.where(inside, d2 + logdet[:, None], 1e12)
    rows, cols = linear_sum_assignment(cost)
    taken = cost[rows, cols] < 1e12
    return rows[taken], cols[taken]


def triangulate(origins: FloatArray, rays: FloatArray) -> tuple[FloatArray, float]:
    """Least-squares point closest to k lines s_i + λ u_i (k ≥ 2): solve
    Σ (I - u uᵀ) p = Σ (I - u uᵀ) s. Returns the point and the largest distance from it to a
    line (m)."""
    u = rays / np.linalg.norm(rays, axis=1, keepdims=True)
    A = np.eye(3)[None] - np.einsum("ki,kj->kij", u, u)
    p = np.linalg.solve(A.sum(axis=0), np.einsum("kij,kj->i", A, origins))
    miss = np.linalg.norm(np.einsum("kij,kj->ki", A, p[None] - origins), axis=1)
    return p, float(miss.max())


def _ellipsoid_hit(s: FloatArray, u: FloatArray) -> FloatArray | None:
    """First point where the ray s + λ u (λ > 0) meets the WGS-84 ellipsoid."""
    scale = np.array([1 / earth.WGS84_A_M, 1 / earth.WGS84_A_M, 1 / earth.WGS84_B_M])
    p, d = s * scale, u * scale
    a, b, c = d @ d, 2 * p @ d, p @ p - 1.0
    disc = b * b - 4 * a * c
    if disc < 0:
        return None
    lam = (-b - math.sqrt(disc)) / (2 * a)
    return None if lam <= 0 else np.asarray(s + lam * u)
