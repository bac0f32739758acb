"""Profiles: creation, the bad inputs of the issue, scope, and the review flow on the case engine."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samaneh.cases.models import Case, Comment
from samaneh.itgov import services
from samaneh.itgov.models import (
    ControlAnswer, Domain, Evidence, ITProfile, ProductVersion, ProfileStatus, Requirement, SoftwareUse,
)
from samaneh.itgov.services import ITGovRefused
from samaneh.itgov.tests.conftest import YEAR, answer_all_controls

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_a_second_profile_for_the_same_year_is_refused_in_persian(world, client):
    services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    with pytest.raises(ITGovRefused) as refusal:
        services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    assert "۱۴۰۴" in refusal.value.message and "پیش‌تر ثبت شده" in refusal.value.message
    response = _login(client, world["staff1"]).post(reverse("itgov:profile-new"),
                                                    {"administration": world["m1"].pk, "year": "۱۴۰۴"})
    assert response.status_code == 400
    assert "پیش‌تر ثبت شده" in response.content.decode()
    assert ITProfile.objects.filter(administration=world["m1"], year=YEAR).count() == 1
    # Another year is a new profile: the history is kept year by year.
    services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR - 1)
    assert ITProfile.objects.filter(administration=world["m1"]).count() == 2


def test_a_municipality_cannot_read_or_edit_another_municipalitys_profile(world, client):
    other = services.profile_create(user=world["staff2"], administration=world["m2"], year=YEAR)
    _login(client, world["staff1"])
    assert client.get(reverse("itgov:profile", args=[other.pk])).status_code == 404
    response = client.post(reverse("itgov:profile-section", args=[other.pk, "hardware"]), {"hardware-servers_new": 9})
    assert response.status_code == 404
    with pytest.raises(ITGovRefused):
        services.profile_section_update(user=world["staff1"], profile=other, section="management",
                                        data={"has_it_unit": True, "it_reports_to": "mayor", "it_budget_share": 1,
                                              "has_written_plan": True})
    with pytest.raises(ITGovRefused):
        services.profile_create(user=world["staff1"], administration=world["m2"], year=YEAR - 1)
    other.refresh_from_db()
    assert other.servers_new == 0 and not other.has_it_unit
    # A reviewer of the other province does not see it either; one of its own province does.
    assert client.get(reverse("itgov:profile", args=[other.pk])).status_code == 404
    _login(client, world["province2"])
    assert client.get(reverse("itgov:profile", args=[other.pk])).status_code == 200


def test_negative_counts_are_refused_naming_the_field_and_nothing_changes(world, client):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    data = {f"hardware-{name}": "0" for name in services.SECTION_FIELDS["hardware"] if name != "offsite_backup"}
    data.update({"hardware-servers_new": "۳", "hardware-workstations_old": "-۴"})
    response = _login(client, world["staff1"]).post(reverse("itgov:profile-section", args=[profile.pk, "hardware"]), data)
    assert response.status_code == 400
    assert "«رایانه کاربری بالای ۵ سال» نمی‌تواند منفی باشد." in response.content.decode()
    profile.refresh_from_db()
    assert profile.servers_new == 0 and profile.workstations_old == 0
    data["hardware-workstations_old"] = "۱۲"
    assert client.post(reverse("itgov:profile-section", args=[profile.pk, "hardware"]), data).status_code == 302
    profile.refresh_from_db()
    assert (profile.servers_new, profile.workstations_old) == (3, 12)


def test_a_version_not_in_the_catalogue_is_offered_as_other_pending_review(world, client):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    fin = Domain.objects.get(code="FIN")
    gis_version = ProductVersion.objects.filter(product__domains__code="GIS").first()
    _login(client, world["staff1"])
    url = reverse("itgov:profile-software", args=[profile.pk, fin.pk])
    base = {f"d{fin.pk}-hosting": "on_premise", f"d{fin.pk}-licence": "perpetual", f"d{fin.pk}-satisfaction": "3"}
    # A catalogued version of another domain's product is not a FIN choice: refused, nothing stored.
    response = client.post(url, {**base, f"d{fin.pk}-version": str(gis_version.pk)})
    assert response.status_code == 400
    assert "در فهرست این حوزه نیست" in response.content.decode()
    # «Other» without a name is refused too.
    response = client.post(url, {**base, f"d{fin.pk}-version": "other"})
    assert response.status_code == 400 and "نام محصول" in response.content.decode()
    assert not SoftwareUse.objects.exists()
    response = client.post(url, {**base, f"d{fin.pk}-version": "other", f"d{fin.pk}-other_product": "حسابداری محلی",
                                 f"d{fin.pk}-other_version": "۲٫۱"}, follow=True)
    assert "در انتظار بررسی فهرست" in response.content.decode()
    use = SoftwareUse.objects.get()
    assert use.pending_review and use.version is None and use.other_product == "حسابداری محلی"
    # Never silently catalogued: the service refuses a version together with free text.
    with pytest.raises(ITGovRefused):
        services.software_set(user=world["staff1"], profile=profile, domain=fin,
                              version=ProductVersion.objects.filter(product__domains=fin).first(),
                              other_product="x", hosting="on_premise", licence="perpetual", satisfaction=3)
    # The catalogue's reviewers can later link every such use to a real version of that domain.
    with pytest.raises(ITGovRefused):
        services.pending_accept(user=world["national_it"], use=use, version=gis_version)
    with pytest.raises(ITGovRefused):
        services.pending_accept(user=world["county_it"], use=use, version=gis_version)
    version = ProductVersion.objects.filter(product__domains=fin).first()
    assert services.pending_accept(user=world["national_it"], use=use, version=version) == 1
    use.refresh_from_db()
    assert use.version == version and not use.pending_review


def test_evidence_must_be_pdf_or_image_by_its_content(world, client):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    control = Requirement.objects.get(code="SEC-BK-01")
    url = reverse("itgov:profile-control", args=[profile.pk, control.pk])
    _login(client, world["staff1"])
    fake = SimpleUploadedFile("backup-log.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {f"c{control.pk}-answer": "implemented", f"c{control.pk}-evidence": fake})
    assert response.status_code == 400
    assert "فقط PDF یا تصویر" in response.content.decode()
    assert not ControlAnswer.objects.exists() and not Evidence.objects.exists()
    pdf = SimpleUploadedFile("backup-log.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    png = SimpleUploadedFile("rack.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png")
    response = client.post(url, {f"c{control.pk}-answer": "implemented", f"c{control.pk}-evidence": [pdf, png]})
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    evidence = Evidence.objects.get(content_type="application/pdf")
    assert client.get(reverse("itgov:evidence", args=[evidence.pk])).status_code == 200
    _login(client, world["staff2"])
    assert client.get(reverse("itgov:evidence", args=[evidence.pk])).status_code == 404


def _filled_profile(world):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    answer_all_controls(profile, world["staff1"])
    return profile


def test_submission_needs_every_control_answered_and_cannot_be_sent_twice(world):
    profile = services.profile_create(user=world["staff1"], administration=world["m1"], year=YEAR)
    with pytest.raises(ITGovRefused) as refusal:
        services.profile_submit(user=world["staff1"], profile=profile)
    assert "SEC-" in refusal.value.message
    assert not Case.objects.exists()
    answer_all_controls(profile, world["staff1"])
    services.profile_submit(user=world["staff1"], profile=profile)
    with pytest.raises(ITGovRefused) as refusal:
        services.profile_submit(user=world["staff1"], profile=profile)
    assert "پیش‌تر ارسال شده" in refusal.value.message
    assert Case.objects.filter(service="itgov_profile").count() == 1
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED and profile.case.state == "submitted"
    # A submitted profile is locked for the municipality.
    with pytest.raises(ITGovRefused):
        services.profile_section_update(user=world["staff1"], profile=profile, section="management",
                                        data={"has_it_unit": True, "it_reports_to": "mayor", "it_budget_share": 1,
                                              "has_written_plan": True})


def test_review_return_fix_resubmit_and_approve(world, client):
    profile = _filled_profile(world)
    services.profile_submit(user=world["staff1"], profile=profile)
    # The province cannot act before the county; the county must say why it returns.
    with pytest.raises(ITGovRefused):
        services.profile_review(user=world["province1"], profile=profile, action="approve")
    with pytest.raises(ITGovRefused) as refusal:
        services.profile_review(user=world["county1"], profile=profile, action="return", text="")
    assert "دلیل" in refusal.value.message
    _login(client, world["county1"])
    response = client.post(reverse("itgov:profile-review", args=[profile.pk, "return"]),
                           {"text": "تعداد سرورها با فهرست اموال نمی‌خواند."})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.RETURNED
    assert Comment.objects.filter(case=profile.case, body__contains="سرورها").exists()
    # The municipality sees the comment, corrects, resubmits.
    _login(client, world["staff1"])
    page = client.get(reverse("itgov:profile", args=[profile.pk])).content.decode()
    assert "سرورها با فهرست اموال" in page
    services.profile_section_update(user=world["staff1"], profile=profile, section="management",
                                    data={"has_it_unit": True, "it_reports_to": "mayor", "it_budget_share": 2,
                                          "has_written_plan": True})
    assert client.post(reverse("itgov:profile-submit", args=[profile.pk])).status_code == 302
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED and profile.score_overall is None
    services.profile_review(user=world["county1"], profile=profile, action="county_pass")
    # A county reviewer cannot give the province's approval.
    with pytest.raises(ITGovRefused):
        services.profile_review(user=world["county1"], profile=profile, action="approve")
    services.profile_review(user=world["province1"], profile=profile, action="approve", text="تأیید شد")
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.APPROVED and profile.case.is_closed
    # Management: unit 0.30 + mayor 0.20 + budget 2/2 × 0.25 + plan 0.25 = 100.
    assert profile.score_management == 100.0
    assert profile.score_security == 100.0
    assert profile.score_overall is not None
    assert [e.action for e in profile.case.events.all()] == ["open", "return", "resubmit", "county_pass", "approve"]


def test_a_dehyari_answers_the_rural_domains_only(world):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory, UserFactory

    dehyar = UserFactory()
    RoleFactory(user=dehyar, role=Role.DEHYARI_STAFF, org_unit=world["v1"])
    profile = services.profile_create(user=dehyar, administration=world["dh1"], year=YEAR)
    from samaneh.itgov import selectors

    codes = [d.code for d in selectors.domains_for(profile)]
    assert codes and all(code.startswith("R-") for code in codes)
    with pytest.raises(ITGovRefused) as refusal:
        services.software_set(user=dehyar, profile=profile, domain=Domain.objects.get(code="URB"), other_product="x",
                              hosting="on_premise", licence="perpetual", satisfaction=3)
    assert "تعریف نشده" in refusal.value.message
    rural = Domain.objects.get(code="R-FIN")
    version = ProductVersion.objects.get(product__name="دهیار‌یار")
    use = services.software_set(user=dehyar, profile=profile, domain=rural, version=version, hosting="provincial_dc",
                                licence="subscription", satisfaction=4)
    assert not use.pending_review and rural.urban_equivalent.code == "FIN"
