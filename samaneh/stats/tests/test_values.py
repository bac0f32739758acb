"""One check for every value written to the statistical system, whatever the door it comes in by."""
import pytest

from samaneh.stats.models import DataElement, ValueType
from samaneh.stats.uids import dhis2_level, org_unit_id, org_unit_uid
from samaneh.stats.values import InvalidValue, clean_value


def element(value_type, name="عنصر آزمایشی"):
    return DataElement(name=name, value_type=value_type)


@pytest.mark.parametrize(
    "value_type, raw, stored, numeric",
    [
        (ValueType.NUMBER, "۱۲۳٫۵", "123.5", 123.5),
        (ValueType.NUMBER, "1,250,000", "1250000", 1250000.0),
        (ValueType.NUMBER, "١٢۳4", "1234", 1234.0),  # Arabic, Persian and ASCII digits mixed
        (ValueType.INTEGER, "-7", "-7", -7.0),
        (ValueType.INTEGER, "12.0", "12", 12.0),
        (ValueType.INTEGER_POSITIVE, "۵", "5", 5.0),
        (ValueType.INTEGER_ZERO_OR_POSITIVE, "0", "0", 0.0),
        (ValueType.PERCENTAGE, "۱۰۰", "100", 100.0),
        (ValueType.BOOLEAN, "بله", "true", 1.0),
        (ValueType.BOOLEAN, "false", "false", 0.0),
        (ValueType.TEXT, "  كتابخانه  ", "کتابخانه", None),  # Arabic kaf normalised
    ],
)
def test_accepted_values_are_stored_canonically(value_type, raw, stored, numeric):
    assert clean_value(element(value_type), raw) == (stored, numeric)


@pytest.mark.parametrize(
    "value_type, raw, words",
    [
        (ValueType.NUMBER, "دوازده", "عدد"),
        (ValueType.NUMBER, "12abc", "عدد"),
        (ValueType.NUMBER, "nan", "عدد"),
        (ValueType.NUMBER, "1e30", "بزرگ"),
        (ValueType.INTEGER, "3.5", "صحیح"),
        (ValueType.INTEGER_POSITIVE, "0", "مثبت"),
        (ValueType.INTEGER_ZERO_OR_POSITIVE, "-1", "منفی"),
        (ValueType.PERCENTAGE, "150", "۱۰۰"),
        (ValueType.PERCENTAGE, "-3", "۱۰۰"),
        (ValueType.BOOLEAN, "شاید", "بله یا خیر"),
        (ValueType.NUMBER, "   ", "خالی"),
    ],
)
def test_refused_values_name_the_element_in_persian(value_type, raw, words):
    with pytest.raises(InvalidValue) as error:
        clean_value(element(value_type, name="درآمد عوارض"), raw)
    assert "درآمد عوارض" in str(error.value) and words in str(error.value)


@pytest.mark.parametrize("pk", [1, 61, 62, 103_870, 2**40])
def test_org_unit_uids_round_trip_and_look_like_dhis2_uids(pk):
    uid = org_unit_uid(pk)
    assert len(uid) == 11 and uid[0].isalpha() and uid.isalnum()
    assert org_unit_id(uid) == pk


@pytest.mark.parametrize("bad", ["", "O", "X0000000001", "O00000000-1", None, "O0000000000"])
def test_strings_that_are_not_org_unit_uids_map_to_nothing(bad):
    assert org_unit_id(bad) is None


def test_dhis2_levels_start_at_one_for_the_country(tree):
    assert [dhis2_level(tree[k]) for k in ("country", "p1", "c1", "d1", "city1", "v1")] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "value_type, raw",
    [(t, r) for t in (ValueType.NUMBER, ValueType.INTEGER, ValueType.INTEGER_POSITIVE,
                      ValueType.INTEGER_ZERO_OR_POSITIVE, ValueType.PERCENTAGE)
     for r in ("0", "7", "-7", "12.5", "100", "100.5", "999999999999999", "12.50", "007")],
)
def test_the_canonical_number_shortcut_agrees_with_the_general_path(value_type, raw):
    try:
        expected = clean_value(element(value_type), raw + " ")  # a trailing space takes the general path
    except InvalidValue:
        with pytest.raises(InvalidValue):
            clean_value(element(value_type), raw)
    else:
        assert clean_value(element(value_type), raw) == expected
