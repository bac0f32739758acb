import pytest
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.stats import demo, periods
from tests.factories import RoleFactory


@pytest.fixture
def sets(tree):
    """The demo forms (metadata only, no values) assigned to city1 (Alborz) and city2 (Kerman)."""
    return demo.create_demo_metadata([tree["city1"], tree["city2"]])


@pytest.fixture
def monthly(sets):
    return sets[periods.MONTHLY]


@pytest.fixture
def yearly(sets):
    return sets[periods.YEARLY]


@pytest.fixture
def this_month():
    return periods.current(periods.MONTHLY, timezone.localdate())


@pytest.fixture
def locked_month(this_month):
    """Three months back: its 15 days of entry after the end are long over."""
    return this_month.previous(3)


def _role(role, unit):
    return RoleFactory(role=role, org_unit=unit).user


@pytest.fixture
def officer(tree):
    return _role(Role.MUNICIPALITY_STAFF, tree["city1"])


@pytest.fixture
def stats_officer(tree):
    return _role(Role.STATISTICS_OFFICER, tree["p1"])


@pytest.fixture
def province_reviewer(tree):
    return _role(Role.PROVINCE_REVIEWER, tree["p1"])


@pytest.fixture
def county_reviewer(tree):
    return _role(Role.COUNTY_REVIEWER, tree["c1"])


@pytest.fixture
def outsider(tree):
    return _role(Role.MUNICIPALITY_STAFF, tree["city2"])
