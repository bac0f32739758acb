"""Supervisors' figures on complaints and requests: volume, answers, overdue share, answer time,
satisfaction and objections for one org unit and one Jalali period, broken down by child unit, by
category and by month.

Two choices shape every number here:
- **Where**: a case counts for the unit where it is *located* (`Case.org_unit`), not the unit now holding
  it, so a case escalated or referred to the county, or objected to the inspection office, still counts
  for its city.
- **When**: the figures describe a cohort — the cases *received* in the period. "Answered", "closed",
  ratings and objections are what has become of that cohort by now; "open" and "overdue" are its state now.

Every figure is computed in the database (counts and sums grouped by breakdown and day); Python only adds
up those rows, bounded by groups × days whatever the number of cases. Reads are narrowed through
`samaneh.geo.scope` like every other read of cases.
"""
import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

import jdatetime
from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case as SqlCase,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from samaneh.accounts.roles import Perm
from samaneh.cases.models import Case
from samaneh.core.jalali import format_jalali
from samaneh.core.templatetags.persian import percent_sign
from samaneh.core.text import localize_digits, persian_sort_key
from samaneh.core.workdays import is_working_day, working_days_between
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.geo.selectors import unit_children
from samaneh.services.complaints.manifest import MANIFEST
from samaneh.services.complaints.models import Category
from samaneh.stats import periods as stats_periods

PERMISSION = Perm.CASE_SUPERVISE
TREND_MONTHS = 12
CACHE_SECONDS = 300
EARLIEST_YEAR = 1380  # before the platform and before electronic complaints: a typo, not a query
PERIOD_FORMAT_MESSAGE = gettext_lazy("دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید.")


# ---------------------------------------------------------------------------------------------- periods

class PeriodError(ValueError):
    """A period that cannot be read; `message` is Persian and names the field."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Months are (Jalali year, month) pairs here; the calendar arithmetic is the statistical system's.

def _month_shift(year, month, steps):
    shifted = stats_periods.month(year, month).next(steps)
    return shifted.year, shifted.number


def _month_after(year, month):
    return _month_shift(year, month, 1)


def _month_before(year, month):
    return _month_shift(year, month, -1)


def month_start(year, month):
    """Midnight of the first day of a Jalali month on the platform's wall clock, as an aware datetime."""
    first = stats_periods.month(year, month).start
    return dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_default_timezone())


def month_label(year, month):
    return stats_periods.month(year, month).label


def jalali_today():
    return jdatetime.date.fromgregorian(date=timezone.localdate())


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "year" or "last12"
    first_month: tuple  # (Jalali year, month)
    last_month: tuple  # inclusive

    MONTH, YEAR, LAST_12 = "month", "year", "last12"

    @property
    def start(self):
        return month_start(*self.first_month)

    @property
    def end(self):
        """The first instant after the period."""
        return month_start(*_month_after(*self.last_month))

    @property
    def value(self):
        """The period as the `period` query parameter spells it."""
        if self.kind == self.MONTH:
            return "%04d/%02d" % self.first_month
        if self.kind == self.YEAR:
            return "%04d" % self.first_month[0]
        return self.LAST_12

    @property
    def label(self):
        if self.kind == self.MONTH:
            return month_label(*self.first_month)
        if self.kind == self.YEAR:
            return _("سال %(year)s") % {"year": localize_digits(self.first_month[0])}
        return _("دوازده ماه اخیر (%(first)s تا %(last)s)") % {
            "first": month_label(*self.first_month), "last": month_label(*self.last_month),
        }

    def trend_months(self, today=None):
        """The TREND_MONTHS months ending with this period's last month that has begun, oldest first."""
        today = today or jalali_today()
        last = min(self.last_month, (today.year, today.month))
        return [_month_shift(*last, step) for step in range(1 - TREND_MONTHS, 1)]


def month_period(year, month):
    return Period(Period.MONTH, (year, month), (year, month))


