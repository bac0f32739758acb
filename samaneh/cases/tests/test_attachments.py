import hashlib
import io
import struct
import zlib
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.cases.attachments import attachment_add, sniff_content_type
from samaneh.cases.models import Attachment
from samaneh.cases.services import CaseError, case_transition
from samaneh.core.models import AuditEntry
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db


def png_bytes():
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def case(tree, citizen):
    return open_complaint(applicant=citizen, unit=tree["city1"])


@pytest.fixture
def staff(tree):
    return RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user


def test_types_are_read_from_the_first_bytes():
    assert sniff_content_type(PDF) == "application/pdf"
    assert sniff_content_type(JPEG) == "image/jpeg"
    assert sniff_content_type(png_bytes()) == "image/png"
    for content in (WINDOWS_EXE, ELF, DOCX, HTML, b"", b"%PD"):
        assert sniff_content_type(content) is None


def test_staff_attach_a_file_stored_under_a_random_name_with_its_hash(media, case, staff):
    upload = SimpleUploadedFile("صورت‌جلسه بازدید.pdf", PDF, content_type="application/pdf")
    attachment = attachment_add(case=case, user=staff, upload=upload, public=False)
    assert (attachment.content_type, attachment.size, attachment.public) == ("application/pdf", len(PDF), False)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.original_name == "صورت‌جلسه بازدید.pdf"
    [path] = stored_files(media)
    assert path.read_bytes() == PDF
    assert "صورت" not in attachment.file.name and not attachment.file.name.endswith(".pdf")
    entry = AuditEntry.objects.get(action="case.attach", object_id=str(case.pk))
    assert entry.after["sha256"] == attachment.sha256 and entry.actor_id == staff.pk


def test_what_the_applicant_attaches_is_always_visible_to_them(media, case, citizen):
    upload = SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg")
    attachment = attachment_add(case=case, user=citizen, upload=upload, public=False)
    assert attachment.public and attachment.content_type == "image/jpeg"


@pytest.mark.parametrize("content", [WINDOWS_EXE, ELF, DOCX, HTML])
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(media, case, citizen, content):
    upload = SimpleUploadedFile("گزارش.pdf", content, content_type="application/pdf")
    with pytest.raises(CaseError, match="«گزارش.pdf» پذیرفته نیست؛ پیوست باید یکی از این نوع‌ها باشد: PDF، JPEG، PNG"):
        attachment_add(case=case, user=citizen, upload=upload)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_an_empty_file_is_refused(media, case, citizen):
    with pytest.raises(CaseError, match="خالی"):
        attachment_add(case=case, user=citizen, upload=SimpleUploadedFile("a.pdf", b""))
    assert not Attachment.objects.exists()


def test_a_file_over_the_cap_is_refused_naming_the_limit_in_megabytes(media, settings, case, citizen):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(CaseError, match="سقف مجاز ۲ مگابایت"):
        attachment_add(case=case, user=citizen, upload=upload)
    assert not Attachment.objects.exists() and stored_files(media) == []


class EndlessPdf(io.RawIOBase):
    """A stream that never ends and cannot tell its size: only reading it shows it is too large."""

    def __init__(self):
        self.served = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = (b"%PDF-" if self.served == 0 else b"") + b"0" * (len(buffer) - (5 if self.served == 0 else 0))
        buffer[: len(data)] = data
        self.served += len(data)
        return len(data)


def test_the_cap_is_enforced_while_reading_not_after(media, settings, case, citizen):
    settings.ATTACHMENT_MAX_BYTES = 1_000_000
    stream = EndlessPdf()
    with pytest.raises(CaseError, match="سقف مجاز ۱ مگابایت"):
        attachment_add(case=case, user=citizen, upload=File(stream, name="endless.pdf"))
    assert 1_000_000 < stream.served <= 1_000_000 + 64 * 1024
    assert stored_files(media) == []


def test_only_staff_in_scope_and_the_applicant_of_an_open_case_may_attach(media, tree, case, citizen, staff):
    outsider = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    for user in (outsider, CitizenFactory()):
        with pytest.raises(CaseError, match="اجازه افزودن پیوست"):
            attachment_add(case=case, user=user, upload=SimpleUploadedFile("a.pdf", PDF))
    case_transition(case=case, action="close", user=staff, text="تکراری است")
    case.refresh_from_db()
    with pytest.raises(CaseError, match="بسته است"):
        attachment_add(case=case, user=citizen, upload=SimpleUploadedFile("a.pdf", PDF))
    assert not Attachment.objects.exists() and stored_files(media) == []
    attachment_add(case=case, user=staff, upload=SimpleUploadedFile("a.pdf", PDF))  # staff still may


# --- download -------------------------------------------------------------------------------------------


def test_download_serves_the_sniffed_type_and_the_original_name_safely(client, media, case, staff):
    attachment = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("نقشه محل.png", png_bytes(),
                                                                                  content_type="text/html"))
    client.force_login(staff)
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('نقشه محل.png', safe='')}" in disposition


