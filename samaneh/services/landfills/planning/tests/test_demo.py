"""The demo scenario sits on the registry's demo data, is created once, and runs to a proved optimum."""
import time

import pytest

from samaneh.accounts.roles import Role
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.demo import create_demo_landfills
from samaneh.services.landfills.planning import services
from samaneh.services.landfills.planning.demo import create_demo_scenario
from samaneh.services.landfills.planning.models import Scenario, ScenarioRun
from samaneh.services.landfills.planning.tasks import run_scenario
from tests.factories import RoleFactory

K = OrgUnit.Kind


def small_tehran(villages_per_county=30):
    """Tehran with two counties whose seats the registry demo knows, and their villages."""
    country = OrgUnit.objects.create(kind=K.COUNTRY, name="ایران", code="IR")
    tehran = OrgUnit.objects.create(kind=K.PROVINCE, name="تهران", parent=country, code="23")
    for c, county_name in enumerate(("دماوند", "ورامین"), start=1):
        county = OrgUnit.objects.create(kind=K.COUNTY, name=county_name, parent=tehran, code=f"230{c}")
        district = OrgUnit.objects.create(kind=K.DISTRICT, name=f"مرکزی {county_name}", parent=county, code=f"230{c}01")
        rural = OrgUnit.objects.create(kind=K.RURAL_DISTRICT, name=f"دهستان {county_name}", parent=district,
                                       code=f"230{c}0101")
        for i in range(villages_per_county):
            OrgUnit.objects.create(kind=K.VILLAGE, name=f"روستای {county_name} {i}", parent=rural,
                                   code=f"230{c}0101{i:03d}")
    return country, tehran


@pytest.mark.django_db
def test_demo_scenario_is_created_once_and_runs_quickly():
    assert create_demo_scenario() is None  # no province, no villages: nothing to plan
    country, tehran = small_tehran()
    create_demo_landfills(["تهران"])
    planner = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tehran).user
    scenario = create_demo_scenario()
    assert scenario.owner == planner and scenario.unit == tehran and scenario.is_demo
    assert scenario.candidates.count() == 3 and scenario.site_choices.exists()
    assert create_demo_scenario() == scenario and Scenario.objects.count() == 1
    run = services.run_create(planner, scenario=scenario)
    started = time.perf_counter()
    run_scenario(run.pk)
    assert time.perf_counter() - started < 60
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.DONE and run.results["optimal"], run.message
    assert run.results["villages"] == 60
    assert {s["action"] for s in run.results["sites"]} <= {"keep", "close", "open", "unused"}