def year_period(year):
    return Period(Period.YEAR, (year, 1), (year, 12))


def current_month(today=None):
    today = today or jalali_today()
    return month_period(today.year, today.month)


def previous_month(today=None):
    today = today or jalali_today()
    return month_period(*_month_before(today.year, today.month))


def last_12_months(today=None):
    today = today or jalali_today()
    last = (today.year, today.month)
    return Period(Period.LAST_12, _month_shift(*last, 1 - TREND_MONTHS), last)


def parse_period(text, *, today=None):
    """`1403/05` (a month), `1403` (a year) or `last12`, in ASCII digits (the form has normalised them).

    An empty value is the current month. Raises PeriodError for anything else, and for a period that has
    not begun yet.
    """
    today = today or jalali_today()
    text = (text or "").strip().replace("-", "/")
    if not text:
        return current_month(today)
    if text == Period.LAST_12:
        return last_12_months(today)
    parts = text.split("/")
    if not all(part.isdigit() for part in parts) or len(parts) > 2 or len(parts[0]) != 4:
        raise PeriodError(str(PERIOD_FORMAT_MESSAGE))
    year = int(parts[0])
    if year < EARLIEST_YEAR:
        raise PeriodError(
            _("سال دوره باید %(earliest)s یا پس از آن باشد.") % {"earliest": localize_digits(EARLIEST_YEAR)}
        )
    if len(parts) == 2:
        month = int(parts[1])
        if not 1 <= month <= 12:
            raise PeriodError(_("ماه دوره باید عددی از ۱ تا ۱۲ باشد."))
        period = month_period(year, month)
    else:
        period = year_period(year)
    if period.first_month > (today.year, today.month):
        raise PeriodError(_("دوره «%(period)s» هنوز آغاز نشده است.") % {"period": period.label})
    return period


# ---------------------------------------------------------------------------------------------- figures

def _share(part, whole):
    return part / whole if whole else None


@dataclass
class Figures:
    """What became of one group of received complaints. Shares are fractions (0–1), None when undefined."""

    received: int = 0
    answered: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    objected: int = 0
    rating_count: int = 0
    rating_total: int = 0
    satisfied: int = 0
    answer_time: dt.timedelta = dt.timedelta(0)  # summed over the answered cases
    answer_workdays: int = 0  # summed over the answered cases

    @property
    def answered_share(self):
        return _share(self.answered, self.received)

    @property
    def overdue_share(self):
        return _share(self.overdue, self.open)

    @property
    def objection_share(self):
        return _share(self.objected, self.answered)

    @property
    def satisfied_share(self):
        return _share(self.satisfied, self.rating_count)

    @property
    def mean_rating(self):
        return _share(self.rating_total, self.rating_count)

    @property
    def mean_answer_hours(self):
        return _share(self.answer_time.total_seconds() / 3600, self.answered)

    @property
    def mean_answer_workdays(self):
        return _share(self.answer_workdays, self.answered)

    @property
    def shown(self):
        return ShownFigures(self)

    def __add__(self, other):
        return Figures(**{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__})


def format_decimal(value, places=1):
    if value is None:
        return "—"
    text = f"{value:,.{places}f}"
    if get_language_bidi():
        return localize_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def format_percent(value):
    if value is None:
        return "—"
    return format_decimal(value * 100, 0) + percent_sign()


class ShownFigures:
    """The shares and means as a reader sees them: Persian digits and separators, "—" where undefined."""

    def __init__(self, figures):
        self._figures = figures

    def __getattr__(self, name):
        value = getattr(self._figures, name)
        if name.endswith("_share"):
            return format_percent(value)
        if name == "mean_rating":
            return format_decimal(value, 2)
        return format_decimal(value, 1)


@dataclass
class Row:
    label: str
    figures: Figures
    unit: OrgUnit | None = None  # a child unit: the row drills down to it
    period: Period | None = None  # a trend row: its month
    bar: int = 0  # received, as a percentage of the table's largest row


