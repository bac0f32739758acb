"""Identity, contact and date input rules (DOMAIN_RULES.md, "Identity and contact data").

Each kind of value has a `normalize_*` function that only cleans up spelling (Persian/Arabic digits to
ASCII, separators people type dropped) and never refuses, and a `validate_*` function that normalises,
refuses with a Persian `ValidationError` naming the field, and returns the canonical value. Forms,
serializers and models all call these, so each rule lives here once.
"""
import re

import jdatetime
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samaneh.core.jalali import month_name, parse_jalali_date
from samaneh.core.text import normalize_digits, localize_digits

# Spaces, ZWNJ, bidi marks and every dash people (or their keyboards) put between digit groups.
_SEPARATORS = re.compile(r"[\s\u200c-\u200f\u2066-\u2069\u202a-\u202e\-\u2010-\u2015\u2212_.()]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def digits_without_separators(value):
    """`۰۹۱۲-۳۴۵ ۶۷۸۹` → `09123456789`: digits to ASCII, the separators people type between groups dropped.
    Anything else (letters, `+`) stays, for the validators to refuse or read."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", normalize_digits(str(value)))


def _require_canonical(value, canonical, message):
    """Model fields store what they are given, so their validators also refuse a valid but unnormalised
    spelling (Persian digits, dashes) instead of letting it into the database."""
    if value != canonical:
        raise ValidationError(message, code="not_normalised")


def _require_ascii_digits(code, *, length, non_digit_message, length_message):
    if code and not _ASCII_DIGITS.fullmatch(code):
        raise ValidationError(non_digit_message, code="non_digit")
    if len(code) != length:
        raise ValidationError(length_message, code="length")


# National ID (کد ملی) ------------------------------------------------------------------------------


def national_id_check_digit(first_nine):
    """The control digit of a national ID whose first nine digits are `first_nine` (a digit string)."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    return remainder if remainder < 2 else 11 - remainder


def normalize_national_id(value):
    """ASCII digits without separators; 8- and 9-digit legacy input gets its lost leading zeros back."""
    code = digits_without_separators(value)
    if _ASCII_DIGITS.fullmatch(code) and len(code) in (8, 9):
        code = code.zfill(10)
    return code


def validate_national_id(value):
    """Refuse anything but a real national ID; return it normalised."""
    code = normalize_national_id(value)
    _require_ascii_digits(
        code,
        length=10,
        non_digit_message=_("کد ملی فقط باید رقم داشته باشد."),
        length_message=_("کد ملی باید ۱۰ رقم باشد."),
    )
    if len(set(code)) == 1:
        raise ValidationError(_("کد ملی نامعتبر است: ده رقم یکسان کد ملی نیست."), code="repeated_digits")
    if code[3:9] == "000000":
        raise ValidationError(_("کد ملی نامعتبر است: رقم‌های چهارم تا نهم همه صفرند."), code="zero_body")
    if national_id_check_digit(code[:9]) != int(code[9]):
        raise ValidationError(
            _("کد ملی نامعتبر است: رقم کنترل (رقم آخر) با بقیه رقم‌ها نمی‌خواند؛ آن را دوباره بررسی کنید."),
            code="checksum",
        )
    return code


def national_id_validator(value):
    """Model/form-field validator: a valid national ID in its stored spelling (ten ASCII digits)."""
    _require_canonical(
        value, validate_national_id(value), _("کد ملی را به شکل ۱۰ رقم پشت سر هم، بدون فاصله و خط تیره وارد کنید.")
    )


# Mobile number (شماره همراه) -----------------------------------------------------------------------

# After the country code some people keep the trunk zero (+98 0912…); the number is still unambiguous.
_MOBILE_SPELLINGS = re.compile(r"(?:\+98|0098|98)0?(9[0-9]{9})|0?(9[0-9]{9})")


def normalize_mobile(value):
    """`09` + 9 digits for every spelling of an Iranian mobile number; anything else comes back cleaned."""
    cleaned = digits_without_separators(value)
    match = _MOBILE_SPELLINGS.fullmatch(cleaned)
    if match is None:
        return cleaned
    return "0" + (match.group(1) or match.group(2))


def validate_mobile(value):
    """Refuse anything that is not an Iranian mobile number; return it as `09xxxxxxxxx`.

    Operator prefixes change over time, so any 09xx number is accepted.
    """
    number = normalize_mobile(value)
    if not re.fullmatch(r"\+?[0-9]*", number):
        raise ValidationError(_("شماره همراه فقط باید رقم داشته باشد."), code="non_digit")
    if not re.fullmatch(r"09[0-9]{9}", number):
        raise ValidationError(
            _("شماره همراه باید ۱۱ رقم باشد و با ۰۹ شروع شود؛ مانند ۰۹۱۲۳۴۵۶۷۸۹."), code="invalid_mobile"
        )
    return number


def mobile_validator(value):
    """Model/form-field validator: a valid mobile number in its stored spelling (`09xxxxxxxxx`)."""
    _require_canonical(value, validate_mobile(value), _("شماره همراه را به شکل ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید."))


# Postal code (کد پستی) -----------------------------------------------------------------------------

# No 0 or 2 in the first five digits, no 5 as the fifth, no 2 in the last five, and no digit four times
# at the start (alirezavafi/persian-plus PostalCodeExtensions.cs).
_USUAL_POSTAL_CODE = re.compile(r"(?!(\d)\1{3})[13-9]{4}[1346-9][013-9]{5}")


def normalize_postal_code(value):
    """ASCII digits without the dash people put after the fifth digit."""
    return digits_without_separators(value)


def validate_postal_code(value):
    """Refuse anything but ten digits; return them. Unusual-looking codes pass (see the heuristic)."""
    code = normalize_postal_code(value)
    _require_ascii_digits(
        code,
        length=10,
        non_digit_message=_("کد پستی فقط باید رقم داشته باشد."),
        length_message=_("کد پستی باید ۱۰ رقم باشد."),
    )
    return code


def postal_code_validator(value):
    """Model/form-field validator: a postal code in its stored spelling (ten ASCII digits)."""
    _require_canonical(
        value, validate_postal_code(value), _("کد پستی را به شکل ۱۰ رقم پشت سر هم، بدون فاصله و خط تیره وارد کنید.")
    )


def postal_code_looks_unusual(code):
    """True when a code does not look like one Iran Post issues: show a warning, never refuse."""
    return _USUAL_POSTAL_CODE.fullmatch(normalize_postal_code(code)) is None


# Legal-person national ID (شناسه ملی) --------------------------------------------------------------

_LEGAL_ID_WEIGHTS = (29, 27, 23, 19, 17)


def legal_id_check_digit(first_ten):
    """The control digit of a legal-person national ID whose first ten digits are `first_ten`."""
    offset = int(first_ten[9]) + 2
    total = sum((offset + int(d)) * _LEGAL_ID_WEIGHTS[i % 5] for i, d in enumerate(first_ten))
    return total % 11 % 10


def normalize_legal_id(value):
    return digits_without_separators(value)


def validate_legal_id(value):
    """Refuse anything but a real 11-digit legal-person national ID; return it normalised."""
    code = normalize_legal_id(value)
    _require_ascii_digits(
        code,
        length=11,
        non_digit_message=_("شناسه ملی فقط باید رقم داشته باشد."),
        length_message=_("شناسه ملی باید ۱۱ رقم باشد."),
    )
    if code[3:9] == "000000":
        raise ValidationError(_("شناسه ملی نامعتبر است: رقم‌های چهارم تا نهم همه صفرند."), code="zero_body")
    if legal_id_check_digit(code[:10]) != int(code[10]):
        raise ValidationError(
            _("شناسه ملی نامعتبر است: رقم کنترل (رقم آخر) با بقیه رقم‌ها نمی‌خواند؛ آن را دوباره بررسی کنید."),
            code="checksum",
        )
    return code


def legal_id_validator(value):
    """Model/form-field validator: a valid legal-person national ID in its stored spelling (11 ASCII digits)."""
    _require_canonical(
        value, validate_legal_id(value), _("شناسه ملی را به شکل ۱۱ رقم پشت سر هم، بدون فاصله و خط تیره وارد کنید.")
    )


# Jalali dates --------------------------------------------------------------------------------------

# A Gregorian year typed into a Jalali field (2025/03/21) would otherwise land six centuries ahead.
DEFAULT_MIN_JALALI_YEAR = 1200
DEFAULT_MAX_JALALI_YEAR = 1500
_JALALI_PARTS = re.compile(r"([0-9]+)/([0-9]+)/([0-9]+)")


def clean_jalali_date(value, *, label=None, min_year=DEFAULT_MIN_JALALI_YEAR, max_year=DEFAULT_MAX_JALALI_YEAR):
    """`1403/05/12` in Persian or ASCII digits → Gregorian `date`, or a Persian error naming `label`."""
    label = label or _("تاریخ")
    text = normalize_digits(str(value)).strip().replace("-", "/")
    parts = _JALALI_PARTS.fullmatch(text)
    if parts is None:
        raise ValidationError(
            _("%(field)s را به شکل سال/ماه/روز وارد کنید؛ مانند ۱۴۰۳/۰۵/۱۲."), code="invalid", params={"field": label}
        )
    year, month, day = (int(p) for p in parts.groups())
    if not min_year <= year <= max_year:
        raise ValidationError(
            _("%(field)s: سال باید شمسی و بین %(min)s و %(max)s باشد؛ مانند ۱۴۰۳/۰۵/۱۲."),
            code="year_out_of_range",
            params={"field": label, "min": localize_digits(min_year), "max": localize_digits(max_year)},
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("%(field)s: ماه باید بین ۱ و ۱۲ باشد."), code="invalid_month", params={"field": label}
        )
    days_in_month = jdatetime.j_days_in_month[month - 1]
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        days_in_month = 30
    if not 1 <= day <= days_in_month:
        raise ValidationError(
            _("%(field)s در تقویم نیست: %(month)s %(year)s %(days)s روز دارد."),
            code="nonexistent",
            params={
                "field": label,
                "month": month_name(month),
                "year": localize_digits(year),
                "days": localize_digits(days_in_month),
            },
        )
    return parse_jalali_date(text)
