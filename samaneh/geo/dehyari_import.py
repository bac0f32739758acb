"""Dehyaris from a CSV file: parse, validate every row against the hierarchy and the user's scope, then
create all of them in one transaction — or none, with a report that names each bad row and column.

The package data does not say which villages have a dehyari, so this import is how dehyaris enter the
platform. The flow is split in two so each half can be reasoned about (and tested) on its own:
`dehyaris_plan` only reads, `dehyaris_create` only writes; `dehyaris_import` runs both for the views.
"""
import codecs
import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.core.templatetags.persian import fa_number
from samaneh.core.text import normalize_text, search_key, localize_digits
from samaneh.core.validators import validate_legal_id
from samaneh.geo import scope
from samaneh.geo.models import Administration, OrgUnit

MAX_ROWS = 50_000
REPORT_LIMIT = 500
# Codes per lookup query: well under SQLite's bound-parameter limit, few round trips for 50,000 rows.
LOOKUP_CHUNK = 500
READ_CHUNK = 64 * 1024

CODE, NAME, LEGAL_ID = "village_code", "name", "national_legal_id"
FIELDS = (CODE, NAME, LEGAL_ID)
REQUIRED_FIELDS = (CODE, NAME)
ENGLISH_HEADER = FIELDS
PERSIAN_HEADER = ("کد آبادی", "نام دهیاری", "شناسه ملی")
_HEADER_NAMES = {
    search_key(label): name for labels in (ENGLISH_HEADER, PERSIAN_HEADER) for label, name in zip(labels, FIELDS)
}

COLUMN_LABELS = {
    CODE: gettext_lazy("کد آبادی"),
    NAME: gettext_lazy("نام دهیاری"),
    LEGAL_ID: gettext_lazy("شناسه ملی"),
    None: gettext_lazy("کل ردیف"),
}

NAME_MAX_LENGTH = Administration._meta.get_field("name").max_length
_DIGITS = re.compile(r"[0-9]+")
# What Excel writes when it has turned a long code into a number, e.g. 2.10202E+15.
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+")


@dataclass(frozen=True)
class RowError:
    row: int  # the row as a spreadsheet numbers it: the header is row 1
    column: str | None
    message: str

    @property
    def column_label(self):
        return COLUMN_LABELS[self.column]


@dataclass(frozen=True)
class PlannedDehyari:
    row: int
    village: OrgUnit
    name: str
    national_legal_id: str


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    row_count: int = 0
    planned: list[PlannedDehyari] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    file_name: str
    row_count: int
    dry_run: bool
    created: list[Administration]
    planned_count: int
    errors: list[RowError]  # at most REPORT_LIMIT, in row order
    error_count: int

    @property
    def ok(self):
        return self.error_count == 0

    @property
    def errors_truncated(self):
        return self.error_count > len(self.errors)


def _file_error(message):
    return ValidationError({"file": [message]})