def _answered():
    return Q(complaint__answered_at__isnull=False)


def _aggregates(now, closed_days):
    aggregates = {
        "received": Count("pk"),
        "answered": Count("pk", filter=_answered()),
        "closed": Count("pk", filter=Q(is_closed=True)),
        "open": Count("pk", filter=Q(is_closed=False)),
        "overdue": Count("pk", filter=Q(is_closed=False, sla_paused_at__isnull=True, deadline__lt=now)),
        "objected": Count("pk", filter=Q(complaint__objected_at__isnull=False)),
        "rating_count": Count("complaint__rating"),
        "rating_total": Sum("complaint__rating"),
        "satisfied": Count("pk", filter=Q(complaint__rating__gte=4)),
        "answer_time": Sum(
            ExpressionWrapper(F("complaint__answered_at") - F("created_at"), output_field=DurationField()),
            filter=_answered(),
        ),
    }
    for index, (path, moment) in enumerate(closed_days):
        # Answered cases that waited across this province's own closed day: one working day less each.
        aggregates[f"closed_day_{index}"] = Count(
            "pk", filter=Q(org_unit__path__startswith=path, created_at__lt=moment, complaint__answered_at__gte=moment)
        )
    return aggregates


def _local_day(name):
    return TruncDate(name, tzinfo=timezone.get_default_timezone())


def _per_group_and_day(queryset, key, day_field, **aggregates):
    return queryset.order_by().annotate(group=key).values("group", day=_local_day(day_field)).annotate(**aggregates)


def _working_day_index(days):
    """{day: working days after the earliest of `days` up to and including it}, on the national calendar."""
    index, total, previous = {}, 0, None
    for day in sorted(days):
        if previous is not None:
            total += working_days_between(previous, day)
        index[day], previous = total, day
    return index


def _province_closed_days(unit, start, now):
    """(province path, local midnight) of each day a province closed on its own (EXTRA_CLOSED_DAYS) that
    the national calendar counts as working, between `start` and `now`, in a province that overlaps
    `unit`'s subtree. Usually none; each one costs one conditional count in the aggregate query."""
    configured = {str(code): days for code, days in getattr(settings, "EXTRA_CLOSED_DAYS", {}).items() if code != "*"}
    if not configured:
        return []
    closed = []
    provinces = OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE, code__in=configured).only("path", "code")
    for province in provinces:
        if not (province.path.startswith(unit.path) or unit.path.startswith(province.path)):
            continue
        for text in configured[province.code]:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
            if start < moment <= now and is_working_day(day):
                closed.append((province.path, moment))
    return closed


def _figures_by(cases, key, *, now, closed_days):
    """{group: Figures} for `cases` grouped by the expression `key`, in two grouped queries.

    The first counts everything per group and local day of receipt, the second the answers per group and
    local day of answer. Days are all that working days need: `working_days_between(received, answered)
    == W(answered) − W(received)` where W counts the working days since a fixed day, so the working days
    to answer add up to Σ answers·W(day answered) − Σ answered receipts·W(day received). The rows are
    bounded by groups × days, whatever the number of cases.
    """
    received = list(_per_group_and_day(cases, key, "created_at", **_aggregates(now, closed_days)))
    answered = list(_per_group_and_day(cases.filter(_answered()), key, "complaint__answered_at", n=Count("pk")))
    index = _working_day_index({row["day"] for row in received if row["answered"]} | {row["day"] for row in answered})
    result = {}
    for row in received:
        province_closures = sum(row[f"closed_day_{number}"] for number in range(len(closed_days)))
        figures = Figures(
            received=row["received"],
            answered=row["answered"],
            closed=row["closed"],
            open=row["open"],
            overdue=row["overdue"],
            objected=row["objected"],
            rating_count=row["rating_count"],
            rating_total=row["rating_total"] or 0,
            satisfied=row["satisfied"],
            answer_time=row["answer_time"] or dt.timedelta(0),
            answer_workdays=-row["answered"] * index.get(row["day"], 0) - province_closures,
        )
        result[row["group"]] = result.get(row["group"], Figures()) + figures
    for row in answered:
        result[row["group"]].answer_workdays += row["n"] * index[row["day"]]
    return result


