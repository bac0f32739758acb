"""Indicator and validation-rule expressions: DHIS2 operand syntax, arithmetic, and refusals."""
import pytest

from samaneh.stats.expressions import Expression, ExpressionError, validate_expression

A, B, COC = "FTRrcoaog83", "lxAQ7Zs9VYR", "HllvX50cXC0"


def test_operands_and_arithmetic():
    expression = Expression(f"#{{{A}}} / #{{{B}.{COC}}} * 1000")
    assert expression.operands == {(A, None), (B, COC)}
    assert expression.evaluate({(A, None): 25, (B, COC): 50_000}) == pytest.approx(0.5)


def test_missing_operands_count_as_zero_unless_all_are_missing():
    expression = Expression(f"#{{{A}}} + #{{{B}}}")
    assert expression.evaluate({(A, None): 7}) == 7
    assert expression.evaluate({}) is None


def test_division_by_zero_gives_no_value():
    assert Expression(f"#{{{A}}} / #{{{B}}}").evaluate({(A, None): 3, (B, None): 0}) is None


def test_functions_and_comparisons():
    values = {(A, None): 120, (B, None): 100}
    assert Expression(f"if(#{{{A}}} > #{{{B}}}, 1, 0)").evaluate(values) == 1
    assert Expression(f"max(#{{{A}}}, #{{{B}}}) - min(#{{{A}}}, #{{{B}}})").evaluate(values) == 20
    assert Expression(f"isNull(#{{{A}}}) + #{{{B}}}").evaluate({(B, None): 1}) == 2
    assert Expression("۲ * ۳").evaluate({}) == 6  # Persian digits


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os").system("id")',
        "().__class__.__bases__",
        "open('/etc/passwd')",
        f"#{{{A}}}.real",
        "'a' * 3",
        "lambda: 1",
        "1 if 2 else 3",
        "x + 1",
        "2 ** 100000",
        "",
        "#{short}",
    ],
)
def test_anything_but_arithmetic_over_operands_is_refused(text):
    with pytest.raises(ExpressionError) as error:
        Expression(text)
    assert any("\u0600" <= ch <= "\u06ff" for ch in str(error.value))


def test_unknown_elements_and_combos_are_named():
    with pytest.raises(ExpressionError, match=B):
        validate_expression(f"#{{{A}}} + #{{{B}}}", known_elements={A})
    with pytest.raises(ExpressionError, match=COC):
        validate_expression(f"#{{{A}.{COC}}}", known_elements={A}, known_combos=set())
