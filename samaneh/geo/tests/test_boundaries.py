"""Province boundaries: every one of the country's 31 provinces has a shape, and points land where a
person reading a map would put them."""
import pytest
from django.urls import reverse
from shapely.geometry import shape

from samaneh.geo import boundaries
from samaneh.geo.loader import read_sources
from samaneh.geo.models import OrgUnit
from samaneh.stats.uids import org_unit_uid

K = OrgUnit.Kind


@pytest.fixture
def provinces(db):
    """The 31 provinces as the country-division data names them (the same rows load_hierarchy loads)."""
    country = OrgUnit.objects.create(kind=K.COUNTRY, name="ایران", code="IR")
    rows = read_sources()[K.PROVINCE]
    return {row.name: OrgUnit.objects.create(kind=K.PROVINCE, name=row.name, parent=country, code=row.code)
            for row in rows}


def test_the_source_has_exactly_the_31_provinces():
    assert len(boundaries.source_geometries()) == 31
    assert set(boundaries.source_geometries()) == set(boundaries.PROVINCE_NAMES)


def test_every_province_of_the_real_data_has_a_boundary(provinces):
    assert len(provinces) == 31
    assert boundaries.unmatched_provinces() == []
    collection = boundaries.boundaries_geojson()
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["unit_id"] for f in collection["features"]} == {u.pk for u in provinces.values()}
    for feature in collection["features"]:
        unit = OrgUnit.objects.get(pk=feature["properties"]["unit_id"])
        assert feature["properties"]["uid"] == org_unit_uid(unit)
        assert feature["properties"]["name"] == unit.name
        assert shape(feature["geometry"]).is_valid


def test_a_province_name_without_a_boundary_is_reported(provinces):
    OrgUnit.objects.create(kind=K.PROVINCE, name="استان خیالی", parent=OrgUnit.objects.get(kind=K.COUNTRY))
    assert boundaries.unmatched_provinces() == ["استان خیالی"]


@pytest.mark.parametrize(
    "lat, lon, expected",
    [
        (35.69, 51.39, "تهران"),  # Tehran
        (35.84, 50.94, "البرز"),  # Karaj
        (29.61, 52.53, "فارس"),  # Shiraz
        (38.08, 46.29, "آذربایجان شرقی"),  # Tabriz
        (36.30, 59.60, "خراسان رضوی"),  # Mashhad
        (27.18, 56.27, "هرمزگان"),  # Bandar Abbas, on the coast
        (26.26, 55.30, "هرمزگان"),  # Greater Tunb, one of the minor islands
        (32.37, 51.22, "اصفهان"),  # Najafabad
        (32.33, 50.86, "چهارمحال وبختیاری"),  # Shahr-e Kord
    ],
)
def test_province_at_known_places(provinces, lat, lon, expected):
    assert boundaries.province_at(lat, lon) == provinces[expected]
    assert boundaries.inside_iran(lat, lon)


@pytest.mark.parametrize(
    "lat, lon",
    [
        (26.5, 53.0),  # the Persian Gulf
        (48.85, 2.35),  # Paris
        (41.01, 28.98),  # Istanbul
        (25.20, 55.27),  # Dubai, across the Gulf
        (39.0, 51.0),  # the Caspian Sea
    ],
)
def test_outside_iran(provinces, lat, lon):
    assert boundaries.province_at(lat, lon) is None
    assert not boundaries.inside_iran(lat, lon)


def test_province_at_without_a_matching_unit_is_none(db):
    # The boundary is there, but this database has no province unit of that name.
    assert boundaries.province_at(35.69, 51.39) is None
    assert boundaries.inside_iran(35.69, 51.39)


def test_within_limits_the_features(tree):
    only_alborz = boundaries.boundaries_geojson(within=tree["p1"])
    assert [f["properties"]["unit_id"] for f in only_alborz["features"]] == [tree["p1"].pk]
    # A county officer still gets the outline of the province around the county.
    around_county = boundaries.boundaries_geojson(within=[tree["c2"]])
    assert [f["properties"]["name"] for f in around_county["features"]] == ["کرمان"]
    country = boundaries.boundaries_geojson(within=[tree["country"]])
    assert len(country["features"]) == 2


def test_counties_are_refused():
    with pytest.raises(boundaries.BoundaryKindUnavailable):
        boundaries.boundaries_geojson(kind="county")