def _child_key(unit):
    """The id (as text) of the child of `unit` whose subtree holds the case's location; "" for a case
    located at `unit` itself. Read off the materialised path, so one grouped query serves all children."""
    below = Substr("org_unit__path", len(unit.path) + 1)
    return SqlCase(
        When(org_unit_id=unit.pk, then=Value("")),
        default=Substr(below, 1, StrIndex(below, Value(".")) - 1),
        output_field=CharField(),
    )


def _month_key(months):
    """The index in `months` of the Jalali month the case was received in (cases already within them)."""
    whens = [When(created_at__gte=month_start(*month), then=Value(index)) for index, month in enumerate(months)]
    return SqlCase(*reversed(whens), output_field=IntegerField())


def _with_bars(rows):
    largest = max((row.figures.received for row in rows), default=0)
    for row in rows:
        row.bar = round(100 * row.figures.received / largest) if largest else 0
    return rows


@dataclass
class Report:
    unit: OrgUnit
    period: Period
    now: dt.datetime
    totals: Figures
    by_unit: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_month: list = field(default_factory=list)
    breadcrumb: list = field(default_factory=list)  # (ancestor, whether the user may open its dashboard)


def complaint_cases(user):
    """Every complaint or request located where `user` may supervise."""
    return scope.narrow(Case.objects.filter(service=MANIFEST.slug), user, PERMISSION, unit_field="org_unit")


def supervised_roots(user):
    """The top units of the user's supervision scope, highest first."""
    return scope.roots(user, PERMISSION)


def _report(cases, unit, period):
    now = timezone.now()
    in_unit = cases.filter(org_unit__path__startswith=unit.path)
    in_period = in_unit.filter(created_at__gte=period.start, created_at__lt=period.end)
    closed_days = _province_closed_days(unit, period.start, now)

    by_child = _figures_by(in_period, _child_key(unit), now=now, closed_days=closed_days)
    totals = sum(by_child.values(), Figures())  # every case lies under one child or at the unit itself
    by_unit = [Row(str(child), by_child.get(str(child.pk), Figures()), unit=child) for child in unit_children(unit)]
    if by_unit and "" in by_child:  # a leaf's own cases are its totals, not a row of their own
        by_unit.append(Row(_("ثبت‌شده در خود %(unit)s") % {"unit": unit}, by_child[""]))

    by_category_id = _figures_by(in_period, F("complaint__category_id"), now=now, closed_days=closed_days)
    categories = Category.objects.select_related("parent").in_bulk(list(by_category_id))
    by_category = sorted(
        (Row(str(categories[pk]), figures) for pk, figures in by_category_id.items()),
        key=lambda row: (-row.figures.received, persian_sort_key(row.label)),
    )

    months = period.trend_months()
    trend_start, trend_end = month_start(*months[0]), month_start(*_month_after(*months[-1]))
    trend_cases = in_unit.filter(created_at__gte=trend_start, created_at__lt=trend_end)
    by_index = _figures_by(trend_cases, _month_key(months), now=now,
                           closed_days=_province_closed_days(unit, trend_start, now))
    by_month = [Row(month_label(*month), by_index.get(index, Figures()), period=month_period(*month))
                for index, month in enumerate(months)]

    return Report(
        unit=unit, period=period, now=now, totals=totals,
        by_unit=_with_bars(by_unit), by_category=_with_bars(by_category), by_month=_with_bars(by_month),
    )


