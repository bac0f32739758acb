"""Persian text normalisation: the one place that turns what people type into what we store and search.

Rules (DOMAIN_RULES.md, "Persian text"): Arabic yeh/alef-maksura/kaf become Persian yeh/kaf, Persian and
Arabic-Indic digits become ASCII, tatweel and zero-width marks other than ZWNJ are dropped, runs of
whitespace collapse to one space. ZWNJ (U+200C) is kept because it is part of Persian spelling.
"""
import re

ZWNJ = "\u200c"

_CHAR_MAP = {
    "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
    "\u0640": None,  # TATWEEL
    "\u200b": None,  # ZERO WIDTH SPACE
    "\u200d": None,  # ZERO WIDTH JOINER
    "\u200e": None,  # LEFT-TO-RIGHT MARK
    "\u200f": None,  # RIGHT-TO-LEFT MARK
    "\u2060": None,  # WORD JOINER
    "\ufeff": None,  # BYTE ORDER MARK / ZWNBSP
}
for _i in range(10):
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # EXTENDED ARABIC-INDIC (Persian) digits
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # ARABIC-INDIC digits
_TRANSLATION = str.maketrans(_CHAR_MAP)

_SPACES = re.compile(r"[^\S\u200c]+")
_ZWNJ_RUNS = re.compile(r"\u200c{2,}")
_ZWNJ_NEXT_TO_SPACE = re.compile(r" ?\u200c ?")

_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def normalize_text(value):
    """Return `value` in canonical stored form; None and non-strings pass through unchanged."""
    if not isinstance(value, str):
        return value
    value = value.translate(_TRANSLATION)
    value = _SPACES.sub(" ", value)
    value = _ZWNJ_RUNS.sub(ZWNJ, value)
    # A ZWNJ beside a space is a typing accident: the space already separates the letters.
    value = _ZWNJ_NEXT_TO_SPACE.sub(lambda m: " " if " " in m.group(0) else ZWNJ, value)
    return value.strip(" " + ZWNJ)


def normalize_digits(value):
    """Only the digits: Persian/Arabic-Indic to ASCII (for codes and numbers typed in any script)."""
    if not isinstance(value, str):
        return value
    return value.translate(str.maketrans({k: v for k, v in _CHAR_MAP.items() if v and v.isdigit()}))


def search_key(value):
    """Key used to index and to query names: normalised, ZWNJ read as a space, case-folded."""
    value = normalize_text(value or "")
    return value.replace(ZWNJ, " ").casefold()


def to_persian_digits(value):
    """Render ASCII digits of `value` as Persian digits (display only, never storage)."""
    return str(value).translate(_TO_PERSIAN_DIGITS)
