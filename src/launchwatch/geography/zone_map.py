"""The 200-nautical-mile zones as polygons, for a map.

:mod:`.zones` answers "which zone is this point in" from the distance to the nearest coast;
a map needs the zones' outlines instead. They are drawn from the same answer: the zones of a
regular grid of points (``step_deg`` apart) are merged, run by run along each row of the grid,
into one polygon per country and kind (shapely), then simplified. The outline is therefore
the point classifier's own, to within half a grid step (about 3 km at 0.05°), and carries the
same label: an approximation at median lines, not legal limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from launchwatch.geography.countries import countries
from launchwatch.geography.zones import APPROXIMATION, zone_codes

__all__ = ["ZoneOutline", "zone_outlines"]


@dataclass(frozen=True)
class ZoneOutline:
    country: str
    """Natural Earth ADM0_A3 code."""
    name: str
    geometry: shapely.Geometry
    """The land, the 12-nmi sea and the 200-nmi zone together, in (lon, lat) degrees."""
    note: str = APPROXIMATION


def _runs(row: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of True in a boolean row."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def zone_outlines(
    region: tuple[float, float, float, float],
    step_deg: float = 0.1,
    codes: tuple[str, ...] | None = None,
    tolerance_deg: float | None = None,
) -> list[ZoneOutline]:
    """Each country's 200-nmi zone (with its land and territorial sea) within ``region``
    (lon_min, lat_min, lon_max, lat_max), for the countries with a coast in it (or those
    ``codes`` names)."""
    lon_min, lat_min, lon_max, lat_max = region
    lons = np.arange(lon_min + step_deg / 2, lon_max, step_deg)
    lats = np.arange(lat_min + step_deg / 2, lat_max, step_deg)
    grid_lon, grid_lat = np.meshgrid(lons, lats)
    kind, owner, _ = zone_codes(grid_lat.ravel(), grid_lon.ravel())
    kind, owner = kind.reshape(grid_lat.shape), owner.reshape(grid_lat.shape)
    everyone = countries()
    at_sea = np.unique(owner[(kind == 1) | (kind == 2)])
    out = []
    for o in at_sea.tolist():
        if o < 0 or (codes is not None and everyone[o].code not in codes):
            continue
        mask = (owner == o) & (kind <= 2)
        west, south = lon_min, lat_min
        boxes = [
            shapely.box(
                west + a * step_deg,
                south + i * step_deg,
                west + b * step_deg,
                south + (i + 1) * step_deg,
            )
            for i in range(mask.shape[0])
            for a, b in _runs(mask[i])
        ]
        merged = shapely.simplify(shapely.union_all(boxes), tolerance_deg or step_deg / 2)
        out.append(ZoneOutline(everyone[o].code, everyone[o].name, merged))
    return out
