"""Reporting completeness: of the units that must report a form (its assigned units, within the reader's
scope), how many marked it complete for each period, and how many did so on time — by the end of the day
`timely_days` after the period ended."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.core.text import persian_sort_key
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.entry.selectors import completed_on_time
from samaneh.stats.models import CompleteRegistration


@dataclass
class Tally:
    expected: int = 0
    completed: int = 0
    on_time: int = 0

    @property
    def late(self):
        return self.completed - self.on_time

    @property
    def missing(self):
        return self.expected - self.completed

    @property
    def completed_pct(self):
        return round(100 * self.completed / self.expected, 1) if self.expected else None

    @property
    def on_time_pct(self):
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class ChildRow:
    unit: OrgUnit
    by_period: list  # Tally per period, in the report's period order
    total: Tally = field(default_factory=Tally)
    unit_count: int = 0


@dataclass
class Report:
    data_set: object
    root: OrgUnit
    periods: list
    by_period: list  # Tally per period for the whole root
    children: list  # ChildRow per child of root that holds assigned units
    missing: dict  # period id → [OrgUnit] that have not marked complete
    total: Tally = field(default_factory=Tally)


def assigned_units(user, data_set, root):
    """The set's reporting units under `root` that the user may view."""
    return scope.narrow(
        data_set.organisation_units.filter(path__startswith=root.path), user, Perm.STATS_VIEW, unit_field=None
    )


def completeness(*, user, data_set, root, period_list) -> Report:
    assigned = assigned_units(user, data_set, root)
    units = list(assigned.select_related("parent__parent").order_by("path"))
    done = {}
    for unit_id, period_id, completed_at in CompleteRegistration.objects.filter(
        data_set=data_set, period__in=[p.id for p in period_list], org_unit__in=assigned.values("pk")
    ).values_list("org_unit_id", "period", "completed_at"):
        done[(unit_id, period_id)] = completed_at
    children = [
        ChildRow(child, [Tally() for _ in period_list])
        for child in sorted(root.children.all(), key=lambda unit: persian_sort_key(unit.name))
    ]
    child_of = {}
    for unit in units:
        for row in children:
            if unit.path.startswith(row.unit.path):
                child_of[unit.pk] = row
                break
    report = Report(data_set, root, period_list, [Tally() for _ in period_list], [], {p.id: [] for p in period_list})
    for unit in units:
        row = child_of.get(unit.pk)
        if row is not None:
            row.unit_count += 1
        for index, period in enumerate(period_list):
            tallies = [report.by_period[index], report.total]
            if row is not None:
                tallies += [row.by_period[index], row.total]
            completed_at = done.get((unit.pk, period.id))
            on_time = completed_at is not None and completed_on_time(data_set, period, completed_at)
            for tally in tallies:
                tally.expected += 1
                tally.completed += completed_at is not None
                tally.on_time += on_time
            if completed_at is None:
                report.missing[period.id].append(unit)
    report.children = [row for row in children if row.total.expected]
    return report


def report_periods(data_set, first, last, today):
    """Periods of the set's type from `first` to `last` (ids; Persian digits accepted), never past today's.
    Raises periods.PeriodError with a Persian message."""
    start, end = periods.parse(first), periods.parse(last)
    if start.type != data_set.period_type or end.type != data_set.period_type:
        raise periods.PeriodError(_("دوره‌های گزارش باید %(type)s باشند، مثل فرم «%(form)s»") % {
            "type": periods.PERIOD_TYPE_LABELS[data_set.period_type], "form": data_set.name})
    if end.start < start.start:
        raise periods.PeriodError(_("دوره پایان پیش از دوره آغاز است"))
    listed = [p for p in periods.between(start, end) if not periods.is_future(p, today)]
    if len(listed) > 60:
        raise periods.PeriodError(_("بازه گزارش حداکثر ۶۰ دوره است"))
    return listed
