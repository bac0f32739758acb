"""What an uploaded statistics file must pass before any parser reads it.

openpyxl unzips and parses XML; a hostile "workbook" can be a zip bomb, a macro-enabled file, or
something else renamed to .xlsx. These checks read only the upload's first bytes and the zip's central
directory. Python's zipfile never inflates a member past the size its directory entry declares, so
bounding the declared sizes here bounds what openpyxl can be made to inflate later.
"""
import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from samaneh.cases.attachments import max_size_text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 2000
READ_CHUNK_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class FileRefused(ValueError):
    """The upload is not accepted; the message is Persian and says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class CheckedFile:
    file_format: str  # "xlsx" or "csv"
    size: int
    sha256: str
    text: str | None = None  # a CSV's decoded text; a workbook is read from the file itself


def max_upload_bytes():
    return getattr(settings, "STATS_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES)


def too_large_message(limit=None):
    return _("حجم فایل بیش از سقف مجاز %(mb)s مگابایت است.") % {"mb": max_size_text(limit or max_upload_bytes())}


def macro_message():
    return _("فایل اکسل ماکرو (VBA) دارد و پذیرفته نیست؛ آن را بدون ماکرو و با قالب xlsx ذخیره کنید.")


def file_check(upload) -> CheckedFile:
    """Size, kind and content checks for an uploaded .xlsx or .csv; FileRefused says what is wrong."""
    name = (getattr(upload, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension in ("xlsm", "xltm", "xlam", "xls", "xlsb"):
        raise FileRefused(
            _("فایل‌های دارای ماکرو یا قالب قدیمی اکسل (%(ext)s) پذیرفته نیست؛ فایل را با قالب xlsx ذخیره کنید.")
            % {"ext": extension}
        )
    if extension not in ("xlsx", "csv"):
        raise FileRefused(_("فقط فایل اکسل (xlsx) یا CSV پذیرفته می‌شود."))
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise FileRefused(too_large_message(limit))
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in upload.chunks(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise FileRefused(too_large_message(limit))
        if len(head) < 8:
            head += chunk[: 8 - len(head)]
        digest.update(chunk)
    if size == 0:
        raise FileRefused(_("فایل خالی است."))
    upload.seek(0)
    if extension == "xlsx":
        _xlsx_check(upload, head)
        return CheckedFile("xlsx", size, digest.hexdigest())
    return CheckedFile("csv", size, digest.hexdigest(), text=_csv_text(upload, head))


def _xlsx_check(upload, head):
    if not head.startswith(ZIP_MAGIC):
        raise FileRefused(_("این فایل اکسل (xlsx) واقعی نیست؛ شاید فایل دیگری است که نامش تغییر کرده."))
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("فایل اکسل خراب است و باز نمی‌شود.")) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise FileRefused(_("فایل اکسل بیش از حد بخش دارد و پذیرفته نیست."))
        uncompressed = 0
        compressed = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise FileRefused(_("فایل اکسل رمزگذاری شده است؛ نسخه بدون رمز را بارگذاری کنید."))
            if entry.filename.lower().endswith("vbaproject.bin"):
                raise FileRefused(macro_message())
            uncompressed += entry.file_size
            compressed += entry.compress_size
            if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1) and entry.file_size > 1024 * 1024:
                raise FileRefused(_("فایل اکسل غیرعادی فشرده شده است (بمب فشرده‌سازی) و پذیرفته نیست."))
        overall_ratio_exceeded = uncompressed > MAX_COMPRESSION_RATIO * max(compressed, 1) + 1024 * 1024
        if uncompressed > MAX_UNCOMPRESSED_BYTES or overall_ratio_exceeded:
            raise FileRefused(_("فایل اکسل غیرعادی فشرده شده است (بمب فشرده‌سازی) و پذیرفته نیست."))
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRefused(_("این فایل اکسل (xlsx) واقعی نیست؛ شاید فایل دیگری است که نامش تغییر کرده."))
        content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise FileRefused(macro_message())
    if XLSX_MAIN_TYPE.encode() not in content_types:
        raise FileRefused(_("این فایل اکسل (xlsx) واقعی نیست؛ شاید فایل دیگری است که نامش تغییر کرده."))
    upload.seek(0)


def _csv_text(upload, head):
    if head.startswith(ZIP_MAGIC):
        raise FileRefused(_("این فایل CSV نیست (فایل فشرده یا اکسل است)؛ فایل اکسل را با پسوند xlsx بارگذاری کنید."))
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        raise FileRefused(_("این فایل CSV متنی نیست یا با کدگذاری UTF-8 ذخیره نشده است."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _("فایل CSV باید با کدگذاری UTF-8 ذخیره شده باشد (در اکسل: «CSV UTF-8»)؛ این فایل کدگذاری دیگری دارد.")
        ) from None
