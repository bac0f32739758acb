"""The citizen's pages: filing end to end (files included), the double click, refusals that leave nothing,
my cases, one case with its public side only, and the applicant's own steps. Staff and strangers are kept out."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.cases.models import Attachment, Case, Comment, IdempotencyKey, Notification
from samaneh.cases.services import case_transition
from samaneh.core.jalali import format_jalali
from samaneh.core.sms import read_outbox
from samaneh.services.complaints.models import CategoryAttribute
from samaneh.services.complaints.routing import IRAN_OUTLINE
from samaneh.services.complaints.services import complaint_file
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory

pytestmark = pytest.mark.django_db

# Real, tiny files, built here rather than shipped as binaries.


def tiny_jpeg():
    """A valid 1×1 grey baseline JPEG: one quantisation table, one-symbol DC and AC Huffman tables, and a
    scan of a single block whose DC difference is 0 followed by end-of-block."""
    soi, eoi = b"\xff\xd8", b"\xff\xd9"
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    sof0 = b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    one_symbol = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1, for symbol 0
    dht_dc = b"\xff\xc4\x00\x14\x00" + one_symbol
    dht_ac = b"\xff\xc4\x00\x14\x10" + one_symbol
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    scan = b"\x3f"  # bits 0 (DC category 0), 0 (EOB), then padding ones
    return soi + app0 + dqt + sof0 + dht_dc + dht_ac + sos + scan + eoi


def tiny_pdf():
    """A valid one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def windows_executable():
    """The start of a Windows program: what a renamed `.exe` really holds."""
    header = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    return header + b"This program cannot be run in DOS mode.\r\n" * 4


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def citizen(client):
    user = CitizenFactory()
    client.force_login(user)
    return user


@pytest.fixture
def lighting():
    return CategoryFactory(name="روشنایی معابر", parent=CategoryFactory(name="خدمات شهری"))


def persian(text):
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def form_data(category, unit, **extra):
    return {"kind": "complaint", "category": category.pk, "org_unit": unit.pk, "description": "چراغ کوچه خاموش است",
            "latitude": "35.840000", "longitude": "50.939100", "address": "", "idempotency_key": "key-1"} | extra


def page_key(response):
    return re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode()).group(1)


