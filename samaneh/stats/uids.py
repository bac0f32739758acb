"""DHIS2-style ids for org units, derived from the primary key (no column, no migration).

DHIS2 clients treat ids as opaque 11-character strings that start with a letter; an org unit's uid
is "O" + its primary key in base 62, left-padded with "0" to ten characters.
"""
import string

_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}


def org_unit_uid(unit_or_id) -> str:
    number = unit_or_id if isinstance(unit_or_id, int) else unit_or_id.pk
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "O" + "".join(reversed(digits)).rjust(10, "0")


def org_unit_id(uid: str) -> int | None:
    """The primary key behind an org-unit uid, or None if `uid` is not one."""
    if not isinstance(uid, str) or len(uid) != 11 or uid[0] != "O":
        return None
    number = 0
    for char in uid[1:]:
        if char not in _INDEX:
            return None
        number = number * 62 + _INDEX[char]
    return number or None


def dhis2_level(unit) -> int:
    """DHIS2 counts levels from 1 at the top: country 1, province 2, county 3, district 4, city and
    rural district 5, village 6."""
    return unit.level + 1