def _read_limited(upload, max_bytes):
    """The upload's bytes, refusing as soon as more than `max_bytes` have arrived (the declared size may lie)."""
    data = bytearray()
    for chunk in upload.chunks(READ_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise _file_error(
                _("حجم پرونده بیش از حد مجاز (%(limit)s) است؛ پرونده را در چند بخش بارگذاری کنید.")
                % {"limit": localize_digits(filesizeformat(max_bytes))}
            )
    return bytes(data)


def _decode(raw):
    encoding_message = _(
        "پرونده باید با کدگذاری UTF-8 ذخیره شده باشد. در Excel گزینه «CSV UTF-8 (Comma delimited)» را برای ذخیره برگزینید."
    )
    # UTF-16 is checked before the NUL test: its ASCII characters carry NUL bytes, yet it is an encoding
    # mistake (Excel's "Unicode text"), not a binary file, and the user should be told so.
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error(encoding_message)
    if b"\x00" in raw:
        raise _file_error(_("پرونده متنی نیست (نویسه‌های دودویی دارد)؛ فقط پرونده CSV پذیرفته می‌شود."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(encoding_message) from None


def _is_blank(cells):
    return all(not normalize_text(cell) for cell in cells)


def _columns_from_header(cells):
    cells = list(cells)
    # Trailing empty header cells are what spreadsheets leave behind; they are not columns.
    while cells and not normalize_text(cells[-1]):
        cells.pop()
    columns = [_HEADER_NAMES.get(search_key(cell)) for cell in cells]
    named = [c for c in columns if c]
    if len(named) != len(columns) or len(set(named)) != len(named) or not set(REQUIRED_FIELDS) <= set(named):
        raise _file_error(
            _("سطر اول پرونده باید سرستون‌ها باشد: «%(english)s» یا «%(persian)s» (ستون شناسه ملی اختیاری است).")
            % {"english": ",".join(ENGLISH_HEADER), "persian": ",".join(PERSIAN_HEADER)}
        )
    return columns


def _check_code(row, value, errors):
    if not value:
        errors.append(RowError(row, CODE, _("کد آبادی خالی است.")))
    elif _SCIENTIFIC.fullmatch(value):
        errors.append(
            RowError(
                row,
                CODE,
                _("کد «%(value)s» به شکل عدد علمی درآمده است؛ در Excel نوع ستون کد را «متن» کنید و کد کامل را بنویسید.")
                % {"value": value},
            )
        )
    elif not _DIGITS.fullmatch(value):
        message = _("کد آبادی «%(value)s» باید فقط رقم باشد.") % {"value": localize_digits(value)}
        errors.append(RowError(row, CODE, message))
    else:
        return True
    return False


def _check_name(row, value, errors):
    if not value:
        errors.append(RowError(row, NAME, _("نام دهیاری خالی است.")))
    elif len(value) > NAME_MAX_LENGTH:
        errors.append(
            RowError(row, NAME, _("نام دهیاری بیش از %(max)s نویسه است.") % {"max": localize_digits(NAME_MAX_LENGTH)})
        )


def _check_legal_id(row, value, errors):
    """The legal id in its stored spelling (dashes and spaces people type removed), or "" when absent."""
    if not value:
        return ""
    try:
        return validate_legal_id(value)
    except ValidationError as exc:
        errors.extend(RowError(row, LEGAL_ID, str(message)) for message in exc.messages)
        return ""


def _parse(text, plan):
    """Rows of the file as (row number, code, name, legal id); field errors go into `plan.errors`.

    Only rows whose code is well-formed come back, and each code only once: the first row that names a
    village claims it, later rows naming the same village are errors.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = None
    rows = []
    first_row_of_code = {}
    try:
        for row_number, cells in enumerate(reader, start=1):
            if _is_blank(cells):
                continue
            if columns is None:
                columns = _columns_from_header(cells)
                continue
            plan.row_count += 1
            if plan.row_count > MAX_ROWS:
                raise _file_error(
                    _("پرونده بیش از %(max)s ردیف دارد؛ آن را در چند پرونده بارگذاری کنید.")
                    % {"max": fa_number(MAX_ROWS)}
                )
            extra = cells[len(columns):]
            if len(cells) < len(columns) or not _is_blank(extra):
                plan.errors.append(
                    RowError(
                        row_number,
                        None,
                        _("این ردیف %(found)s ستون دارد؛ باید %(expected)s ستون باشد.")
                        % {"found": localize_digits(len(cells)), "expected": localize_digits(len(columns))},
                    )
                )
                continue
            values = {name: normalize_text(cell) for name, cell in zip(columns, cells)}
            code = values[CODE]
            code_ok = _check_code(row_number, code, plan.errors)
            _check_name(row_number, values[NAME], plan.errors)
            legal_id = _check_legal_id(row_number, values.get(LEGAL_ID, ""), plan.errors)
            if not code_ok:
                continue
            if code in first_row_of_code:
                plan.errors.append(
                    RowError(
                        row_number,
                        CODE,
                        _("آبادی با کد %(code)s در ردیف %(first)s هم آمده است؛ هر آبادی فقط یک دهیاری دارد.")
                        % {"code": localize_digits(code), "first": localize_digits(first_row_of_code[code])},
                    )
                )
                continue
            first_row_of_code[code] = row_number
            rows.append((row_number, code, values[NAME], legal_id))
    except csv.Error:
        # With the default dialect the one error left is an over-long cell, almost always a quote mark
        # that was opened and never closed, which swallows the rest of the file into one cell.
        raise _file_error(
            _("ساختار CSV در ردیف %(row)s خراب است: خانه‌ای بیش از حد بلند است، معمولاً چون نشانه نقل‌قول (\") باز شده و بسته نشده است.")
            % {"row": localize_digits(reader.line_num)}
        ) from None
    if columns is None:
        raise _file_error(_("پرونده خالی است."))
    return rows


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _units_by_code(codes):
    found = defaultdict(list)
    for chunk in _chunks(sorted(codes), LOOKUP_CHUNK):
        for unit in OrgUnit.objects.filter(code__in=chunk).only("id", "kind", "code", "name", "path"):
            found[unit.code].append(unit)
    return found


def _units_with_dehyari(unit_ids):
    existing = {}
    for chunk in _chunks(sorted(unit_ids), LOOKUP_CHUNK):
        existing.update(
            Administration.objects.filter(kind=Administration.Kind.DEHYARI, org_unit_id__in=chunk).values_list(
                "org_unit_id", "name"
            )
        )
    return existing


def _require_scope(user):
    if not scope.units(user, Perm.IMPORT_DEHYARIS).exists():
        raise PermissionDenied(_("شما اجازه بارگذاری دهیاری‌ها را ندارید."))


def dehyaris_plan(*, user, upload):
    """Read and check the whole file without writing anything; the plan lists what would be created.

    File-level problems (size, encoding, binary content, header, row count) raise ValidationError on
    "file"; row problems are collected in `plan.errors` so the user sees all of them at once.
    """
    _require_scope(user)
    raw = _read_limited(upload, settings.DEHYARI_CSV_MAX_BYTES)
    plan = ImportPlan(file_name=getattr(upload, "name", "") or "", sha256=hashlib.sha256(raw).hexdigest())
    rows = _parse(_decode(raw), plan)

    units_by_code = _units_by_code({code for _row, code, _name, _legal in rows})
    candidates = []
    for row_number, code, name, legal_id in rows:
        units = units_by_code.get(code, [])
        villages = [u for u in units if u.kind == OrgUnit.Kind.VILLAGE]
        if not units:
            message = _("آبادی با کد %(code)s در تقسیمات کشوری نیست.") % {"code": localize_digits(code)}
            plan.errors.append(RowError(row_number, CODE, message))
        elif not villages:
            plan.errors.append(
                RowError(
                    row_number,
                    CODE,
                    _("کد %(code)s مربوط به «%(unit)s» است، نه یک آبادی.")
                    % {"code": localize_digits(code), "unit": units[0]},
                )
            )
        elif len(villages) > 1:
            plan.errors.append(
                RowError(
                    row_number,
                    CODE,
                    _("چند آبادی کد %(code)s را دارند؛ این ردیف را از راه مدیریت سامانه ثبت کنید.")
                    % {"code": localize_digits(code)},
                )
            )
        elif not scope.can_act(user, Perm.IMPORT_DEHYARIS, villages[0]):
            plan.errors.append(
                RowError(
                    row_number,
                    CODE,
                    _("آبادی «%(village)s» خارج از حوزه دسترسی شما است.") % {"village": villages[0].name},
                )
            )
        else:
            candidates.append(PlannedDehyari(row_number, villages[0], name, legal_id))

    existing = _units_with_dehyari({c.village.pk for c in candidates})
    for candidate in candidates:
        if candidate.village.pk in existing:
            plan.errors.append(
                RowError(
                    candidate.row,
                    CODE,
                    _("آبادی «%(village)s» از پیش دهیاری دارد: «%(dehyari)s».")
                    % {"village": candidate.village.name, "dehyari": existing[candidate.village.pk]},
                )
            )
        else:
            plan.planned.append(candidate)

    column_order = {name: i for i, name in enumerate((None, *FIELDS))}
    plan.errors.sort(key=lambda e: (e.row, column_order[e.column]))
    return plan


def dehyaris_create(*, user, plan, request=None):
    """Create every planned dehyari in one transaction and record one audit entry, or create none.

    The plan was checked outside this transaction so a long file does not hold the database's write lock;
    a dehyari registered in the meantime trips the one-per-village constraint and rolls everything back.
    """
    if plan.errors:
        raise ValueError("A plan with row errors must not be written.")
    try:
        with transaction.atomic():
            created = Administration.objects.bulk_create(
                [
                    Administration(
                        kind=Administration.Kind.DEHYARI,
                        org_unit=p.village,
                        name=p.name,
                        national_legal_id=p.national_legal_id,
                    )
                    for p in plan.planned
                ],
                batch_size=LOOKUP_CHUNK,
            )
            audit_record(
                actor=user,
                action="dehyari.import",
                after={
                    "file_name": plan.file_name,
                    "sha256": plan.sha256,
                    "rows": plan.row_count,
                    "created": len(created),
                },
                request=request,
                object_type="geo.Administration",
            )
    except IntegrityError:
        raise _file_error(
            _("هم‌زمان برای برخی از این آبادی‌ها دهیاری ثبت شد و هیچ ردیفی ثبت نشد؛ پرونده را دوباره بارگذاری کنید تا گزارش ردیف‌ها را ببینید.")
        ) from None
    return created


def dehyaris_import(*, user, upload, dry_run=False, request=None):
    """Check the file and, when every row is good and this is not a dry run, create all its dehyaris."""
    plan = dehyaris_plan(user=user, upload=upload)
    created = []
    if not plan.errors and not dry_run:
        created = dehyaris_create(user=user, plan=plan, request=request)
    return ImportResult(
        file_name=plan.file_name,
        row_count=plan.row_count,
        dry_run=dry_run,
        created=created,
        planned_count=len(plan.planned),
        errors=plan.errors[:REPORT_LIMIT],
        error_count=len(plan.errors),
    )
