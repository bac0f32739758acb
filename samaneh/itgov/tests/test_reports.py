"""Heterogeneity and supervisory reports: concentration by hand, end of support, scope, exports, PDF."""
import datetime as dt
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from samaneh.core.jalali import parse_jalali_date
from samaneh.geo.models import Administration, OrgUnit
from samaneh.itgov import reports
from samaneh.itgov.models import Domain, ITProfile, ProductVersion, ProfileStatus, SoftwareUse
from tests.pdf import ink_ratio, pdf_page_image, pdf_text

pytestmark = pytest.mark.django_db


def test_concentration_indices_by_hand():
    assert reports.hhi([2, 1, 1]) == pytest.approx(0.5 ** 2 + 0.25 ** 2 + 0.25 ** 2)  # 0.375
    assert reports.shannon([2, 1, 1]) == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert reports.hhi([5]) == 1 and reports.shannon([5]) == 0
    assert reports.hhi([1, 1, 1, 1]) == pytest.approx(0.25) and reports.shannon([1, 1, 1, 1]) == pytest.approx(math.log(4))
    assert reports.hhi([]) is None and reports.shannon([]) is None


def _approved(admin, year, uses, user, **fields):
    profile = ITProfile.objects.create(administration=admin, org_unit=admin.org_unit, year=year, created_by=user,
                                       status=ProfileStatus.APPROVED, **fields)
    for code, version in uses.items():
        domain = Domain.objects.get(code=code)
        if isinstance(version, str):
            SoftwareUse.objects.create(profile=profile, domain=domain, other_product=version, pending_review=True,
                                       satisfaction=3)
        else:
            SoftwareUse.objects.create(profile=profile, domain=domain, version=version, satisfaction=4)
    return profile


@pytest.fixture
def spread(world):
    """Three municipalities of Alborz: FIN on A1, A2 and B this year; all on A1 the year before."""
    K = OrgUnit.Kind
    city3 = OrgUnit.objects.create(kind=K.CITY, name="ماهدشت", parent=world["d1"], code="1010199")
    m3 = Administration.objects.create(kind="municipality", org_unit=city3, name="شهرداری ماهدشت")
    a1 = ProductVersion.objects.get(product__name="حساب‌یار شهر", version="8.0")
    a2 = ProductVersion.objects.get(product__name="حساب‌یار شهر", version="9.1")
    b = ProductVersion.objects.get(product__name="سپهر مالی", version="5.0")
    user = world["staff1"]
    for admin in (world["m1"], m3):
        _approved(admin, 1403, {"FIN": a1}, user)
    _approved(world["m1"], 1404, {"FIN": a1, "GIS": "نقشه محلی"}, user, score_overall=70.0, score_security=85.0)
    _approved(m3, 1404, {"FIN": a2}, user, score_overall=35.0, score_security=15.0)
    city4 = OrgUnit.objects.create(kind=K.CITY, name="اشتهارد", parent=world["d1"], code="1010198")
    m4 = Administration.objects.create(kind="municipality", org_unit=city4, name="شهرداری اشتهارد")
    _approved(m4, 1404, {"FIN": b}, user, score_overall=50.0)
    return {**world, "m3": m3, "m4": m4, "a1": a1, "a2": a2, "b": b}


def test_heterogeneity_counts_products_versions_and_concentration_change(spread):
    data = reports.heterogeneity(spread["p1"], 1404)
    fin = next(s for s in data["domains"] if s.domain.code == "FIN")
    assert (fin.administrations, fin.products, fin.versions) == (3, 2, 3)
    assert fin.hhi == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert fin.shannon == pytest.approx(-(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)))
    assert fin.hhi_previous == 1.0 and fin.hhi_change == pytest.approx(5 / 9 - 1)
    gis = next(s for s in data["domains"] if s.domain.code == "GIS")
    assert gis.products == 1 and "خارج از فهرست" in gis.leaders[0][0]
    assert data["profiles"] == 3
    assert data["distribution"]["overall"] == [0, 1, 1, 1, 0]  # 35 → 20–40, 50 → 40–60, 70 → 60–80
    marker = data["map"]["markers"][0]
    assert marker["name"] == "کرج" and marker["score"] == pytest.approx(51.7) and marker["count"] == 3


