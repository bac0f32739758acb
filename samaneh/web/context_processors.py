"""What the menus may offer this user: the permissions their roles carry (one query, only when a template
asks). Pages still check scope themselves; this only decides which links are worth showing."""
from django.utils.functional import SimpleLazyObject

from samaneh.accounts.roles import PERMISSIONS, Role


def _permissions(user):
    if not user.is_authenticated or getattr(user, "is_citizen", False):
        return frozenset()
    if user.is_superuser:
        return frozenset(PERMISSIONS)
    roles = {Role(r) for r in user.role_assignments.values_list("role", flat=True)}
    return frozenset(perm for perm, holders in PERMISSIONS.items() if roles & set(holders))


def menu(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"menu_perms": SimpleLazyObject(lambda: _MenuPerms(_permissions(user)))}


class _MenuPerms:
    """`menu_perms.stats_view` in templates: permission codes with dots and underscores swapped."""

    def __init__(self, perms):
        self._perms = perms

    def __getattr__(self, name):
        return name.replace("_", ".", 1) in self._perms

    def __bool__(self):
        return bool(self._perms)
