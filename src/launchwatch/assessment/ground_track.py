"""A missile's ground track: where it has flown (its track updates) and where it will fly
(each update's state flown on to the ground in vacuum, sampled every 2 s), and the countries
and provinces under it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from launchwatch import earth
from launchwatch.assessment.events import FlyingObject
from launchwatch.assessment.tracks_file import TrackRecord
from launchwatch.flight.propagate import propagate
from launchwatch.geography.countries import countries
from launchwatch.geography.places import nearest_places
from launchwatch.geography.zones import KIND_CODES, zone_codes

__all__ = ["Overflight", "ground_track", "object_records", "overflights", "predicted_paths"]

FloatArray = npt.NDArray[np.float64]
PATH_STEP_S: Final = 2.0


def object_records(obj: FlyingObject) -> tuple[list[TrackRecord], FloatArray]:
    """All track updates of an object in time order, and their times (POSIX s)."""
    pairs = sorted(
        ((float(t), r) for tr in obj.tracks for t, r in zip(tr.times, tr.records, strict=True)),
        key=lambda p: p[0],
    )
    return [r for _, r in pairs], np.array([t for t, _ in pairs])


def predicted_paths(records: list[TrackRecord], t0: FloatArray) -> list[FloatArray]:
    """(lat, lon) ground track from each record's state to the ground, every 2 s."""
    if not records:
        return []
    r = np.array([rec.position_ecef_m for rec in records])
    v = np.array([rec.velocity_ecef_m_s for rec in records])
    flight = propagate(
        r, v, t0=t0, rtol=1e-7, atol_m=10.0, record=True, max_step_s=20.0, find_apogee=False
    )
    out = []
    for path in flight.paths:
        t = path[:, 0]
        grid = np.append(np.arange(t[0], t[-1], PATH_STEP_S), t[-1])
        pos = np.column_stack([np.interp(grid, t, path[:, 1 + k]) for k in range(3)])
        lat, lon, _ = earth.ecef_to_geodetic(pos)
        out.append(np.column_stack([lat, lon]))
    return out


def ground_track(obj: FlyingObject) -> FloatArray:
    """(lat, lon) of the whole flight as known at the object's last update."""
    records, times = object_records(obj)
    flown = np.array([[r.lat_deg, r.lon_deg] for r in records])
    return np.vstack([flown, *predicted_paths(records[-1:], times[-1:])])


@dataclass(frozen=True)
class Overflight:
    country: str
    code: str
    kind: str
    """land, or territorial-sea only."""
    regions: list[str]


def overflights(track: FloatArray, exclude: set[str] | None = None) -> list[Overflight]:
    """The countries whose land or territorial sea (12 nmi, approx.) lies under a ground track,
    with the provinces (nearest towns' admin1) under it; ``exclude``: ADM0_A3 codes left out
    (the launching state)."""
    kind, owner, _ = zone_codes(track[:, 0], track[:, 1])
    territory = np.isin(kind, [KIND_CODES.index("land"), KIND_CODES.index("territorial-sea")])
    everyone = countries()
    out = []
    for o in sorted(set(owner[territory & (owner >= 0)].tolist())):
        c = everyone[o]
        if exclude and c.code in exclude:
            continue
        mine = territory & (owner == o)
        on_land = bool(np.any(mine & (kind == KIND_CODES.index("land"))))
        places = nearest_places(track[mine, 0], track[mine, 1], c.iso2) if c.iso2 != "-99" else []
        out.append(
            Overflight(
                c.name,
                c.code,
                "land" if on_land else "territorial-sea",
                sorted({p.admin1 for p in places if p.admin1}),
            )
        )
    return out
