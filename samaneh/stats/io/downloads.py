"""Templates to fill offline: an Excel form per data set (see `layout`) and DHIS2's CSV columns.

The Excel template needs what `core.exports` deliberately leaves out (hidden key row and column, sheet
protection, data validation), so it is built here with openpyxl's normal workbook; it follows the same
rules: right-to-left, Persian headers, text that looks like a formula stored as text.
"""
import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from samaneh.stats import periods
from samaneh.stats.io import layout
from samaneh.stats.models import ValueType
from samaneh.stats.uids import org_unit_uid

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
UNLOCKED = Protection(locked=False)


def _put(sheet, row, column, value, **style):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # names are data, never formulas, whatever they start with
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _type_hint(element):
    hints = {
        ValueType.NUMBER: _("عدد"),
        ValueType.INTEGER: _("عدد صحیح"),
        ValueType.INTEGER_POSITIVE: _("عدد صحیح مثبت"),
        ValueType.INTEGER_ZERO_OR_POSITIVE: _("عدد صحیح صفر یا بیشتر"),
        ValueType.PERCENTAGE: _("درصد، از ۰ تا ۱۰۰"),
        ValueType.BOOLEAN: _("بله یا خیر"),
        ValueType.TEXT: _("متن"),
    }
    return hints.get(element.value_type, "")


def _validation(element):
    """An Excel input hint and check for the element's type. Warning style: Persian digits typed as text
    must still be accepted (the import normalises them), so Excel only asks."""
    vt = element.value_type
    kwargs = {}
    if vt in (ValueType.INTEGER, ValueType.INTEGER_POSITIVE, ValueType.INTEGER_ZERO_OR_POSITIVE):
        kwargs = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "-999999999999999"}
        if vt == ValueType.INTEGER_POSITIVE:
            kwargs["formula1"] = "1"
        elif vt == ValueType.INTEGER_ZERO_OR_POSITIVE:
            kwargs["formula1"] = "0"
    elif vt == ValueType.NUMBER:
        kwargs = {"type": "decimal", "operator": "between",
                  "formula1": "-999999999999999", "formula2": "999999999999999"}
    elif vt == ValueType.PERCENTAGE:
        kwargs = {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "100"}
    elif vt == ValueType.BOOLEAN:
        kwargs = {"type": "list", "formula1": '"{}"'.format(_("بله") + "," + _("خیر"))}
    hint = _type_hint(element)
    validation = DataValidation(
        allow_blank=True, showInputMessage=True, showErrorMessage=bool(kwargs), errorStyle="warning",
        promptTitle=element.name[:32], prompt=hint[:255], errorTitle=_("مقدار نادرست")[:32],
        error=(_("«%(name)s»: %(hint)s") % {"name": element.name, "hint": hint})[:255], **kwargs,
    )
    return validation


def template_xlsx(*, data_set, units, columns, period=None) -> bytes:
    """The Excel form for `data_set`: `units` as rows, `columns` ((element, option combo) pairs) as columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.SHEET_TITLE
    sheet.sheet_view.rightToLeft = True
    bold = Font(bold=True)

    _put(sheet, *layout.DATA_SET_CELL, data_set.uid)
    _put(sheet, 1, 2, _("فرم «%(name)s» — %(type)s") % {
        "name": data_set.name, "type": periods.PERIOD_TYPE_LABELS.get(data_set.period_type, data_set.period_type)
    }, font=Font(bold=True, size=13))

    _put(sheet, layout.PERIOD_ROW, 1, layout.PERIOD_KEY)
    _put(sheet, layout.PERIOD_ROW, 2, _("دوره"), font=bold)
    _put(sheet, layout.PERIOD_ROW, layout.PERIOD_VALUE_COLUMN, period.id if period else None,
         protection=UNLOCKED, fill=INPUT_FILL, font=bold)
    sample = periods.current(data_set.period_type).previous()
    _put(sheet, layout.PERIOD_ROW, layout.PERIOD_VALUE_COLUMN + 1,
         _("شناسه دوره %(type)s، مثلاً %(id)s برای %(label)s") % {
             "type": periods.PERIOD_TYPE_LABELS.get(data_set.period_type, ""), "id": sample.id, "label": sample.label,
         })

    _put(sheet, layout.KEY_ROW, 1, layout.UNIT_KEY)
    _put(sheet, layout.KEY_ROW, 2, layout.NAME_KEY)
    _put(sheet, layout.HEADER_ROW, 1, _("شناسه واحد"), font=bold, fill=HEADER_FILL)
    _put(sheet, layout.HEADER_ROW, 2, _("واحد"), font=bold, fill=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for offset, (element, coc) in enumerate(columns):
        column = layout.FIRST_VALUE_COLUMN + offset
        _put(sheet, layout.KEY_ROW, column, f"{element.uid}.{coc.uid}")
        title = element.name if coc.combo.is_default else f"{element.name} — {coc.name}"
        _put(sheet, layout.HEADER_ROW, column, title, font=bold, fill=HEADER_FILL, alignment=wrap)
        # Value cells are not written at all: they take their column's style, which is unlocked. The
        # cells above them (keys, headers) are written, so they keep the default locked style.
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = 22
        dimension.protection = UNLOCKED
    sheet.row_dimensions[layout.HEADER_ROW].height = 48

    last_row = layout.FIRST_DATA_ROW + len(units) - 1
    for index, unit in enumerate(units):
        row = layout.FIRST_DATA_ROW + index
        _put(sheet, row, 1, org_unit_uid(unit))
        name = f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name
        _put(sheet, row, 2, name, font=bold)
    if units:
        for offset, (element, _coc) in enumerate(columns):
            letter = get_column_letter(layout.FIRST_VALUE_COLUMN + offset)
            validation = _validation(element)
            validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last_row}")
            sheet.add_data_validation(validation)

    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 34
    sheet.row_dimensions[layout.KEY_ROW].hidden = True
    sheet.freeze_panes = sheet.cell(row=layout.FIRST_DATA_ROW, column=layout.FIRST_VALUE_COLUMN)
    # Locked cells stay locked, but people may still resize columns and rows to read long names.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(*, units, columns, period=None) -> str:
    """DHIS2's CSV columns with one line per unit × element × option combo and the value left empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.CSV_COLUMNS)
    for unit in units:
        uid = org_unit_uid(unit)
        for element, coc in columns:
            writer.writerow([element.uid, period.id if period else "", uid, coc.uid, "", "", "", "", "", ""])
    # With a BOM, Excel opens the file as UTF-8 instead of the system code page.
    return "\ufeff" + buffer.getvalue()


def template_filename(data_set, period, extension):
    stem = data_set.code or data_set.uid
    return f"{stem}-{period.id if period else 'template'}.{extension}"
