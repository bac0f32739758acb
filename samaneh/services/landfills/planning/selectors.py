"""Reads for the planner, already narrowed to the user's scope for Perm.LANDFILL_PLAN."""
from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit

from .models import Scenario, ScenarioRun

PLAN_UNIT_KINDS = (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.COUNTY)


def scenario_list(user):
    return (scope.narrow(Scenario.objects.all(), user, Perm.LANDFILL_PLAN, unit_field="unit")
            .select_related("unit", "owner"))


def scenario_get(user, pk):
    return scope.get_or_404(Scenario.objects.select_related("unit", "owner"), user, Perm.LANDFILL_PLAN,
                            unit_field="unit", pk=pk)


def plan_units(user):
    """Provinces and counties the user may plan for."""
    return scope.units(user, Perm.LANDFILL_PLAN).filter(kind__in=PLAN_UNIT_KINDS).order_by("level", "name")


def run_get(user, pk):
    return scope.get_or_404(ScenarioRun.objects.select_related("scenario__unit"), user, Perm.LANDFILL_PLAN,
                            unit_field="scenario__unit", pk=pk)


def latest_run(scenario):
    return scenario.runs.first()


def latest_done_run(scenario):
    return scenario.runs.filter(status=ScenarioRun.Status.DONE).first()
