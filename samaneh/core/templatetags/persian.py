"""Template filters for Persian display: Persian digits and Jalali dates. Loaded as builtins."""
from django import template
from django.utils.translation import get_language_bidi

from samaneh.core.jalali import format_jalali, format_jalali_long
from samaneh.core.text import localize_digits

register = template.Library()


@register.filter
def fa_digits(value):
    if value is None:
        return ""
    return localize_digits(value)


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
