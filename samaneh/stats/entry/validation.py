"""Validation rule analysis: each rule evaluated per reporting unit and period from the stored values.

`#{uid}` is the sum over the element's option combos, `#{uid.coc}` one cell. A side whose operands are
all missing skips the rule for that unit and period (DHIS2's SKIP_IF_ALL_VALUES_MISSING). Rules of a
finer period type than the asked period run for each of its sub-periods (monthly rules over a year run
for its twelve months); coarser rules are not run.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass

from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.expressions import ExpressionError, compile_expression
from samaneh.stats.models import CategoryOptionCombo, DataElement, DataValue, ValidationRule

OPERATORS = {
    ValidationRule.Operator.EQUAL_TO: lambda a, b: abs(a - b) < 1e-9,
    ValidationRule.Operator.NOT_EQUAL_TO: lambda a, b: abs(a - b) >= 1e-9,
    ValidationRule.Operator.GREATER_THAN: operator.gt,
    ValidationRule.Operator.GREATER_THAN_OR_EQUAL_TO: operator.ge,
    ValidationRule.Operator.LESS_THAN: operator.lt,
    ValidationRule.Operator.LESS_THAN_OR_EQUAL_TO: operator.le,
}
IMPORTANCE_ORDER = {ValidationRule.Importance.HIGH: 0, ValidationRule.Importance.MEDIUM: 1,
                    ValidationRule.Importance.LOW: 2}


@dataclass
class Violation:
    rule: ValidationRule
    unit: OrgUnit
    period: periods.Period
    left: float
    right: float

    @property
    def operator_symbol(self):
        return self.rule.get_operator_display()


def _rules_for(period, rules):
    """(rule, [periods it runs for]) — only rules whose type is the period's own or finer."""
    plan = []
    for rule in rules:
        if periods.ORDER[rule.period_type] < periods.ORDER[period.type]:
            continue
        try:
            left, right = compile_expression(rule.left_side), compile_expression(rule.right_side)
        except ExpressionError:
            continue  # the admin refuses such rules; one stored before that check must not break the report
        plan.append((rule, left, right, period.children(rule.period_type)))
    return plan


def rules_run(*, units, period: periods.Period, rules=None) -> list[Violation]:
    """Violations of `rules` (all by default) for the reporting units in `units` (an OrgUnit queryset,
    already narrowed to the reader's scope) over `period`."""
    rules = list(ValidationRule.objects.all() if rules is None else rules)
    plan = _rules_for(period, rules)
    if not plan:
        return []
    element_uids = {uid for _, left, right, _ in plan for uid, _ in left.operands | right.operands}
    element_ids = dict(DataElement.objects.filter(uid__in=element_uids).values_list("id", "uid"))
    period_ids = {p.id for *_, targets in plan for p in targets}
    coc_uids = dict(CategoryOptionCombo.objects.filter(
        combo__data_elements__id__in=element_ids).values_list("id", "uid"))
    # (unit, period) → {(element uid, coc uid): value, (element uid, None): total}
    cells: dict[tuple[int, str], dict] = {}
    for unit_id, period_id, element_id, coc_id, numeric in DataValue.objects.filter(
        data_element_id__in=element_ids, period__in=period_ids, org_unit__in=units, numeric__isnull=False,
    ).values_list("org_unit_id", "period", "data_element_id", "category_option_combo_id", "numeric").iterator():
        values = cells.setdefault((unit_id, period_id), {})
        element_uid = element_ids[element_id]
        values[(element_uid, coc_uids.get(coc_id))] = numeric
        values[(element_uid, None)] = values.get((element_uid, None), 0.0) + numeric
    found = []
    for rule, left, right, targets in plan:
        compare = OPERATORS[rule.operator]
        target_ids = {p.id: p for p in targets}
        for (unit_id, period_id), values in cells.items():
            if period_id not in target_ids:
                continue
            left_value, right_value = left.evaluate(values), right.evaluate(values)
            if left_value is None or right_value is None:
                continue
            if not compare(left_value, right_value):
                found.append((rule, unit_id, target_ids[period_id], left_value, right_value))
    by_id = OrgUnit.objects.in_bulk({unit_id for _, unit_id, *_ in found})
    violations = [Violation(rule, by_id[unit_id], period, left, right) for rule, unit_id, period, left, right in found]
    violations.sort(key=lambda v: (IMPORTANCE_ORDER.get(v.rule.importance, 9), v.period.start, v.unit.path, v.rule.name))
    return violations
