"""Case attachments: what a file is (sniffed from its first bytes, never from its name or declared type),
who may add one, and how an upload is kept from ever being read whole when it is too large.

Views that accept files must stop an oversized body before anything parses it. Django's CSRF middleware
parses the body of every POST (it looks for the form's token) before the view runs, so the size check has
to run in a CSRF-exempt wrapper that checks the token itself afterwards: `accepts_uploads` is that
wrapper. `limit_upload_size` is the check it runs, for views that arrange the CSRF order themselves (DRF
views are already CSRF-exempt: call it with `request._request` before touching `request.data`).
"""
import hashlib
import os
import unicodedata
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from samaneh.accounts.roles import Perm
from samaneh.cases.models import Attachment
from samaneh.cases.services import CaseError
from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits, normalize_text
from samaneh.geo import scope

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SNIFF_BYTES = max(len(prefix) for prefix, _type in _MAGIC)

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# Room for the other form fields and the multipart framing around the file(s).
FORM_MARGIN_BYTES = 64 * 1024

READ_CHUNK_BYTES = 64 * 1024


def sniff_content_type(first_bytes):
    """The type the file's first bytes announce (PDF, JPEG or PNG), or None for anything else.

    An executable (`MZ`, ELF), a ZIP or Office document, HTML or script renamed to `.pdf` is None
    whatever its name or the type the browser declared.
    """
    head = bytes(first_bytes[:SNIFF_BYTES])
    for prefix, content_type in _MAGIC:
        if head.startswith(prefix):
            return content_type
    return None


def max_size_text(max_bytes=None):
    """The cap in megabytes as a person reads it: «۱۰», «۲٫۵»."""
    megabytes = (max_bytes or settings.ATTACHMENT_MAX_BYTES) / (1024 * 1024)
    text = f"{megabytes:.1f}".rstrip("0").rstrip(".")
    return localize_digits(text.replace(".", "٫") if get_language_bidi() else text)


def too_large_message(max_bytes=None):
    return _("حجم فایل پیوست بیش از سقف مجاز %(mb)s مگابایت است.") % {"mb": max_size_text(max_bytes)}


def _allowed_types_text():
    names = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
    return ("، " if get_language_bidi() else ", ").join(names.get(t, t) for t in settings.ATTACHMENT_TYPES)


def _clean_original_name(name, content_type):
    """The uploader's file name, for the download's Content-Disposition only: no directories, no control
    characters, Persian normalised, never empty."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" or ch == "\u200c")
    name = normalize_text(name)[:200]
    return name or f"attachment.{EXTENSIONS.get(content_type, 'bin')}"


def _read_checked(upload, max_bytes):
    """Stream the upload once: its sniffed type, size and SHA-256, refusing as soon as it passes the cap."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in upload.chunks(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise CaseError(too_large_message(max_bytes))
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    return sniff_content_type(head), size, digest.hexdigest()


@transaction.atomic
def attachment_add(*, case, user, upload, public=True):
    """Store `upload` (a Django File/UploadedFile) as an attachment of `case` and return it.

    Refused with a Persian CaseError, storing nothing: someone who may not attach, an empty file, a file
    over `ATTACHMENT_MAX_BYTES`, or content that is not one of `ATTACHMENT_TYPES`. Who may attach: staff
    whose CASE_VIEW scope reaches the responsible unit, or the applicant while the case is open; what the
    applicant attaches is always visible to the applicant.
    """
    staff = scope.can_act(user, Perm.CASE_VIEW, case.responsible_unit)
    if not staff:
        if user.pk != case.applicant_id:
            raise CaseError(_("شما اجازه افزودن پیوست به این پرونده را ندارید."))
        if case.is_closed:
            raise CaseError(_("پرونده بسته است و پیوست تازه نمی‌پذیرد."))
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    try:
        declared = upload.size
    except (AttributeError, OSError):  # a stream that cannot tell its size is measured while read
        declared = None
    if declared is not None and declared > max_bytes:
        raise CaseError(too_large_message(max_bytes))
    content_type, size, sha256 = _read_checked(upload, max_bytes)
    if size == 0:
        raise CaseError(_("فایل پیوست خالی است."))
    if content_type is None or content_type not in settings.ATTACHMENT_TYPES:
        raise CaseError(
            _("فایل «%(name)s» پذیرفته نیست؛ پیوست باید یکی از این نوع‌ها باشد: %(types)s.")
            % {"name": _clean_original_name(getattr(upload, "name", ""), None), "types": _allowed_types_text()}
        )

    attachment = Attachment(
        case=case,
        uploaded_by=user,
        original_name=_clean_original_name(getattr(upload, "name", ""), content_type),
        content_type=content_type,
        size=size,
        sha256=sha256,
        public=public or not staff,
    )
    upload.seek(0)
    # The name passed here is ignored by the model's upload_to, which draws a random one.
    attachment.file.save(attachment.original_name, upload, save=False)
    try:
        attachment.save()
        audit_record(
            actor=user,
            action="case.attach",
            target=case,
            after={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
                "public": attachment.public,
            },
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


class _PerFileCapHandler(FileUploadHandler):
    """Stops the multipart parser once one file has streamed past the cap, so neither memory nor the
    temporary-file handler behind it ever holds more than the cap of it."""

    def __init__(self, request, max_bytes, too_large):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = too_large
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.upload_refused = self.too_large(self.max_bytes)
            # The body is already bounded by the Content-Length check, so reading the rest to keep the
            # connection usable is cheap; the partly received file is closed and dropped.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def limit_upload_size(request, *, files=1, max_bytes=None, too_large=too_large_message):
    """Refuse (CaseError) a request whose declared body exceeds `files` × the cap (ATTACHMENT_MAX_BYTES
    unless `max_bytes` says otherwise) plus the form's margin, before a byte of it is read; otherwise cap
    each file while it streams. `too_large(max_bytes)` words the refusal.

    Must run before anything reads `request.POST` or `request.FILES`. After parsing, a file that passed
    the cap leaves `request.upload_refused` set to the Persian message and is not in `request.FILES`.
    """
    if hasattr(request, "_files"):
        raise RuntimeError("limit_upload_size() ran after the request body was parsed; see accepts_uploads.")
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads no body at all without a valid length
    if declared > max_bytes * files + FORM_MARGIN_BYTES:
        raise CaseError(too_large(max_bytes))
    request.upload_refused = None
    request.upload_handlers.insert(0, _PerFileCapHandler(request, max_bytes, too_large))


def accepts_uploads(*, on_refused, files=1, max_bytes=None, too_large=too_large_message):
    """Decorate a view that accepts up to `files` files: an oversized upload is refused by calling
    `on_refused(request, message)` (whose response is returned) without the body being read or stored;
    otherwise the view runs with its CSRF check as usual. `max_bytes` (a number, or a callable read at
    each request so settings can change it) and `too_large` are as in `limit_upload_size`.

    Nothing is changed on refusal, so answering it before the CSRF check leaks nothing.
    """

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                try:
                    limit = max_bytes() if callable(max_bytes) else max_bytes
                    limit_upload_size(request, files=files, max_bytes=limit, too_large=too_large)
                except CaseError as refusal:
                    return on_refused(request, refusal.message)
                request.POST  # parse now, through the cap, so a refusal is known before the view runs
                if request.upload_refused:
                    return on_refused(request, request.upload_refused)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate
