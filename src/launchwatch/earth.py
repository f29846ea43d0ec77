"""WGS-84 Earth: geodetic, ECEF, ENU/AER and inertial frames, geodesics, rotation, J2 gravity.

Conventions (as in pymap3d): positions in metres, angles at the edges in degrees with the unit
in the argument name, everything broadcast over NumPy arrays; vectors are the last axis (..., 3).

The frame conversions are written out in NumPy because they sit inside the propagator's and
the filters' inner loops, where a call into pyproj per step costs more than the arithmetic;
tests hold them to pyproj and pymap3d within 1 mm. Geodesics (an iterative problem with
awkward edge cases) go through pyproj.Geod (Karney's algorithm).

References:
- NIMA TR8350.2 (2000), *Department of Defense World Geodetic System 1984*, 3rd ed.
- Heikkinen (1982), closed-form ECEF to geodetic; as given in Zhu (1994), IEEE TAES 30(3).
- IERS Conventions (2010), eq. 5.15: the Earth rotation angle.
- Vallado (2013), *Fundamentals of Astrodynamics and Applications*, 4th ed., §8.6.1 (J2).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from pyproj import Geod

__all__ = [
    "GM_M3_S2",
    "J2",
    "OMEGA_EARTH_RAD_S",
    "WGS84_A_M",
    "WGS84_B_M",
    "WGS84_E2",
    "WGS84_F",
    "aer_to_enu",
    "earth_rotation_angle_rad",
    "ecef_to_aer",
    "ecef_to_eci",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "eci_to_ecef",
    "enu_rotation",
    "enu_to_aer",
    "enu_to_ecef",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_altitude_m",
    "geodetic_to_ecef",
    "gravity_j2",
    "gravity_point_mass",
    "potential_j2",
    "sphere_unit_vectors",
]

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

WGS84_A_M: Final = 6378137.0  # semi-major axis, TR8350.2 table 3.1
WGS84_F: Final = 1.0 / 298.257223563  # flattening
WGS84_B_M: Final = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2: Final = WGS84_F * (2.0 - WGS84_F)  # first eccentricity squared
WGS84_EP2: Final = WGS84_E2 / (1.0 - WGS84_E2)  # second eccentricity squared
GM_M3_S2: Final = 3.986004418e14  # TR8350.2 table 3.1 (with atmosphere)
OMEGA_EARTH_RAD_S: Final = 7.292115e-5  # TR8350.2 table 3.1
J2: Final = 1.08262668e-3  # EGM-96 zonal harmonic (Vallado 2013, table D-1)

_GEOD = Geod(ellps="WGS84")
_UNIX_J2000_UT1 = 946728000.0  # 2000-01-01T12:00:00 UTC as POSIX seconds


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _matvec(R: FloatArray, v: FloatArray) -> FloatArray:
    """R @ v over leading axes."""
    return _f(np.einsum("...ij,...j->...i", R, v))


def _mat_t_vec(R: FloatArray, v: FloatArray) -> FloatArray:
    """R.T @ v over leading axes."""
    return _f(np.einsum("...ji,...j->...i", R, v))


def geodetic_to_ecef(lat_deg: ArrayLike, lon_deg: ArrayLike, alt_m: ArrayLike) -> FloatArray:
    """Geodetic latitude, longitude (degrees) and height above the ellipsoid (m) to ECEF (m).

    Returns an array of shape ``broadcast(lat, lon, alt).shape + (3,)``.
    """
    lat = np.radians(_f(lat_deg))
    lon = np.radians(_f(lon_deg))
    h = _f(alt_m)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)  # prime-vertical radius of curvature
    out = np.empty((*np.broadcast_shapes(lat.shape, lon.shape, h.shape), 3))
    out[..., 0] = (n + h) * cos_lat * np.cos(lon)
    out[..., 1] = (n + h) * cos_lat * np.sin(lon)
    out[..., 2] = (n * (1.0 - WGS84_E2) + h) * sin_lat
    return out


def _heikkinen(ecef: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Closed-form ECEF -> (lat rad, lon rad, h m), Heikkinen (1982) as in Zhu (1994).

    Exact to well under 1 mm from the Earth's centre region outwards (|r| > 50 km)."""
    x, y, z = ecef[..., 0], ecef[..., 1], ecef[..., 2]
    a, b, e2 = WGS84_A_M, WGS84_B_M, WGS84_E2
    p2 = x * x + y * y
    p = np.sqrt(p2)
    F = 54.0 * b * b * z * z
    G = p2 + (1.0 - e2) * z * z - e2 * (a * a - b * b)
    c = e2 * e2 * F * p2 / (G * G * G)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    P = F / (3.0 * k * k * G * G)
    Q = np.sqrt(1.0 + 2.0 * e2 * e2 * P)
    r0 = -P * e2 * p / (1.0 + Q) + np.sqrt(
        np.maximum(
            0.5 * a * a * (1.0 + 1.0 / Q) - P * (1.0 - e2) * z * z / (Q * (1.0 + Q)) - 0.5 * P * p2,
            0.0,
        )
    )
    U = np.sqrt((p - e2 * r0) ** 2 + z * z)
    V = np.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * V)
    h = U * (1.0 - b * b / (a * V))
    lat = np.arctan2(z + WGS84_EP2 * z0, p)
    lon = np.arctan2(y, x)
    return lat, lon, h


