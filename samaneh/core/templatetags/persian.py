"""Template filters for Persian display: Persian digits and Jalali dates. Loaded as builtins."""
import re

from django import template
from django.utils.translation import get_language_bidi

from samaneh.core.jalali import format_jalali, format_jalali_long
from samaneh.core.text import localize_digits

register = template.Library()


# A plain decimal number (e.g. what `floatformat` gives): its point and commas become the Persian ones.
_DECIMAL = re.compile(r"[-+]?\d[\d,]*\.\d+")


@register.filter
def fa_digits(value):
    if value is None:
        return ""
    text = localize_digits(value)
    if get_language_bidi() and _DECIMAL.fullmatch(str(value)):
        text = text.replace(".", "٫").replace(",", "٬")
    return text


def percent_sign():
    """«٪» on a right-to-left page, «%» otherwise."""
    return "٪" if get_language_bidi() else "%"


@register.filter
def fa_percent(value):
    """A number already rounded (e.g. by `floatformat`) as a percentage: 12.5 → ۱۲٫۵٪ (12.5% in English)."""
    if value is None or value == "":
        return ""
    return fa_digits(value) + percent_sign()


@register.filter
def fa_number(value):
    """Thousands separated with Persian comma: 98100 → ۹۸٬۱۰۰."""
    try:
        grouped = f"{int(value):,}"
        return localize_digits(grouped).replace(",", "٬") if get_language_bidi() else grouped
    except (TypeError, ValueError):
        return localize_digits(value)


@register.filter
def jdate(value):
    return format_jalali(value)


@register.filter
def jdatetime(value):
    return format_jalali(value, with_time=True)


@register.filter
def jdate_long(value):
    return format_jalali_long(value)
