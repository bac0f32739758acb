"""Registry pages through the test client: scope (404 for another county), forms with Persian digits,
review actions, the map's GeoJSON and filters."""
import json

import pytest
from django.urls import reverse

from samaneh.services.landfills import services
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.tests.conftest import site_fields

pytestmark = pytest.mark.django_db


def _form_data(tree, **overrides):
    data = {
        "name": "محل دفن سیف‌آباد", "kind": "open_dump", "status": "active", "org_unit": tree["v1"].pk,
        "latitude": "۳۵٫۸۴", "longitude": "۵۰٫۹۳", "operator_kind": "dehyari",
        "design_capacity_tonnes": "۱۲٬۵۰۰", "remaining_capacity_tonnes": "۳۰۰۰", "daily_intake_tonnes": "۴",
        "protected_area": "near", "flood_zone": "none", "soil_permeability": "medium",
        "villages_served": [tree["v1b"].pk],
    }
    data.update(overrides)
    return data


def test_create_page_reads_persian_digits_and_redirects_to_detail(client, tree, people):
    client.force_login(people["dehyari1"])
    response = client.post(reverse("landfills:create"), _form_data(tree))
    site = Site.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("landfills:detail", args=[site.pk])
    assert site.design_capacity_tonnes == 12500 and site.latitude == 35.84
    assert list(site.villages_served.all()) == [tree["v1b"]]
    page = client.get(response["Location"]).content.decode()
    assert "محل دفن سیف‌آباد" in page and "ارسال برای بررسی" in page and "۱۲٬۵۰۰" in page


