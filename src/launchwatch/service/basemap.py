"""The map's background, offline: Natural Earth 1:10m land (the polygons the geography package
already ships) clipped to the region and simplified for a browser, the 200-nmi zones
(approximate) and the sensors' coverage."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely

from launchwatch.coverage import REFERENCE_ALTITUDE_M, coverage_ring
from launchwatch.geography.countries import countries, country_geometries
from launchwatch.geography.zone_map import zone_outlines
from launchwatch.geography.zones import APPROXIMATION
from launchwatch.scenario import SensorSpec

__all__ = ["REGION", "land_geojson", "sensors_geojson", "zones_geojson"]

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


@lru_cache(maxsize=2)
def zones_geojson(region: tuple[float, float, float, float] = REGION) -> dict[str, Any]:
    """The 200-nmi zones (approximate: median lines, Natural Earth coasts) of the countries
    with a coast in the region, one feature each (``code``, ``name``, ``note``)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": z.country, "name": z.name, "note": z.note},
            "geometry": shapely.geometry.mapping(z.geometry),
        }
        for z in zone_outlines(region)
    ]
    return {"type": "FeatureCollection", "note": APPROXIMATION, "features": features}


def sensors_geojson(
    sensors: list[SensorSpec], altitude_m: float = REFERENCE_ALTITUDE_M
) -> dict[str, Any]:
    """Each sensor as a point, and its coverage for an object at ``altitude_m`` as a polygon
    (``role``: ``sensor`` or ``coverage``)."""
    features: list[dict[str, Any]] = []
    for s in sensors:
        props = {"id": s.id, "name": s.name, "owner": s.owner, "type": s.type}
        features.append(
            {
                "type": "Feature",
                "properties": {**props, "role": "sensor", "alt_m": s.alt_m},
                "geometry": {"type": "Point", "coordinates": [s.lon_deg, s.lat_deg]},
            }
        )
        if s.type == "space-ir" and s.orbit != "geo":
            continue  # a moving footprint: not drawn
        ring = coverage_ring(s, altitude_m)
        features.append(
            {
                "type": "Feature",
                "properties": {**props, "role": "coverage", "altitude_m": altitude_m},
                "geometry": {"type": "Polygon", "coordinates": [ring[:, ::-1].tolist()]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
