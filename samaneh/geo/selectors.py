"""Reads of the org-unit tree.

The tree itself is public (Iran's divisions are public data); what staff see of a unit — its
administrations and who holds roles in it — is narrowed through `samaneh.geo.scope`.
"""
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import Perm
from samaneh.core.text import persian_sort_key, search_key
from samaneh.geo import scope
from samaneh.geo.models import Administration, OrgUnit

WORKSPACE_FIRST_ROWS = 50

_KIND_RANK = {kind.value: rank for rank, kind in enumerate(OrgUnit.Kind)}


def _in_tree_order(units):
    return sorted(units, key=lambda unit: (_KIND_RANK[unit.kind], persian_sort_key(unit.name), unit.pk))


def province_list():
    return _in_tree_order(OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE))


def unit_children(unit, *, kind=None):
    """The unit's children, kinds in tree order and names in Persian alphabetical order.

    Sorted in Python: the largest family (a rural district's villages) is a few hundred rows.
    """
    children = unit.children.all()
    if kind:
        children = children.filter(kind=kind)
    return _in_tree_order(children.only("pk", "kind", "name", "code", "path"))


def unit_search(*, query, kind=None, level=None, parent=None, within=None):
    """Units matching `query` the way people type it (Arabic ی/ک, Persian digits, ZWNJ or space).

    `parent` keeps direct children of that unit; `within` keeps its whole subtree below it. A query that
    is all digits also matches the start of the national division code. Names starting with the query
    come first.
    """
    units = OrgUnit.objects.all()
    key = search_key(query or "")
    if key:
        match = Q(search_name__contains=key)
        if key.isdigit():
            match |= Q(code__startswith=key)
        units = units.filter(match).annotate(
            rank=Case(When(search_name__startswith=key, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("rank", "level", "search_name", "pk")
    else:
        units = units.order_by("level", "search_name", "pk")
    if kind:
        units = units.filter(kind=kind)
    if level is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=parent)
    if within is not None:
        units = units.filter(path__startswith=within.path).exclude(pk=within.pk)
    return units


def attach_breadcrumbs(units):
    """Give each unit `.breadcrumb`: its ancestors from the country down, itself excluded.

    One query for the whole list, whatever its length.
    """
    units = list(units)
    wanted = {pk for unit in units for pk in unit.ancestor_ids()[:-1]}
    by_pk = OrgUnit.objects.only("pk", "kind", "name", "path").in_bulk(wanted)
    for unit in units:
        unit.breadcrumb = [by_pk[pk] for pk in unit.ancestor_ids()[:-1] if pk in by_pk]
    return units


def unit_administrations(unit):
    return list(unit.administrations.order_by("kind", "name"))


@dataclass
class WorkspaceSummary:
    unit_counts: list  # [(kind label, n)] for each kind below the unit, tree order
    administration_counts: list  # [(kind label, n)]
    administrations: list  # the first WORKSPACE_FIRST_ROWS
    administrations_total: int
    role_assignments: list  # the first WORKSPACE_FIRST_ROWS
    role_assignments_total: int


def workspace_summary(*, user, unit):
    """What a staff member sees of `unit`: the size of its subtree, its administrations and its staff."""
    permission = Perm.VIEW_WORKSPACE
    below = scope.narrow(
        OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk), user, permission, unit_field=None
    )
    unit_counts = dict(below.order_by().values_list("kind").annotate(n=Count("pk")))

    administrations = scope.narrow(
        Administration.objects.filter(org_unit__path__startswith=unit.path), user, permission
    )
    administration_counts = dict(administrations.order_by().values_list("kind").annotate(n=Count("pk")))

    assignments = scope.narrow(RoleAssignment.objects.filter(org_unit__path__startswith=unit.path), user, permission)
    return WorkspaceSummary(
        unit_counts=[(kind.label, unit_counts[kind.value]) for kind in OrgUnit.Kind if kind.value in unit_counts],
        administration_counts=[(kind.label, administration_counts.get(kind.value, 0)) for kind in Administration.Kind],
        administrations=list(
            administrations.select_related("org_unit").order_by("kind", "org_unit__level", "name", "pk")[
                :WORKSPACE_FIRST_ROWS
            ]
        ),
        administrations_total=sum(administration_counts.values()),
        role_assignments=list(
            assignments.select_related("user", "org_unit").order_by("org_unit__level", "org_unit__path", "role", "pk")[
                :WORKSPACE_FIRST_ROWS
            ]
        ),
        role_assignments_total=assignments.count(),
    )
