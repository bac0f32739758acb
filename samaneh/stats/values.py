"""One place that checks and normalises a value for a data element — API, Excel/CSV import and the
entry form all call `clean_value`, so a value refused in one is refused in all, with the same words."""
import math
import re
from decimal import Decimal, InvalidOperation

from samaneh.core.text import normalize_digits, normalize_text
from samaneh.stats.models import ValueType

TRUE_WORDS = {"true", "1", "yes", "بله", "بلی", "آری", "دارد"}
FALSE_WORDS = {"false", "0", "no", "خیر", "نه", "ندارد"}
MAX_TEXT = 50000
# A number already in its canonical stored form (ASCII, no separators, no trailing zeros, < 1e15) that the
# element's type accepts: the common case of a machine-written import, accepted without the general path's
# normalising and Decimal. Value type → (full-match of such a text, the largest number allowed). A batch
# importer applies these itself, per row, without a function call; `clean_value` gives the same answer.
_DECIMAL = r"(?:\.[0-9]*[1-9])?"
CANONICAL_NUMBERS = {
    ValueType.NUMBER: (re.compile(r"(?:0|-?[1-9][0-9]{0,14})" + _DECIMAL).fullmatch, math.inf),
    ValueType.INTEGER: (re.compile(r"0|-?[1-9][0-9]{0,14}").fullmatch, math.inf),
    ValueType.INTEGER_ZERO_OR_POSITIVE: (re.compile(r"0|[1-9][0-9]{0,14}").fullmatch, math.inf),
    ValueType.INTEGER_POSITIVE: (re.compile(r"[1-9][0-9]{0,14}").fullmatch, math.inf),
    ValueType.PERCENTAGE: (re.compile(r"(?:0|[1-9][0-9]{0,14})" + _DECIMAL).fullmatch, 100.0),
}


class InvalidValue(ValueError):
    """A value the element does not accept; the message is Persian and names the element."""


def _number(element, text):
    # Persian/Arabic digits, the Persian decimal separator (٫) and thousands separators (٬ ,) are accepted.
    cleaned = normalize_digits(text).replace("٫", ".").replace("٬", "").replace(",", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"«{element.name}» عدد می‌خواهد؛ «{text}» عدد نیست") from None
    if not number.is_finite():
        raise InvalidValue(f"«{element.name}» عدد می‌خواهد؛ «{text}» عدد نیست")
    return number


def _canonical(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text if text not in ("-0",) else "0"


def clean_value(element, raw):
    """(stored text, numeric or None) for `raw`, or InvalidValue in Persian. Empty input is InvalidValue too:
    callers decide whether empty means "delete"."""
    vt = element.value_type
    canonical = CANONICAL_NUMBERS.get(vt)
    if canonical is not None and raw.__class__ is str and canonical[0](raw):
        number = float(raw)
        if number <= canonical[1]:
            return raw, number
    text = normalize_text(str(raw if raw is not None else "")).strip()
    if not text:
        raise InvalidValue(f"مقدار «{element.name}» خالی است")
    if vt == ValueType.TEXT:
        if len(text) > MAX_TEXT:
            raise InvalidValue(f"متن «{element.name}» بیش از حد طولانی است")
        return text, None
    if vt == ValueType.BOOLEAN:
        word = normalize_digits(text).lower()
        if word in TRUE_WORDS:
            return "true", 1.0
        if word in FALSE_WORDS:
            return "false", 0.0
        raise InvalidValue(f"«{element.name}» بله یا خیر می‌خواهد؛ «{text}» پذیرفته نیست")
    number = _number(element, text)
    integral = number == number.to_integral_value()
    if vt in (ValueType.INTEGER, ValueType.INTEGER_POSITIVE, ValueType.INTEGER_ZERO_OR_POSITIVE) and not integral:
        raise InvalidValue(f"«{element.name}» عدد صحیح می‌خواهد؛ «{text}» اعشاری است")
    if vt == ValueType.INTEGER_POSITIVE and number <= 0:
        raise InvalidValue(f"«{element.name}» عدد صحیح مثبت می‌خواهد؛ «{text}» مثبت نیست")
    if vt == ValueType.INTEGER_ZERO_OR_POSITIVE and number < 0:
        raise InvalidValue(f"«{element.name}» نمی‌تواند منفی باشد")
    if vt == ValueType.PERCENTAGE and not 0 <= number <= 100:
        raise InvalidValue(f"«{element.name}» درصد است و باید بین ۰ و ۱۰۰ باشد؛ «{text}» نیست")
    if abs(number) >= Decimal("1e15"):
        raise InvalidValue(f"«{element.name}»: عدد «{text}» بیش از حد بزرگ است")
    return _canonical(number), float(number)
