"""Reads for the API, already narrowed to the user's STATS_VIEW scope."""
import datetime as dt

from django.db.models import Q
from django.http import Http404

from samaneh.accounts.roles import Perm
from samaneh.core.jalali import parse_jalali_date
from samaneh.core.text import normalize_digits
from samaneh.geo import scope
from samaneh.stats import periods
from samaneh.stats.models import DataElement, DataSet, DataValue
from samaneh.stats.uids import org_unit_id


class ExportRefused(ValueError):
    """The export request misses or misnames something; the message is Persian."""


def has_stats_access(user, permission=Perm.STATS_VIEW):
    return scope.units(user, permission).exists()


def parse_date(text, name):
    """A Gregorian ISO date (what DHIS2 clients send) or a Jalali one (۱۴۰۳/۰۱/۱۵)."""
    raw = normalize_digits((text or "").strip())
    try:
        year = int(raw[:4])
    except ValueError:
        raise ExportRefused(f"تاریخ «{text}» در {name} خوانا نیست (نمونه: 2024-03-20 یا 1403-01-01)") from None
    if year < 1700:
        try:
            return parse_jalali_date(raw[:10])
        except ValueError:
            raise ExportRefused(f"تاریخ «{text}» در {name} خوانا نیست") from None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ExportRefused(f"تاریخ «{text}» در {name} خوانا نیست (نمونه: 2024-03-20)") from None


def periods_between(start, end):
    """Every period id of every type lying wholly within [start, end]."""
    out = []
    for period_type in periods.PERIOD_TYPES:
        first = periods.for_date(period_type, start)
        last = periods.for_date(period_type, end)
        for p in periods.between(first, last):
            if p.start >= start and p.end <= end:
                out.append(p.id)
    return out


def _by_ref(model, refs, scheme, label):
    found = []
    for ref in refs:
        field = "code" if scheme == "CODE" else "uid"
        obj = model.objects.filter(**{field: ref}).first()
        if obj is None:
            raise ExportRefused(f"{label} «{ref}» پیدا نشد")
        found.append(obj)
    return found


def export_values(*, user, data_sets=(), data_elements=(), period_ids=(), start=None, end=None, org_units=(),
                  children=False, element_scheme="UID", unit_scheme="UID"):
    """The stored values matching a DHIS2 dataValueSets query, limited to the user's STATS_VIEW scope.

    A named unit outside the scope is a 404 (its existence is not confirmed); its subtree with `children`
    is the part inside the scope."""
    if not data_sets and not data_elements:
        raise ExportRefused("دست‌کم یک مجموعه داده (dataSet) یا عنصر داده (dataElement) لازم است")
    if not period_ids and not (start and end):
        raise ExportRefused("دوره (period) یا بازه startDate و endDate لازم است")
    if not org_units:
        raise ExportRefused("دست‌کم یک واحد سازمانی (orgUnit) لازم است")
    element_ids = set()
    for s in _by_ref(DataSet, data_sets, element_scheme, "مجموعه داده"):
        element_ids.update(s.set_elements.values_list("data_element_id", flat=True))
    element_ids.update(e.pk for e in _by_ref(DataElement, data_elements, element_scheme, "عنصر داده"))
    ids = set()
    for ref in period_ids:
        try:
            ids.add(periods.parse(ref).id)
        except periods.PeriodError as error:
            raise ExportRefused(str(error)) from None
    if start and end:
        ids.update(periods_between(parse_date(start, "startDate"), parse_date(end, "endDate")))
    visible = scope.units(user, Perm.STATS_VIEW)
    unit_filter = []
    for ref in org_units:
        ref = normalize_digits(ref.strip())
        pk = org_unit_id(ref) if unit_scheme != "CODE" else None
        qs = visible.filter(pk=pk) if pk else visible.filter(code=ref)
        unit = qs.first()
        if unit is None:
            raise Http404
        unit_filter.append(unit)
    values = DataValue.objects.filter(data_element_id__in=element_ids, period__in=ids)
    if children:
        subtree = Q(pk__in=[])
        for unit in unit_filter:
            subtree |= Q(org_unit__path__startswith=unit.path)
        values = values.filter(subtree)
    else:
        values = values.filter(org_unit_id__in=[u.pk for u in unit_filter])
    return values.select_related("data_element", "category_option_combo", "org_unit").order_by(
        "period", "org_unit_id", "data_element__name", "category_option_combo__sort_order", "pk"
    )
