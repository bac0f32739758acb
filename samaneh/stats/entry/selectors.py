"""Reads for the data-entry form, narrowed to the user's scope: which forms, units and periods a user may
open, and the state of one form (unit × period): locked, reopened, complete, approved."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.models import (
    CompleteRegistration,
    DataApproval,
    DataSet,
    DataValue,
    LockException,
)
from samaneh.stats.uids import org_unit_id

# Enterers fill forms; reviewers open them to approve or reopen. Both reach the form page.
FORM_PERMS = (Perm.STATS_ENTER, Perm.STATS_APPROVE)


def _assigned_in_scope(user, data_set=None):
    through = DataSet.organisation_units.through.objects.all()
    if data_set is not None:
        through = through.filter(dataset=data_set)
    q = Q(pk__in=[])
    for perm in FORM_PERMS:
        q |= Q(pk__in=scope.narrow(through, user, perm, unit_field="orgunit").values("pk"))
    return through.filter(q)


def entry_data_sets(user):
    """Forms with at least one reporting unit the user may enter or review."""
    return DataSet.objects.filter(pk__in=_assigned_in_scope(user).values("dataset_id")).order_by("name")


def entry_units(user, data_set):
    """The set's reporting units the user may enter or review, with their district and county for labels."""
    return (
        OrgUnit.objects.filter(pk__in=_assigned_in_scope(user, data_set).values("orgunit_id"))
        .select_related("parent__parent")
        .order_by("path")
    )


def entry_data_set_or_404(user, uid):
    data_set = entry_data_sets(user).filter(uid=uid).first()
    if data_set is None:
        raise Http404
    return data_set


def entry_unit_or_404(user, data_set, uid):
    """A unit assigned to the set AND in the user's scope; anything else is simply not found."""
    pk = org_unit_id(uid)
    unit = entry_units(user, data_set).filter(pk=pk).first() if pk else None
    if unit is None:
        raise Http404
    return unit


def offered_periods(data_set, today: dt.date):
    """The set's periods of the previous and the current Jalali year that have started, newest first."""
    this_year = periods.current(periods.YEARLY, today)
    listed = []
    for year in (this_year.previous(), this_year):
        listed.extend(p for p in year.children(data_set.period_type) if not periods.is_future(p, today))
    return sorted(set(listed), key=lambda p: p.start, reverse=True)


class PeriodRefused(ValueError):
    """The period cannot be entered for this form; the message is Persian."""


def entry_period(data_set, text, today: dt.date):
    try:
        period = periods.parse(text)
    except periods.PeriodError as error:
        raise PeriodRefused(str(error)) from None
    if period.type != data_set.period_type:
        raise PeriodRefused(_("دوره %(period)s (%(type)s) با فرم «%(form)s» که %(form_type)s است نمی‌خواند") % {
            "period": period.label, "type": periods.PERIOD_TYPE_LABELS[period.type], "form": data_set.name,
            "form_type": periods.PERIOD_TYPE_LABELS[data_set.period_type]})
    if periods.is_future(period, today):
        raise PeriodRefused(_("دوره %(period)s هنوز نرسیده است؛ برای آینده نمی‌توان داده ثبت کرد")
                            % {"period": period.label})
    return period


@dataclass
class FormState:
    data_set: DataSet
    unit: OrgUnit
    period: periods.Period
    today: dt.date
    completion: CompleteRegistration | None
    approval: DataApproval | None
    reopened: LockException | None

    @property
    def closes_on(self) -> dt.date | None:
        if not self.data_set.expiry_days:
            return None
        return self.period.end + dt.timedelta(days=self.data_set.expiry_days)

    @property
    def expired(self) -> bool:
        return self.closes_on is not None and self.today > self.closes_on

    @property
    def locked(self) -> bool:
        return self.expired and self.reopened is None

    @property
    def read_only(self) -> bool:
        return self.locked or self.approval is not None

    @property
    def completed_on_time(self) -> bool | None:
        if self.completion is None:
            return None
        return completed_on_time(self.data_set, self.period, self.completion.completed_at)


