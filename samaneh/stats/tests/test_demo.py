import datetime as dt

import pytest

from samaneh.stats import demo, periods
from samaneh.stats.expressions import validate_expression
from samaneh.stats.models import (
    CompleteRegistration, DataElement, DataSet, DataValue, Indicator, ValidationRule,
)

TODAY = dt.date(2026, 12, 1)  # 10 Azar 1405


@pytest.fixture
def demo_stats(tree):
    return demo.create_demo_stats(today=TODAY)


def test_metadata_is_complete_and_expressions_refer_to_known_elements(demo_stats, tree):
    monthly, yearly = demo_stats[periods.MONTHLY], demo_stats[periods.YEARLY]
    assert monthly.period_type == periods.MONTHLY and yearly.period_type == periods.YEARLY
    assert DataElement.objects.count() == len(demo.ELEMENTS)
    # Every element sits in exactly one of the two forms, in a named section.
    assert monthly.data_elements.count() + yearly.data_elements.count() == len(demo.ELEMENTS)
    assert not monthly.set_elements.filter(section="").exists()
    staff = DataElement.objects.get(code="STAFF_PERMANENT")
    assert sorted(staff.category_combo.option_combos.values_list("name", flat=True)) == ["زن", "مرد"]
    # Without Tehran (a test tree), every city unit reports.
    assert set(monthly.organisation_units.all()) == {tree["city1"], tree["city2"]}
    known = set(DataElement.objects.values_list("uid", flat=True))
    for indicator in Indicator.objects.all():
        validate_expression(indicator.numerator, known)
        validate_expression(indicator.denominator, known)
    for rule in ValidationRule.objects.all():
        validate_expression(rule.left_side, known)
        validate_expression(rule.right_side, known)
    assert Indicator.objects.count() == 3 and ValidationRule.objects.count() == 3


def test_values_cover_24_past_months_and_two_years_and_rerun_adds_nothing(demo_stats, tree):
    months = set(DataValue.objects.filter(data_element__code="REV_FEES").values_list("period", flat=True))
    # The 24 months before Azar 1405, the current month left empty for the demo officers.
    assert len(months) == 24 and min(months) == "140309" and max(months) == "140508"
    assert "140509" not in months
    years = set(DataValue.objects.filter(data_element__code="STAFF_CONTRACT").values_list("period", flat=True))
    assert years == {"1403", "1404"}
    # Two gender cells per unit and year for the disaggregated element.
    assert DataValue.objects.filter(data_element__code="STAFF_CONTRACT", period="1404").count() == 4
    answered = DataValue.objects.filter(data_element__code="CMP_ANSWERED", org_unit=tree["city1"], period="140501")
    assert answered.get().numeric >= 0
    count, done = DataValue.objects.count(), CompleteRegistration.objects.count()
    assert 0 < done < 2 * 24 + 2 * 2 + 1
    demo.create_demo_stats(today=TODAY)
    assert DataValue.objects.count() == count and CompleteRegistration.objects.count() == done
    assert DataSet.objects.count() == 2 and DataElement.objects.count() == len(demo.ELEMENTS)
