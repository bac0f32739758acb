"""The platform's one haversine: known distances, the matrix agreeing with the pair, and the box."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samaneh.geo.distance import box, distance_km_matrix, distance_m

TEHRAN = (35.6892, 51.3890)
MASHHAD = (36.2605, 59.6168)


def test_known_distances():
    # Tehran–Mashhad great-circle distance is about 740 km (airline distance ~ 737–745 km).
    assert distance_m(*TEHRAN, *MASHHAD) == pytest.approx(740_000, rel=0.01)
    # One minute of latitude is about one nautical mile (1,852 m).
    assert distance_m(35.0, 51.0, 35.0 + 1 / 60, 51.0) == pytest.approx(1852, rel=0.005)
    assert distance_m(*TEHRAN, *TEHRAN) == 0


def test_the_matrix_agrees_with_the_pairs():
    points = [TEHRAN, MASHHAD, (27.18, 56.27), (38.08, 46.29)]
    lat, lon = [p[0] for p in points], [p[1] for p in points]
    matrix = distance_km_matrix(lat, lon, lat, lon)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert matrix[i, j] * 1000 == pytest.approx(distance_m(*a, *b), rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(lat=st.floats(24, 40), lon=st.floats(44, 64), meters=st.floats(10, 50_000),
       bearing=st.floats(0, 2 * math.pi), share=st.floats(0, 0.999))
def test_every_point_within_the_distance_lies_in_the_box(lat, lon, meters, bearing, share):
    # A point `share × meters` away in direction `bearing` (the spherical destination formula).
    delta = share * meters / 6_371_008.8
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(delta) * math.cos(p1),
                         math.cos(delta) - math.sin(p1) * math.sin(p2))
    lat2, lon2 = math.degrees(p2), math.degrees(l2)
    assert distance_m(lat, lon, lat2, lon2) <= meters
    lat_min, lat_max, lon_min, lon_max = box(lat, lon, meters)
    assert lat_min <= lat2 <= lat_max and lon_min <= lon2 <= lon_max
