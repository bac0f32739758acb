"""Tracking codes (کد پیگیری): generated here, checked here; the case engine keeps them unique.

Why digits only: citizens read the code in an SMS and type it on a phone, where a Persian keyboard types
digits without switching layouts (Persian digits are normalised to ASCII) and Latin letters would need a
layout switch and invite O/0, I/1 and case mistakes; a digit string is also read out over the phone without
spelling. The first digit is never 0, so the code keeps its length when a spreadsheet or a number column
swallows leading zeros.

Why a Damm check digit last: it catches every single mistyped digit and every swap of two neighbouring
digits (the two commonest typing errors), so a mistyped code is refused before any lookup instead of
landing on somebody else's case. Luhn misses 09↔90; Damm misses none.

Why `secrets`: codes must not be predictable from one another (no counters, no timestamps). Ten digits
hold about 9·10⁸ codes; that is not a password, so the public lookup shows states and dates only (no
personal data) and is rate-limited per address, misses counting double.
"""
import re
import secrets

from samaneh.core.validators import digits_without_separators

MIN_LENGTH = 6
MAX_LENGTH = 20

# Damm's weakly totally anti-symmetric quasigroup of order 10 (H. Michael Damm, 2004).
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_check_digit(digits):
    """The Damm check digit of an ASCII digit string; appending it makes the interim digit 0."""
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return str(interim)


def new_tracking_code(length=10):
    """A fresh random tracking code of `length` digits, the last one its Damm check digit."""
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"Tracking codes are {MIN_LENGTH} to {MAX_LENGTH} digits long, not {length}.")
    body = secrets.choice("123456789") + "".join(secrets.choice("0123456789") for _ in range(length - 2))
    return body + damm_check_digit(body)


def normalize_tracking_code(text):
    """A tracking code as typed (`۱۲۳۴-۵۶۷ ۸۹۰`) in its stored form (`1234567890`); not validated."""
    return digits_without_separators(text)


def is_valid_tracking_code(text):
    """Whether `text`, once normalised, is a well-formed tracking code with a correct check digit."""
    code = normalize_tracking_code(text)
    if not re.fullmatch(rf"[1-9][0-9]{{{MIN_LENGTH - 1},{MAX_LENGTH - 1}}}", code):
        return False
    return damm_check_digit(code) == "0"
