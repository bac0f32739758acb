"""The complaints service as a source of a site's complaints: counted by place, category and date, and
carried into the priority score and onto the site page."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.geo.distance import distance_m
from samaneh.services.complaints.models import Complaint
from samaneh.services.landfills import selectors, services
from samaneh.services.landfills.priorities.scoring import DEFAULT_WEIGHTS, score_site
from samaneh.services.landfills.tests.conftest import site_fields
from tests.factories import CategoryFactory, CitizenFactory, open_complaint

pytestmark = pytest.mark.django_db

SITE = (35.84, 50.93)


def _north(meters):
    """A point `meters` due north of the site (a degree of latitude is ~111 km)."""
    return SITE[0] + meters / 111_000, SITE[1]


@pytest.fixture
def categories():
    nuisance = CategoryFactory(service_code="landfill-nuisance", name="بو و دود محل دفن")
    return {
        "nuisance": nuisance,
        "smell": CategoryFactory(service_code="landfill-smell", name="بوی شیرابه", parent=nuisance),
        "dumping": CategoryFactory(service_code="illegal-dumping", name="تخلیه غیرمجاز"),
        "lighting": CategoryFactory(service_code="street-lighting", name="روشنایی"),
    }


def _complaint(tree, category, point, *, days_ago=1):
    case = open_complaint(applicant=CitizenFactory(), unit=tree["v1"], category=category)
    Complaint.objects.filter(case=case).update(latitude=point[0] if point else None,
                                               longitude=point[1] if point else None)
    type(case).objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return case.complaint


def test_complaints_are_counted_by_distance_category_and_date(tree, people, categories):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree, complaints_per_year=0))
    assert distance_m(*SITE, *_north(2_900)) < 3000 < distance_m(*SITE, *_north(3_100))
    counted = [
        _complaint(tree, categories["nuisance"], _north(100)),
        _complaint(tree, categories["smell"], _north(2_900)),  # a sub-category counts
        _complaint(tree, categories["dumping"], _north(1_000), days_ago=300),
    ]
    _complaint(tree, categories["nuisance"], _north(3_100))  # too far
    _complaint(tree, categories["lighting"], _north(50))  # not about the site
    _complaint(tree, categories["nuisance"], _north(50), days_ago=400)  # more than a year ago
    _complaint(tree, categories["nuisance"], None)  # no point
    duplicate = _complaint(tree, categories["nuisance"], _north(60))
    Complaint.objects.filter(pk=duplicate.pk).update(merged_into=counted[0])  # merged into a counted one
    other = services.site_create(people["dehyari1"], fields=site_fields(tree, name="دور", latitude=35.70,
                                                                      longitude=51.40))
    assert selectors.complaints_near([site, other]) == {site.pk: 3, other.pk: 0}
    assert selectors.complaints_near([]) == {}


def test_the_larger_of_recorded_and_received_complaints_drives_the_score(tree, people, categories):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree, complaints_per_year=2,
                                                                      fire_incidents_per_year=1))
    recorded_only = score_site(selectors.with_complaints([site])[0], DEFAULT_WEIGHTS)
    incidents = next(r for r in recorded_only.rows if r.key == "incidents")
    assert incidents.fact == 4  # 2 × 1 fire + 2 recorded complaints
    for meters in (100, 200, 300, 400, 500, 600):
        _complaint(tree, categories["nuisance"], _north(meters))
    with_service = score_site(selectors.with_complaints([site])[0], DEFAULT_WEIGHTS)
    incidents = next(r for r in with_service.rows if r.key == "incidents")
    assert incidents.fact == 8  # 2 × 1 fire + 6 complaints received
    assert with_service.score > recorded_only.score
    assert with_service.score == pytest.approx(sum(r.points for r in with_service.rows))
    assert "سامانه شکایات: 6" in incidents.note and "ثبت‌شده برای مرکز: 2" in incidents.note
    assert next(r for r in recorded_only.rows if r.key == "incidents").note == ""


def test_site_and_priority_pages_show_the_complaints_received(client, tree, people, categories):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree, complaints_per_year=0))
    for meters in (100, 200):
        _complaint(tree, categories["dumping"], _north(meters))
    client.force_login(people["county1"])
    page = client.get(reverse("landfills:detail", args=[site.pk])).content.decode()
    assert "۲ شکایت در ۱۲ ماه گذشته تا ۳ کیلومتری مرکز" in page
    ranking = client.get(reverse("landfills_priorities:site", args=[site.pk])).content.decode()
    # No fire and none recorded, two received: the incidents criterion reads 2.
    assert re.search(r"شکایت در سال\)</td>\s*<td>۲<div class=\"small text-muted\">شکایت‌ها از سامانه شکایات: ۲ ", ranking)
