"""The demo (catalogue sizes, Tehran-style profiles, idempotent, bulk) and the statistical feeds."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samaneh.geo.models import Administration, OrgUnit
from samaneh.itgov import demo, reports
from samaneh.itgov.models import Domain, ITProfile, Product, ProfileStatus, Requirement

pytestmark = pytest.mark.django_db


def test_catalogue_meets_the_bar_and_is_idempotent(catalogue):
    assert Domain.objects.filter(applies_to="municipality").count() >= 10
    assert Domain.objects.filter(applies_to="dehyari", urban_equivalent__isnull=False).count() >= 5
    assert Product.objects.count() >= 25
    assert Requirement.objects.filter(kind="control").count() >= 40
    assert set(Requirement.objects.filter(kind="control").values_list("theme", flat=True)) >= {
        "access", "backup", "patching", "logging", "network", "physical"}
    before = (Domain.objects.count(), Product.objects.count(), Requirement.objects.count())
    demo.create_demo_catalogue()
    assert (Domain.objects.count(), Product.objects.count(), Requirement.objects.count()) == before


def _province_with_municipalities(tree, n):
    K = OrgUnit.Kind
    for i in range(n):
        county = tree["c1"] if i % 2 else OrgUnit.objects.get_or_create(kind=K.COUNTY, name="فردیس", parent=tree["p1"], code="199")[0]
        city = OrgUnit.objects.create(kind=K.CITY, name=f"شهر نمونه {i}", parent=county, code=f"9{i:03d}")
        Administration.objects.create(kind="municipality", org_unit=city, name=f"شهرداری نمونه {i}")


def test_demo_profiles_cover_every_municipality_two_years_approved_idempotent(tree, catalogue):
    _province_with_municipalities(tree, 12)
    with CaptureQueriesContext(connection) as ctx:
        created = demo.create_demo_itgov(province=tree["p1"])
    assert created == 24
    assert len(ctx.captured_queries) < 150  # bulk: not a query per profile or per answer
    years = demo.demo_years()
    profiles = ITProfile.objects.filter(org_unit__path__startswith=tree["p1"].path)
    assert set(profiles.values_list("year", flat=True)) == set(years)
    assert set(profiles.values_list("status", flat=True)) == {ProfileStatus.APPROVED}
    assert all(p.case and p.case.state == "approved" for p in profiles)
    overall = sorted(profiles.values_list("score_overall", flat=True))
    assert overall[0] < 40 < overall[-1]  # a real spread, not one number
    assert demo.create_demo_itgov(province=tree["p1"]) == 0
    data = reports.supervisory(tree["p1"], years[-1])
    assert data["profiles"] == 12 and data["rows"]
    assert reports.heterogeneity(tree["p1"], years[-1])["profiles"] == 12


def test_feeds_put_maturity_per_unit_into_the_statistical_system(tree, catalogue):
    from samaneh.stats import feeds
    from samaneh.stats.models import DataElement, DataValue

    _province_with_municipalities(tree, 3)
    demo.create_demo_itgov(province=tree["p1"])
    year = demo.demo_years()[-1]
    codes = {f.code for f in feeds.all_feeds()}
    assert {"itgov.maturity.overall", "itgov.maturity.security", "itgov.maturity.people"} <= codes
    summary = feeds.feed_run(feeds.get("itgov.maturity.overall"), str(year))
    element = DataElement.objects.get(code="ITGOV_MATURITY")
    assert element.aggregation_type == "AVERAGE"
    stored = DataValue.objects.filter(data_element=element)
    assert stored.count() == 3
    expected = sorted(ITProfile.objects.filter(year=year).values_list("score_overall", flat=True))
    assert sorted(float(v) for v in stored.values_list("value", flat=True)) == pytest.approx(expected)
    assert summary is not None
