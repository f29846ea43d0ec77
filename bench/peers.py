"""Stone Soup and FilterPy set up with launchwatch's geometry and physics, for side-by-side
benchmarks. Stone Soup states are [x, vx, y, vy, z, vz] (ECEF); launchwatch's are
[x, y, z, vx, vy, vz, κ, a]. Stone Soup's radar model reports [elevation, bearing, range] with
bearing = atan2(north, east) = 90° - azimuth, once its rotation is the local ENU one.

As the issue notes, Stone Soup's default numerical Jacobian misbehaves at Earth scale for
negative coordinates, so both its measurement and transition models get analytic Jacobians
(launchwatch's own, reordered).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from stonesoup.base import Property
from stonesoup.models.base import TimeVariantModel
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
from stonesoup.models.transition.nonlinear import GaussianTransitionModel
from stonesoup.types.array import CovarianceMatrix, StateVector

from launchwatch.tracking.motion import predict_states, process_noise
from launchwatch.tracking.sensing import radar_model

SS_TO_LW = [0, 2, 4, 1, 3, 5]  # launchwatch index of each Stone Soup state component


def to_lw(ss: np.ndarray) -> np.ndarray:
    """Stone Soup 6-vector (or (6, n)) -> launchwatch 8-vector rows (n, 8)."""
    s = np.asarray(ss, dtype=float).reshape(6, -1)
    out = np.zeros((s.shape[1], 8))
    out[:, [0, 1, 2, 3, 4, 5]] = s[[0, 2, 4, 1, 3, 5], :].T
    return out


class EnuRadar(CartesianToElevationBearingRange):
    """Stone Soup's radar model in a local east-north-up frame, with an analytic Jacobian."""

    enu: np.ndarray = Property(doc="rows: east, north, up unit vectors in ECEF")

    @property
    def rotation_matrix(self) -> np.ndarray:  # type: ignore[override]
        return self.enu

    def jacobian(self, state, **kwargs):  # type: ignore[no-untyped-def]
        x = to_lw(state.state_vector)
        s = np.asarray(self.translation_offset, dtype=float).reshape(1, 3)
        _, H = radar_model(x, s, np.zeros((1, 3)), self.enu[None], False)
        H = H[0]
        J = np.zeros((3, 6))
        # Stone Soup rows [el, bearing, range]; bearing = 90° - azimuth
        for row, (lw_row, sign) in enumerate(((2, 1.0), (1, -1.0), (0, 1.0))):
            J[row, :] = sign * H[lw_row, [0, 3, 1, 4, 2, 5]]
        return J


class Ballistic(GaussianTransitionModel, TimeVariantModel):
    """J2 gravity on the rotating Earth (launchwatch's motion model), for Stone Soup."""

    q: float = Property(default=0.05, doc="white-noise acceleration density, m²/s³")

    @property
    def ndim_state(self) -> int:
        return 6

    def function(self, state, noise=False, **kwargs):  # type: ignore[no-untyped-def]
        step = kwargs["time_interval"].total_seconds()
        x = to_lw(state.state_vector)
        y, _ = predict_states(x, np.full(len(x), step), with_transition=False)
        out = y[:, [0, 3, 1, 4, 2, 5]].T
        return StateVector(out) if out.shape[1] == 1 else out

    def jacobian(self, state, **kwargs):  # type: ignore[no-untyped-def]
        step = kwargs["time_interval"].total_seconds()
        _, Phi = predict_states(to_lw(state.state_vector), np.array([step]))
        idx = [0, 3, 1, 4, 2, 5]
        return Phi[0][np.ix_(idx, idx)]

    def covar(self, time_interval: dt.timedelta, **kwargs) -> CovarianceMatrix:  # type: ignore[override]
        Q = process_noise(np.array([time_interval.total_seconds()]), np.array([self.q]), 0.0)[0]
        idx = [0, 3, 1, 4, 2, 5]
        return CovarianceMatrix(Q[np.ix_(idx, idx)])

    def rvs(self, num_samples=1, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def pdf(self, state1, state2, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError
