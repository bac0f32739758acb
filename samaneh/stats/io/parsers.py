"""Uploaded files → rows in DHIS2's dataValues shape, each with a reference a person can find again
(«خانه D7», «سطر ۱۲»). Parsers only reshape: every value is checked by `datavalues_import`.

Blank cells and CSV lines with an empty value are skipped, never read as "delete": a half-filled
template must not erase what other people entered.
"""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from samaneh.core.text import localize_digits, normalize_digits, normalize_text
from samaneh.stats import periods
from samaneh.stats.io import layout
from samaneh.stats.io.safety import FileRefused

MAX_ROWS = 500_000
MAX_COLUMNS = 2_000


@dataclass
class ParsedFile:
    rows: list[dict] = field(default_factory=list)
    refs: list[tuple] = field(default_factory=list)  # ("cell", column, row) or ("line", n) for rows[i]
    period: str = ""
    data_set_uid: str = ""

    def add(self, row, ref):
        self.rows.append(row)
        self.refs.append(ref)

    def ref_text(self, index):
        """Where rows[index] came from, as a person finds it: «خانه D7» or «سطر ۱۲»."""
        ref = self.refs[index]
        if ref[0] == "cell":
            return _("خانه %(cell)s") % {"cell": f"{get_column_letter(ref[1])}{ref[2]}"}
        return _("سطر %(n)s") % {"n": localize_digits(str(ref[1]))}


def cell_text(value):
    """A cell's value as the text `clean_value` reads: 12.0 → "12", True → "true", a date → its ISO day."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return normalize_text(str(value)).strip()


def _period_text(value, chosen):
    """The file's period, or the one chosen on the upload form; refused when missing or when they differ."""
    in_file = normalize_digits(cell_text(value)).upper()
    chosen = normalize_digits(chosen or "").strip().upper()
    if in_file and chosen and in_file != chosen:
        raise FileRefused(
            _("دوره نوشته‌شده در فایل (%(file)s) با دوره انتخاب‌شده (%(chosen)s) یکی نیست.")
            % {"file": localize_digits(in_file), "chosen": localize_digits(chosen)}
        )
    text = in_file or chosen
    if not text:
        raise FileRefused(_("دوره مشخص نیست: آن را در خانه C2 فایل بنویسید یا در فرم بارگذاری انتخاب کنید."))
    try:
        return periods.parse(text).id
    except periods.PeriodError as error:
        raise FileRefused(str(error)) from None


def _refuse_formula(sheet, column, row):
    raise FileRefused(
        _("خانه %(cell)s در برگه «%(sheet)s» فرمول دارد؛ فرمول پذیرفته نیست، فقط عدد یا متن بنویسید.")
        % {"cell": f"{get_column_letter(column)}{row}", "sheet": sheet.title}
    )


def parse_xlsx(file, *, period=""):
    """Read a filled template (see `layout`). Refuses formulas anywhere in the workbook, naming the cell."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken package; all mean the same to the user
        raise FileRefused(_("فایل اکسل خراب است یا الگوی سامانه نیست و خوانده نمی‌شود.")) from None
    try:
        return _read_workbook(workbook, period)
    finally:
        workbook.close()


def _is_formula(value):
    # Read without `data_only`, a formula cell's value is its text ("=SUM(…)") or an array/table formula.
    if isinstance(value, str):
        return value.lstrip().startswith("=")
    return isinstance(value, (ArrayFormula, DataTableFormula))


def _read_workbook(workbook, chosen_period):
    parsed = ParsedFile()
    keys = None
    period_cell = None
    for sheet in workbook.worksheets:
        in_template = keys is None  # the first sheet with the key row is the form; the rest are only checked
        data_set_uid = ""
        for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if row_number > MAX_ROWS or len(values) > MAX_COLUMNS:
                raise FileRefused(_("فایل بیش از حد ردیف یا ستون دارد؛ آن را در چند فایل کوچک‌تر بارگذاری کنید."))
            for column, value in enumerate(values, start=1):
                if value is not None and _is_formula(value):
                    _refuse_formula(sheet, column, row_number)
            if not in_template or not values:
                continue
            first = cell_text(values[0])
            if keys is None:
                if row_number == layout.DATA_SET_CELL[0]:
                    data_set_uid = first
                elif first == layout.PERIOD_KEY:
                    column = layout.PERIOD_VALUE_COLUMN
                    period_cell = values[column - 1] if len(values) >= column else None
                elif first == layout.UNIT_KEY:
                    keys = [cell_text(v) for v in values]
                    parsed.data_set_uid = data_set_uid
            elif row_number >= layout.FIRST_DATA_ROW:
                _read_unit_row(parsed, keys, values, row_number)
        if keys is None:
            period_cell = None
    if keys is None:
        raise FileRefused(
            _("این فایل الگوی ورود داده سامانه نیست (ردیف کلیدهای پنهان پیدا نشد)؛ الگو را از همین صفحه بگیرید.")
        )
    parsed.period = _period_text(period_cell, chosen_period)
    for row in parsed.rows:
        row["period"] = parsed.period
    return parsed


def _read_unit_row(parsed, keys, values, row_number):
    unit = cell_text(values[0]) if values else ""
    for column in range(layout.FIRST_VALUE_COLUMN, min(len(values), len(keys)) + 1):
        text = cell_text(values[column - 1])
        key = keys[column - 1]
        if not text or not key:
            continue
        element, _dot, coc = key.partition(".")
        parsed.add(
            {"dataElement": element, "categoryOptionCombo": coc, "orgUnit": unit, "value": text},
            ("cell", column, row_number),
        )


def parse_csv(text):
    """DHIS2's CSV: the columns of `layout.CSV_COLUMNS`, with or without the header line."""
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text))
    columns = list(layout.CSV_COLUMNS)
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise FileRefused(_("فایل بیش از حد ردیف دارد؛ آن را در چند فایل کوچک‌تر بارگذاری کنید."))
            if not record or not any(cell.strip() for cell in record):
                continue
            if number == 1 and record[0].strip().lower() in ("dataelement", "data_element", "de"):
                columns = [cell.strip().lower() for cell in record]
                if "value" not in columns:
                    raise FileRefused(_("سطر عنوان فایل CSV ستون value ندارد."))
                continue
            fields = dict(zip(columns, (cell.strip() for cell in record)))
            if not fields.get("value"):
                continue
            parsed.add(
                {
                    "dataElement": fields.get("dataelement", ""),
                    "period": normalize_digits(fields.get("period", "")).upper(),
                    "orgUnit": fields.get("orgunit", ""),
                    "categoryOptionCombo": fields.get("categoryoptioncombo", ""),
                    "value": normalize_text(fields["value"]),
                    "comment": fields.get("comment", ""),
                    "followup": fields.get("followup", "").lower() == "true",
                },
                ("line", number),
            )
    except csv.Error as error:
        raise FileRefused(_("فایل CSV خوانا نیست: %(error)s") % {"error": error}) from None
    return parsed
