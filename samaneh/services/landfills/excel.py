"""Excel import and export of sites and of served places (villages with a location and a population).

Import is all-or-nothing: every row is checked first (bad coordinates, unknown units or village codes,
duplicates within 200 m of another site in the file or in the database, remaining above design, every
rule of `services`), and a file with any error stores nothing; the report lists each row's errors so
the whole file can be corrected and sent again. A row whose «کد مرکز» names a site in the user's edit
scope updates that site; a row without a code creates one. The upload passes the statistics importer's
safety checks first (size, real xlsx, zip-bomb ratio, macros) and any formula cell refuses the file.
"""
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.core.exports import Sheet
from samaneh.core.text import localize_digits, normalize_digits, normalize_text, search_key
from samaneh.geo import scope
from samaneh.geo.distance import distance_m
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills import selectors, services
from samaneh.services.landfills.models import ServedPlace, Site, SiteEvent
from samaneh.stats.io.safety import FileRefused, file_check

DUPLICATE_METERS = 200
# Rows per file: each stored row runs the full service (checks, history, audit chain), about 25 ms on
# SQLite with the whole hierarchy loaded, so a full file is stored well within a request's time.
MAX_ROWS = 1000
# Villages are a position and a population each: a rural province's worth in one file (3,300 rows are
# checked and stored in about 20 s on SQLite with the whole hierarchy loaded).
PLACES_MAX_ROWS = 5000
K = OrgUnit.Kind

# Written in the reader's language; read back in Persian, English or the active language.
YES, NO = gettext_lazy("بله"), gettext_lazy("خیر")


@dataclass(frozen=True)
class Column:
    key: str  # a Site field, or one of the special keys below
    header: str
    width: int = 14


def _h(name):
    return str(Site._meta.get_field(name).verbose_name)


def site_columns():
    """The workbook's columns, in order; headers are the fields' Persian names."""
    cols = [Column("code", _h("code"), 12), Column("name", _h("name"), 28), Column("kind", _h("kind"), 18),
            Column("status", _h("status"), 12), Column("unit_code", _("کد واحد محل (تقسیمات کشوری)"), 16),
            Column("latitude", _h("latitude")), Column("longitude", _h("longitude")),
            Column("operator_kind", _h("operator_kind"), 18), Column("operator_name", _h("operator_name"), 20)]
    for name in ("design_capacity_tonnes", "remaining_capacity_tonnes", "design_capacity_m3", "remaining_capacity_m3",
                 "daily_intake_tonnes", "opening_year"):
        cols.append(Column(name, _h(name)))
    cols.append(Column("village_codes", _("کد روستاهای تحت پوشش (با ویرگول جدا)"), 30))
    for name in ("distance_to_water_m", "groundwater_depth_m", "distance_to_village_m", "protected_area", "flood_zone",
                 "soil_permeability", "fire_incidents_per_year", "complaints_per_year", *services.BOOLEAN_FIELDS,
                 "remediation_cost_million_rials"):
        cols.append(Column(name, _h(name)))
    return cols


def _export_only_headers():
    """After the import columns, what the export adds for readers (the import ignores these)."""
    return [_h("review_state"), _("نام واحد محل"), _("شهرستان"), _("استان")]


def _cell(site, key):
    if key == "unit_code":
        return site.org_unit.code
    if key == "village_codes":
        return "، ".join(sorted(v.code for v in site.villages_served.all()))
    if key in services.CHOICE_FIELDS or key == "review_state":
        return getattr(site, f"get_{key}_display")()
    if key in services.BOOLEAN_FIELDS:
        return str(YES if getattr(site, key) else NO)
    return getattr(site, key)


def sites_sheet(sites):
    """The export sheet: every import column, then the review state and where the site stands."""
    columns = site_columns()
    sites = sites.prefetch_related("villages_served")
    units = {}

    def names(unit):
        if unit.pk not in units:
            by_kind = {a.kind: a.name for a in unit.ancestors()}
            units[unit.pk] = (by_kind.get(K.COUNTY, ""), by_kind.get(K.PROVINCE, ""))
        return units[unit.pk]

    def rows():
        for site in sites:
            county, province = names(site.org_unit)
            yield [_cell(site, c.key) for c in columns] + [
                site.get_review_state_display(), site.org_unit.name, county, province,
            ]

    return Sheet(_("مراکز دفن پسماند"), [c.header for c in columns] + _export_only_headers(), rows(),
                 column_widths=[c.width for c in columns] + [14, 18, 16, 16])


def template_sheets():
    columns = site_columns()
    example = {
        "name": "محل تخلیه نمونه", "kind": Site.Kind.OPEN_DUMP.label, "status": Site.Status.ACTIVE.label,
        "unit_code": "", "latitude": 35.70, "longitude": 51.40, "operator_kind": Site.OperatorKind.DEHYARI.label,
        "design_capacity_tonnes": 20000, "remaining_capacity_tonnes": 5000, "daily_intake_tonnes": 10,
        "protected_area": Site.Protected.NO.label, "flood_zone": Site.FloodZone.NONE.label,
        "soil_permeability": Site.Permeability.MEDIUM.label, "has_fence": str(NO),
    }
    guide = [
        [_("هر ردیف یک مرکز است. «کد مرکز» را برای مرکز تازه خالی بگذارید؛ با کد یک مرکز موجود، همان مرکز به‌روز می‌شود.")],
        [_("«کد واحد محل» کد تقسیمات کشوری بخش، دهستان، شهر یا روستایی است که مرکز در آن است.")],
        [_("نوع، وضعیت، بهره‌بردار، منطقه حفاظت‌شده، پهنه سیل و نفوذپذیری: یکی از گزینه‌های سامانه را بنویسید.")],
        [_("تجهیزات: «بله» یا «خیر». فرمول پذیرفته نیست. اگر یک ردیف خطا داشته باشد هیچ ردیفی ثبت نمی‌شود.")],
        *[[f"{field}: " + "، ".join(str(label) for label in choices.labels)] for field, choices in
          ((_h(n), c) for n, c in services.CHOICE_FIELDS.items())],
    ]
    return [
        Sheet(_("مراکز دفن پسماند"), [c.header for c in columns], [[example.get(c.key) for c in columns]],
              column_widths=[c.width for c in columns]),
        Sheet(_("راهنما"), [_("راهنما")], guide, column_widths=[120]),
    ]


PLACE_HEADERS = (gettext_lazy("کد روستا"), gettext_lazy("نام روستا"), gettext_lazy("عرض جغرافیایی"),
                 gettext_lazy("طول جغرافیایی"), gettext_lazy("جمعیت"))


def places_sheet(places):
    rows = ([p.org_unit.code, p.org_unit.name, p.latitude, p.longitude, p.population] for p in places)
    return Sheet(_("روستاها"), [str(h) for h in PLACE_HEADERS], rows, column_widths=[18, 24, 14, 14, 10])


# Reading


@dataclass
class RowReport:
    row: int  # the spreadsheet row number people see
    label: str
    errors: list = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    file_error: str = ""

    @property
    def error_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.file_error and not self.error_rows


def _read_rows(upload, max_rows=None):
    """(header cells, [(row number, values)]) of the first sheet, refusing formulas and oversized sheets."""
    max_rows = max_rows or MAX_ROWS
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise FileRefused(_("فقط فایل اکسل (xlsx) پذیرفته می‌شود؛ الگو را از همین صفحه بگیرید."))
    file_check(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken package; all mean the same to the user
        raise FileRefused(_("فایل اکسل خراب است و خوانده نمی‌شود.")) from None
    try:
        sheet = workbook.worksheets[0]
        header, rows = None, []
        for number, cells in enumerate(sheet.iter_rows(max_col=60), start=1):
            if number > max_rows + 1:
                raise FileRefused(_("فایل بیش از %(n)s ردیف دارد؛ آن را در چند فایل بارگذاری کنید.")
                                  % {"n": localize_digits(max_rows)})
            values = []
            for column, cell in enumerate(cells, start=1):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.lstrip().startswith("=")):
                    raise FileRefused(
                        _("خانه %(cell)s فرمول دارد؛ فرمول پذیرفته نیست، فقط عدد یا متن بنویسید.")
                        % {"cell": f"{get_column_letter(column)}{number}"})
                values.append(value)
            if header is None:
                header = [normalize_text(str(v)) if v is not None else "" for v in values]
            elif any(v not in (None, "") for v in values):
                rows.append((number, values))
        return header or [], rows
    finally:
        workbook.close()


def _columns_by_header(header, columns):
    wanted = {search_key(c.header): c.key for c in columns}
    found = {}
    for index, title in enumerate(header):
        key = wanted.get(search_key(title))
        if key is not None:
            found[key] = index
    return found


def _choice(name, text):
    """A choice's stored value from its Persian label or its code."""
    choices = services.CHOICE_FIELDS[name]
    key = search_key(text)
    for value, label in choices.choices:
        if key in (search_key(str(label)), search_key(value)):
            return value
    return text  # the service refuses it, naming the field


def _boolean(text, name, errors):
    key = search_key(text)
    if key in ("", search_key("خیر"), search_key(str(NO)), "0", "false", "no"):
        return False
    if key in (search_key("بله"), search_key(str(YES)), "1", "true", "yes", "دارد"):
        return True
    errors.append(_("«%(field)s» باید «بله» یا «خیر» باشد.") % {"field": _h(name)})
    return False


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