def test_the_applicant_downloads_public_attachments_of_their_own_case_only(client, media, tree, case, citizen, staff):
    public = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("پاسخ.pdf", PDF), public=True)
    internal = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("داخلی.pdf", PDF), public=False)
    client.force_login(citizen)
    assert client.get(reverse("attachments:download", args=[public.pk])).status_code == 200
    assert client.get(reverse("attachments:download", args=[internal.pk])).status_code == 404


@pytest.mark.parametrize("who", ["other_citizen", "other_city_staff"])
def test_everyone_else_gets_404(client, media, tree, case, staff, who):
    attachment = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("پاسخ.pdf", PDF))
    user = CitizenFactory() if who == "other_citizen" else RoleFactory(
        role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    client.force_login(user)
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[attachment.pk + 100])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_not_given_the_file(client, media, case, staff):
    attachment = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("پاسخ.pdf", PDF))
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_county_staff_above_the_unit_may_download(client, media, tree, case, staff):
    attachment = attachment_add(case=case, user=staff, upload=SimpleUploadedFile("پاسخ.pdf", PDF), public=False)
    client.force_login(RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user)
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 200


# --- the upload form endpoint ---------------------------------------------------------------------------


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_applicant_adds_a_photo_from_their_case_page(client, media, case, citizen):
    client.force_login(citizen)
    url = reverse("attachments:add", args=[case.pk]) + "?next=/complaints/mine/"
    response = client.post(url, {"file": SimpleUploadedFile("عکس.png", png_bytes(), content_type="image/png")})
    assert response.status_code == 302 and response["Location"] == "/complaints/mine/"
    assert messages_of(response) == ["پیوست «عکس.png» افزوده شد."]
    assert Attachment.objects.get(case=case).public


def test_the_form_refuses_a_missing_file_and_a_renamed_executable_with_persian_messages(client, media, case, citizen):
    client.force_login(citizen)
    url = reverse("attachments:add", args=[case.pk]) + "?next=/x/"
    assert messages_of(client.post(url, {})) == ["فایل پیوست را انتخاب کنید."]
    response = client.post(url, {"file": SimpleUploadedFile("نامه.pdf", WINDOWS_EXE, content_type="application/pdf")})
    assert "پذیرفته نیست" in messages_of(response)[-1]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_someone_elses_case_is_404_and_an_outside_next_is_ignored(client, media, case):
    client.force_login(CitizenFactory())
    url = reverse("attachments:add", args=[case.pk])
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    client.force_login(case.applicant)
    response = client.post(url + "?next=https://evil.example/", {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response["Location"] == "/"


def test_the_form_still_checks_the_csrf_token(media, case, citizen):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    url = reverse("attachments:add", args=[case.pk])
    assert browser.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    browser.get(reverse("track:status"))
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"file": SimpleUploadedFile("a.pdf", PDF), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Attachment.objects.count() == 1


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, media, settings, case, citizen):
    settings.ATTACHMENT_MAX_BYTES = 1_000_000
    client.force_login(citizen)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 3_000_000, content_type="application/pdf")
    response = client.post(reverse("attachments:add", args=[case.pk]) + "?next=/x/", {"file": big})
    assert response.status_code == 302 and response["Location"] == "/x/"
    assert messages_of(response) == ["حجم فایل پیوست بیش از سقف مجاز ۱ مگابایت است."]
    assert not hasattr(response.wsgi_request, "_files")  # the body was never parsed
    assert not Attachment.objects.exists() and stored_files(media) == []


class EndlessBody:
    """A 200 MB multipart body made on demand, counting what the server reads of it."""

    def __init__(self, boundary):
        self.head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-"
        ).encode()
        self.read_bytes = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else size
        data = (self.head + b"0" * size)[:size] if self.read_bytes == 0 else b"0" * size
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        return self.read(size)


def test_a_200_mb_upload_is_refused_without_reading_a_byte_of_it(client, media, case, citizen):
    client.force_login(citizen)
    body = EndlessBody("samaneh-boundary")
    response = client.generic(
        "POST",
        reverse("attachments:add", args=[case.pk]) + "?next=/x/",
        b"",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(200 * 1024 * 1024),
            "CONTENT_TYPE": "multipart/form-data; boundary=samaneh-boundary",
        },
    )
    assert response.status_code == 302 and "سقف مجاز ۱۰ مگابایت" in messages_of(response)[0]
    assert body.read_bytes == 0
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_one_file_over_the_cap_inside_an_allowed_body_is_dropped_while_streaming(
    client, media, settings, case, citizen
):
    settings.ATTACHMENT_MAX_BYTES = 1_000_000
    client.force_login(citizen)
    # Just over the cap: the declared length passes (the form's margin), the file itself does not.
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 1_010_000, content_type="application/pdf")
    response = client.post(reverse("attachments:add", args=[case.pk]) + "?next=/x/", {"file": upload})
    assert response.wsgi_request.upload_refused == "حجم فایل پیوست بیش از سقف مجاز ۱ مگابایت است."
    assert "file" not in response.wsgi_request.FILES
    assert messages_of(response) == ["حجم فایل پیوست بیش از سقف مجاز ۱ مگابایت است."]
    assert not Attachment.objects.exists() and stored_files(media) == []
