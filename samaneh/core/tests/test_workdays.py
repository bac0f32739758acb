import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from samaneh.core.workdays import add_working_days, is_working_day, working_days_between

UTC = dt.timezone.utc
TEHRAN = ZoneInfo("Asia/Tehran")

# A plain stretch of 2025 with no official holiday between 2025-04-25 and 2025-06-03.
WEDNESDAY = dt.date(2025, 5, 7)
THURSDAY = dt.date(2025, 5, 8)
FRIDAY = dt.date(2025, 5, 9)
SATURDAY = dt.date(2025, 5, 10)
SUNDAY = dt.date(2025, 5, 11)


def test_a_friday_is_not_a_working_day():
    assert FRIDAY.weekday() == 4
    assert not is_working_day(FRIDAY)
    assert is_working_day(THURSDAY)
    assert is_working_day(SATURDAY)


def test_nowruz_is_not_a_working_day():
    # 1 Farvardin 1404 = 2025-03-21 (a Friday as well); 1 Farvardin 1405 = 2026-03-21 is a Saturday.
    assert not is_working_day(dt.date(2025, 3, 21))
    assert not is_working_day(dt.date(2026, 3, 21))
    for day in (22, 23, 24):
        assert not is_working_day(dt.date(2025, 3, day))
    assert is_working_day(dt.date(2025, 3, 25))


def test_add_working_days_skips_the_weekend():
    assert add_working_days(WEDNESDAY, 1) == THURSDAY
    assert add_working_days(WEDNESDAY, 2) == SATURDAY
    assert add_working_days(THURSDAY, 1) == SATURDAY
    assert add_working_days(FRIDAY, 1) == SATURDAY
    assert add_working_days(WEDNESDAY, 0) == WEDNESDAY


def test_add_working_days_skips_nowruz():
    # Tue 1403/12/28; then the oil-nationalisation day, the last day of the year, Nowruz (a Friday) and
    # the three Nowruz holidays are all closed.
    tuesday = dt.date(2025, 3, 18)
    assert add_working_days(tuesday, 1) == dt.date(2025, 3, 25)
    assert add_working_days(tuesday, 2) == dt.date(2025, 3, 26)
    assert working_days_between(tuesday, dt.date(2025, 3, 25)) == 1


def test_aware_datetimes_keep_their_time_and_zone():
    start = dt.datetime(2025, 3, 18, 20, 0, tzinfo=UTC)  # 23:30 in Tehran, still Tuesday
    deadline = add_working_days(start, 1)
    assert deadline == dt.datetime(2025, 3, 25, 20, 0, tzinfo=UTC)
    assert deadline.tzinfo is UTC
    local = dt.datetime(2025, 5, 7, 9, 15, tzinfo=TEHRAN)
    assert add_working_days(local, 2) == dt.datetime(2025, 5, 10, 9, 15, tzinfo=TEHRAN)


def test_the_local_date_decides_not_the_utc_date():
    # 21:00 UTC on Tuesday is 00:30 on Wednesday 1403/12/29 in Tehran, an official holiday.
    just_after_midnight = dt.datetime(2025, 3, 18, 21, 0, tzinfo=UTC)
    assert not is_working_day(just_after_midnight)
    assert add_working_days(just_after_midnight, 1) == dt.datetime(2025, 3, 25, 0, 30, tzinfo=TEHRAN)


def test_naive_datetimes_and_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2025, 5, 7, 9, 0), 1)
    with pytest.raises(ValueError):
        add_working_days(WEDNESDAY, -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(WEDNESDAY, WEDNESDAY) == 0
    assert working_days_between(WEDNESDAY, SUNDAY) == 3  # Thu, Sat, Sun
    assert working_days_between(SUNDAY, WEDNESDAY) == -3
    assert working_days_between(THURSDAY, FRIDAY) == 0


def test_extra_closed_days_per_province(settings):
    settings.EXTRA_CLOSED_DAYS = {"*": ["2025-05-10"], "23": ["2025-05-11"]}
    assert not is_working_day(SATURDAY)
    assert not is_working_day(SUNDAY, province_code="23")
    assert not is_working_day(SUNDAY, province_code=23)
    assert is_working_day(SUNDAY)
    assert is_working_day(SUNDAY, province_code="8")
    assert add_working_days(THURSDAY, 1) == SUNDAY
    assert add_working_days(THURSDAY, 1, province_code="23") == dt.date(2025, 5, 12)


def test_a_malformed_extra_closed_day_is_a_configuration_error(settings):
    settings.EXTRA_CLOSED_DAYS = {"*": ["1404/02/20"]}
    with pytest.raises(ImproperlyConfigured):
        is_working_day(SATURDAY)


def test_weekly_closed_days_are_configurable(settings):
    settings.WEEKLY_CLOSED_WEEKDAYS = (3, 4)  # Thursday and Friday
    assert not is_working_day(THURSDAY)
    assert add_working_days(WEDNESDAY, 1) == SATURDAY
    settings.WEEKLY_CLOSED_WEEKDAYS = range(7)
    with pytest.raises(ImproperlyConfigured):
        is_working_day(THURSDAY)


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)), st.integers(0, 40))
def test_deadline_is_the_nth_working_day(start, n):
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline) == n
    if n:
        assert is_working_day(deadline)
        assert add_working_days(start, n - 1) < deadline
    assert (deadline - start).days >= n
