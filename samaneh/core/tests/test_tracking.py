import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samaneh.core.text import to_persian_digits
from samaneh.core.tracking import (
    MAX_LENGTH,
    MIN_LENGTH,
    damm_check_digit,
    is_valid_tracking_code,
    new_tracking_code,
    normalize_tracking_code,
)

tracking_lengths = st.integers(min_value=MIN_LENGTH, max_value=MAX_LENGTH)


def test_damm_check_digit_matches_the_published_example():
    # Damm's worked example: 572 → check digit 4.
    assert damm_check_digit("572") == "4"
    assert damm_check_digit("5724") == "0"


def test_new_code_shape():
    code = new_tracking_code()
    assert re.fullmatch(r"[1-9][0-9]{9}", code)
    assert is_valid_tracking_code(code)
    assert re.fullmatch(r"[1-9][0-9]{13}", new_tracking_code(14))


def test_codes_are_not_repeated_or_sequential():
    codes = [new_tracking_code() for _ in range(500)]
    assert len(set(codes)) == len(codes)
    assert len({int(code) // 1000 for code in codes}) > 400


@pytest.mark.parametrize("length", [0, 5, MAX_LENGTH + 1])
def test_lengths_out_of_range_are_refused(length):
    with pytest.raises(ValueError):
        new_tracking_code(length)


@settings(max_examples=100)
@given(tracking_lengths, st.data())
def test_every_single_digit_substitution_is_detected(length, data):
    code = new_tracking_code(length)
    position = data.draw(st.integers(min_value=0, max_value=length - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    assert not is_valid_tracking_code(code[:position] + replacement + code[position + 1 :])


@settings(max_examples=100)
@given(tracking_lengths, st.data())
def test_every_adjacent_transposition_is_detected(length, data):
    code = new_tracking_code(length)
    position = data.draw(st.integers(min_value=0, max_value=length - 2))
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped == code:
        assert is_valid_tracking_code(swapped)
    else:
        assert not is_valid_tracking_code(swapped)


def test_every_error_in_every_position_of_one_code_is_detected_exhaustively():
    code = new_tracking_code()
    for i in range(len(code)):
        for digit in "0123456789":
            if digit != code[i]:
                assert not is_valid_tracking_code(code[:i] + digit + code[i + 1 :])
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            assert not is_valid_tracking_code(code[:i] + code[i + 1] + code[i] + code[i + 2 :])


def test_codes_are_read_as_people_type_them():
    code = new_tracking_code()
    typed = to_persian_digits(f"{code[:4]}-{code[4:7]} {code[7:]}")
    assert normalize_tracking_code(typed) == code
    assert is_valid_tracking_code(typed)
    assert is_valid_tracking_code(f"\u200f{code}\u200c ")


@pytest.mark.parametrize("text", [None, "", "abc", "57240", "0" + "5724" + "00", "1" * (MAX_LENGTH + 2)])
def test_malformed_codes_are_invalid(text):
    assert not is_valid_tracking_code(text)


def test_a_code_with_a_leading_zero_is_not_one_of_ours():
    body = "012345678"
    assert not is_valid_tracking_code(body + damm_check_digit(body))
