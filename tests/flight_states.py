"""Burnout states used by several tests."""

import numpy as np

from launchwatch import earth


def burnout_state(lat_deg, lon_deg, alt_m, azimuth_deg, elevation_deg, speed_m_s):
    """ECEF position and Earth-relative velocity from a local launch geometry (broadcasts
    over speed, elevation and azimuth)."""
    enu = earth.aer_to_enu(azimuth_deg, elevation_deg, speed_m_s)
    v = enu @ earth.enu_rotation(lat_deg, lon_deg)
    r = np.broadcast_to(earth.geodetic_to_ecef(lat_deg, lon_deg, alt_m), v.shape).copy()
    return r, v
