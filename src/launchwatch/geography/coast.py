"""Distance to the nearest coast and whose coast it is.

The nearest coast is found among the vertices of the Natural Earth 1:10m country outlines,
densified to at most 0.02° (about 2 km) apart, in a k-d tree of unit vectors (scipy's cKDTree:
chord distance orders points as great-circle distance does); the distance to the vertex found
is then the WGS-84 geodesic (pyproj). A point at sea can be up to about 1 km nearer the true
coastline than the nearest vertex; land borders between countries count as coast where they
meet the sea.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree

from launchwatch.earth import sphere_unit_vectors
from launchwatch.geography.countries import country_geometries

__all__ = ["CoastDistance", "nearest_coast"]

FloatArray = npt.NDArray[np.float64]
_GEOD = Geod(ellps="WGS84")
VERTEX_SPACING_DEG = 0.02


@dataclass(frozen=True)
class CoastDistance:
    country: npt.NDArray[np.intp]
    """Index into geography.countries.countries() of the nearest coast's country."""
    distance_m: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    """The coast vertex found."""


@dataclass(frozen=True)
class _Coasts:
    tree: cKDTree
    lat: FloatArray
    lon: FloatArray
    owner: npt.NDArray[np.intp]


@cache
def _coasts() -> _Coasts:
    outlines = shapely.segmentize(shapely.boundary(country_geometries()), VERTEX_SPACING_DEG)
    xy, owner = shapely.get_coordinates(outlines, return_index=True)
    lat, lon = xy[:, 1].copy(), xy[:, 0].copy()
    return _Coasts(cKDTree(sphere_unit_vectors(lat, lon)), lat, lon, owner.astype(np.intp))


def nearest_coast(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> CoastDistance:
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    c = _coasts()
    _, j = c.tree.query(sphere_unit_vectors(lat, lon))
    _, _, dist = _GEOD.inv(lon, lat, c.lon[j], c.lat[j])
    return CoastDistance(c.owner[j], np.asarray(dist, dtype=np.float64), c.lat[j], c.lon[j])
