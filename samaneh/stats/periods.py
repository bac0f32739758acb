"""Jalali reporting periods with DHIS2-shaped ids — the one place that parses, lists and converts them.

    1403      year (فروردین 1 .. اسفند 29/30)
    1403Q1    season (Q1 بهار = months 1–3, Q2 تابستان, Q3 پاییز, Q4 زمستان)
    140301    month
    1403W1    week: weeks start on Saturday; week 1 is the week that holds 1 Farvardin (so it may
              start in the last days of the previous year). A week rolls up into the month and season
              it starts in, week 1 into its own year's first month. A year has 52 or 53 weeks.

`start` and `end` are Gregorian `date`s (inclusive), for storage and comparisons; labels are Persian.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import jdatetime

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from samaneh.core.jalali import month_name
from samaneh.core.text import localize_digits, normalize_digits

YEARLY, QUARTERLY, MONTHLY, WEEKLY = "Yearly", "Quarterly", "Monthly", "Weekly"
PERIOD_TYPES = (YEARLY, QUARTERLY, MONTHLY, WEEKLY)
PERIOD_TYPE_LABELS = {YEARLY: gettext_lazy("سالانه"), QUARTERLY: gettext_lazy("فصلی"), MONTHLY: gettext_lazy("ماهانه"),
                      WEEKLY: gettext_lazy("هفتگی")}
SEASON_NAMES = [gettext_noop("بهار"), gettext_noop("تابستان"), gettext_noop("پاییز"), gettext_noop("زمستان")]
# Coarser types first: a period of type t aggregates into every type before it in this order.
ORDER = {YEARLY: 0, QUARTERLY: 1, MONTHLY: 2, WEEKLY: 3}

_PATTERNS = (
    (re.compile(r"^(\d{4})$"), YEARLY),
    (re.compile(r"^(\d{4})Q([1-4])$"), QUARTERLY),
    (re.compile(r"^(\d{4})(\d{2})$"), MONTHLY),
    (re.compile(r"^(\d{4})W(\d{1,2})$"), WEEKLY),
)
MIN_YEAR, MAX_YEAR = 1300, 1499


class PeriodError(ValueError):
    """The text is not a period id we know. The message is Persian and names the id."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    type: str
    year: int
    number: int  # season 1–4, month 1–12, week 1–53; 1 for a year
    end: dt.date

    @cached_property  # read for every value of an import: computed once per period
    def id(self) -> str:
        if self.type == YEARLY:
            return f"{self.year}"
        if self.type == QUARTERLY:
            return f"{self.year}Q{self.number}"
        if self.type == MONTHLY:
            return f"{self.year}{self.number:02d}"
        return f"{self.year}W{self.number}"

    def __str__(self):
        return self.id

    @property
    def label(self) -> str:
        """In the reader's language: «۱۴۰۳», «بهار ۱۴۰۳», «فروردین ۱۴۰۳», «هفته ۱ سال ۱۴۰۳» (Spring 1403…)."""
        if self.type == YEARLY:
            text = f"{self.year}"
        elif self.type == QUARTERLY:
            text = f"{gettext(SEASON_NAMES[self.number - 1])} {self.year}"
        elif self.type == MONTHLY:
            text = f"{month_name(self.number)} {self.year}"
        else:
            text = gettext("هفته %(week)s سال %(year)s") % {"week": self.number, "year": self.year}
        return localize_digits(text)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def parent(self, period_type: str) -> Period:
        """The coarser period this one falls in (a week belongs where it starts, week 1 to its year)."""
        if ORDER[period_type] > ORDER[self.type]:
            raise PeriodError(f"دوره {self.id} در دوره‌ای ریزتر از خودش نمی‌گنجد")
        if period_type == self.type:
            return self
        if self.type == WEEKLY:
            anchor = self.start if self.number > 1 else year_start(self.year)
            return for_date(period_type, anchor)
        if period_type == YEARLY:
            return year(self.year)
        if period_type == QUARTERLY:  # self is a month
            return quarter(self.year, (self.number - 1) // 3 + 1)
        raise PeriodError(f"دوره {self.id} را نمی‌توان به نوع {period_type} برد")

    def children(self, period_type: str) -> list[Period]:
        """The finer periods that make up this one, in order."""
        if ORDER[period_type] < ORDER[self.type]:
            raise PeriodError(f"نوع {period_type} درشت‌تر از دوره {self.id} است")
        if period_type == self.type:
            return [self]
        if period_type == WEEKLY:
            return [w for w in weeks(self.year - 1) + weeks(self.year) if w.parent(self.type) == self]
        if self.type == YEARLY:
            if period_type == QUARTERLY:
                return [quarter(self.year, q) for q in range(1, 5)]
            return [month(self.year, m) for m in range(1, 13)]
        # a season into months
        first = (self.number - 1) * 3 + 1
        return [month(self.year, m) for m in range(first, first + 3)]

    def next(self, steps: int = 1) -> Period:
        return shift(self, steps)

    def previous(self, steps: int = 1) -> Period:
        return shift(self, -steps)


def _j(year_, month_, day_) -> dt.date:
    return jdatetime.date(year_, month_, day_).togregorian()


def _check_year(y: int):
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(f"سال {localize_digits(str(y))} خارج از بازه پشتیبانی‌شده است")


def year_start(y: int) -> dt.date:
    return _j(y, 1, 1)


@lru_cache(maxsize=4096)
def year(y: int) -> Period:
    _check_year(y)
    return Period(year_start(y), YEARLY, y, 1, year_start(y + 1) - dt.timedelta(days=1))


@lru_cache(maxsize=8192)
def quarter(y: int, q: int) -> Period:
    _check_year(y)
    if not 1 <= q <= 4:
        raise PeriodError(f"فصل {q} وجود ندارد")
    start = _j(y, (q - 1) * 3 + 1, 1)
    end = _j(y + 1, 1, 1) if q == 4 else _j(y, q * 3 + 1, 1)
    return Period(start, QUARTERLY, y, q, end - dt.timedelta(days=1))


@lru_cache(maxsize=16384)
def month(y: int, m: int) -> Period:
    _check_year(y)
    if not 1 <= m <= 12:
        raise PeriodError(f"ماه {localize_digits(str(m))} وجود ندارد")
    start = _j(y, m, 1)
    end = _j(y + 1, 1, 1) if m == 12 else _j(y, m + 1, 1)
    return Period(start, MONTHLY, y, m, end - dt.timedelta(days=1))


def _week1_start(y: int) -> dt.date:
    first = year_start(y)
    # Python: Monday=0 … Saturday=5. Step back to the Saturday on or before 1 Farvardin.
    return first - dt.timedelta(days=(first.weekday() - 5) % 7)


@lru_cache(maxsize=512)
def weeks(y: int) -> list[Period]:
    _check_year(y)
    start, stop = _week1_start(y), _week1_start(y + 1)
    count = (stop - start).days // 7
    return [
        Period(start + dt.timedelta(days=7 * i), WEEKLY, y, i + 1, start + dt.timedelta(days=7 * i + 6))
        for i in range(count)
    ]


def week(y: int, w: int) -> Period:
    listed = weeks(y)
    if not 1 <= w <= len(listed):
        raise PeriodError(f"سال {localize_digits(str(y))} هفته {localize_digits(str(w))} ندارد")
    return listed[w - 1]


@lru_cache(maxsize=65536)
def parse(text: str) -> Period:
    """`1403`, `1403Q2`, `140305`, `1403W7` (Persian digits accepted) → Period, or PeriodError."""
    raw = normalize_digits(str(text or "").strip()).upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        y = int(match.group(1))
        if kind == YEARLY:
            return year(y)
        number = int(match.group(2))
        return {QUARTERLY: quarter, MONTHLY: month, WEEKLY: week}[kind](y, number)
    raise PeriodError(f"«{text}» شناسه دوره معتبری نیست (نمونه: 1403، 1403Q1، 140301، 1403W1)")


def period_type_of(text: str) -> str:
    return parse(text).type


def for_date(period_type: str, day: dt.date) -> Period:
    """The period of `period_type` that contains the Gregorian `day`."""
    j = jdatetime.date.fromgregorian(date=day)
    if period_type == YEARLY:
        return year(j.year)
    if period_type == QUARTERLY:
        return quarter(j.year, (j.month - 1) // 3 + 1)
    if period_type == MONTHLY:
        return month(j.year, j.month)
    if period_type == WEEKLY:
        for y in (j.year + 1, j.year, j.year - 1):
            first = _week1_start(y)
            if first <= day:
                return week(y, (day - first).days // 7 + 1)
    raise PeriodError(f"نوع دوره ناشناخته: {period_type}")


def current(period_type: str, today: dt.date | None = None) -> Period:
    return for_date(period_type, today or dt.date.today())


def shift(period: Period, steps: int) -> Period:
    if steps == 0:
        return period
    if period.type == YEARLY:
        return year(period.year + steps)
    if period.type in (QUARTERLY, MONTHLY):
        per_year = 4 if period.type == QUARTERLY else 12
        index = period.year * per_year + period.number - 1 + steps
        make = quarter if period.type == QUARTERLY else month
        return make(index // per_year, index % per_year + 1)
    return for_date(WEEKLY, period.start + dt.timedelta(days=7 * steps))


def between(first: Period | str, last: Period | str) -> list[Period]:
    """Every period from `first` to `last` inclusive; both of one type."""
    first = parse(first) if isinstance(first, str) else first
    last = parse(last) if isinstance(last, str) else last
    if first.type != last.type:
        raise PeriodError("دو سر بازه دوره باید از یک نوع باشند")
    out, p = [], first
    while p.start <= last.start:
        out.append(p)
        p = p.next()
    return out


def is_future(period: Period, today: dt.date | None = None) -> bool:
    """A period that has not started yet."""
    return period.start > (today or dt.date.today())


# DHIS2 relative periods (the common ones). Each gives the list of periods, oldest first.
def _last(period_type, count, include_current=False):
    def build(today):
        now = current(period_type, today)
        end = now if include_current else now.previous()
        return [end.previous(i) for i in range(count - 1, -1, -1)]

    return build


RELATIVE = {
    "THIS_WEEK": _last(WEEKLY, 1, True),
    "LAST_WEEK": _last(WEEKLY, 1),
    "LAST_4_WEEKS": _last(WEEKLY, 4),
    "LAST_12_WEEKS": _last(WEEKLY, 12),
    "LAST_52_WEEKS": _last(WEEKLY, 52),
    "THIS_MONTH": _last(MONTHLY, 1, True),
    "LAST_MONTH": _last(MONTHLY, 1),
    "LAST_3_MONTHS": _last(MONTHLY, 3),
    "LAST_6_MONTHS": _last(MONTHLY, 6),
    "LAST_12_MONTHS": _last(MONTHLY, 12),
    "THIS_QUARTER": _last(QUARTERLY, 1, True),
    "LAST_QUARTER": _last(QUARTERLY, 1),
    "LAST_4_QUARTERS": _last(QUARTERLY, 4),
    "THIS_YEAR": _last(YEARLY, 1, True),
    "LAST_YEAR": _last(YEARLY, 1),
    "LAST_5_YEARS": _last(YEARLY, 5),
    "LAST_10_YEARS": _last(YEARLY, 10),
    "MONTHS_THIS_YEAR": lambda today: year(current(YEARLY, today).year).children(MONTHLY),
    "QUARTERS_THIS_YEAR": lambda today: year(current(YEARLY, today).year).children(QUARTERLY),
}


def relative(name: str, today: dt.date | None = None) -> list[Period]:
    try:
        build = RELATIVE[name.upper()]
    except KeyError:
        raise PeriodError(f"دوره نسبی ناشناخته: {name}") from None
    return build(today or dt.date.today())


def resolve(text: str, today: dt.date | None = None) -> list[Period]:
    """A period id or a relative period name → the list of periods it stands for."""
    raw = normalize_digits(str(text or "").strip()).upper()
    if raw in RELATIVE:
        return relative(raw, today)
    return [parse(raw)]