def test_create_page_shows_field_errors_and_stores_nothing(client, tree, people):
    client.force_login(people["dehyari1"])
    response = client.post(reverse("landfills:create"), _form_data(
        tree, remaining_capacity_tonnes="۵۰۰۰۰", latitude="۲۶٫۶", longitude="۵۳٫۵"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "در دریا یا بیرون از خاک ایران" in page
    assert "«ظرفیت باقی‌مانده (تن)» (۵۰٬۰۰۰) نمی‌تواند بیش از «ظرفیت طراحی (تن)» (۱۲٬۵۰۰) باشد" in page
    assert not Site.objects.exists()


def test_other_countys_staff_get_404(client, tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    services.site_submit(people["dehyari1"], site=site)
    for who in ("dehyari2", "county2"):
        client.force_login(people[who])
        assert client.get(reverse("landfills:detail", args=[site.pk])).status_code == 404
        assert client.get(reverse("landfills:edit", args=[site.pk])).status_code == 404
        assert client.post(reverse("landfills:review", args=[site.pk]), {"action": "approve"}).status_code == 404
    site.refresh_from_db()
    assert site.review_state == Site.Review.SUBMITTED
    client.force_login(people["county2"])
    assert client.get(reverse("landfills:sites-geojson")).json()["features"] == []
    assert "LF-" not in client.get(reverse("landfills:registry")).content.decode()


def test_someone_without_a_landfill_role_is_refused(client, tree):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    client.force_login(RoleFactory(role=Role.IT_SUPERVISOR, org_unit=tree["p1"]).user)
    assert client.get(reverse("landfills:registry")).status_code == 403


def test_review_actions_through_the_page(client, tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    services.site_submit(people["dehyari1"], site=site)
    client.force_login(people["county1"])
    detail = reverse("landfills:detail", args=[site.pk])
    assert "بازگرداندن برای اصلاح" in client.get(detail).content.decode()
    response = client.post(reverse("landfills:review", args=[site.pk]), {"action": "return", "comment": ""}, follow=True)
    assert "«توضیح بازگشت» را بنویسید" in response.content.decode()
    site.refresh_from_db()
    assert site.review_state == Site.Review.SUBMITTED
    client.post(reverse("landfills:review", args=[site.pk]), {"action": "return", "comment": "عکس ورودی را بگذارید"})
    site.refresh_from_db()
    assert site.review_state == Site.Review.RETURNED
    page = client.get(detail).content.decode()
    assert "عکس ورودی را بگذارید" in page and "بازگشت برای اصلاح" in page
    # Jalali date on the timeline, Persian digits.
    from samaneh.core.jalali import format_jalali

    assert format_jalali(site.events.first().at, with_time=True) in page


def test_map_geojson_is_scoped_and_filtered(client, tree, people):
    near_water = services.site_create(people["dehyari1"], fields=site_fields(tree, distance_to_water_m=120))
    services.site_create(people["dehyari1"], fields=site_fields(
        tree, name="مرکز منطقه‌ای", kind="regional_landfill", latitude=35.90, longitude=50.80,
        design_capacity_tonnes=900_000, remaining_capacity_tonnes=800_000, flood_zone="high"))
    client.force_login(people["province1"])
    url = reverse("landfills:sites-geojson")
    data = client.get(url).json()
    assert len(data["features"]) == 2
    feature = next(f for f in data["features"] if f["properties"]["id"] == near_water.pk)
    assert feature["geometry"]["coordinates"] == [50.93, 35.84] and feature["properties"]["sensitive"] is True
    assert [f["properties"]["id"] for f in client.get(url, {"water_near": "on"}).json()["features"]] == [near_water.pk]
    assert len(client.get(url, {"capacity_min": "۱۰۰۰۰۰"}).json()["features"]) == 1
    assert len(client.get(url, {"kind": "regional_landfill", "flood_high": "on"}).json()["features"]) == 1
    assert len(client.get(url, {"unit": tree["c1"].pk}).json()["features"]) == 2
    page = client.get(reverse("landfills:map")).content.decode()
    assert "vendor/leaflet/leaflet.markercluster.js" in page and 'data-tiles=""' in page
    boundaries_url = reverse("stats_viz:boundaries", args=["province"])
    assert boundaries_url in page
    provinces = json.loads(client.get(boundaries_url).content)
    assert {f["properties"]["name"] for f in provinces["features"]} == {"البرز", "کرمان"}


def test_tile_layer_only_when_configured(client, tree, people, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(people["province1"])
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in client.get(reverse("landfills:map")).content.decode()


def test_document_upload_and_download_are_scoped(client, tree, people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    client.force_login(people["dehyari1"])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client.post(reverse("landfills:document-add", args=[site.pk]),
                {"title": "ورودی", "file": SimpleUploadedFile("a.png", png)})
    response = client.post(reverse("landfills:document-add", args=[site.pk]),
                           {"file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")}, follow=True)
    assert "فقط عکس (JPEG یا PNG) یا سند PDF" in response.content.decode()
    document = site.documents.get()
    download = reverse("landfills:document", args=[document.pk])
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png
    client.force_login(people["dehyari2"])
    assert client.get(download).status_code == 404


def test_editing_an_approved_site_on_the_page_sends_it_back_for_review(client, tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    services.site_submit(people["dehyari1"], site=site)
    services.site_approve(people["county1"], site=site)
    client.force_login(people["dehyari1"])
    page = client.get(reverse("landfills:edit", args=[site.pk])).content.decode()
    assert "دوباره برای بررسی فرستاده می‌شود" in page and 'value="20000"' in page
    data = _form_data(tree, remaining_capacity_tonnes="۴۰۰۰", design_capacity_tonnes="20000",
                      latitude="35.84", longitude="50.93", villages_served=[])
    response = client.post(reverse("landfills:edit", args=[site.pk]), data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.review_state == Site.Review.SUBMITTED and site.remaining_capacity_tonnes == 4000
    # While the reviewer has it, the edit page is not offered and the submit is refused.
    detail = client.get(reverse("landfills:detail", args=[site.pk])).content.decode()
    assert reverse("landfills:edit", args=[site.pk]) not in detail
    assert "۵٬۰۰۰</span> ← <span>۴٬۰۰۰" in detail  # the history groups thousands the Persian way
    response = client.post(reverse("landfills:edit", args=[site.pk]), data)
    assert response.status_code == 400 and "برای بررسی فرستاده شده است" in response.content.decode()
