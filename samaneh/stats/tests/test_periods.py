"""Jalali periods: ids, boundaries, roll-ups and relative periods, checked against the calendar."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from samaneh.stats import periods as P


@pytest.mark.parametrize(
    "text, start, end, label",
    [
        ("1403", dt.date(2024, 3, 20), dt.date(2025, 3, 20), "۱۴۰۳"),  # 1403 is a leap year: 366 days
        ("1403Q1", dt.date(2024, 3, 20), dt.date(2024, 6, 20), "بهار ۱۴۰۳"),
        ("1403Q4", dt.date(2024, 12, 21), dt.date(2025, 3, 20), "زمستان ۱۴۰۳"),
        ("140301", dt.date(2024, 3, 20), dt.date(2024, 4, 19), "فروردین ۱۴۰۳"),
        ("140312", dt.date(2025, 2, 19), dt.date(2025, 3, 20), "اسفند ۱۴۰۳"),
        ("۱۴۰۲۱۲", dt.date(2024, 2, 20), dt.date(2024, 3, 19), "اسفند ۱۴۰۲"),  # Persian digits; 29 days
    ],
)
def test_period_ids_give_their_jalali_boundaries(text, start, end, label):
    period = P.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_week_one_holds_first_farvardin_and_starts_on_saturday():
    week = P.parse("1403W1")
    assert week.start.weekday() == 5 and week.days == 7  # Saturday
    assert week.contains(dt.date(2024, 3, 20))  # 1 Farvardin 1403
    assert P.parse("1403W1").parent(P.YEARLY).id == "1403"
    assert len(P.weeks(1403)) in (52, 53)


@pytest.mark.parametrize("bad", ["1403Q5", "140313", "140300", "1403W60", "abc", "", "14031", "1403-01"])
def test_malformed_or_impossible_ids_are_refused_in_persian(bad):
    with pytest.raises(P.PeriodError) as error:
        P.parse(bad)
    assert any("\u0600" <= ch <= "\u06ff" for ch in str(error.value))


def test_month_rolls_into_its_season_and_year():
    month = P.parse("140307")  # Mehr: first month of autumn
    assert month.parent(P.QUARTERLY).id == "1403Q3"
    assert month.parent(P.YEARLY).id == "1403"
    assert [m.id for m in P.parse("1403Q3").children(P.MONTHLY)] == ["140307", "140308", "140309"]
    assert [q.id for q in P.parse("1403").children(P.QUARTERLY)] == ["1403Q1", "1403Q2", "1403Q3", "1403Q4"]
    with pytest.raises(P.PeriodError):
        P.parse("1403").parent(P.MONTHLY)


def test_shift_and_between_cross_year_boundaries():
    assert P.parse("140312").next().id == "140401"
    assert P.parse("1403Q1").previous().id == "1402Q4"
    assert [p.id for p in P.between("140311", "140402")] == ["140311", "140312", "140401", "140402"]


def test_relative_periods_are_counted_back_from_today():
    today = dt.date(2026, 12, 1)  # 10 Azar 1405
    months = P.relative("LAST_12_MONTHS", today)
    assert (months[0].id, months[-1].id, len(months)) == ("140409", "140508", 12)
    assert [p.id for p in P.relative("THIS_YEAR", today)] == ["1405"]
    assert [p.id for p in P.relative("LAST_QUARTER", today)] == ["1405Q2"]
    assert [p.id for p in P.resolve("this_month", today)] == ["140509"]
    with pytest.raises(P.PeriodError):
        P.relative("NEXT_CENTURY", today)


def test_future_periods_are_detected():
    today = dt.date(2026, 12, 1)
    assert P.is_future(P.parse("140510"), today)
    assert not P.is_future(P.parse("140509"), today)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 1, 1)))
def test_every_day_lies_in_exactly_one_period_of_each_type(day):
    for period_type in P.PERIOD_TYPES:
        period = P.for_date(period_type, day)
        assert period.contains(day)
        assert P.parse(period.id) == period
        assert period.next().start == period.end + dt.timedelta(days=1)
    month = P.for_date(P.MONTHLY, day)
    assert month.parent(P.QUARTERLY).contains(day) and month.parent(P.YEARLY).contains(day)


def test_labels_follow_the_readers_language():
    from django.utils import translation

    assert P.parse("140307").label == "مهر ۱۴۰۳" and P.parse("1403Q1").label == "بهار ۱۴۰۳"
    with translation.override("en"):
        assert P.parse("140307").label == "Mehr 1403"
        assert P.parse("1403Q4").label == "Winter 1403"
        assert P.parse("1403W2").label == "Week 2 of 1403"


def test_period_type_names_follow_the_readers_language():
    from django.utils import translation

    with translation.override("en"):
        assert [str(P.PERIOD_TYPE_LABELS[t]) for t in P.PERIOD_TYPES] == ["Yearly", "Quarterly", "Monthly", "Weekly"]
    with translation.override("fa"):
        assert str(P.PERIOD_TYPE_LABELS[P.MONTHLY]) == "ماهانه"
