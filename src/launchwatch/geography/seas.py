"""Which sea: launchwatch's simplified outlines of the Sea of Japan (East Sea), the Yellow Sea,
the East China Sea and the Sea of Okhotsk (``data/sea_areas.geojson``, after IHO S-23, 1953;
approximate), and the Pacific Ocean beyond them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import shapely

__all__ = ["PACIFIC", "sea_at"]

PACIFIC = "Pacific Ocean"
OTHER = "open ocean"


@cache
def _seas() -> tuple[tuple[str, ...], shapely.STRtree]:
    text = (resources.files("launchwatch") / "data" / "sea_areas.geojson").read_text("utf-8")
    features = json.loads(text)["features"]
    names = tuple(str(f["properties"]["name"]) for f in features)
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    return names, shapely.STRtree(shapes)


def sea_at(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> list[str]:
    """The named sea of each point (call it only for points at sea). Outside the marginal seas,
    the Pacific Ocean is taken as east of 100°E and west of 100°W north of the equator, and
    east of 130°E and west of 70°W south of it (a coarse box, enough for the launches here)."""
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = (np.atleast_1d(np.asarray(lon_deg, dtype=np.float64)) + 180.0) % 360.0 - 180.0
    names, tree = _seas()
    hits = tree.query(shapely.points(lon, lat), predicate="intersects")
    out: list[str] = [
        PACIFIC if _in_pacific(la, lo) else OTHER
        for la, lo in zip(lat.tolist(), lon.tolist(), strict=True)
    ]
    for i, k in zip(hits[0].tolist(), hits[1].tolist(), strict=True):
        out[i] = names[k]
    return out


def _in_pacific(lat: float, lon: float) -> bool:
    if lat >= 0.0:
        return lat <= 66.0 and (lon >= 100.0 or lon <= -100.0)
    return lat >= -60.0 and (lon >= 130.0 or lon <= -70.0)
