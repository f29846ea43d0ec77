"""The map's background, offline: Natural Earth 1:10m land (the polygons the geography package
already ships) clipped to the region and simplified for a browser."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely

from launchwatch.geography.countries import countries, country_geometries

__all__ = ["REGION", "land_geojson"]

REGION = (110.0, 20.0, 160.0, 55.0)
"""lon_min, lat_min, lon_max, lat_max: the Korean peninsula, Japan, the seas around them, and
the Pacific to the flights of 2017 and 2022."""


@lru_cache(maxsize=8)
def land_geojson(
    region: tuple[float, float, float, float] = REGION, tolerance_deg: float = 0.01
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection, one feature per country with land in the region
    (``code``: ISO 3166 alpha-3 as Natural Earth has it, ``name``)."""
    features = []
    for country, geometry in zip(countries(), country_geometries(), strict=True):
        clipped = shapely.clip_by_rect(geometry, *region)
        if clipped.is_empty:
            continue
        simple = shapely.simplify(clipped, tolerance_deg, preserve_topology=True)
        if simple.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"code": country.code, "name": country.name},
                "geometry": shapely.geometry.mapping(simple),
            }
        )
    return {"type": "FeatureCollection", "features": features}
