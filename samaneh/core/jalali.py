"""Jalali dates for people; UTC datetimes in storage. One place to convert both ways."""
import datetime as dt

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from samaneh.core.text import normalize_digits, localize_digits

# Persian names (marked for the catalogue; `month_name` gives them in the reader's language).
MONTH_NAMES = [
    gettext_noop("فروردین"),
    gettext_noop("اردیبهشت"),
    gettext_noop("خرداد"),
    gettext_noop("تیر"),
    gettext_noop("مرداد"),
    gettext_noop("شهریور"),
    gettext_noop("مهر"),
    gettext_noop("آبان"),
    gettext_noop("آذر"),
    gettext_noop("دی"),
    gettext_noop("بهمن"),
    gettext_noop("اسفند"),
]


def month_name(month):
    """The Jalali month's name (1–12) in the active language: «مهر», or «Mehr» in English."""
    return gettext(MONTH_NAMES[month - 1])


def to_jalali(value):
    """A `date` or `datetime` (aware datetimes shown in the current time zone) as jdatetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def format_jalali(value, with_time=False, persian_digits=True):
    """`1403/05/12` (or `1403/05/12 14:05`) in Persian digits by default."""
    j = to_jalali(value)
    if j is None:
        return ""
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    if with_time and isinstance(j, jdatetime.datetime):
        text += f" {j.hour:02d}:{j.minute:02d}"
    return localize_digits(text) if persian_digits else text


def format_jalali_long(value):
    """`۱۲ مرداد ۱۴۰۳`."""
    j = to_jalali(value)
    if j is None:
        return ""
    return localize_digits(f"{j.day} {month_name(j.month)} {j.year}")


def parse_jalali_date(text):
    """`1403/05/12`, `۱۴۰۳/۰۵/۱۲` or `1403-5-12` → Gregorian `date`. Raises ValueError if not a real date."""
    text = normalize_digits((text or "").strip()).replace("-", "/")
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError("not a Jalali date")
    year, month, day = (int(p) for p in parts)
    return jdatetime.date(year, month, day).togregorian()
