"""Distances on the Earth between latitude/longitude points (WGS 84 degrees): one haversine for the
whole platform — scalar for a pair, vectorised for a matrix — and a box in degrees that is sure to
contain every point within a given distance (for a database pre-filter before the exact test)."""
import math

import numpy as np

# The IUGG mean radius; the haversine on a sphere of this radius is within about 0.5 % of the ellipsoid.
EARTH_RADIUS_M = 6_371_008.8
# The shortest degree of latitude (at the equator, 110,574 m): dividing by it can only widen a box.
_MIN_METERS_PER_DEGREE = 110_574.0


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_km_matrix(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances in kilometres: rows are the first points, columns the second."""
    lat1, lon1 = np.radians(np.asarray(lat1, float))[:, None], np.radians(np.asarray(lon1, float))[:, None]
    lat2, lon2 = np.radians(np.asarray(lat2, float))[None, :], np.radians(np.asarray(lon2, float))[None, :]
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M / 1000 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def box(lat, lon, meters):
    """(lat_min, lat_max, lon_min, lon_max) of a box holding every point within `meters` of (lat, lon)."""
    dlat = meters / _MIN_METERS_PER_DEGREE
    edge = min(abs(lat) + dlat, 89.9)  # the box's widest longitude span is at its pole-ward edge
    dlon = meters / (_MIN_METERS_PER_DEGREE * math.cos(math.radians(edge)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