class PointGrid:
    """Points bucketed by 0.01° cells (about 1.1 km, wider than the 200 m looked for), so a look-up reads
    the nine cells around a point instead of every site in the country."""

    CELL = 0.01

    def __init__(self):
        self.cells = {}

    def _key(self, lat, lon):
        return int(math.floor(lat / self.CELL)), int(math.floor(lon / self.CELL))

    def add(self, key, label, lat, lon):
        self.cells.setdefault(self._key(lat, lon), []).append((key, label, lat, lon))

    def nearby(self, lat, lon, exclude=None):
        """The first (label, metres) within DUPLICATE_METERS of (lat, lon), or None."""
        row, col = self._key(lat, lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for key, label, plat, plon in self.cells.get((row + dr, col + dc), ()):
                    if key is not None and key == exclude:
                        continue
                    metres = distance_m(lat, lon, plat, plon)
                    if metres <= DUPLICATE_METERS:
                        return label, metres
        return None


def _split_codes(text):
    return [c for c in re.split(r"[\s,،;؛]+", normalize_digits(text or "")) if c]


def sites_import(user, *, upload, request=None):
    """Check every row of an uploaded sites workbook; store all of them only when none has an error."""
    report = ImportReport()
    if not scope.roots(user, Perm.LANDFILL_EDIT):
        raise PermissionDenied
    try:
        header, rows = _read_rows(upload)
    except FileRefused as refusal:
        report.file_error = refusal.message
        return report
    columns = site_columns()
    index = _columns_by_header(header, columns)
    missing = [c.header for c in columns if c.key in ("name", "unit_code", "latitude", "longitude") and c.key not in index]
    if missing:
        report.file_error = _("ستون‌های «%(cols)s» در ردیف اول فایل نیست؛ الگو را از همین صفحه بگیرید.") % {
            "cols": "»، «".join(missing)}
        return report
    if not rows:
        report.file_error = _("فایل هیچ ردیف داده‌ای ندارد.")
        return report

    editable = scope.narrow(Site.objects.all(), user, Perm.LANDFILL_EDIT)
    codes_in_file = {_text(values[index["code"]]) for _n, values in rows if "code" in index} - {""}
    existing = {s.code: s for s in editable.filter(code__in=codes_in_file).select_related("org_unit")}
    unit_codes = {_text(values[index["unit_code"]]) for _n, values in rows}
    village_codes = {c for _n, values in rows if "village_codes" in index
                     for c in _split_codes(_text(values[index["village_codes"]]))}
    units = {}
    for unit in OrgUnit.objects.filter(code__in=unit_codes | village_codes):
        units.setdefault(unit.code, unit)
    # Every site counts, in scope or not: a duplicate across a county line is still a duplicate. Only its
    # code is named, so nothing about a site outside the user's scope is shown.
    database_points, file_points = PointGrid(), PointGrid()
    ancestor = services.ancestor_lookup()
    for pk, code, lat, lon in Site.objects.values_list("pk", "code", "latitude", "longitude"):
        database_points.add(pk, code, lat, lon)
    planned = []
    for number, values in rows:
        cell = {key: values[i] if i < len(values) else None for key, i in index.items()}
        entry = RowReport(number, _text(cell.get("name")) or "—")
        report.rows.append(entry)
        errors = entry.errors
        fields = {}
        for key, value in cell.items():
            if key in ("code", "unit_code", "village_codes"):
                continue
            text = _text(value)
            if key in services.BOOLEAN_FIELDS:
                fields[key] = _boolean(text, key, errors)
            elif key in services.CHOICE_FIELDS:
                fields[key] = _choice(key, text) if text else None
            else:
                fields[key] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else text
        unit_code = _text(cell.get("unit_code"))
        unit = units.get(unit_code)
        if not unit_code:
            errors.append(_("«کد واحد محل» خالی است."))
        elif unit is None:
            errors.append(_("«کد واحد محل» %(code)s در تقسیمات کشوری پیدا نشد.") % {"code": localize_digits(unit_code)})
        fields["org_unit"] = unit
        villages = []
        for code in _split_codes(_text(cell.get("village_codes"))):
            village = units.get(code)
            if village is None or village.kind != K.VILLAGE:
                errors.append(_("کد روستای %(code)s در فهرست روستاها پیدا نشد.") % {"code": localize_digits(code)})
            else:
                villages.append(village)
        code = _text(cell.get("code"))
        site = None
        if code:
            site = existing.get(code)
            if site is None:
                errors.append(_("مرکزی با «کد مرکز» %(code)s در حوزه ویرایش شما نیست؛ برای مرکز تازه کد را خالی بگذارید.")
                              % {"code": localize_digits(code)})
            elif site.review_state == Site.Review.SUBMITTED:
                errors.append(_("مرکز %(code)s در حال بررسی است و تا پایان بررسی ویرایش نمی‌شود.") % {"code": code})
        values_checked, coerce_errors = services.clean_fields(fields, user=user, base=site)
        for messages in coerce_errors.values():
            errors.extend(messages)
        if unit is not None:
            for messages in services.validate_fields(values_checked, villages, user=user, ancestor=ancestor).values():
                errors.extend(messages)
        lat, lon = values_checked.get("latitude"), values_checked.get("longitude")
        if isinstance(lat, float) and isinstance(lon, float):
            clash = file_points.nearby(lat, lon)
            if clash:
                errors.append(_("کمتر از ۲۰۰ متر (%(m)s متر) با ردیف %(other)s همین فایل فاصله دارد؛ تکراری است؟")
                              % {"m": localize_digits(round(clash[1])), "other": clash[0]})
            clash = database_points.nearby(lat, lon, exclude=site.pk if site else None)
            if clash:
                errors.append(_("کمتر از ۲۰۰ متر (%(m)s متر) با مرکز ثبت‌شده %(other)s فاصله دارد؛ تکراری است؟")
                              % {"m": localize_digits(round(clash[1])), "other": clash[0]})
            file_points.add(None, localize_digits(number), lat, lon)
        planned.append((site, fields, villages if "village_codes" in index else None))
    if report.error_rows:
        return report
    with transaction.atomic():
        for site, fields, villages in planned:
            if site is None:
                services.site_create(user, fields=fields, villages_served=villages or (),
                                     action=SiteEvent.Action.IMPORTED, request=request)
                report.created += 1
            else:
                services.site_update(user, site=site, fields=fields, villages_served=villages,
                                     action=SiteEvent.Action.IMPORTED, request=request)
                report.updated += 1
    return report


def places_import(user, *, upload, request=None):
    """Villages' locations and populations for the planner; all-or-nothing like the sites import."""
    report = ImportReport()
    paths = selectors.place_scope_paths(user)
    if not paths:
        raise PermissionDenied
    try:
        header, rows = _read_rows(upload, PLACES_MAX_ROWS)
    except FileRefused as refusal:
        report.file_error = refusal.message
        return report
    keys = {search_key(str(h)): i for i, h in enumerate(PLACE_HEADERS)}
    index = {}
    for position, title in enumerate(header):
        if search_key(title) in keys:
            index[keys[search_key(title)]] = position
    if {0, 2, 3} - set(index):
        report.file_error = _("ستون‌های «کد روستا»، «عرض جغرافیایی» و «طول جغرافیایی» در ردیف اول فایل لازم است.")
        return report
    codes = {_text(values[index[0]]) for _n, values in rows}
    villages = {u.code: u for u in OrgUnit.objects.filter(code__in=codes, kind=K.VILLAGE)}
    seen = set()
    planned = []
    ancestor = services.ancestor_lookup()
    for number, values in rows:
        cell = {key: values[i] if i < len(values) else None for key, i in index.items()}
        code = _text(cell.get(0))
        entry = RowReport(number, code or "—")
        report.rows.append(entry)
        village = villages.get(code)
        if village is None:
            entry.errors.append(_("کد روستای %(code)s در فهرست روستاها پیدا نشد.") % {"code": localize_digits(code)})
        elif not any(village.path.startswith(path) for path in paths):
            entry.errors.append(_("روستای %(name)s بیرون از حوزه شماست.") % {"name": village.name})
        elif code in seen:
            entry.errors.append(_("روستای %(name)s دو بار در فایل آمده است.") % {"name": village.name})
        seen.add(code)
        numbers = {}
        for key in (2, 3, 4):
            text = _text(cell.get(key)).replace("٫", ".").replace("٬", "").replace(",", "")
            if not text:
                numbers[key] = None
                continue
            try:
                numbers[key] = float(text)
            except ValueError:
                entry.errors.append(_("«%(field)s» باید عدد باشد.") % {"field": PLACE_HEADERS[key]})
                numbers[key] = None
        lat, lon, population = numbers[2], numbers[3], numbers.get(4)
        if lat is None or lon is None:
            entry.errors.append(_("«عرض جغرافیایی» و «طول جغرافیایی» را بنویسید."))
        elif village is not None:
            for messages in services.point_errors(lat, lon, village, ancestor=ancestor).values():
                entry.errors.extend(messages)
        if population is not None and not (0 <= population <= 1_000_000 and population.is_integer()):
            entry.errors.append(_("«جمعیت» باید عدد صحیح بین ۰ و ۱٬۰۰۰٬۰۰۰ باشد."))
        planned.append((village, lat, lon, int(population or 0)))
    if report.error_rows:
        return report
    with transaction.atomic():
        for village, lat, lon, population in planned:
            _place, created = ServedPlace.objects.update_or_create(
                org_unit=village, defaults={"latitude": lat, "longitude": lon, "population": population})
            if created:
                report.created += 1
            else:
                report.updated += 1
        audit_record(actor=user, action="landfills.places.import", object_type="landfills.servedplace",
                     after={"created": report.created, "updated": report.updated}, request=request)
    return report
