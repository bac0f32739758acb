"""The reviewer queue as an Excel workbook: the same filtered cases, Persian headers, right-to-left sheet.

Written with openpyxl's write-only workbook, which keeps one row in memory at a time, from a database
iterator, so the memory used does not grow with the rows.

MAX_ROWS bounds the time, not the memory: openpyxl itself costs about 0.4 ms a row here (0.2 ms with lxml
installed) and the query and formatting 0.17 ms more, so 20,000 rows take some 13 seconds, inside a web
worker's timeout; 100,000 would take over a minute. A larger queue is narrowed by its filters first.
"""
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from samaneh.cases.models import Priority
from samaneh.cases.selectors import category_label, describe_cases
from samaneh.core.jalali import format_jalali

MAX_ROWS = 20_000
ITERATOR_CHUNK = 2000


def _headers():
    return [
        _("کد پیگیری"), _("عنوان"), _("خدمت"), _("دسته"), _("وضعیت"), _("واحد مسئول"), _("اولویت"),
        _("کارشناس"), _("زمان ثبت"), _("مهلت"), _("دیرکرد"), _("زمان بستن"),
    ]


def _jalali_day(cache, day):
    # Rows share days: converting each day to Jalali once is most of the cost saved.
    if day not in cache:
        cache[day] = format_jalali(day, persian_digits=False)
    return cache[day]


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

    days = {}

    def jalali(value):
        # ASCII digits: a text column Excel can sort and filter; year/month/day order sorts as dates do.
        if not value:
            return ""
        local = timezone.localtime(value)
        return f"{_jalali_day(days, local.date())} {local:%H:%M}"

    yes, no = _("بله"), _("خیر")
    priorities = {value: str(label) for value, label in Priority.choices}
    labels = {}  # (service, state) -> (service name, state label), translated once
    rows = 0
    for case in cases[:MAX_ROWS].iterator(chunk_size=ITERATOR_CHUNK):
        key = (case.service, case.state)
        if key not in labels:
            describe_cases([case])
            labels[key] = (str(case.service_name), str(case.state_label))
        service_name, state = labels[key]
        sheet.append([
            case.tracking_code,
            case.title,
            service_name,
            category_label(case),
            state,
            case.responsible_unit.name,
            priorities.get(case.priority, ""),
            str(case.assigned_to) if case.assigned_to_id else "",
            jalali(case.created_at),
            jalali(case.deadline),
            yes if case.is_overdue else no,
            jalali(case.closed_at),
        ])
        rows += 1
    workbook.save(file)
    return rows


def queue_export_filename():
    return f"cases-{format_jalali(timezone.now(), persian_digits=False).replace('/', '-')}.xlsx"
