import datetime as dt

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from samaneh.core.jalali import format_jalali, format_jalali_long, parse_jalali_date, to_jalali
from samaneh.core.validators import clean_jalali_date

UTC = dt.timezone.utc


def test_known_dates():
    assert format_jalali(dt.date(2025, 3, 21)) == "۱۴۰۴/۰۱/۰۱"
    assert format_jalali(dt.date(2024, 8, 2), persian_digits=False) == "1403/05/12"
    assert format_jalali_long(dt.date(2024, 8, 2)) == "۱۲ مرداد ۱۴۰۳"
    assert format_jalali(None) == "" and format_jalali_long(None) == "" and to_jalali(None) is None


def test_aware_datetimes_are_shown_on_tehran_time():
    # 21:00 UTC on 20 March 2025 is 00:30 on 1 Farvardin 1404 in Tehran.
    moment = dt.datetime(2025, 3, 20, 21, 0, tzinfo=UTC)
    assert to_jalali(moment).date() == jdatetime.date(1404, 1, 1)
    assert format_jalali(moment) == "۱۴۰۴/۰۱/۰۱"
    assert format_jalali(moment, with_time=True) == "۱۴۰۴/۰۱/۰۱ ۰۰:۳۰"
    assert format_jalali(dt.date(2025, 3, 21), with_time=True) == "۱۴۰۴/۰۱/۰۱"


@pytest.mark.parametrize("text", ["1403/05/12", "۱۴۰۳/۰۵/۱۲", "١٤٠٣/٠٥/١٢", "1403-5-12", " ۱۴۰۳/۵/۱۲ "])
def test_parse_accepts_every_digit_script(text):
    assert parse_jalali_date(text) == dt.date(2024, 8, 2)


def test_esfand_has_30_days_only_in_leap_years():
    assert parse_jalali_date("1403/12/30") == dt.date(2025, 3, 20)
    with pytest.raises(ValueError):
        parse_jalali_date("1404/12/30")
    with pytest.raises(ValueError):
        parse_jalali_date("1403/12/31")


@pytest.mark.parametrize("text", ["", None, "1403/05", "1403/05/12/1", "1403/ab/12", "1403/13/01", "1403/07/31"])
def test_parse_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_jalali_date(text)


@settings(max_examples=150)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_format_then_parse_round_trips(day):
    assert parse_jalali_date(format_jalali(day)) == day
    assert clean_jalali_date(format_jalali(day)) == day


def test_clean_names_the_field_and_the_month_length():
    with pytest.raises(ValidationError) as excinfo:
        clean_jalali_date("۱۴۰۴/۱۲/۳۰", label="تاریخ تولد")
    message = " ".join(excinfo.value.messages)
    assert excinfo.value.code == "nonexistent"
    assert "تاریخ تولد" in message and "اسفند ۱۴۰۴" in message and "۲۹ روز" in message


@pytest.mark.parametrize(
    "text, code",
    [
        ("1403/05", "invalid"),
        ("دیروز", "invalid"),
        ("2025/03/21", "year_out_of_range"),
        ("03/05/12", "year_out_of_range"),
        ("1403/13/01", "invalid_month"),
        ("1403/00/01", "invalid_month"),
        ("1403/07/31", "nonexistent"),
        ("1403/07/00", "nonexistent"),
    ],
)
def test_clean_refuses_with_a_persian_message_naming_the_field(text, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_jalali_date(text, label="تاریخ صدور")
    assert excinfo.value.code == code
    assert "تاریخ صدور" in " ".join(excinfo.value.messages)


def test_decimal_numbers_get_the_persian_decimal_point_only_in_persian():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{{ a|floatformat:2|fa_digits }} {{ b|fa_digits }} {{ c|fa_digits }}")
    context = Context({"a": 1234.5, "b": "1.16.0", "c": "12.5 تن"})
    assert template.render(context) == "۱۲۳۴٫۵۰ ۱.۱۶.۰ ۱۲.۵ تن"  # only a whole decimal number changes
    with translation.override("en"):
        assert template.render(context) == "1234.50 1.16.0 12.5 تن"


def test_percentages_take_the_sign_of_the_readers_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ a|floatformat:"-1"|fa_percent }} {{ b|fa_percent }}|{{ c|fa_percent }}')
    context = Context({"a": 12.5, "b": 40, "c": None})
    assert template.render(context) == "۱۲٫۵٪ ۴۰٪|"
    with translation.override("en"):
        assert template.render(context) == "12.5% 40%|"
