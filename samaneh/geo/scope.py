"""The one scope module: which org units may this user act on for this permission.

Every list, detail, export and API endpoint narrows its queryset here; nothing else filters by
role or unit by hand. A role granted on a unit reaches the unit's whole subtree (path prefix).
"""
from django.db.models import Q
from django.http import Http404

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import Role, roles_with
from samaneh.geo.models import OrgUnit


def _root_paths(user, permission):
    """The smallest set of subtree roots (paths) the user reaches for `permission`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = getattr(user, "_scope_paths_cache", None)
    if cache is None:
        cache = {}
        user._scope_paths_cache = cache
    if permission not in cache:
        roles = roles_with(permission)
        if user.is_superuser:
            paths = list(OrgUnit.objects.filter(parent__isnull=True).values_list("path", flat=True))
        else:
            paths = list(
                user.role_assignments.filter(role__in=[Role(r) for r in roles]).values_list("org_unit__path", flat=True)
            )
        paths.sort(key=len)
        roots = []
        for p in paths:
            if not any(p.startswith(r) for r in roots):
                roots.append(p)
        cache[permission] = roots
    return cache[permission]


def forget(user):
    """Drop the per-request cache (after roles change)."""
    if hasattr(user, "_scope_paths_cache"):
        del user._scope_paths_cache


def _q(paths, unit_field):
    prefix = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{prefix: p})
    return q


def roots(user, permission):
    """The top units of the user's scope for `permission` (none inside another), highest first."""
    return list(OrgUnit.objects.filter(path__in=_root_paths(user, permission)).order_by("level", "path"))


def units(user, permission):
    """All org units the user may act on for `permission`."""
    return narrow(OrgUnit.objects.all(), user, permission, unit_field=None)


def narrow(queryset, user, permission, unit_field="org_unit"):
    """`queryset` limited to rows whose unit (reached via `unit_field`) is in the user's scope.

    `unit_field=None` means the queryset is of OrgUnit itself.
    """
    paths = _root_paths(user, permission)
    if not paths:
        return queryset.none()
    return queryset.filter(_q(paths, unit_field))


def can_act(user, permission, unit):
    return any(unit.path.startswith(p) for p in _root_paths(user, permission))


def roles_reaching(user, unit):
    """The roles the user holds on `unit` or any unit above it (a role reaches its whole subtree)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {Role.SYSTEM_ADMIN}
    return {
        Role(role)
        for role in user.role_assignments.filter(org_unit_id__in=unit.ancestor_ids()).values_list("role", flat=True)
    }


def holders(permission, units=None):
    """Active users holding a role with `permission` that reaches at least one of `units` (a role on the
    unit or a unit above it) — or reaches anywhere, when `units` is None. The reverse of `units()`."""
    from django.contrib.auth import get_user_model

    assignments = RoleAssignment.objects.filter(role__in=[Role(r) for r in roles_with(permission)])
    if units is not None:
        ancestor_ids = {pk for unit in units for pk in unit.ancestor_ids()}
        assignments = assignments.filter(org_unit_id__in=ancestor_ids)
    return get_user_model().objects.filter(is_active=True, pk__in=assignments.values("user_id"))


def get_or_404(queryset, user, permission, unit_field="org_unit", **lookup):
    """One object in scope, or 404 — never a 403 that confirms the object exists."""
    try:
        return narrow(queryset, user, permission, unit_field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