def completed_on_time(data_set, period, completed_at) -> bool:
    from django.utils import timezone

    return timezone.localtime(completed_at).date() <= period.end + dt.timedelta(days=data_set.timely_days)


def form_state(data_set, unit, period, today) -> FormState:
    key = {"data_set": data_set, "org_unit": unit, "period": period.id}
    return FormState(
        data_set, unit, period, today,
        completion=CompleteRegistration.objects.filter(**key).select_related("completed_by").first(),
        approval=DataApproval.objects.filter(**key).select_related("approved_by").first(),
        reopened=LockException.objects.filter(**key).select_related("created_by").first(),
    )


def can_enter(user, unit) -> bool:
    return scope.can_act(user, Perm.STATS_ENTER, unit)


def can_review(user, unit) -> bool:
    """Reviewing (approve, reopen) is for someone higher up: their scope holds the unit's parent."""
    return unit.parent_id is not None and scope.can_act(user, Perm.STATS_APPROVE, unit.parent)


def can_approve(user, data_set, unit) -> bool:
    """A reviewer higher up who also holds the set's approver role (any reviewer when the set names none)."""
    if not can_review(user, unit):
        return False
    if user.is_superuser or not data_set.approver_role:
        return True
    return data_set.approver_role in scope.roles_reaching(user, unit.parent)


@dataclass
class Cell:
    coc: object
    name: str  # the field's form name


@dataclass
class Row:
    element: object
    cells: list


@dataclass
class Group:
    combo: object
    option_combos: list
    rows: list


@dataclass
class Section:
    name: str
    groups: list


def form_layout(data_set) -> list[Section]:
    """Sections in form order; inside a section, consecutive elements sharing a disaggregation form one table
    whose columns are its option combos (e.g. «زن» / «مرد»)."""
    links = list(
        data_set.set_elements.select_related("data_element__category_combo").order_by("sort_order", "id")
    )
    combos = {}
    for link in links:
        combo = link.data_element.category_combo
        if combo.pk not in combos:
            combos[combo.pk] = list(combo.option_combos.order_by("sort_order", "id"))
    sections = []
    for name, in_section in groupby(links, key=lambda link: link.section):
        groups = []
        for combo_id, in_group in groupby(in_section, key=lambda link: link.data_element.category_combo_id):
            option_combos = combos[combo_id]
            rows = [
                Row(link.data_element, [Cell(coc, field_name(link.data_element.uid, coc.uid)) for coc in option_combos])
                for link in in_group
            ]
            groups.append(Group(rows[0].element.category_combo, option_combos, rows))
        sections.append(Section(name, groups))
    return sections


def field_name(element_uid, coc_uid):
    return f"v-{element_uid}-{coc_uid}"


def form_values(data_set, unit, period_id) -> dict[str, str]:
    """Stored values of the form, by field name."""
    return {
        field_name(element_uid, coc_uid): value
        for element_uid, coc_uid, value in DataValue.objects.filter(
            data_element__in=data_set.data_elements.all(), org_unit=unit, period=period_id
        ).values_list("data_element__uid", "category_option_combo__uid", "value")
    }


@dataclass
class DueForm:
    data_set: DataSet
    period: periods.Period
    units: int  # reporting units the user enters for
    completed: int

    @property
    def missing(self):
        return self.units - self.completed


def due_forms(user, today: dt.date) -> list[DueForm]:
    """For the dashboard: each form's last ended period, how many of the user's reporting units (STATS_ENTER)
    have marked it complete. Two queries per form."""
    due = []
    for data_set in entry_data_sets(user):
        period = periods.current(data_set.period_type, today).previous()
        units = scope.narrow(data_set.organisation_units.all(), user, Perm.STATS_ENTER, unit_field=None)
        total = units.count()
        if not total:
            continue
        completed = CompleteRegistration.objects.filter(
            data_set=data_set, period=period.id, org_unit__in=units.values("pk")).count()
        due.append(DueForm(data_set, period, total, completed))
    return due