def test_supervisory_flags_versions_past_end_of_support_relative_to_the_report_date(spread):
    a1 = spread["a1"]  # حساب‌یار شهر 8.0: end of support at the end of 1405
    a1.end_of_support = parse_jalali_date("1404/06/31")
    a1.save()
    before = reports.supervisory(spread["p1"], 1404, parse_jalali_date("1404/06/31"))
    assert [r["administration"] for r in before["unsupported"]] == []
    after = reports.supervisory(spread["p1"], 1404, parse_jalali_date("1404/07/01"))
    assert [(r["administration"], r["product"]) for r in after["unsupported"]] == [("شهرداری کرج", "حساب‌یار شهر")]
    assert after["unsupported_by_version"] == [{"product": "حساب‌یار شهر", "version": "8.0",
                                                "end_of_support": a1.end_of_support,
                                                "administrations": ["شهرداری کرج"]}]
    # Marked unsupported by the catalogue: unsupported whatever the date.
    spread["b"].support_status = "unsupported"
    spread["b"].save()
    early = reports.supervisory(spread["p1"], 1404, dt.date(2020, 1, 1))
    assert [r["administration"] for r in early["unsupported"]] == ["شهرداری اشتهارد"]
    # سپهر مالی does not meet its domain's mandatory export standard (demo catalogue marks it so).
    assert {r["product"] for r in after["substandard"]} == {"سپهر مالی"}
    assert "STD-FIN-01" in after["substandard"][0]["lacking"]
    # m1 runs FIN and GIS of 11 municipal domains; the others one each: 9 + 10 + 10 missing.
    assert len(after["missing"]) == 29
    assert after["groups"][0].unit == spread["c1"] and after["groups"][0].profiles == 3


def test_report_query_count_does_not_grow_with_municipalities(spread):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            reports.supervisory(spread["p1"], 1404)
            reports.heterogeneity(spread["p1"], 1404)
        return len(ctx.captured_queries)

    first = count()
    K = OrgUnit.Kind
    for i in range(5):
        city = OrgUnit.objects.create(kind=K.CITY, name=f"شهر {i}", parent=spread["d1"], code=f"10101{i}")
        admin = Administration.objects.create(kind="municipality", org_unit=city, name=f"شهرداری {i}")
        _approved(admin, 1404, {"FIN": spread["b"], "HR": "کارگزینی محلی"}, spread["staff1"], score_overall=40.0)
    assert count() == first


def test_reports_are_scoped_render_and_export(spread, client):
    client.force_login(spread["province2"])
    assert client.get(reverse("itgov:supervisory"), {"unit": spread["p1"].pk}).status_code == 404
    assert client.get(reverse("itgov:heterogeneity"), {"unit": spread["p1"].pk}).status_code == 404
    client.force_login(spread["staff1"])  # a municipality has no report permission
    assert client.get(reverse("itgov:supervisory")).status_code == 404
    client.force_login(spread["province1"])
    page = client.get(reverse("itgov:supervisory"), {"unit": spread["p1"].pk, "year": "۱۴۰۴"})
    assert page.status_code == 200 and "شهرداری اشتهارد" in page.content.decode()
    page = client.get(reverse("itgov:heterogeneity"), {"unit": spread["p1"].pk, "year": "1404"})
    assert page.status_code == 200 and "مالی و حسابداری" in page.content.decode()
    bad = client.get(reverse("itgov:supervisory"), {"unit": spread["p1"].pk, "year": "1404", "date": "1404/13/40"})
    assert bad.status_code == 400 and "تاریخ گزارش" in bad.content.decode()
    xlsx = client.get(reverse("itgov:supervisory"), {"unit": spread["p1"].pk, "year": "1404", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["نرم‌افزارهای در کار"]
    assert sheet["A1"].value == "مدیریت محلی" and sheet.max_row == 5  # header + 4 uses
    het = client.get(reverse("itgov:heterogeneity"), {"unit": spread["p1"].pk, "year": "1404", "format": "xlsx"})
    assert load_workbook(io.BytesIO(het.content))["ناهمگونی حوزه‌ها"]["E1"].value == "شاخص هرفیندال"


@pytest.mark.parametrize("name, heading", [("supervisory", "گزارش یکپارچه نظارت"), ("heterogeneity", "گزارش ناهمگونی")])
def test_pdf_renders_with_persian_headings(spread, client, name, heading):
    client.force_login(spread["province1"])
    response = client.get(reverse(f"itgov:{name}"), {"unit": spread["p1"].pk, "year": "1404", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert heading in text and "البرز" in text
    assert ink_ratio(pdf_page_image(response.content)) > 0.01


def test_at_country_level_the_map_colours_provinces(spread):
    data = reports.heterogeneity(spread["country"], 1404)
    assert data["map"]["level"] == "province"
    assert data["map"]["areas"] == {spread["p1"].pk: {"score": pytest.approx(51.7), "count": 3, "band": 2}}
    assert [m["name"] for m in data["map"]["markers"]] == ["البرز"]  # the capital is known: Karaj
