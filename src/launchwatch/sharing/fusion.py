"""One picture from every partner's tracks: track-to-track association and covariance
intersection.

Each partner reports its own tracks (state and covariance in ECEF); the same missile seen by two
partners must become one object. A partner track joins the object whose fused state it gates
with (χ²₆ at 0.9999 on the 6-dimensional difference, S = P_a + P_b, after predicting both to
the same time with the tracker's ballistic motion model), unless that object has a track of the
same partner that reported within ``break_s`` (a partner's two live tracks are two objects,
but a partner's new track may continue one that broke off); otherwise it starts an object of
its own. Members silent for more than ``stale_s`` no longer take part in the fused state.
Every report of a member is checked again against the object's other members; one that no
longer gates with them (a stage that separated, missiles of a salvo that spread out) leaves
and is associated afresh. Tracks whose ballistic coefficients are known (the partners share
them once observed) and more than 4× apart are never one object: a spent stage and its
warhead fly close together for tens of seconds after separation, within the gate.

The partners' estimates are not independent (they may share a sensor's data, or each other's
fused output), so they are combined by covariance intersection (Julier & Uhlmann 1997, "A
non-divergent estimation algorithm in the presence of unknown correlations", eq. 3):

    P⁻¹ = ω P_a⁻¹ + (1 - ω) P_b⁻¹,     x = P (ω P_a⁻¹ a + (1 - ω) P_b⁻¹ b),

with ω ∈ [0, 1] minimising tr P (scipy's bounded scalar search), applied member after member.
It is consistent for any correlation, at the price of being less tight than a Kalman fusion of
independent estimates.

The impact point of an object is the tightest (smallest 95 % ellipse area) of its members'
predictions, and says which partner made it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar
from scipy.stats import chi2

from launchwatch.sharing.messages import Ellipse, ImpactReport, TrackReport
from launchwatch.tracking.motion import STATE_DIM, predict_states, process_noise

__all__ = ["FusedObject", "FusedPicture", "PartnerTrack", "covariance_intersection"]

FloatArray = npt.NDArray[np.float64]
GATE_6: Final = float(chi2.ppf(0.9999, 6))
Q_BALLISTIC_M2_S3: Final = 1.0
Q_BOOST_M2_S3: Final = 400.0
DRAG_RATIO: Final = 4.0
"""Known ballistic coefficients this many times apart are two bodies (the assessment's
STAGE_BETA_FRACTION of 0.25)."""
"""Under thrust the ballistic prediction is off by the motor's push (tens of m/s²)."""


@dataclass
class PartnerTrack:
    partner: str
    track: str
    time: float
    x: FloatArray  # (6,) ECEF position and velocity
    P: FloatArray  # (6, 6)
    phase: str
    launch: Ellipse | None = None
    beta_kg_m2: float | None = None
    """The partner's estimate of the ballistic coefficient, once observed."""
    impact: ImpactReport | None = None
    impact_time: float = -math.inf


@dataclass
class FusedObject:
    id: str
    members: dict[tuple[str, str], PartnerTrack] = field(default_factory=dict)
    time: float = -math.inf
    x: FloatArray = field(default_factory=lambda: np.zeros(6))
    P: FloatArray = field(default_factory=lambda: np.eye(6))

    @property
    def partners(self) -> list[str]:
        return sorted({p for p, _ in self.members})

    def best_impact(self) -> tuple[str, ImpactReport] | None:
        """The member prediction with the smallest 95 % ellipse, and its partner."""
        found = [(m.partner, m.impact) for m in self.members.values() if m.impact is not None]
        if not found:
            return None
        return min(found, key=lambda pi: pi[1].impact.semi_major_km * pi[1].impact.semi_minor_km)

    def best_launch(self) -> tuple[str, Ellipse] | None:
        found = [(m.partner, m.launch) for m in self.members.values() if m.launch is not None]
        if not found:
            return None
        return min(found, key=lambda pl: pl[1].semi_major_km * pl[1].semi_minor_km)


def predict(x: FloatArray, P: FloatArray, dt: float, phase: str) -> tuple[FloatArray, FloatArray]:
    """(x, P) of a 6-state dt seconds on, by the tracker's ballistic model plus white noise."""
    if dt == 0.0:
        return x, P
    x8 = np.zeros((1, STATE_DIM))
    x8[0, :6] = x  # λ = 0: β = 20,000 kg/m², no thrust
    y, Phi = predict_states(x8, np.array([dt]))
    F = Phi[0, :6, :6]
    q = Q_BOOST_M2_S3 if phase == "boost" else Q_BALLISTIC_M2_S3
    Q = process_noise(np.array([dt]), np.array([q]), 0.0)[0, :6, :6]
    return y[0, :6], F @ P @ F.T + Q


