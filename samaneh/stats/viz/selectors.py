"""Reads for the statistics pages, narrowed to the viewer's scope."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.selectors import unit_children
from samaneh.stats import periods
from samaneh.stats.models import CompleteRegistration, DataElement, DataSet, Indicator
from samaneh.stats.viz.models import Dashboard, SavedVisualization

# DHIS2 levels (country 1 … village 6) offered in the unit picker, with Persian names.
LEVELS = [(2, _("استان‌ها")), (3, _("شهرستان‌ها")), (4, _("بخش‌ها")), (5, _("شهرها و دهستان‌ها")), (6, _("روستاها"))]
RELATIVE_PERIODS = [
    ("THIS_MONTH", _("ماه جاری")), ("LAST_MONTH", _("ماه گذشته")), ("LAST_3_MONTHS", _("سه ماه گذشته")),
    ("LAST_6_MONTHS", _("شش ماه گذشته")), ("LAST_12_MONTHS", _("دوازده ماه گذشته")), ("MONTHS_THIS_YEAR", _("ماه‌های امسال")),
    ("THIS_QUARTER", _("فصل جاری")), ("LAST_QUARTER", _("فصل گذشته")), ("LAST_4_QUARTERS", _("چهار فصل گذشته")),
    ("QUARTERS_THIS_YEAR", _("فصل‌های امسال")), ("THIS_YEAR", _("امسال")), ("LAST_YEAR", _("سال گذشته")),
    ("LAST_5_YEARS", _("پنج سال گذشته")), ("LAST_4_WEEKS", _("چهار هفته گذشته")), ("LAST_12_WEEKS", _("دوازده هفته گذشته")),
]
RELATIVE_NAMES = dict(RELATIVE_PERIODS)


def has_stats_scope(user):
    return bool(scope.roots(user, Perm.STATS_VIEW))


def data_items():
    """Elements (numeric and boolean: what can be aggregated) then indicators, for the data picker."""
    elements = [{"uid": e.uid, "name": e.name, "kind": "element", "aggregation": e.get_aggregation_type_display()}
                for e in DataElement.objects.exclude(value_type="TEXT").order_by("name")]
    indicators = [{"uid": i.uid, "name": i.name, "kind": "indicator", "aggregation": ""}
                  for i in Indicator.objects.order_by("name")]
    return elements + indicators


def scope_roots(user):
    return scope.roots(user, Perm.STATS_VIEW)


def unit_children_in_scope(user, unit):
    """Children of a unit the viewer reaches (the tree below one of their roots)."""
    if not scope.can_act(user, Perm.STATS_VIEW, unit):
        return []
    return list(unit_children(unit))


def period_choices(period_type, year):
    """The periods of one Jalali year, oldest first."""
    if period_type == periods.YEARLY:
        return [periods.year(y) for y in range(year - 9, year + 1)]
    return periods.year(year).children(period_type)


def recent_data_sets(user, limit=8):
    """Data sets assigned to units in the viewer's scope, with how many of those units report and the
    latest form one of them marked complete (completions are few; values can be millions)."""
    units = scope.units(user, Perm.STATS_VIEW)
    sets = DataSet.objects.filter(organisation_units__in=units).distinct().order_by("-last_updated")[:limit]
    result = []
    for data_set in sets:
        latest = (CompleteRegistration.objects.filter(data_set=data_set, org_unit__in=units)
                  .order_by("-period", "-completed_at").values_list("period", "completed_at").first())
        result.append({
            "data_set": data_set,
            "units": data_set.organisation_units.filter(pk__in=units).count(),
            "latest_period": periods.parse(latest[0]).label if latest else None,
            "latest_update": latest[1] if latest else None,
        })
    return result


def saved_visualizations(user):
    return SavedVisualization.objects.filter(owner=user)


def visible_dashboards(user):
    """The viewer's own dashboards and those shared with statistics users (numbers follow the viewer)."""
    if not has_stats_scope(user):
        return Dashboard.objects.none()
    return Dashboard.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def dashboard_items(dashboard):
    return list(dashboard.items.select_related("visualization").order_by("order", "pk"))
