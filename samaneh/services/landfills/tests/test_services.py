"""Registry writes: validation refusals (each naming its field, changing nothing), the review flow and its
history, scope, and documents."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from samaneh.core.models import AuditEntry
from samaneh.services.landfills import services
from samaneh.services.landfills.models import Site, SiteDocument, SiteEvent
from samaneh.services.landfills.tests.conftest import site_fields

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake but typed by its first bytes\n"


def refused(call, **kwargs):
    """The ValidationError's messages by field; asserts nothing was stored."""
    sites, events = Site.objects.count(), SiteEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert Site.objects.count() == sites and SiteEvent.objects.count() == events
    return info.value.message_dict if hasattr(info.value, "error_dict") else {"__all__": info.value.messages}


def test_create_records_draft_with_history_and_audit(tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree), villages_served=[tree["v1b"]])
    assert site.review_state == Site.Review.DRAFT
    assert site.code == f"LF-{site.pk:06d}"
    assert list(site.villages_served.all()) == [tree["v1b"]]
    event = site.events.get()
    assert event.action == SiteEvent.Action.CREATED and event.actor == people["dehyari1"]
    assert event.changes["design_capacity_tonnes"] == [None, 20000]
    assert event.changes["villages_served"] == [None, ["سیف‌آباد (101010202)"]]
    assert AuditEntry.objects.filter(action="landfills.site.created", object_id=str(site.pk)).exists()


@pytest.mark.parametrize("overrides, field, words", [
    ({"latitude": 45.0}, "latitude", "بیرون از ایران"),
    ({"longitude": 70.0}, "longitude", "بیرون از ایران"),
    ({"latitude": 38.0, "longitude": 51.0}, "latitude", "در دریا"),  # the Caspian, off Mazandaran
    ({"latitude": 26.6, "longitude": 53.5}, "latitude", "در دریا"),  # the Persian Gulf
    ({"latitude": 30.40, "longitude": 55.99}, "latitude", "در استان کرمان است، نه در استان البرز"),  # Rafsanjan
    ({"design_capacity_tonnes": -5}, "design_capacity_tonnes", "منفی"),
    ({"design_capacity_tonnes": 9_000_000, "remaining_capacity_tonnes": 10}, "design_capacity_tonnes", "بیش از حد"),
    ({"daily_intake_tonnes": 80_000}, "daily_intake_tonnes", "ورودی روزانه"),
    ({"remaining_capacity_tonnes": 30_000}, "remaining_capacity_tonnes", "نمی‌تواند بیش از «ظرفیت طراحی (تن)»"),
    ({"design_capacity_m3": 100, "remaining_capacity_m3": 200}, "remaining_capacity_m3", "مترمکعب"),
    ({"name": ""}, "name", "«نام» را وارد کنید"),
    ({"kind": "volcano"}, "kind", "«نوع» یکی از گزینه‌های"),
    ({"opening_year": 1990}, "opening_year", "سال شروع"),
    ({"design_capacity_tonnes": "بسیار"}, "design_capacity_tonnes", "باید عدد باشد"),
])
def test_bad_values_are_refused_naming_the_field(tree, people, overrides, field, words):
    errors = refused(services.site_create, user=people["dehyari1"], fields=site_fields(tree, **overrides))
    assert field in errors
    assert any(words in message for message in errors[field]), errors[field]


def test_persian_digits_are_read(tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(
        tree, design_capacity_tonnes="۲۰٬۰۰۰", remaining_capacity_tonnes="۱۲۵۰٫۵", opening_year="۱۳۹۸"))
    assert site.design_capacity_tonnes == 20000 and site.remaining_capacity_tonnes == 1250.5
    assert site.opening_year == 1398


def test_served_units_must_be_villages_of_the_sites_county(tree, people):
    errors = refused(services.site_create, user=people["dehyari1"], fields=site_fields(tree),
                     villages_served=[tree["rd1"]])
    assert "روستا نیست" in errors["villages_served"][0]
    errors = refused(services.site_create, user=people["dehyari1"], fields=site_fields(tree),
                     villages_served=[tree["v2"]])
    assert "در شهرستان کرج نیست" in errors["villages_served"][0]