def covariance_intersection(
    a: FloatArray, Pa: FloatArray, b: FloatArray, Pb: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """(x, P, ω) of the covariance intersection of two estimates (module docstring)."""
    Ia, Ib = np.linalg.inv(Pa), np.linalg.inv(Pb)

    def trace_of(w: float) -> float:
        return float(np.trace(np.linalg.inv(w * Ia + (1.0 - w) * Ib)))

    w = float(minimize_scalar(trace_of, bounds=(0.0, 1.0), method="bounded").x)
    P = np.linalg.inv(w * Ia + (1.0 - w) * Ib)
    x = P @ (w * Ia @ a + (1.0 - w) * Ib @ b)
    return x, 0.5 * (P + P.T), w


class FusedPicture:
    def __init__(self, stale_s: float = 20.0, break_s: float = 3.0) -> None:
        self.objects: list[FusedObject] = []
        self.stale_s = stale_s
        self.break_s = break_s
        self._of: dict[tuple[str, str], FusedObject] = {}
        self._next = 1

    def add_track(self, partner: str, report: TrackReport, time: float) -> FusedObject:
        key = (partner, report.track)
        member = PartnerTrack(
            partner,
            report.track,
            time,
            np.array([*report.position_ecef_m, *report.velocity_ecef_m_s]),
            np.array(report.covariance_ecef, dtype=np.float64),
            report.phase,
            report.launch,
            report.ballistic_coefficient_kg_m2,
        )
        obj = self._of.get(key)
        if obj is not None:
            old = obj.members.pop(key)
            member.impact, member.impact_time = old.impact, old.impact_time
            if not self._still_fits(obj, member):
                # the partners' tracks went apart (a stage separated, a salvo spread out)
                self._drop_if_empty(obj)
                obj = None
        if obj is None:
            obj = self._associate(member)
            self._of[key] = obj
        obj.members[key] = member
        self._fuse(obj)
        return self._merge_into(obj)

    def _merge_into(self, obj: FusedObject) -> FusedObject:
        """Objects that turn out to be one (their tracks were first seen apart) become one."""
        for other in list(self.objects):
            if other is obj or abs(other.time - obj.time) > self.stale_s:
                continue
            if _apart_by_drag(obj.members.values(), other.members.values()):
                continue
            live = {m.partner for m in obj.members.values() if obj.time - m.time <= self.break_s}
            if any(
                m.partner in live and other.time - m.time <= self.break_s
                for m in other.members.values()
            ):
                continue  # each has a live track of the same partner: two objects
            xo, Po = predict(other.x, other.P, obj.time - other.time, _phase(other))
            d = obj.x - xo
            try:
                d2 = float(d @ np.linalg.solve(obj.P + Po, d))
            except np.linalg.LinAlgError:
                continue
            if d2 <= GATE_6:
                for key, m in other.members.items():
                    obj.members[key] = m
                    self._of[key] = obj
                self.objects.remove(other)
                self._fuse(obj)
        return obj

    def add_impact(self, partner: str, report: ImpactReport, time: float) -> FusedObject | None:
        obj = self._of.get((partner, report.track))
        if obj is None:
            return None  # the track report comes first on its stream; an impact alone waits
        member = obj.members[(partner, report.track)]
        member.impact, member.impact_time = report, time
        return obj

    def _associate(self, member: PartnerTrack) -> FusedObject:
        best: tuple[float, FusedObject] | None = None
        for obj in self.objects:
            if abs(member.time - obj.time) > self.stale_s or self._holds_live(obj, member):
                continue
            if _apart_by_drag(obj.members.values(), [member]):
                continue
            d2 = self._gate(obj.x, obj.P, obj.time, _phase(obj), member)
            if d2 <= GATE_6 and (best is None or d2 < best[0]):
                best = (d2, obj)
        if best is not None:
            return best[1]
        obj = FusedObject(id=f"F{self._next}")
        self._next += 1
        self.objects.append(obj)
        return obj

    def _gate(self, x: FloatArray, P: FloatArray, t: float, phase: str, m: PartnerTrack) -> float:
        """d² of a member against a state (x, P) at time t, at the member's time."""
        xp, Pp = predict(x, P, m.time - t, phase)
        d = m.x - xp
        try:
            return float(d @ np.linalg.solve(Pp + m.P, d))
        except np.linalg.LinAlgError:
            return math.inf

    def _still_fits(self, obj: FusedObject, member: PartnerTrack) -> bool:
        others = [
            m
            for m in obj.members.values()
            if m.partner != member.partner and abs(member.time - m.time) <= self.stale_s
        ]
        if not others:
            return True
        if _apart_by_drag(others, [member]):
            return False
        x, P, t = self._combine(others)
        return self._gate(x, P, t, _phase(obj), member) <= GATE_6

    def _drop_if_empty(self, obj: FusedObject) -> None:
        if not obj.members:
            self.objects.remove(obj)
        else:
            self._fuse(obj)

    def _holds_live(self, obj: FusedObject, member: PartnerTrack) -> bool:
        """Whether the object has a track of the same partner that is still reporting (a
        partner's two live tracks are two objects; a track that stopped may be continued)."""
        return any(
            m.partner == member.partner and member.time - m.time <= self.break_s
            for m in obj.members.values()
        )

    def _combine(self, members: list[PartnerTrack]) -> tuple[FloatArray, FloatArray, float]:
        t = max(m.time for m in members)
        live = [m for m in members if t - m.time <= self.stale_s]
        x, P = predict(live[0].x, live[0].P, t - live[0].time, live[0].phase)
        for m in live[1:]:
            xm, Pm = predict(m.x, m.P, t - m.time, m.phase)
            x, P, _ = covariance_intersection(x, P, xm, Pm)
        return x, P, t

    def _fuse(self, obj: FusedObject) -> None:
        obj.x, obj.P, obj.time = self._combine(list(obj.members.values()))


def _apart_by_drag(a: Iterable[PartnerTrack], b: Iterable[PartnerTrack]) -> bool:
    """True if the ballistic coefficients the partners know say these are two bodies: more
    than DRAG_RATIO apart (a spent stage tumbles at 1-2 t/m², a re-entry vehicle flies at
    10 t/m² or more; the assessment tells them apart by the same factor). Unknown: no say."""
    known_a = [m.beta_kg_m2 for m in a if m.beta_kg_m2]
    known_b = [m.beta_kg_m2 for m in b if m.beta_kg_m2]
    if not known_a or not known_b:
        return False
    ra, rb = max(known_a), max(known_b)
    return max(ra, rb) > DRAG_RATIO * min(ra, rb)


def _phase(obj: FusedObject) -> str:
    return "boost" if any(m.phase == "boost" for m in obj.members.values()) else "ballistic"
