"""The peak of a sampled maximum: the vertex of the parabola through three equally spaced
samples, used for the apogee of a step and for the best burnout angle of a range search."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["parabolic_peak"]

FloatArray = npt.NDArray[np.float64]


def parabolic_peak(
    left: FloatArray, centre: FloatArray, right: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(offset of the vertex from the centre sample in sample spacings, clipped to ±1; the
    parabola's value there). Where the samples do not bend downwards the centre is kept."""
    denom = left - 2.0 * centre + right
    concave = denom < 0
    offset = np.where(concave, 0.5 * (left - right) / np.where(concave, denom, -1.0), 0.0)
    offset = np.clip(offset, -1.0, 1.0)
    return offset, centre - 0.25 * (left - right) * offset
