"""The demo statistics on the shared two-province tree (Alborz and Kerman, one municipality each), and
statistics officers at the country, at one province and at one county."""
import datetime as dt

import pytest

from samaneh.accounts.roles import Role
from samaneh.stats.demo import UID, create_demo_stats
from samaneh.stats.uids import org_unit_uid
from tests.factories import RoleFactory, UserFactory

TODAY = dt.date(2026, 12, 1)  # 10 Azar 1405: the demo holds 1403/09 … 1405/08
MONTHS = ["140501", "140502", "140503"]
REV_FEES = UID["REV_FEES"]  # SUM
BUDGET_SPENT_PCT = UID["BUDGET_SPENT_PCT"]  # AVERAGE
CMP_ANSWERED_PCT = "TJY7Re5Pveo"  # indicator


@pytest.fixture
def stats(tree):
    create_demo_stats(today=TODAY)
    return tree


def officer(unit, role=Role.STATISTICS_OFFICER):
    user = UserFactory()
    RoleFactory(user=user, role=role, org_unit=unit)
    return user


@pytest.fixture
def national(stats):
    return officer(stats["country"])


@pytest.fixture
def county_officer(stats):
    return officer(stats["c2"])


def uid(unit):
    return org_unit_uid(unit)


def params(dx, pe, ou, rows="ou", columns="pe", **extra):
    """GET parameters of the explorer, for the test client."""
    place = {rows: "rows", columns: "columns"}
    data = {"dx": dx, "pe": pe, "ou": ou}
    for dim in ("dx", "pe", "ou"):
        data[f"layout_{dim}"] = place.get(dim, "filters")
    data.update(extra)
    return data
