"""Reads for the import pages, already narrowed to the user's scope."""
from django.db.models import Q
from django.http import Http404

from samaneh.accounts.roles import Perm
from samaneh.core.text import persian_sort_key
from samaneh.geo import scope
from samaneh.stats.io.models import ImportJob
from samaneh.stats.models import DataSet, DataSetElement


def data_sets_for_entry(user):
    """Data sets with at least one reporting unit the user may enter data for."""
    units = scope.units(user, Perm.STATS_ENTER)
    return DataSet.objects.filter(organisation_units__in=units).distinct().order_by("name")


def data_set_get(user, pk):
    try:
        return data_sets_for_entry(user).get(pk=pk)
    except (DataSet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def template_units(user, data_set):
    """The data set's reporting units that the user may enter data for, in Persian alphabetical order."""
    units = scope.narrow(data_set.organisation_units.select_related("parent"), user, Perm.STATS_ENTER, unit_field=None)
    return sorted(units, key=lambda u: (persian_sort_key(u.name), persian_sort_key(u.parent.name if u.parent else "")))


def template_columns(data_set):
    """(element, option combo) pairs a person fills, in form order. Computed (feed) elements are left out:
    nobody may type over them."""
    memberships = (
        DataSetElement.objects.filter(data_set=data_set, data_element__feed="")
        .select_related("data_element__category_combo")
        .order_by("sort_order", "id")
    )
    columns = []
    for membership in memberships:
        element = membership.data_element
        for coc in element.category_combo.option_combos.order_by("sort_order", "id"):
            columns.append((element, coc))
    return columns


def jobs_visible(user):
    """The user's own import jobs, plus — for statistics managers — every job in their scope."""
    managed = scope.narrow(ImportJob.objects.all(), user, Perm.STATS_MANAGE)
    return (
        ImportJob.objects.filter(Q(user=user) | Q(pk__in=managed.values("pk")))
        .select_related("data_set", "user", "org_unit")
        .order_by("-created_at", "-pk")
    )


def job_get(user, pk):
    try:
        return jobs_visible(user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None
