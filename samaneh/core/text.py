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
    "\u00ad": None,  # SOFT HYPHEN
    "\u061c": None,  # ARABIC LETTER MARK
    "\u200b": None,  # ZERO WIDTH SPACE
    "\u200d": None,  # ZERO WIDTH JOINER
    "\u200e": None,  # LEFT-TO-RIGHT MARK
    "\u200f": None,  # RIGHT-TO-LEFT MARK
    "\u2060": None,  # WORD JOINER
    "\ufeff": None,  # BYTE ORDER MARK / ZWNBSP
}
# Bidi embeddings and isolates arrive invisibly with text pasted from word processors and messengers.
for _code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
    _CHAR_MAP[chr(_code)] = None
_DIGIT_MAP = {}
for _i in range(10):
    _DIGIT_MAP[chr(0x06F0 + _i)] = str(_i)  # EXTENDED ARABIC-INDIC (Persian) digits
    _DIGIT_MAP[chr(0x0660 + _i)] = str(_i)  # ARABIC-INDIC digits
_TRANSLATION = str.maketrans({**_CHAR_MAP, **_DIGIT_MAP})
_DIGIT_TRANSLATION = str.maketrans(_DIGIT_MAP)

# Any run of whitespace and ZWNJ. A ZWNJ beside whitespace is a typing accident (the space already
# separates the letters), so a run holding any whitespace becomes whitespace, and a ZWNJ-only run one ZWNJ.
_GAP = re.compile(r"[\s\u200c]+")

_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _single_line_gap(match):
    gap = match.group(0)
    return ZWNJ if gap.strip(ZWNJ) == "" else " "


def _multi_line_gap(match):
    gap = match.group(0)
    if gap.strip(ZWNJ) == "":
        return ZWNJ
    # One line break stays a line break; a blank line (paragraph break) stays one blank line.
    return "\n" * min(gap.count("\n"), 2) or " "


def normalize_text(value, keep_newlines=False):
    """Return `value` in canonical stored form; None and non-strings pass through unchanged.

    With `keep_newlines` (multi-line text such as a complaint's description) line breaks survive, at most
    one blank line in a row, and the spaces around them go; otherwise every whitespace run is one space.
    """
    if not isinstance(value, str):
        return value
    value = value.translate(_TRANSLATION)
    if keep_newlines:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = _GAP.sub(_multi_line_gap, value)
    else:
        value = _GAP.sub(_single_line_gap, value)
    return value.strip(" \n" + ZWNJ)


def normalize_digits(value):
    """Only the digits: Persian/Arabic-Indic to ASCII (for codes and numbers typed in any script)."""
    if not isinstance(value, str):
        return value
    return value.translate(_DIGIT_TRANSLATION)


def search_key(value):
    """Key used to index and to query names: normalised, ZWNJ read as a space, case-folded."""
    value = normalize_text(value or "")
    return value.replace(ZWNJ, " ").casefold()


def to_persian_digits(value):
    """Render ASCII digits of `value` as Persian digits (display only, never storage)."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def localize_digits(value):
    """Digits as the reader's language writes them: Persian in the Persian UI, ASCII in English."""
    from django.utils.translation import get_language_bidi

    return to_persian_digits(value) if get_language_bidi() else str(value)


# Persian alphabetical order; code-point order would put پ چ ژ گ ک ی after every Arabic letter.
_ALPHABET = "ءآأإابپتثجچحخدذرزژسشصضطظعغفقکگلمنوؤهةیئ"
_ALPHABET_RANK = {letter: 0x100 + rank for rank, letter in enumerate(_ALPHABET)}


def persian_sort_key(text):
    """Sort key for names in Persian alphabetical order (spaces and ASCII digits sort before letters)."""
    return [
        _ALPHABET_RANK.get(char, ord(char) if ord(char) < 0x100 else 0x10000 + ord(char)) for char in search_key(text)
    ]
