"""A demo consolidation scenario for Tehran province, on the registry's demo villages and sites
(`samaneh.services.landfills.demo.create_demo_landfills`), owned by the Tehran province reviewer demo account
(or any national expert). Three candidate regional sites near county seats. Idempotent."""
from django.contrib.auth import get_user_model
from django.db import transaction

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import Role
from samaneh.geo.demo import DEMO_LABEL
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import ServedPlace

from . import services
from .models import Scenario

DEMO_NAME = f"تجمیع مراکز دفن استان تهران ({DEMO_LABEL})"
# (name, latitude, longitude) near Varamin, Damavand and Shahriar county seats
CANDIDATES = [
    ("مرکز دفن منطقه‌ای پیشنهادی ورامین", 35.28, 51.70),
    ("مرکز دفن منطقه‌ای پیشنهادی دماوند", 35.66, 52.12),
    ("مرکز دفن منطقه‌ای پیشنهادی شهریار", 35.60, 51.00),
]


def _planner_for(province):
    assignment = (RoleAssignment.objects.filter(role=Role.PROVINCE_REVIEWER, org_unit=province, user__is_active=True)
                  .select_related("user").order_by("pk").first())
    if assignment is None:
        assignment = (RoleAssignment.objects.filter(role=Role.NATIONAL_EXPERT, user__is_active=True)
                      .select_related("user").order_by("pk").first())
    return assignment.user if assignment else get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


@transaction.atomic
def create_demo_scenario(province_name="تهران"):
    """Return the demo scenario (created once), or None when the province or its demo villages are absent."""
    province = OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE, name=province_name).order_by("pk").first()
    if province is None or not ServedPlace.objects.filter(org_unit__path__startswith=province.path).exists():
        return None
    existing = Scenario.objects.filter(is_demo=True, unit=province).first()
    if existing is not None:
        return existing
    owner = _planner_for(province)
    if owner is None:
        return None
    scenario = services.scenario_create(
        owner, unit=province, name=DEMO_NAME, is_demo=True, waste_kg_per_person_day=0.6,
        cost_per_tonne_km=150_000, max_haul_km=60, horizon_years=10, single_source=False,
    )
    # Three regional sites, each able to take two fifths of the rural waste over the horizon. Split
    # assignment: the exact answer is proved in seconds here, while single-source on this size may not be.
    tonnes = sum(ServedPlace.objects.filter(org_unit__path__startswith=province.path)
                 .values_list("population", flat=True)) * 0.6 / 1000 * 365 * 10
    for name, lat, lon in CANDIDATES:
        services.candidate_add(owner, scenario=scenario, name=name, latitude=lat, longitude=lon,
                               capacity_tonnes=round(max(tonnes / 2.5, 1000), -2),
                               opening_cost_million_rials=400_000)
    # Keeping a dump costs its remediation (fence, lining, leachate collection) where the registry has one.
    for choice in scenario.site_choices.select_related("site"):
        choice.upgrade_cost_million_rials = choice.site.remediation_cost_million_rials or 50_000
        choice.save(update_fields=["upgrade_cost_million_rials"])
    return scenario
