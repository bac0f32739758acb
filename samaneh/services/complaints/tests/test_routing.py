"""Who answers a complaint, and which map points are accepted."""
import pytest

from samaneh.cases.models import Case
from samaneh.geo.models import Administration
from samaneh.services.complaints.models import Category
from samaneh.services.complaints.routing import point_in_iran, route
from samaneh.services.complaints.services import ComplaintRefused, complaint_file
from tests.factories import AdministrationFactory, CategoryFactory, CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def local():
    return CategoryFactory(routing=Category.Routing.LOCAL)


@pytest.fixture
def inspection():
    return CategoryFactory(routing=Category.Routing.INSPECTION)


def test_a_city_goes_to_its_municipality(tree, local):
    assert route(unit=tree["city1"], category=local) == tree["city1"]


def test_a_village_with_a_dehyari_goes_to_the_dehyari(tree, local):
    AdministrationFactory(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"])
    assert route(unit=tree["v1"], category=local) == tree["v1"]


def test_a_village_without_a_dehyari_goes_to_its_district_governorate(tree, local):
    AdministrationFactory(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"])
    assert route(unit=tree["v1b"], category=local) == tree["d1"]


def test_a_rural_district_goes_to_its_district(tree, local):
    assert route(unit=tree["rd2"], category=local) == tree["d2"]


@pytest.mark.parametrize("key", ["d1", "c1", "p1", "country"])
def test_a_unit_at_district_level_or_above_handles_its_own(tree, local, key):
    assert route(unit=tree[key], category=local) == tree[key]


@pytest.mark.parametrize("key", ["city1", "v1", "rd1", "d1", "c1"])
def test_an_inspection_category_goes_to_the_county_inspection_office(tree, inspection, key):
    assert route(unit=tree[key], category=inspection) == tree["c1"]


def test_an_inspection_category_above_county_stays_where_filed(tree, inspection):
    assert route(unit=tree["p2"], category=inspection) == tree["p2"]


def test_filing_routes_the_case(tree, local, inspection):
    citizen = CitizenFactory()
    AdministrationFactory(kind=Administration.Kind.DEHYARI, org_unit=tree["v2"])
    expected = [(tree["v2"], local, tree["v2"]), (tree["v1b"], local, tree["d1"]),
                (tree["city2"], local, tree["city2"]), (tree["city2"], inspection, tree["c2"])]
    for unit, category, responsible in expected:
        case = complaint_file(applicant=citizen, kind="complaint", category=category, description="متن",
                              org_unit=unit).case
        assert (case.org_unit, case.responsible_unit) == (unit, responsible)


INSIDE = {
    "Tehran": (35.6892, 51.3890), "Karaj": (35.8400, 50.9391), "Astara": (38.43, 48.87), "Jolfa": (38.94, 45.63),
    "Bazargan": (39.39, 44.39), "Sarakhs": (36.54, 61.16), "Zabol": (31.03, 61.50), "Mirjaveh": (29.02, 61.45),
    "Chabahar": (25.29, 60.64), "Bandar Abbas": (27.18, 56.27), "Kish": (26.53, 53.98), "Abu Musa": (25.87, 55.03),
    "Kharg": (29.25, 50.32), "Khorramshahr": (30.44, 48.18), "Abadan": (30.34, 48.30), "Mehran": (33.12, 46.16),
    "Qasr-e Shirin": (34.52, 45.58), "Baneh": (35.99, 45.89), "Piranshahr": (36.70, 45.14),
    "Parsabad": (39.65, 47.92), "Bajgiran": (37.60, 58.40), "Anzali": (37.47, 49.46),
}
OUTSIDE = {
    "Baghdad": (33.3152, 44.3661), "Istanbul": (41.0082, 28.9784), "Basra": (30.51, 47.81), "Kuwait": (29.38, 47.98),
    "Dubai": (25.20, 55.27), "Khasab": (26.18, 56.25), "Doha": (25.29, 51.53), "Manama": (26.23, 50.59),
    "Baku": (40.41, 49.87), "Nakhchivan": (39.21, 45.41), "Yerevan": (40.18, 44.51), "Ashgabat": (37.95, 58.38),
    "Herat": (34.35, 62.20), "Gwadar": (25.12, 62.32), "Sulaymaniyah": (35.56, 45.44), "Erbil": (36.19, 44.01),
    "Van": (38.50, 43.38), "Taftan (Pakistan)": (28.96, 61.60), "Zaranj": (30.96, 61.86),
}


@pytest.mark.parametrize("name", INSIDE)
def test_points_inside_iran_are_accepted_including_border_towns_and_islands(name):
    assert point_in_iran(*INSIDE[name])


@pytest.mark.parametrize("name", OUTSIDE)
def test_points_in_neighbouring_countries_are_refused(name):
    assert not point_in_iran(*OUTSIDE[name])


@pytest.mark.parametrize("point", [OUTSIDE["Baghdad"], OUTSIDE["Istanbul"]])
def test_a_complaint_pinned_outside_iran_is_refused_in_persian_and_nothing_is_filed(tree, local, point):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_file(applicant=CitizenFactory(), kind="complaint", category=local, description="چاله",
                       org_unit=tree["city1"], latitude=point[0], longitude=point[1])
    assert refused.value.field == "latitude" and "بیرون از ایران" in refused.value.message
    assert not Case.objects.exists()


def test_a_point_inside_iran_is_kept_with_the_complaint_even_typed_in_persian_digits(tree, local):
    case = complaint_file(applicant=CitizenFactory(), kind="complaint", category=local, description="چاله",
                          org_unit=tree["city1"], latitude="35.840012", longitude="۵۰٫۹۳۹۱").case
    assert (float(case.complaint.latitude), float(case.complaint.longitude)) == (35.840012, 50.9391)


def test_a_point_alone_does_not_pick_the_unit_the_citizen_is_asked_for_it(tree, local):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_file(applicant=CitizenFactory(), kind="complaint", category=local, description="چاله",
                       latitude=35.84, longitude=50.94)
    assert refused.value.field == "org_unit" and "شهر یا روستا" in refused.value.message
    assert not Case.objects.exists()


@pytest.mark.parametrize("latitude, longitude, field", [
    ("35.8", None, "longitude"), (None, "50.9", "latitude"), ("abc", "50.9", "latitude"), ("95", "50.9", "latitude"),
    ("35.8", "NaN", "longitude"),
])
def test_half_or_malformed_points_are_refused(tree, local, latitude, longitude, field):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_file(applicant=CitizenFactory(), kind="complaint", category=local, description="چاله",
                       org_unit=tree["city1"], latitude=latitude, longitude=longitude)
    assert refused.value.field == field
    assert not Case.objects.exists()
