"""The scope matrix: every role, granted on every kind of unit it may hold, reaches exactly that unit's
subtree — in `scope.units`, in `scope.narrow` over other models, and in the workspace view — and
nothing outside it, which is a 404 (never a 403 that confirms the unit exists)."""
import pytest
from django.urls import reverse

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import PERMISSIONS, ROLE_UNIT_KINDS, Perm, Role
from samaneh.geo import scope
from samaneh.geo.models import Administration, OrgUnit
from tests.factories import RoleFactory, UserFactory

K = OrgUnit.Kind
VIEW = Perm.VIEW_WORKSPACE

# Where a grant of each kind lands in the `tree` fixture, in each of its two provinces.
UNIT_KEY = {K.COUNTRY: "country", K.PROVINCE: "p", K.COUNTY: "c", K.DISTRICT: "d", K.CITY: "city",
            K.RURAL_DISTRICT: "rd", K.VILLAGE: "v"}


def unit_key(kind, side):
    return "country" if kind == K.COUNTRY else f"{UNIT_KEY[kind]}{side}"


GRANTS = [
    (role.value, kind.value, side)
    for role in Role
    for kind in sorted(ROLE_UNIT_KINDS[role])
    for side in ((1,) if kind == K.COUNTRY else (1, 2))
]


def test_every_role_has_unit_kinds():
    assert set(ROLE_UNIT_KINDS) == set(Role)
    assert all(ROLE_UNIT_KINDS[role] for role in Role)


@pytest.fixture
def populated(tree):
    """Rows of other models on every unit that can hold them: municipalities, dehyaris, role grants."""
    for key in ("city1", "city2"):
        Administration.objects.create(kind=Administration.Kind.MUNICIPALITY, org_unit=tree[key], name=f"شهرداری {key}")
    for key in ("v1", "v1b", "v2"):
        Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree[key], name=f"دهیاری {key}")
    bystander = UserFactory()
    for unit in tree.values():
        role = next((r for r in Role if unit.kind in ROLE_UNIT_KINDS[r]), None)
        if role is not None:
            RoleFactory(user=bystander, role=role, org_unit=unit)
    return tree


def pks(queryset, field="pk"):
    return set(queryset.values_list(field, flat=True))


@pytest.mark.parametrize(
    "role, kind, side", GRANTS, ids=[f"{r}@{k}{s if k != 'country' else ''}" for r, k, s in GRANTS]
)
def test_role_reaches_its_subtree_and_nothing_else(client, populated, role, kind, side):
    tree = populated
    granted = tree[unit_key(kind, side)]
    user = UserFactory()
    own = RoleFactory(user=user, role=role, org_unit=granted)
    inside = {unit.pk for unit in tree.values() if unit.is_within(granted)}
    outside = {unit.pk for unit in tree.values()} - inside
    assert granted.pk in inside
    assert bool(outside) == (kind != K.COUNTRY)  # two provinces: below the country something is always outside

    for permission, roles in PERMISSIONS.items():
        expected = inside if role in roles else set()
        assert pks(scope.units(user, permission)) == expected, permission
    assert pks(scope.narrow(Administration.objects.all(), user, VIEW), "org_unit") == (
        pks(Administration.objects.all(), "org_unit") & inside
    )
    reachable_roles = scope.narrow(RoleAssignment.objects.all(), user, VIEW)
    assert pks(reachable_roles, "org_unit") == pks(RoleAssignment.objects.all(), "org_unit") & inside
    assert own in reachable_roles
    for unit in tree.values():
        assert scope.can_act(user, VIEW, unit) == (unit.pk in inside)

    client.force_login(user)
    for unit in tree.values():
        status = client.get(reverse("geo:workspace", args=[unit.pk])).status_code
        assert status == (200 if unit.pk in inside else 404), (unit, status)


@pytest.mark.parametrize("role", [r for r in Role if K.COUNTRY in ROLE_UNIT_KINDS[r]])
def test_without_an_active_role_nothing_is_reachable(client, populated, role):
    tree = populated
    nobody = UserFactory()
    inactive = UserFactory(is_active=False)
    RoleFactory(user=inactive, role=role, org_unit=tree["country"])
    for user in (nobody, inactive):
        for permission in PERMISSIONS:
            assert not scope.units(user, permission).exists()
        assert not scope.narrow(Administration.objects.all(), user, VIEW).exists()
        assert not scope.narrow(RoleAssignment.objects.all(), user, VIEW).exists()
        assert not any(scope.can_act(user, VIEW, unit) for unit in tree.values())

    client.force_login(nobody)
    for unit in tree.values():
        assert client.get(reverse("geo:workspace", args=[unit.pk])).status_code == 404
    # An inactive account's session does not authenticate: the workspace sends it to the login page.
    client.force_login(inactive)
    for unit in tree.values():
        response = client.get(reverse("geo:workspace", args=[unit.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:staff-login"))


def test_superuser_reaches_the_whole_tree(client, populated):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert pks(scope.units(admin, VIEW)) == {unit.pk for unit in populated.values()}
    client.force_login(admin)
    assert client.get(reverse("geo:workspace", args=[populated["v2"].pk])).status_code == 200


def test_two_grants_reach_both_subtrees(client, populated):
    tree = populated
    user = UserFactory()
    RoleFactory(user=user, role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"])
    RoleFactory(user=user, role=Role.DEHYARI_STAFF, org_unit=tree["v2"])
    assert pks(scope.units(user, VIEW)) == {tree["city1"].pk, tree["v2"].pk}
    client.force_login(user)
    assert client.get(reverse("geo:workspace", args=[tree["v2"].pk])).status_code == 200
    assert client.get(reverse("geo:workspace", args=[tree["v1"].pk])).status_code == 404


@pytest.mark.django_db
def test_holders_are_the_users_whose_role_reaches_the_units(tree):
    from samaneh.accounts.roles import Perm, Role
    from samaneh.geo import scope
    from tests.factories import RoleFactory

    county = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user
    city = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    other = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    stats = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["p1"]).user  # no CASE_VIEW
    retired = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    retired.is_active = False
    retired.save()
    assert set(scope.holders(Perm.CASE_VIEW, [tree["city1"]])) == {county, city}
    assert set(scope.holders(Perm.CASE_VIEW)) == {county, city, other}
    assert stats not in set(scope.holders(Perm.CASE_VIEW))


@pytest.mark.django_db
def test_roots_are_the_top_units_of_the_scope(tree):
    from samaneh.accounts.roles import Perm, Role
    from samaneh.geo import scope
    from tests.factories import RoleFactory

    user = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user
    RoleFactory(user=user, role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"])  # inside the county: no new root
    RoleFactory(user=user, role=Role.PROVINCE_REVIEWER, org_unit=tree["p2"])
    assert scope.roots(user, Perm.CASE_VIEW) == [tree["p2"], tree["c1"]]
    assert scope.roots(user, Perm.IMPORT_DEHYARIS) == [tree["p2"]]
