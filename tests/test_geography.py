"""Land, coast distance, zones, seas and places, checked against an independent brute-force
reading of the same Natural Earth data and against places whose answer is common knowledge
(coordinates from GeoNames)."""

import numpy as np
import pytest
import shapely
from pyproj import Geod

from launchwatch.geography.coast import nearest_coast
from launchwatch.geography.countries import (
    countries,
    country_by_code,
    country_geometries,
    country_index_at,
)
from launchwatch.geography.places import nearest_places
from launchwatch.geography.seas import sea_at
from launchwatch.geography.zones import EEZ_M, TERRITORIAL_SEA_M, zones_at

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (40.8244, 140.7400, "JPN"),  # Aomori city (GeoNames 2130658)
        (39.0339, 125.7543, "PRK"),  # Pyongyang (GeoNames 1871859)
        (37.5660, 126.9784, "KOR"),  # Seoul (GeoNames 1835848)
        (13.4443, 144.7937, "GUM"),  # Hagatna, Guam (GeoNames 4044012)
        (43.1056, 131.8735, "RUS"),  # Vladivostok (GeoNames 2013348)
        (64.8378, -147.7164, "USA"),  # Fairbanks, Alaska (GeoNames 5861897)
    ],
)
def test_land_of_known_cities(lat, lon, code):
    i = int(country_index_at(lat, lon)[0])
    assert i >= 0
    assert countries()[i].code == code
    z = zones_at(lat, lon)[0]
    assert z.kind == "land"
    assert z.country.code == code


def test_open_sea_and_the_antimeridian():
    # mid-Sea of Japan and mid-Pacific are sea; longitudes 179.9 and -180.1 are one place
    assert country_index_at([41.0, 30.0], [134.0, -170.0]).tolist() == [-1, -1]
    a, b = zones_at(52.0, 179.9)[0], zones_at(52.0, -180.1)[0]
    assert (a.kind, a.country) == (b.kind, b.country)
    assert abs(a.coast_distance_km - b.coast_distance_km) < 1e-6


def brute_force_distance_m(lat, lon, code):
    """Geodesic distance to every vertex of a country's outline (densified to 0.02°)."""
    geom = country_geometries()[country_by_code(code)]
    xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geom), 0.02))
    _, _, d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(d.min())


@pytest.mark.parametrize("offshore_km", [5.0, 18.0, 30.0, 150.0, 300.0, 400.0])
def test_zones_by_distance_off_the_sea_of_japan_coast(offshore_km):
    # from Cape Nyudo (Oga peninsula, Akita: 39.99N 139.70E, GeoNames) out to sea, west
    lon, lat, _ = GEOD.fwd(139.70, 39.99, 270.0, offshore_km * 1e3)
    coast = nearest_coast(lat, lon)
    want = brute_force_distance_m(lat, lon, "JPN")
    assert countries()[int(coast.country[0])].code == "JPN"
    assert coast.distance_m[0] == pytest.approx(want, abs=1.0)
    z = zones_at(lat, lon)[0]
    if want <= TERRITORIAL_SEA_M:
        expected = "territorial-sea"
    elif want <= EEZ_M:
        expected = "eez"
    else:
        expected = "high-seas"
    assert z.kind == expected
    assert z.sea == "Sea of Japan (East Sea)"


def test_median_line_between_neighbours():
    # half-way across the Korea Strait between Busan and Tsushima, a point on each side
    # belongs to the nearer coast
    for lat, lon in [(35.05, 129.15), (34.75, 129.35), (36.5, 130.5)]:
        z = zones_at(lat, lon)[0]
        d = {c: brute_force_distance_m(lat, lon, c) for c in ("KOR", "JPN")}
        nearer = min(d, key=d.get)
        assert z.country.code == nearer


@pytest.mark.parametrize(
    ("lat", "lon", "sea"),
    [
        (40.0, 134.0, "Sea of Japan (East Sea)"),
        (36.0, 123.5, "Yellow Sea"),
        (29.0, 125.0, "East China Sea"),
        (50.0, 150.0, "Sea of Okhotsk"),
        (31.0, 176.6, "Pacific Ocean"),
        (35.0, -140.0, "Pacific Ocean"),
        (30.0, -40.0, "open ocean"),
    ],
)
def test_named_seas(lat, lon, sea):
    assert sea_at(lat, lon) == [sea]


def test_places_are_named_within_the_country_asked():
    # a point in the Sea of Japan nearer Korea's coast than Japan's: asked for Japan, it is
    # named by a Japanese town
    assert nearest_places(37.5, 130.0, "JP")[0].country_code == "JP"
    assert nearest_places(37.5, 130.0, "KR")[0].country_code == "KR"
    aomori = nearest_places([40.82, 41.0], [140.74, 141.37], "JP")
    assert [p.admin1 for p in aomori] == ["Aomori", "Aomori"]


def test_zone_outlines_agree_with_the_point_classifier() -> None:
    """The map's 200-nmi outlines are drawn from zone_codes on a grid: random points (seeded)
    fall inside a country's outline exactly when zone_codes gives them to that country, but
    for points within a grid step of a boundary."""
    import shapely

    from launchwatch.geography.countries import countries
    from launchwatch.geography.zone_map import zone_outlines
    from launchwatch.geography.zones import zone_codes

    region = (128.0, 34.0, 142.0, 46.0)  # the Sea of Japan (East Sea)
    outlines = {z.country: z.geometry for z in zone_outlines(region, step_deg=0.1)}
    assert {"JPN", "KOR", "PRK", "RUS"} <= set(outlines)
    rng = np.random.default_rng(7)
    lon = rng.uniform(region[0], region[2], 2000)
    lat = rng.uniform(region[1], region[3], 2000)
    kind, owner, _ = zone_codes(lat, lon)
    codes = [c.code for c in countries()]
    wrong = 0
    for code, shape in outlines.items():
        mine = (owner == codes.index(code)) & (kind <= 2)
        drawn = shapely.contains_xy(shape, lon, lat)
        for i in np.flatnonzero(mine != drawn):
            # a disagreement is allowed only within a grid step (and the simplification) of
            # the outline
            assert shapely.distance(shape.boundary, shapely.Point(lon[i], lat[i])) < 0.15, code
            wrong += 1
    assert wrong < 0.03 * len(lon)
    # Japan's zone reaches 200 nmi (370 km) off its coast, not 500 km: points due west of Akita
    japan = outlines["JPN"]
    assert japan.contains(shapely.Point(138.5, 39.7))  # about 170 km off the coast
    assert not japan.contains(shapely.Point(134.0, 39.7))  # about 550 km off, the high seas