def test_site_must_stand_in_the_users_scope_and_below_the_county(tree, people):
    errors = refused(services.site_create, user=people["dehyari1"], fields=site_fields(tree, org_unit=tree["v2"]))
    assert "بیرون از حوزه شما" in errors["org_unit"][0]
    errors = refused(services.site_create, user=people["district1"], fields=site_fields(tree, org_unit=tree["c1"]))
    assert "نه شهرستان" in errors["org_unit"][0]
    with pytest.raises(PermissionDenied):
        services.site_create(people["county1"], fields=site_fields(tree))


def test_review_flow_with_return_comment_and_history(tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    services.site_submit(people["dehyari1"], site=site)
    # Nothing to edit while the reviewer has it.
    refused(services.site_update, user=people["dehyari1"], site=site, fields={"daily_intake_tonnes": 3})
    # A return needs a comment saying what to correct.
    errors = refused(services.site_return, user=people["county1"], site=site, comment="  ")
    assert "توضیح بازگشت" in errors["comment"][0]
    services.site_return(people["county1"], site=site, comment="ظرفیت باقی‌مانده را دوباره اندازه بگیرید")
    site.refresh_from_db()
    assert site.review_state == Site.Review.RETURNED
    # Local staff correct and resubmit; the county approves.
    services.site_update(people["dehyari1"], site=site, fields={"remaining_capacity_tonnes": 4200})
    services.site_submit(people["dehyari1"], site=site)
    services.site_approve(people["county1"], site=site)
    site.refresh_from_db()
    assert site.review_state == Site.Review.APPROVED
    history = list(site.events.order_by("at", "id"))
    assert [e.action for e in history] == ["created", "submitted", "returned", "updated", "submitted", "approved"]
    assert history[2].comment == "ظرفیت باقی‌مانده را دوباره اندازه بگیرید" and history[2].actor == people["county1"]
    assert history[3].changes == {"remaining_capacity_tonnes": [5000, 4200]}
    # Editing an approved site puts it back to submitted.
    services.site_update(people["dehyari1"], site=site, fields={"has_fence": True})
    site.refresh_from_db()
    assert site.review_state == Site.Review.SUBMITTED
    last = site.events.order_by("-at", "-id").first()
    assert last.changes["has_fence"] == [False, True]
    assert last.changes["review_state"] == ["approved", "submitted"]


def test_reviewers_act_only_in_their_scope_and_only_from_the_right_state(tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    # Not submitted yet: nothing to approve.
    refused(services.site_approve, user=people["county1"], site=site)
    services.site_submit(people["dehyari1"], site=site)
    with pytest.raises(PermissionDenied):
        services.site_approve(people["county2"], site=site)
    with pytest.raises(PermissionDenied):  # local staff cannot approve their own site
        services.site_approve(people["dehyari1"], site=site)
    with pytest.raises(PermissionDenied):
        services.site_update(people["dehyari2"], site=site, fields={"name": "دیگری"})
    site.refresh_from_db()
    assert site.review_state == Site.Review.SUBMITTED
    services.site_approve(people["province1"], site=site)
    site.refresh_from_db()
    assert site.review_state == Site.Review.APPROVED


def test_unchanged_edit_records_nothing(tree, people):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    services.site_update(people["dehyari1"], site=site, fields=site_fields(tree))
    assert site.events.count() == 1


def test_documents_are_photos_or_pdfs_by_content(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    site = services.site_create(people["dehyari1"], fields=site_fields(tree))
    photo = services.site_document_add(people["dehyari1"], site=site,
                                       upload=SimpleUploadedFile("a.png", PNG), title="نمای ورودی")
    assert photo.content_type == "image/png" and photo.size == len(PNG)
    services.site_document_add(people["dehyari1"], site=site, upload=SimpleUploadedFile("mojavez.pdf", PDF))
    with pytest.raises(ValidationError) as info:
        services.site_document_add(people["dehyari1"], site=site,
                                   upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an executable"))
    assert "فقط عکس (JPEG یا PNG) یا سند PDF" in info.value.message_dict["file"][0]
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as info:
        services.site_document_add(people["dehyari1"], site=site, upload=SimpleUploadedFile("big.pdf", PDF * 10))
    assert "حجم فایل" in info.value.message_dict["file"][0]
    assert SiteDocument.objects.filter(site=site).count() == 2
    assert site.events.filter(action=SiteEvent.Action.DOCUMENT).count() == 2
    with pytest.raises(PermissionDenied):
        services.site_document_add(people["dehyari2"], site=site, upload=SimpleUploadedFile("a.png", PNG))