def complaints_dashboard(*, user, unit, period):
    """The figures for `unit` and `period`, counting only cases in the user's scope.

    For a unit inside the scope that narrowing changes nothing, so everyone who may open the unit sees the
    same figures: they are shared through the cache for CACHE_SECONDS (the page says when they were made),
    because a national year is seconds of database work and supervisors read trends, not live queues.
    """
    cases = complaint_cases(user)
    if scope.can_act(user, PERMISSION, unit):
        key = f"complaints-dashboard:{unit.pk}:{period.value}:{get_language()}:{jalali_today()}"
        report = cache.get(key)
        if report is None:
            report = _report(cases, unit, period)
            cache.set(key, report, CACHE_SECONDS)
    else:
        report = _report(cases, unit, period)
    report.breadcrumb = [(ancestor, scope.can_act(user, PERMISSION, ancestor)) for ancestor in unit.ancestors()[:-1]]
    return report


# ---------------------------------------------------------------------------------------------- Excel

def _columns():
    count, share, decimal = "#,##0", "0.0%", "0.0"
    return [
        (_("ثبت‌شده"), "received", count),
        (_("پاسخ‌داده"), "answered", count),
        (_("سهم پاسخ‌داده"), "answered_share", share),
        (_("بسته"), "closed", count),
        (_("باز"), "open", count),
        (_("باز با مهلت گذشته"), "overdue", count),
        (_("سهم دیرکرد از باز"), "overdue_share", share),
        (_("میانگین زمان پاسخ (روز کاری)"), "mean_answer_workdays", decimal),
        (_("میانگین زمان پاسخ (ساعت)"), "mean_answer_hours", decimal),
        (_("میانگین رضایت (از ۵)"), "mean_rating", "0.00"),
        (_("شمار امتیازها"), "rating_count", count),
        (_("سهم رضایت ۴ و ۵"), "satisfied_share", share),
        (_("اعتراض"), "objected", count),
        (_("سهم اعتراض از پاسخ‌ها"), "objection_share", share),
    ]


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _title(report):
    return _("شکایات و درخواست‌ها — %(unit)s — %(period)s") % {
        "unit": localize_digits(str(report.unit)), "period": report.period.label,
    }


def _sheet(workbook, title, report, first_header, rows, label_of):
    sheet = workbook.create_sheet(title)
    sheet.sheet_view.rightToLeft = True
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    columns = _columns()
    sheet.append([first_header] + [header for header, _name, _format in columns])
    for cell in sheet[3]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows:
        sheet.append([label_of(row)] + [getattr(row.figures, name) for _header, name, _format in columns])
        for cell, (_header, _name, number_format) in zip(sheet[sheet.max_row][1:], columns):
            cell.number_format = number_format
    sheet.freeze_panes = "B4"
    sheet.column_dimensions["A"].width = 34
    for letter_index in range(2, len(columns) + 2):
        sheet.column_dimensions[sheet.cell(row=3, column=letter_index).column_letter].width = 14
    return sheet


def report_workbook(report):
    """The dashboard's three tables (by unit, by category, by month) and its totals, as .xlsx bytes:
    right-to-left sheets, Persian headers, Jalali labels, numbers kept as numbers."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("خلاصه")
    summary.sheet_view.rightToLeft = True
    summary.append([_title(report)])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([_("واحد"), localize_digits(str(report.unit))])
    summary.append([_("دوره"), report.period.label])
    summary.append([_("زمان تهیه"), format_jalali(report.now, with_time=True)])
    summary.append([_("مبنای شمارش"), _("محل پرونده؛ شکایت‌های ثبت‌شده در دوره و سرنوشت آن‌ها تا زمان تهیه")])
    summary.append([])
    for header, name, number_format in _columns():
        summary.append([header, getattr(report.totals, name)])
        summary.cell(row=summary.max_row, column=2).number_format = number_format
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 60

    def unit_label(row):
        return localize_digits(row.label)

    _sheet(workbook, _("واحدها"), report, _("واحد"), report.by_unit, unit_label)
    _sheet(workbook, _("دسته‌ها"), report, _("دسته"), report.by_category, unit_label)
    _sheet(workbook, _("روند ماهانه"), report, _("ماه"), report.by_month, lambda row: row.label)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
