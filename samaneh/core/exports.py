"""Excel workbooks for every export: Persian headers, right-to-left sheets, one way to build them.

    return xlsx_response("landfills.xlsx", [Sheet(_("مراکز"), headers, rows)])

Rows are iterables of plain values (str, int, float, bool, None); openpyxl's write-only mode keeps one
row in memory at a time. Text that starts with = + - @ is written as text, never as a formula (CSV/Excel
formula injection), since exported names come from users.
"""
import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    column_widths: Sequence[int] | None = None


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def workbook_write(sheets: Sequence[Sheet], file) -> int:
    """Write the sheets to `file` (a path or binary file object); return the number of data rows."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.sheet_view.rightToLeft = True
        for index, width in enumerate(spec.column_widths or (), start=1):
            sheet.column_dimensions[_column_letter(index)].width = width
        header = []
        for title in spec.headers:
            cell = WriteOnlyCell(sheet, value=str(title))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_safe(v) for v in row])
            count += 1
    workbook.save(file)
    return count


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    buffer = io.BytesIO()
    workbook_write(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