def test_a_visitor_is_sent_to_the_citizen_sign_in_and_staff_to_their_dashboard(client, tree):
    response = client.get(reverse("complaints:new"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:citizen-login"))
    assert "next=" in response.url
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    client.force_login(staff)
    for url in (reverse("complaints:new"), reverse("complaints:mine")):
        assert client.get(url).url == reverse("web:dashboard")


def test_the_form_offers_grouped_categories_a_unit_picker_a_map_and_a_fresh_key(client, citizen, tree, lighting):
    CategoryFactory(name="غیرفعال", is_active=False)
    response = client.get(reverse("complaints:new"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="خدمات شهری">' in html and "روشنایی معابر" in html and "غیرفعال" not in html
    assert f'data-api="{reverse("geo_api:org-unit-list")}"' in html and "data-complaint-map" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert page_key(response) != page_key(client.get(reverse("complaints:new")))


def test_filing_with_a_photo_and_a_pdf_gives_the_tracking_code_in_persian_digits(
        client, citizen, tree, lighting, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile("عکس.jpg", tiny_jpeg(), content_type="image/jpeg"),
             SimpleUploadedFile("نامه.pdf", tiny_pdf(), content_type="application/pdf")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:new"), form_data(lighting, tree["city1"], files=files,
                                                                    is_public="on"))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:filed", args=[case.pk])
    assert case.applicant == citizen and case.complaint.is_public and case.complaint.latitude is not None
    attachments = Attachment.objects.filter(case=case).order_by("pk")
    assert [(a.original_name, a.content_type, a.public) for a in attachments] == [
        ("عکس.jpg", "image/jpeg", True), ("نامه.pdf", "application/pdf", True)]
    page = client.get(response.url).content.decode()
    assert persian(case.tracking_code) in page and reverse("track:detail", args=[case.tracking_code]) in page
    assert case.tracking_code in read_outbox()[0]["text"]
    case_page = client.get(reverse("complaints:case", args=[case.pk])).content.decode()
    photo = attachments[0]
    assert reverse("attachments:download", args=[photo.pk]) in case_page
    download = client.get(reverse("attachments:download", args=[photo.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == tiny_jpeg()


def test_a_double_clicked_submit_files_one_case(client, citizen, tree, lighting):
    key = page_key(client.get(reverse("complaints:new")))
    responses = [client.post(reverse("complaints:new"), form_data(
        lighting, tree["city1"], idempotency_key=key,
        files=[SimpleUploadedFile("a.jpg", tiny_jpeg(), content_type="image/jpeg")])) for _ in range(2)]
    case = Case.objects.get()
    assert [r.url for r in responses] == [reverse("complaints:filed", args=[case.pk])] * 2
    assert Attachment.objects.filter(case=case).count() == 1


def test_an_executable_renamed_pdf_is_refused_in_persian_and_no_case_is_filed(client, citizen, tree, lighting, media):
    files = [SimpleUploadedFile("photo.jpg", tiny_jpeg(), content_type="image/jpeg"),
             SimpleUploadedFile("نامه.pdf", windows_executable(), content_type="application/pdf")]
    response = client.post(reverse("complaints:new"), form_data(lighting, tree["city1"], files=files))
    assert response.status_code == 400
    html = response.content.decode()
    assert "«نامه.pdf» پذیرفته نیست" in html and "PDF" in html
    assert "چراغ کوچه خاموش است" in html  # what the citizen wrote is still there
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not Notification.objects.exists() and not IdempotencyKey.objects.exists()
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_an_upload_over_the_cap_is_refused_before_it_is_read(client, citizen, tree, lighting, settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    big = SimpleUploadedFile("big.jpg", tiny_jpeg() + b"\x00" * 300_000, content_type="image/jpeg")
    response = client.post(reverse("complaints:new"), form_data(lighting, tree["city1"], files=[big]))
    assert response.status_code == 400 and "سقف مجاز" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("change, words", [
    ({"org_unit": ""}, "شهر یا روستای محل را انتخاب کنید"),
    ({"description": "  "}, "شرح شکایت یا درخواست را بنویسید"),
    ({"latitude": "33.3152", "longitude": "44.3661"}, "بیرون از ایران"),
    ({"kind": ""}, "«شکایت» یا «درخواست»"),
])
def test_bad_input_comes_back_with_a_persian_error_and_files_nothing(client, citizen, tree, lighting, change, words):
    response = client.post(reverse("complaints:new"), form_data(lighting, tree["city1"], **change))
    assert response.status_code == 400 and words in response.content.decode()
    assert not Case.objects.exists()


def test_a_province_is_not_a_place_to_file_on(client, citizen, tree, lighting):
    response = client.post(reverse("complaints:new"), form_data(lighting, tree["p1"]))
    assert response.status_code == 400 and "پیدا نشد" in response.content.decode()
    assert not Case.objects.exists()


def test_a_required_category_question_is_asked_and_answered(client, citizen, tree):
    potholes = CategoryFactory(name="چاله")
    CategoryAttribute.objects.create(category=potholes, code="severity", description="شدت خرابی", required=True,
                                     datatype="singlevaluelist", values=[{"key": "high", "name": "زیاد"}])
    fragment = client.get(reverse("complaints:questions"), {"category": potholes.pk}).content.decode()
    assert "شدت خرابی" in fragment and 'name="attribute[severity]"' in fragment
    response = client.post(reverse("complaints:new"), form_data(potholes, tree["city1"]))
    assert response.status_code == 400 and "به پرسش «شدت خرابی» پاسخ دهید" in response.content.decode()
    answered = form_data(potholes, tree["city1"], **{"attribute[severity]": "high"})
    response = client.post(reverse("complaints:new"), answered)
    assert response.status_code == 302 and Case.objects.get().complaint.attributes == {"severity": "high"}


def test_my_cases_lists_only_mine_newest_first_with_jalali_dates(client, citizen, tree, lighting):
    older = complaint_file(applicant=citizen, kind="complaint", category=lighting, description="اول",
                           org_unit=tree["city1"]).case
    newer = complaint_file(applicant=citizen, kind="request", category=lighting, description="دوم",
                           org_unit=tree["v1"]).case
    theirs = complaint_file(applicant=CitizenFactory(), kind="complaint", category=lighting, description="دیگری",
                            org_unit=tree["city1"]).case
    html = client.get(reverse("complaints:mine")).content.decode()
    assert html.index(persian(newer.tracking_code)) < html.index(persian(older.tracking_code))
    assert persian(theirs.tracking_code) not in html
    assert format_jalali(older.created_at) in html and "ثبت شد" in html


def test_someone_elses_case_is_not_found_on_every_page(client, citizen, tree, lighting):
    theirs = complaint_file(applicant=CitizenFactory(), kind="complaint", category=lighting, description="دیگری",
                            org_unit=tree["city1"]).case
    for name in ("complaints:case", "complaints:filed"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("complaints:act", args=[theirs.pk]), {"action": "accept_answer"}).status_code == 404
    assert client.post(reverse("complaints:rate", args=[theirs.pk]), {"rating": "5"}).status_code == 404
    assert client.get(reverse("complaints:case", args=[999999])).status_code == 404
    assert Comment.objects.count() == 0


def test_the_case_page_shows_the_public_answer_and_hides_the_internal_note(client, citizen, tree, lighting):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = complaint_file(applicant=citizen, kind="complaint", category=lighting, description="چراغ خاموش",
                          org_unit=tree["city1"]).case
    case_transition(case=case, action="answer", user=staff, text="لامپ روز ۱۲ تعویض شد.",
                    internal_note="پیمانکار دیر آمد")
    html = client.get(reverse("complaints:case", args=[case.pk])).content.decode()
    assert "لامپ روز ۱۲ تعویض شد." in html and "پیمانکار دیر آمد" not in html
    assert "پاسخ داده شد" in html and "اعتراض به پاسخ" in html and "پذیرش پاسخ" in html


def test_the_citizen_sends_the_information_asked_for_with_a_photo(client, citizen, tree, lighting):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = complaint_file(applicant=citizen, kind="complaint", category=lighting, description="چراغ خاموش",
                          org_unit=tree["city1"]).case
    case_transition(case=case, action="request_info", user=staff, text="پلاک دقیق را بنویسید.")
    html = client.get(reverse("complaints:case", args=[case.pk])).content.decode()
    assert "پلاک دقیق را بنویسید." in html and "ارسال اطلاعات تکمیلی" in html

    empty = client.post(reverse("complaints:act", args=[case.pk]), {"action": "provide_info", "text": " "})
    assert empty.status_code == 400 and "نوشتن متن" in empty.content.decode()
    case.refresh_from_db()
    assert case.state == "awaiting_info"

    photo = SimpleUploadedFile("پلاک.jpg", tiny_jpeg(), content_type="image/jpeg")
    response = client.post(reverse("complaints:act", args=[case.pk]),
                           {"action": "provide_info", "text": "پلاک ۱۲", "files": [photo]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "in_review"
    assert Comment.objects.filter(case=case, author=citizen, body="پلاک 12").exists()
    assert Attachment.objects.filter(case=case, uploaded_by=citizen, original_name="پلاک.jpg").exists()


def test_a_step_the_workflow_does_not_leave_to_the_citizen_is_refused(client, citizen, tree, lighting):
    case = complaint_file(applicant=citizen, kind="complaint", category=lighting, description="چراغ خاموش",
                          org_unit=tree["city1"]).case
    response = client.post(reverse("complaints:act", args=[case.pk]), {"action": "answer", "text": "خودم جواب دادم"})
    assert response.status_code == 400 and "اجازه این اقدام" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted" and not Comment.objects.exists()


def test_the_map_draws_irans_outline_and_the_configured_tiles(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    data = client.get(reverse("complaints:map-config")).json()
    assert data["tile_url"] == settings.MAP_TILE_URL
    assert data["outline"][0] == [IRAN_OUTLINE[0][1], IRAN_OUTLINE[0][0]] and len(data["outline"]) == len(IRAN_OUTLINE)
    del settings.MAP_TILE_URL
    assert client.get(reverse("complaints:map-config")).json()["tile_url"] == ""
