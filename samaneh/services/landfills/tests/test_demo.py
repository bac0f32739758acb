"""Demo data: county seats inside their provinces, villages placed inside their province, sites that pass
the registry's own checks, a mix of kinds and review states, and a second run that creates nothing."""
import pytest
from shapely.geometry import Point

from samaneh.geo import boundaries
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills import demo, services
from samaneh.services.complaints.models import Complaint
from samaneh.services.landfills.models import ServedPlace, Site
from samaneh.services.landfills.selectors import complaints_near
from tests.factories import CitizenFactory

K = OrgUnit.Kind


@pytest.mark.parametrize("province", list(demo.COUNTY_SEATS))
def test_every_county_seat_lies_in_its_province(province):
    shape = demo.province_shape(OrgUnit(name=province))
    outside = [name for name, (lat, lon) in demo.COUNTY_SEATS[province]["seats"].items()
               if not shape.contains(Point(lon, lat))]
    assert outside == []


@pytest.mark.django_db
def test_demo_landfills_in_a_small_tehran_tree():
    country = OrgUnit.objects.create(kind=K.COUNTRY, name="ایران", code="IR")
    tehran = OrgUnit.objects.create(kind=K.PROVINCE, name="تهران", parent=country, code="23")
    damavand = OrgUnit.objects.create(kind=K.COUNTY, name="دماوند", parent=tehran, code="2302")
    district = OrgUnit.objects.create(kind=K.DISTRICT, name="رودهن", parent=damavand, code="230201")
    rural = OrgUnit.objects.create(kind=K.RURAL_DISTRICT, name="مهرآباد", parent=district, code="23020101")
    for i in range(40):
        OrgUnit.objects.create(kind=K.VILLAGE, name=f"روستای {i}", parent=rural, code=f"2302010100{i:02d}")

    summary = demo.create_demo_landfills()
    assert summary == {"تهران": (40, demo.SITES_PER_PROVINCE)}
    assert demo.create_demo_landfills() == {"تهران": (0, 0)}

    for place in ServedPlace.objects.all():
        assert boundaries.province_at(place.latitude, place.longitude) == tehran
        assert 200 <= place.population <= 3000 and place.is_demo
    sites = list(Site.objects.all())
    assert all(s.is_demo and "نمونه آزمایشی" in s.name for s in sites)
    assert {s.kind for s in sites} == set(Site.Kind.values)
    assert sum(s.kind == Site.Kind.OPEN_DUMP for s in sites) > len(sites) / 2
    assert {Site.Review.APPROVED, Site.Review.SUBMITTED} <= {s.review_state for s in sites}
    for site in sites:
        assert services.point_errors(site.latitude, site.longitude, site.org_unit) == {}
        assert site.remaining_capacity_tonnes <= site.design_capacity_tonnes
        assert site.villages_served.exists() and site.events.exists()

    # Demo complaints about three open dumps: the site pages show 1, 2 and 3 from the complaints service.
    citizen = CitizenFactory()
    assert demo.create_demo_site_complaints(citizen) == 6
    assert demo.create_demo_site_complaints(citizen) == 6  # found again by their idempotency keys
    assert Complaint.objects.count() == 6
    dumps = Site.objects.filter(kind=Site.Kind.OPEN_DUMP, status=Site.Status.ACTIVE).order_by("code")[:3]
    assert [complaints_near(dumps)[site.pk] for site in dumps] == [1, 2, 3]
