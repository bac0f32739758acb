"""The reviewer queue as an Excel workbook: the same filtered cases, Persian headers, right-to-left sheet.

Written with openpyxl's write-only workbook, which keeps one row in memory at a time, from a database
iterator, so a hundred thousand rows cost the same memory as ten.
"""
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from samaneh.cases.selectors import describe_cases
from samaneh.core.jalali import format_jalali

MAX_ROWS = 100_000
ITERATOR_CHUNK = 2000


def _headers():
    return [
        _("کد پیگیری"), _("عنوان"), _("خدمت"), _("دسته"), _("وضعیت"), _("واحد مسئول"), _("اولویت"),
        _("کارشناس"), _("زمان ثبت"), _("مهلت"), _("دیرکرد"), _("زمان بستن"),
    ]


def _jalali(value):
    # ASCII digits: a text column Excel can sort and filter; the year/month/day order sorts as dates do.
    return format_jalali(value, with_time=True, persian_digits=False) if value else ""


def queue_workbook_write(cases, file):
    """Write `cases` (a queue queryset, at most MAX_ROWS of it) to `file` as .xlsx; return the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("پرونده‌ها"))
    sheet.sheet_view.rightToLeft = True
    bold = Font(bold=True)
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    yes, no = _("بله"), _("خیر")
    rows = 0
    for case in cases[:MAX_ROWS].iterator(chunk_size=ITERATOR_CHUNK):
        describe_cases([case])
        sheet.append([
            case.tracking_code,
            case.title,
            str(case.service_name),
            case.category_label,
            str(case.state_label),
            case.responsible_unit.name,
            str(case.get_priority_display()),
            str(case.assigned_to) if case.assigned_to_id else "",
            _jalali(case.created_at),
            _jalali(case.deadline),
            yes if case.is_overdue else no,
            _jalali(case.closed_at),
        ])
        rows += 1
    workbook.save(file)
    return rows


def queue_export_filename():
    return f"cases-{format_jalali(timezone.now(), persian_digits=False).replace('/', '-')}.xlsx"
