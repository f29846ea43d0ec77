"""One fused picture of every object in flight from all partners' sensors (centralised).

Measurements arrive in time order (see intake); those of one sensor at one time form a scan.
For each scan:

1. predict every live track to the scan time (IMM over EKF or UKF steps, batched);
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
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from launchwatch import earth
from launchwatch.scenario import SensorSpec
from launchwatch.sensors import in_sector, sensor_position
from launchwatch.tracking import imm
from launchwatch.tracking.impact import ImpactPrediction, predict_impacts, predict_launch_points
from launchwatch.tracking.intake import Measurement
from launchwatch.tracking.kalman import ekf_predict, ekf_update, ukf_predict, ukf_update
from launchwatch.tracking.motion import STATE_DIM
from launchwatch.tracking.sensing import los_frame, los_model, radar_model, wrap_angle

__all__ = ["LaunchAlert", "Track", "TrackUpdate", "Tracker", "TrackerConfig", "triangulate"]

FloatArray = npt.NDArray[np.float64]
K: Final = len(imm.MODELS)
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
    launch_interval_s: float = 10.0
    """The back-propagated launch point changes slowly once a track is ballistic."""
    alert_join_urad: float = 2000.0


@dataclass
class Track:
    id: str
    x: FloatArray  # (K, D)
    P: FloatArray  # (K, D, D)
    mu: FloatArray  # (K,)
    t: float
    created: float
    confirmed: bool = False
    hits: deque[bool] = field(default_factory=lambda: deque(maxlen=8))
    misses: int = 0
    last_update: float = 0.0
    updates: int = 0
    sensors: set[str] = field(default_factory=set)
    impact: ImpactPrediction | None = None
    launch: ImpactPrediction | None = None
    impact_time: float = -math.inf
    impact_phase: str = ""
    """The phase when the impact prediction was made (under thrust it is a lower bound)."""
    launch_time: float = -math.inf

    def estimate(self) -> tuple[FloatArray, FloatArray]:
        x, P = imm.combine(self.x[None], self.P[None], self.mu[None])
        return x[0], P[0]

    @property
    def phase(self) -> str:
        return imm.MODELS[int(np.argmax(self.mu))]


@dataclass(frozen=True)
class TrackUpdate:
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

    # -- the loop ---------------------------------------------------------------------------

    def run(self, measurements: Iterable[Measurement]) -> Iterator[TrackUpdate]:
        scan: list[Measurement] = []
        for m in measurements:
            if scan and (m.time != scan[0].time or m.sensor != scan[0].sensor):
                yield from self.process(scan)
                scan = []
            scan.append(m)
        if scan:
            yield from self.process(scan)

    def process(self, scan: list[Measurement]) -> list[TrackUpdate]:
        """One sensor's measurements at one time."""
        self.stats.scans += 1
        spec = self.sensors[scan[0].sensor]
        t = scan[0].time
        self._predict_all(t)
        if spec.type == "radar":
            updates = self._radar_scan(spec, t, scan)
        else:
            updates = self._los_scan(spec, t, scan)
        self._manage(t)
        if t - self._impact_batch_time >= self.config.impact_interval_s:
            # one batch for every confirmed track: the sigma points of all tracks fly together
            self._impact_batch_time = t
            self._refresh_impacts([tr for tr in self.tracks if tr.confirmed], t)
        return updates

    def _gate(self, dof: int) -> float:
        if dof not in self._gates:
            self._gates[dof] = float(chi2.ppf(self.config.gate_probability, dof))
        return self._gates[dof]

    # -- prediction -------------------------------------------------------------------------

    def _predict_all(self, t: float) -> None:
        live = [tr for tr in self.tracks if t > tr.t]
        if not live:
            return
        x = np.stack([tr.x for tr in live])
        P = np.stack([tr.P for tr in live])
        mu = np.stack([tr.mu for tr in live])
        dt = np.array([t - tr.t for tr in live])
        T = self.config.imm.transition(dt)
        x0, P0, c = imm.mix(x, P, mu, T)
        n = len(live)
        cfg = self.config.imm
        step = ekf_predict if self.config.filter == "ekf" else ukf_predict
        xp, Pp = step(
            x0.reshape(n * K, D),
            P0.reshape(n * K, D, D),
            np.repeat(dt, K),
            np.tile(np.asarray(cfg.q_m2_s3), n),
            cfg.q_kappa,
            np.tile(np.asarray(cfg.q_jerk), n),
            np.tile(np.asarray(cfg.thrust), n),
        )
        xp, Pp = xp.reshape(n, K, D), Pp.reshape(n, K, D, D)
        for i, tr in enumerate(live):
            tr.x, tr.P, tr.mu, tr.t = xp[i], Pp[i], c[i], t

    # -- radar ------------------------------------------------------------------------------

    def _sensor_state(
        self, spec: SensorSpec, t: float
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        s, sv = sensor_position(spec, np.array([t]), self.epoch_s)
        if spec.speed_kn > 0:
            lat, lon, _ = earth.ecef_to_geodetic(s[0])
            R = earth.enu_rotation(lat, lon)
        else:
            R = self._enu[spec.id]
        return s[0], sv[0], R

    def _visible(
        self, spec: SensorSpec, s: FloatArray, R: FloatArray, xc: FloatArray
    ) -> FloatArray:
        enu = (xc[:, :3] - s) @ R.T
        az, el, rng = earth.enu_to_aer(enu)
        ok = (rng <= spec.max_range_km * 1e3) & (el >= spec.min_elevation_deg - 1.0)
        return np.asarray(ok & in_sector(spec, az))

    def _radar_scan(self, spec: SensorSpec, t: float, scan: list[Measurement]) -> list[TrackUpdate]:
        with_rate = spec.sigma_range_rate_m_s is not None and all(m.has_range_rate for m in scan)
        mdim = 4 if with_rate else 3
        z = np.array(
            [[m.range_m, m.azimuth_rad, m.elevation_rad, m.range_rate_m_s][:mdim] for m in scan]
        )
        sig = [
            spec.sigma_range_m,
            math.radians(spec.sigma_azimuth_deg),
            math.radians(spec.sigma_elevation_deg),
            spec.sigma_range_rate_m_s or 1.0,
        ][:mdim]
        Rm = np.diag(np.square(np.maximum(sig, 1e-9)))
        s, sv, R = self._sensor_state(spec, t)
        tracks = self.tracks
        assigned_meas: set[int] = set()
        gated_meas: set[int] = set()
        updates: list[TrackUpdate] = []
        if tracks:
            xc, Pc = imm.combine(
                np.stack([tr.x for tr in tracks]),
                np.stack([tr.P for tr in tracks]),
                np.stack([tr.mu for tr in tracks]),
            )
            see = np.flatnonzero(self._visible(spec, s, R, xc))
            if see.size:
                n = see.size
                h, H = radar_model(
                    xc[see],
                    np.tile(s, (n, 1)),
                    np.tile(sv, (n, 1)),
                    np.tile(R, (n, 1, 1)),
                    with_rate,
                )
                S = H @ Pc[see] @ np.swapaxes(H, 1, 2) + Rm
                Sinv = np.linalg.inv(S)
                y = z[None, :, :] - h[:, None, :]
                y[:, :, 1] = wrap_angle(y[:, :, 1])
                d2 = np.einsum("tmi,tij,tmj->tm", y, Sinv, y)
                gate = self._gate(mdim)
                _, logdet = np.linalg.slogdet(S)
                cost = np.where(d2 < gate, d2 + logdet[:, None], 1e12)
                gated_meas = set(np.flatnonzero((d2 < gate).any(axis=0)).tolist())
                rows, cols = linear_sum_assignment(cost)
                pairs = [
                    (int(see[r]), int(c))
                    for r, c in zip(rows, cols, strict=True)
                    if cost[r, c] < 1e12
                ]
                hit_tracks = {p[0] for p in pairs}
                shadowed = set(see[(d2 < gate).any(axis=1)].tolist()) - hit_tracks
                for i in see.tolist():
                    tr = tracks[i]
                    if i in shadowed:
                        # its gate held a detection another track took: two objects the
                        # sensor did not resolve, not a miss
                        continue
                    tr.hits.append(i in hit_tracks)
                    tr.misses = 0 if i in hit_tracks else tr.misses + 1
                if pairs:
                    updates = self._update_radar(pairs, z, Rm, s, sv, R, with_rate, spec, t)
                    assigned_meas = {p[1] for p in pairs}
        for j in range(len(scan)):
            if j not in assigned_meas and j not in gated_meas:
                self._start_track(spec, t, scan[j], s, R)
        return updates

    def _stacked(
        self, pairs: list[tuple[int, int]]
    ) -> tuple[list[Track], FloatArray, FloatArray, FloatArray]:
        """The paired tracks and their model states, covariances (one row per track and
        model) and model probabilities, for a batched update."""
        tracks = [self.tracks[i] for i, _ in pairs]
        n = len(tracks)
        x = np.stack([tr.x for tr in tracks]).reshape(n * K, D)
        P = np.stack([tr.P for tr in tracks]).reshape(n * K, D, D)
        return tracks, x, P, np.stack([tr.mu for tr in tracks])

    def _update_radar(
        self,
        pairs: list[tuple[int, int]],
        z: FloatArray,
        Rm: FloatArray,
        s: FloatArray,
        sv: FloatArray,
        R: FloatArray,
        with_rate: bool,
        spec: SensorSpec,
        t: float,
    ) -> list[TrackUpdate]:
        tracks, x, P, c = self._stacked(pairs)
        n = len(tracks)
        zz = np.repeat(z[[j for _, j in pairs]], K, axis=0)
        sK, svK, RK = np.tile(s, (n * K, 1)), np.tile(sv, (n * K, 1)), np.tile(R, (n * K, 1, 1))
        RmK = np.broadcast_to(Rm, (n * K, *Rm.shape))
        if self.config.filter == "ekf":
            h, H = radar_model(x, sK, svK, RK, with_rate)
            y = zz - h
            y[:, 1] = wrap_angle(y[:, 1])
            x1, P1, S = ekf_update(x, P, y, H, RmK)
        else:
            x1, P1, y, S = ukf_update(
                x,
                P,
                zz,
                lambda pts, own: radar_model(pts, sK[own], svK[own], RK[own], with_rate)[0],
                RmK,
                (1,),
            )
        mdim = y.shape[1]
        mu = imm.update_probabilities(c, y.reshape(n, K, mdim), S.reshape(n, K, mdim, mdim))
        return self._store(tracks, x1.reshape(n, K, D), P1.reshape(n, K, D, D), mu, spec, t)

    # -- infrared ---------------------------------------------------------------------------

    def _los_scan(self, spec: SensorSpec, t: float, scan: list[Measurement]) -> list[TrackUpdate]:
        u = np.array([m.los for m in scan])
        frame = los_frame(u)
        s, _, _ = self._sensor_state(spec, t)
        sig = max(spec.sigma_los_urad * 1e-6, 1e-9)
        Rm = np.eye(2) * sig**2
        updates: list[TrackUpdate] = []
        used: set[int] = set()
        if self.tracks:
            xc, Pc = imm.combine(
                np.stack([tr.x for tr in self.tracks]),
                np.stack([tr.P for tr in self.tracks]),
                np.stack([tr.mu for tr in self.tracks]),
            )
            n, m = len(self.tracks), len(scan)
            # residuals of every track against every line of sight, in each LOS's frame
            xt = np.repeat(xc, m, axis=0)
            ft = np.tile(frame, (n, 1, 1))
            h, H = los_model(xt, np.tile(s, (n * m, 1)), ft)
            S = H @ np.repeat(Pc, m, axis=0) @ np.swapaxes(H, 1, 2) + Rm
            d2 = np.einsum("ki,kij,kj->k", h, np.linalg.inv(S), h).reshape(n, m)
            gate = self._gate(2)
            cost = np.where(d2 < gate, d2, 1e12)
            rows, cols = linear_sum_assignment(cost)
            pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < 1e12]
            if pairs:
                updates = self._update_los(pairs, frame, s, Rm, spec, t)
                used = {c for _, c in pairs}
        for j in range(len(scan)):
            if j not in used:
                self._alert(spec, t, u[j], s)
        return updates

    def _update_los(
        self,
        pairs: list[tuple[int, int]],
        frame: FloatArray,
        s: FloatArray,
        Rm: FloatArray,
        spec: SensorSpec,
        t: float,
    ) -> list[TrackUpdate]:
        tracks, x, P, c = self._stacked(pairs)
        n = len(tracks)
        fr = np.repeat(frame[[j for _, j in pairs]], K, axis=0)
        sK = np.tile(s, (n * K, 1))
        RmK = np.broadcast_to(Rm, (n * K, 2, 2))
        h, H = los_model(x, sK, fr)
        x1, P1, S = ekf_update(x, P, -h, H, RmK)
        mu = imm.update_probabilities(c, -h.reshape(n, K, 2), S.reshape(n, K, 2, 2))
        for tr in tracks:
            tr.hits.append(True)
            tr.misses = 0
        return self._store(tracks, x1.reshape(n, K, D), P1.reshape(n, K, D, D), mu, spec, t)

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

    def _store(
        self,
        tracks: list[Track],
        x: FloatArray,
        P: FloatArray,
        mu: FloatArray,
        spec: SensorSpec,
        t: float,
    ) -> list[TrackUpdate]:
        out = []
        for i, tr in enumerate(tracks):
            tr.x, tr.P, tr.mu = x[i], P[i], mu[i]
            tr.last_update = t
            tr.updates += 1
            tr.sensors.add(spec.id)
            self.stats.updates += 1
        for tr in tracks:
            if not tr.confirmed and self._confirmable(tr):
                tr.confirmed = True
                self.stats.tracks_confirmed += 1
        shown = [i for i, tr in enumerate(tracks) if tr.confirmed]
        if shown:
            xc, Pc = imm.combine(x[shown], P[shown], mu[shown])
            for k, i in enumerate(shown):
                tr = tracks[i]
                out.append(
                    TrackUpdate(
                        t,
                        tr.id,
                        spec.id,
                        xc[k],
                        Pc[k],
                        tr.mu.copy(),
                        tr.phase,
                        tr.impact,
                        tr.launch,
                        tr.impact_time,
                        tr.impact_phase,
                        tr.updates,
                        tuple(sorted(tr.sensors)),
                    )
                )
        return out

    def _confirmable(self, tr: Track) -> bool:
        recent = list(tr.hits)[-self.config.confirm_window :]
        return sum(recent) >= self.config.confirm_hits

    def _refresh_impacts(self, tracks: list[Track], t: float) -> None:
        cfg = self.config
        # a prediction is due every impact_interval_s, or every 2 % of the time left to
        # impact when that is longer: far from impact the prediction changes slowly
        due = [
            tr
            for tr in tracks
            if tr.last_update > tr.impact_time
            and t - tr.impact_time
            >= max(
                cfg.impact_interval_s,
                0.02 * ((tr.impact.time - t) if tr.impact is not None else 0.0),
            )
        ]
        if not due:
            return
        est = [tr.estimate() for tr in due]
        x = np.stack([e[0] for e in est])
        P = np.stack([e[1] for e in est])
        times = np.full(len(due), t)
        for tr, p in zip(due, predict_impacts(x, P, times), strict=True):
            tr.impact, tr.impact_time, tr.impact_phase = p, t, tr.phase
        back = [i for i, tr in enumerate(due) if t - tr.launch_time >= cfg.launch_interval_s]
        if back:
            launches = predict_launch_points(x[back], P[back], times[back])
            for i, q in zip(back, launches, strict=True):
                due[i].launch, due[i].launch_time = q, t

    def _start_track(
        self, spec: SensorSpec, t: float, m: Measurement, s: FloatArray, R: FloatArray
    ) -> None:
        cfg = self.config
        enu = earth.aer_to_enu(
            math.degrees(m.azimuth_rad), math.degrees(m.elevation_rad), m.range_m
        )
        pos = s + R.T @ enu
        # position covariance from the measurement's through the inverse model's Jacobian
        ca, sa = math.cos(m.azimuth_rad), math.sin(m.azimuth_rad)
        ce, se = math.cos(m.elevation_rad), math.sin(m.elevation_rad)
        rng = m.range_m
        J = np.array(
            [
                [ce * sa, rng * ce * ca, -rng * se * sa],
                [ce * ca, -rng * ce * sa, -rng * se * ca],
                [se, 0.0, rng * ce],
            ]
        )
        sig = np.diag(
            [
                spec.sigma_range_m**2,
                math.radians(spec.sigma_azimuth_deg) ** 2,
                math.radians(spec.sigma_elevation_deg) ** 2,
            ]
        )
        Ppos = R.T @ J @ sig @ J.T @ R
        vel = np.zeros(3)
        Pvel = np.eye(3) * cfg.initial_speed_sigma_m_s**2
        if m.has_range_rate:
            los = (pos - s) / np.linalg.norm(pos - s)
            vel = los * m.range_rate_m_s
        x = np.concatenate([pos, vel, [0.0, 0.0]])
        P = np.zeros((D, D))
        P[:3, :3] = Ppos + np.eye(3) * 1.0
        P[3:6, 3:6] = Pvel
        P[6, 6] = cfg.initial_log_kappa_sigma**2
        P[7, 7] = cfg.initial_thrust_sigma_m_s2**2
        mu = np.array([0.3, 0.5, 0.2])
        tr = Track(
            f"T{self._next_id}", np.tile(x, (K, 1)), np.tile(P, (K, 1, 1)), mu, t, t, last_update=t
        )
        tr.hits.append(True)
        tr.sensors.add(spec.id)
        self._next_id += 1
        self.tracks.append(tr)
        self.stats.tracks_started += 1

    def _manage(self, t: float) -> None:
        if not self.tracks:
            return
        xc, _ = imm.combine(
            np.stack([tr.x for tr in self.tracks]),
            np.stack([tr.P for tr in self.tracks]),
            np.stack([tr.mu for tr in self.tracks]),
        )
        below = earth.geodetic_altitude_m(xc[:, :3]) < -2000.0
        keep = []
        for tr, under in zip(self.tracks, below.tolist(), strict=True):
            coasting = t - tr.last_update > self.config.max_coast_s
            limit = self.config.delete_misses if tr.confirmed else 2
            if tr.misses >= limit or coasting or under:
                self.stats.tracks_deleted += 1
                if tr.confirmed:
                    fell = tr.impact is not None and t >= tr.impact.time - 15.0
                    why = "fell" if fell or under else "coasting" if coasting else "missed"
                    self.stats.ended.append((tr.id, t, why))
            else:
                keep.append(tr)
        self.tracks = keep


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
