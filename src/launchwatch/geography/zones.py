"""Which zone a point is in: a country's land, its territorial sea (12 nautical miles from the
coast), its 200-nautical-mile zone, or the high seas.

No package ships exclusive-economic-zone polygons, so the zones are the accepted
approximation: a point at sea belongs to the country whose coast is nearest (which is the
median line between neighbours), inside 12 nmi of that coast to its territorial sea and inside
200 nmi to its zone. Baselines, islands that generate no zone, agreed boundaries and disputed
claims are not modelled; every zone this module names is labelled an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from launchwatch.geography.coast import nearest_coast
from launchwatch.geography.countries import Country, countries, country_index_at
from launchwatch.geography.seas import sea_at

__all__ = ["EEZ_M", "NAUTICAL_MILE_M", "TERRITORIAL_SEA_M", "Zone", "ZoneKind", "zones_at"]

NAUTICAL_MILE_M: Final = 1852.0
TERRITORIAL_SEA_M: Final = 12 * NAUTICAL_MILE_M
EEZ_M: Final = 200 * NAUTICAL_MILE_M
APPROXIMATION: Final = (
    "approximate: 200-nmi and 12-nmi distances from Natural Earth 1:10m coastlines, split at "
    "median lines (nearest coast); not legal limits"
)

ZoneKind = Literal["land", "territorial-sea", "eez", "high-seas"]


@dataclass(frozen=True)
class Zone:
    kind: ZoneKind
    country: Country | None
    """Whose land or waters (None on the high seas)."""
    coast_distance_km: float
    """To the nearest coast (0 on land)."""
    sea: str
    """Named sea or ocean for points at sea; empty on land."""

    def describe(self) -> str:
        if self.kind == "land" and self.country is not None:
            return f"on land in {self.country.name}"
        name = self.country.name if self.country is not None else ""
        if self.kind == "territorial-sea":
            return f"in {name}'s territorial sea (within 12 nmi, approx.), {self.sea}"
        if self.kind == "eez":
            return f"inside {name}'s 200-nmi zone (approx.), {self.sea}"
        return f"on the high seas, {self.sea}"


def zones_at(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> list[Zone]:
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    land = country_index_at(lat, lon)
    everyone = countries()
    out: list[Zone | None] = [None] * lat.size
    for i in np.flatnonzero(land >= 0).tolist():
        out[i] = Zone("land", everyone[int(land[i])], 0.0, "")
    sea = np.flatnonzero(land < 0)
    if sea.size:
        coast = nearest_coast(lat[sea], lon[sea])
        names = sea_at(lat[sea], lon[sea])
        for k, i in enumerate(sea.tolist()):
            d = float(coast.distance_m[k])
            owner = everyone[int(coast.country[k])]
            kind: ZoneKind = "high-seas"
            if d <= TERRITORIAL_SEA_M:
                kind = "territorial-sea"
            elif d <= EEZ_M:
                kind = "eez"
            out[i] = Zone(kind, None if kind == "high-seas" else owner, d / 1e3, names[k])
    return [z for z in out if z is not None]
