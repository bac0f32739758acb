"""The working-day calendar deadlines are counted in.

Closed: Fridays (the weekly closed days are the setting `WEEKLY_CLOSED_WEEKDAYS`, Python weekday numbers,
default `(4,)`, because governments have moved Thursday and Saturday closures back and forth), Iran's
official holidays as the `holidays` package knows them (lunar ones move every year), and the extra closed
days in the setting `EXTRA_CLOSED_DAYS` — `{"*": ["2025-01-05"], "<province code>": [...]}`, ISO dates,
"*" for the whole country — for closures announced at short notice (pollution, heat, elections).

Aware datetimes are read on the platform's wall clock (settings.TIME_ZONE), where the office opens.
"""
import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

FRIDAY = 4


@lru_cache(maxsize=32)
def _official_holidays(year):
    return frozenset(holidays.country_holidays("IR", years=year))


def _weekly_closed():
    closed = frozenset(getattr(settings, "WEEKLY_CLOSED_WEEKDAYS", (FRIDAY,)))
    if not closed < frozenset(range(7)):
        raise ImproperlyConfigured("WEEKLY_CLOSED_WEEKDAYS must leave at least one weekday (0=Monday … 6=Sunday) open.")
    return closed


def _extra_closed(province_code):
    configured = getattr(settings, "EXTRA_CLOSED_DAYS", {})
    keys = ["*"] if province_code in (None, "") else ["*", str(province_code)]
    days = set()
    for key in keys:
        for text in configured.get(key, ()):
            try:
                days.add(dt.date.fromisoformat(text))
            except (TypeError, ValueError) as exc:
                raise ImproperlyConfigured(f"EXTRA_CLOSED_DAYS[{key!r}] holds {text!r}, not an ISO date.") from exc
    return days


class _Calendar:
    """The closed days for one province, read from settings once per call of the public functions."""

    def __init__(self, province_code):
        self.weekly_closed = _weekly_closed()
        self.extra_closed = _extra_closed(province_code)

    def is_working_day(self, day):
        return (
            day.weekday() not in self.weekly_closed
            and day not in self.extra_closed
            and day not in _official_holidays(day.year)
        )


def _local_date(value):
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("Working days need an aware datetime (or a date); got a naive datetime.")
        return timezone.localtime(value, timezone.get_default_timezone()).date()
    return value


def is_working_day(day, province_code=None):
    """Whether offices are open on `day` (a date, or an aware datetime read on the local clock)."""
    return _Calendar(province_code).is_working_day(_local_date(day))


def add_working_days(start, n, province_code=None):
    """The `n`-th working day after `start`: with Fridays closed, `n=1` from a Thursday is the Saturday;
    `n=0` is `start` itself.

    Given an aware datetime, returns an aware datetime with the same local time of day, in `start`'s zone.
    """
    if n < 0:
        raise ValueError("n must be 0 or more working days.")
    calendar = _Calendar(province_code)
    day = _local_date(start)
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    if not isinstance(start, dt.datetime):
        return day
    local_start = timezone.localtime(start, timezone.get_default_timezone())
    return dt.datetime.combine(day, local_start.timetz()).astimezone(start.tzinfo)


def working_days_between(start, end, province_code=None):
    """Working days after `start` up to and including `end` (negative when `end` is earlier), so that
    `working_days_between(s, add_working_days(s, n)) == n`."""
    first, last = _local_date(start), _local_date(end)
    if last < first:
        return -working_days_between(end, start, province_code)
    calendar = _Calendar(province_code)
    return sum(calendar.is_working_day(first + dt.timedelta(days=i)) for i in range(1, (last - first).days + 1))
