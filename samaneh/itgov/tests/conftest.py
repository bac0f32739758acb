import pytest

from samaneh.accounts.roles import Role
from samaneh.geo.models import Administration
from tests.factories import RoleFactory, UserFactory

YEAR = 1404


@pytest.fixture
def catalogue(db):
    from samaneh.itgov.demo import create_demo_catalogue

    create_demo_catalogue()


@pytest.fixture
def world(tree, catalogue):
    """Two municipalities (one per province), a dehyari, their staff and the reviewers above them."""
    w = dict(tree)
    w["m1"] = Administration.objects.create(kind="municipality", org_unit=tree["city1"], name="شهرداری کرج")
    w["m2"] = Administration.objects.create(kind="municipality", org_unit=tree["city2"], name="شهرداری کشکوئیه")
    w["dh1"] = Administration.objects.create(kind="dehyari", org_unit=tree["v1"], name="دهیاری کلاک بالا")

    def user(role, unit):
        u = UserFactory()
        RoleFactory(user=u, role=role, org_unit=unit)
        return u

    w["staff1"] = user(Role.MUNICIPALITY_STAFF, tree["city1"])
    w["staff2"] = user(Role.MUNICIPALITY_STAFF, tree["city2"])
    w["county1"] = user(Role.COUNTY_REVIEWER, tree["c1"])
    w["province1"] = user(Role.PROVINCE_REVIEWER, tree["p1"])
    w["province2"] = user(Role.PROVINCE_REVIEWER, tree["p2"])
    w["national_it"] = user(Role.IT_SUPERVISOR, tree["country"])
    w["county_it"] = user(Role.IT_SUPERVISOR, tree["c1"])
    return w


def answer_all_controls(profile, user, answer="implemented"):
    from samaneh.itgov import selectors, services

    for control in selectors.controls_for(profile.year):
        services.control_answer_set(user=user, profile=profile, requirement=control, answer=answer)
