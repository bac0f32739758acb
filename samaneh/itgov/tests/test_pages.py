"""The catalogue, weights, score and case pages: who may use them, Jalali dates, refusals that change nothing."""
import pytest
from django.urls import reverse

from samaneh.itgov import services
from samaneh.itgov.models import ProductVersion, ScoreWeights
from samaneh.itgov.tests.conftest import YEAR, answer_all_controls

pytestmark = pytest.mark.django_db


def test_catalogue_page_shows_jalali_end_of_support_and_edit_links_only_to_supervisors(world, client):
    version = ProductVersion.objects.get(product__name="سپهر مالی", version="4.5")
    client.force_login(world["staff1"])
    page = client.get(reverse("itgov:catalogue")).content.decode()
    assert "سپهر مالی" in page and "۱۴۰۱/۱۲/۲۹" in page and "SEC-AC-01" in page
    assert reverse("itgov:version-edit", args=[version.product_id, version.pk]) not in page
    assert client.get(reverse("itgov:version-edit", args=[version.product_id, version.pk])).status_code == 404
    client.force_login(world["county_it"])  # a county IT supervisor reads, but does not keep, the catalogue
    assert client.get(reverse("itgov:pending")).status_code == 404
    client.force_login(world["national_it"])
    page = client.get(reverse("itgov:catalogue")).content.decode()
    assert reverse("itgov:version-edit", args=[version.product_id, version.pk]) in page
    url = reverse("itgov:version-edit", args=[version.product_id, version.pk])
    bad = client.post(url, {"version": "4.5", "released_on": "۱۳۹۶/۰۳/۰۱", "support_status": "unsupported",
                            "end_of_support": "1395/01/01"})
    assert bad.status_code == 400 and "پایان پشتیبانی" in bad.content.decode()
    version.refresh_from_db()
    assert str(version.end_of_support) != "2016-03-20"
    ok = client.post(url, {"version": "4.5", "released_on": "۱۳۹۶/۰۳/۰۱", "support_status": "unsupported",
                           "end_of_support": "۱۴۰۰/۰۶/۳۱"})
    assert ok.status_code == 302
    version.refresh_from_db()
    assert str(version.end_of_support) == "2021-09-22"


def test_weights_page_refuses_a_sum_other_than_one(world, client):
    client.force_login(world["national_it"])
    data = {"effective_year": "۱۴۰۴", "software": "۰٫۳", "hardware": "0.2", "management": "0.2", "people": "0.2",
            "security": "0.2", "note": ""}
    response = client.post(reverse("itgov:weights"), data)
    assert response.status_code == 400 and "جمع وزن‌ها باید دقیقاً ۱ باشد" in response.content.decode()
    assert not ScoreWeights.objects.exists()
    response = client.post(reverse("itgov:weights"), {**data, "software": "۰٫۲"})
    assert response.status_code == 302
    assert float(ScoreWeights.objects.get().software) == 0.2


def test_score_page_explains_each_item_and_the_case_page_links_the_profile(world, client):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    answer_all_controls(profile, world["staff1"], answer="partly")
    client.force_login(world["staff1"])
    page = client.get(reverse("itgov:profile-score", args=[profile.pk])).content.decode()
    for label in ("پوشش حوزه‌ها", "عمر رایانه‌های کاربری", "سهم بودجه", "کفایت نیرو", "کنترل‌های چارچوب امنیت"):
        assert label in page
    assert "۵۰" in page  # security: every control partly → 50
    services.profile_submit(user=world["staff1"], profile=profile)
    profile.refresh_from_db()
    client.force_login(world["county1"])
    case_page = client.get(reverse("cases:detail", args=[profile.case_id])).content.decode()
    assert reverse("itgov:profile", args=[profile.pk]) in case_page
    assert "تأیید شهرستان و ارسال به استان" in case_page


def test_catalogue_edits_in_the_admin_are_audited(world, client):
    from samaneh.core.models import AuditEntry
    from samaneh.itgov.models import Domain
    from tests.factories import UserFactory

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    domain = Domain.objects.get(code="GIS")
    response = client.post(reverse("admin:itgov_domain_change", args=[domain.pk]), {
        "code": "GIS", "name": "سامانه اطلاعات مکانی", "name_en": "GIS", "applies_to": "municipality",
        "exports": '["تعداد قطعات"]', "sort": "6", "valid_from_year": "1398", "retired_year": ""})
    assert response.status_code == 302 and response.url == reverse("admin:itgov_domain_changelist")
    entry = AuditEntry.objects.filter(action="itgov.catalogue_admin_save").get()
    assert entry.before["name"] == "سامانه اطلاعات مکانی (GIS)" and entry.after["name"] == "سامانه اطلاعات مکانی"