def ecef_to_geodetic(ecef: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ECEF (m, last axis of length 3) to geodetic ``(lat_deg, lon_deg, alt_m)``.

    Longitude is in (-180, 180]; at the poles it is ``atan2(y, x)`` of whatever tiny x, y remain.
    """
    r = _f(ecef)
    if r.shape[-1:] != (3,):
        raise ValueError(f"ecef: last axis must have length 3, got shape {r.shape}")
    lat, lon, h = _heikkinen(r)
    return np.degrees(lat), np.degrees(lon), h


def geodetic_altitude_m(ecef: ArrayLike) -> FloatArray:
    """Height above the WGS-84 ellipsoid (m) of ECEF points: the propagator's altitude."""
    return _heikkinen(_f(ecef))[2]


def enu_rotation(lat_deg: ArrayLike, lon_deg: ArrayLike) -> FloatArray:
    """Rotation matrices (..., 3, 3) whose rows are the east, north and up unit vectors in ECEF,
    so that ``enu = R @ (ecef - ecef0)``."""
    lat = np.radians(_f(lat_deg))
    lon = np.radians(_f(lon_deg))
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    # filled in place: stacking the nine entries costs more than the trigonometry for the
    # one-point calls of the tracker's inner loops
    R = np.empty((*np.broadcast_shapes(lat.shape, lon.shape), 3, 3))
    R[..., 0, 0], R[..., 0, 1], R[..., 0, 2] = -so, co, 0.0
    R[..., 1, 0], R[..., 1, 1], R[..., 1, 2] = -sl * co, -sl * so, cl
    R[..., 2, 0], R[..., 2, 1], R[..., 2, 2] = cl * co, cl * so, sl
    return R


def ecef_to_enu(
    ecef: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike, alt0_m: ArrayLike
) -> FloatArray:
    """ECEF points to east-north-up (m) about the observer at (lat0, lon0, alt0)."""
    origin = geodetic_to_ecef(lat0_deg, lon0_deg, alt0_m)
    R = enu_rotation(lat0_deg, lon0_deg)
    return _matvec(R, _f(ecef) - origin)


def enu_to_ecef(
    enu: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike, alt0_m: ArrayLike
) -> FloatArray:
    """East-north-up (m) about the observer back to ECEF (m)."""
    origin = geodetic_to_ecef(lat0_deg, lon0_deg, alt0_m)
    R = enu_rotation(lat0_deg, lon0_deg)
    return origin + _mat_t_vec(R, _f(enu))


def enu_to_aer(enu: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ENU (m) to ``(azimuth_deg in [0, 360), elevation_deg, slant_range_m)``.

    Azimuth is clockwise from north; below the horizon the elevation is negative."""
    v = _f(enu)
    e, n, u = v[..., 0], v[..., 1], v[..., 2]
    horizontal = np.hypot(e, n)
    azimuth = np.degrees(np.arctan2(e, n)) % 360.0
    elevation = np.degrees(np.arctan2(u, horizontal))
    return azimuth, elevation, np.hypot(horizontal, u)


def aer_to_enu(azimuth_deg: ArrayLike, elevation_deg: ArrayLike, range_m: ArrayLike) -> FloatArray:
    """Azimuth, elevation (degrees) and slant range (m) to ENU (m)."""
    az = np.radians(_f(azimuth_deg))
    el = np.radians(_f(elevation_deg))
    r = _f(range_m)
    horizontal = r * np.cos(el)
    out = np.empty((*np.broadcast_shapes(az.shape, el.shape, r.shape), 3))
    out[..., 0] = horizontal * np.sin(az)
    out[..., 1] = horizontal * np.cos(az)
    out[..., 2] = r * np.sin(el)
    return out


def ecef_to_aer(
    ecef: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike, alt0_m: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """What an observer at (lat0, lon0, alt0) sees of ECEF points: azimuth, elevation, range."""
    return enu_to_aer(ecef_to_enu(ecef, lat0_deg, lon0_deg, alt0_m))


def geodesic_inverse(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Shortest path on the WGS-84 ellipsoid between two points (pyproj.Geod, Karney 2013).

    Returns ``(distance_m, forward_azimuth_deg at point 1 in [0, 360), back_azimuth_deg)``.
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        _f(lat1_deg), _f(lon1_deg), _f(lat2_deg), _f(lon2_deg)
    )
    az12, az21, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return _f(dist), _f(az12) % 360.0, _f(az21) % 360.0


def geodesic_direct(
    lat_deg: ArrayLike, lon_deg: ArrayLike, azimuth_deg: ArrayLike, distance_m: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The point ``distance_m`` along the geodesic that leaves (lat, lon) at ``azimuth_deg``.

    Returns ``(lat_deg, lon_deg, back_azimuth_deg)`` with longitude in [-180, 180)."""
    lat, lon, az, dist = np.broadcast_arrays(
        _f(lat_deg), _f(lon_deg), _f(azimuth_deg), _f(distance_m)
    )
    lon2, lat2, back = _GEOD.fwd(lon, lat, az, dist)
    return _f(lat2), (_f(lon2) + 180.0) % 360.0 - 180.0, _f(back) % 360.0


def earth_rotation_angle_rad(time_unix_s: ArrayLike) -> FloatArray:
    """Earth rotation angle (IERS Conventions 2010, eq. 5.15) at POSIX time ``time_unix_s``.

    UT1 is taken equal to UTC (|UT1-UTC| < 0.9 s, at most 0.004 degrees of rotation), and the
    inertial frame of :func:`ecef_to_eci` is the one this angle rotates into: the Earth-fixed
    frame turned about its z axis, without precession, nutation or polar motion. Over a flight
    of an hour those omitted terms move a point by less than a metre relative to this frame.
    """
    days = (_f(time_unix_s) - _UNIX_J2000_UT1) / 86400.0
    turns = 0.7790572732640 + 0.00273781191135448 * days + np.mod(days, 1.0)
    return 2.0 * np.pi * np.mod(turns, 1.0)


def _rot_z(angle: FloatArray) -> FloatArray:
    c, s = np.cos(angle), np.sin(angle)
    zero, one = np.zeros_like(c), np.ones_like(c)
    return np.stack(
        [np.stack([c, -s, zero], -1), np.stack([s, c, zero], -1), np.stack([zero, zero, one], -1)],
        axis=-2,
    )


def ecef_to_eci(
    r_ecef: ArrayLike, v_ecef: ArrayLike, time_unix_s: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Earth-fixed position and velocity to the inertial frame of
    :func:`earth_rotation_angle_rad`: ``r_i = Rz(θ) r_e``, ``v_i = Rz(θ) (v_e + ω × r_e)``."""
    r = _f(r_ecef)
    v = _f(v_ecef)
    R = _rot_z(earth_rotation_angle_rad(time_unix_s))
    omega = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])
    return _matvec(R, r), _matvec(R, v + np.cross(omega, r))


def eci_to_ecef(
    r_eci: ArrayLike, v_eci: ArrayLike, time_unix_s: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The inverse of :func:`ecef_to_eci`."""
    R = _rot_z(earth_rotation_angle_rad(time_unix_s))
    r_e = _mat_t_vec(R, _f(r_eci))
    omega = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])
    v_e = _mat_t_vec(R, _f(v_eci)) - np.cross(omega, r_e)
    return r_e, v_e


def gravity_point_mass(r: ArrayLike) -> FloatArray:
    """Acceleration (m/s²) of a point-mass Earth: ``-GM r / |r|³``. Any Earth-centred frame."""
    r = _f(r)
    rn = np.sqrt(np.sum(r * r, axis=-1, keepdims=True))
    return _f(-GM_M3_S2 * r / rn**3)


def gravity_j2(r: ArrayLike) -> FloatArray:
    """Acceleration (m/s²) with the J2 oblateness term, in a frame whose z axis is the Earth's
    spin axis (ECEF or the inertial frame above). Vallado (2013) eq. 8-30."""
    r = _f(r)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    r2 = x * x + y * y + z * z
    rn = np.sqrt(r2)
    mu_r3 = GM_M3_S2 / (r2 * rn)
    k = 1.5 * J2 * (WGS84_A_M * WGS84_A_M) / r2
    zz = 5.0 * z * z / r2
    ax = -mu_r3 * x * (1.0 + k * (1.0 - zz))
    ay = -mu_r3 * y * (1.0 + k * (1.0 - zz))
    az = -mu_r3 * z * (1.0 + k * (3.0 - zz))
    return np.stack([ax, ay, az], axis=-1)


def potential_j2(r: ArrayLike) -> FloatArray:
    """Gravitational potential energy per unit mass (J/kg, negative) whose gradient is
    :func:`gravity_j2`: ``-GM/r [1 - J2 (a/r)² (3 sin²φ - 1)/2]``."""
    r = _f(r)
    r2 = np.sum(r * r, axis=-1)
    rn = np.sqrt(r2)
    sin2 = r[..., 2] ** 2 / r2
    return _f(-GM_M3_S2 / rn * (1.0 - 0.5 * J2 * WGS84_A_M**2 / r2 * (3.0 * sin2 - 1.0)))


def sphere_unit_vectors(lat_deg: ArrayLike, lon_deg: ArrayLike) -> FloatArray:
    """(n, 3) unit vectors of latitude/longitude on a sphere: for nearest-neighbour searches,
    where the chord between two of them orders pairs as their great-circle distance does."""
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, dtype=np.float64)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, dtype=np.float64)))
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
