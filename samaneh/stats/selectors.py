"""What other services read from the statistical system (they never query its tables themselves)."""
from collections import defaultdict

from samaneh.stats import periods
from samaneh.stats.models import DataValue


def latest_numbers(*, element_code, unit_ids):
    """{unit id: number} — for each unit, the element's value in the latest period that unit reported
    (the period ending last, whatever its type), added up over its disaggregations. Units with no numeric
    value are left out, so callers fall back to what they hold themselves."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    rows = (DataValue.objects.filter(data_element__code=element_code, org_unit_id__in=unit_ids,
                                     numeric__isnull=False)
            .values_list("org_unit_id", "period", "numeric"))
    ends = {}
    latest = {}
    totals = defaultdict(float)
    for unit_id, period_id, number in rows.iterator(chunk_size=5000):
        if period_id not in ends:
            try:
                ends[period_id] = periods.parse(period_id).end
            except periods.PeriodError:
                ends[period_id] = None
        end = ends[period_id]
        if end is None:
            continue
        key = (end, period_id)
        if unit_id not in latest or key > latest[unit_id]:
            latest[unit_id] = key
            totals[unit_id] = 0.0
        if key == latest[unit_id]:
            totals[unit_id] += number
    return dict(totals)
