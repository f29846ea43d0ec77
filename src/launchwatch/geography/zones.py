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

__all__ = [
    "APPROXIMATION",
    "EEZ_M",
    "KIND_CODES",
    "NAUTICAL_MILE_M",
    "TERRITORIAL_SEA_M",
    "Zone",
    "ZoneKind",
    "zone_codes",
    "zones_at",
]

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


KIND_CODES: Final[tuple[ZoneKind, ...]] = ("land", "territorial-sea", "eez", "high-seas")


def zone_codes(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Vectorised zones: (index into KIND_CODES, index into countries() or -1 on the high
    seas, distance to the nearest coast in m) per point."""
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    owner = country_index_at(lat, lon)
    kind = np.zeros(lat.shape, dtype=np.intp)
    dist = np.zeros(lat.shape)
    sea = np.flatnonzero(owner < 0)
    if sea.size:
        coast = nearest_coast(lat[sea], lon[sea])
        d = coast.distance_m
        dist[sea] = d
        kind[sea] = np.where(d <= TERRITORIAL_SEA_M, 1, np.where(d <= EEZ_M, 2, 3))
        owner[sea] = np.where(d <= EEZ_M, coast.country, -1)
    return kind, owner, dist


def zones_at(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> list[Zone]:
    lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
    kind, owner, dist = zone_codes(lat, lon)
    everyone = countries()
    at_sea = np.flatnonzero(kind > 0)
    names = dict(zip(at_sea.tolist(), sea_at(lat[at_sea], lon[at_sea]), strict=True))
    return [
        Zone(
            KIND_CODES[k],
            everyone[o] if o >= 0 else None,
            float(d) / 1e3,
            names.get(i, ""),
        )
        for i, (k, o, d) in enumerate(zip(kind.tolist(), owner.tolist(), dist, strict=True))
    ]
