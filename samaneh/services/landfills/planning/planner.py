"""From a scenario to a facility-location problem and back: demand, distances, costs, and the answer told
as sites kept, closed and opened, village assignments, and the before/after figures.

Units: tonnes over the planning horizon (population × kg/person/day × 365 × years), kilometres, and
million rials for every cost so the solver's numbers stay in a sane range.
"""
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from samaneh.core.text import localize_digits
from samaneh.geo.distance import distance_km_matrix
from samaneh.services.landfills.models import ServedPlace, Site
from samaneh.services.landfills.selectors import populations

from .models import Scenario, SiteChoice
from .solver import FORCED_CLOSED, FORCED_OPEN, PlanningError, Problem

LIVE_STATUSES = (Site.Status.ACTIVE, Site.Status.CLOSING)


@dataclass
class Facility:
    code: str
    name: str
    latitude: float
    longitude: float
    capacity: float
    fixed_cost: float
    existing: bool
    kind: str
    forced: str | None
    serves: tuple[str, ...] = ()  # village codes the registry records as served by this site today


@dataclass
class Village:
    code: str
    name: str
    latitude: float
    longitude: float
    population: int
    tonnes: float
    population_from_stats: bool = False


def live_sites(scenario):
    return Site.objects.filter(org_unit__path__startswith=scenario.unit.path, status__in=LIVE_STATUSES)


def _village_code(unit):
    return unit.code or str(unit.pk)


def villages_of(scenario):
    """Demand points with a population above zero, the statistical system's figure first (see
    `selectors.populations`)."""
    tonnes_per_person = scenario.waste_kg_per_person_day / 1000 * 365 * scenario.horizon_years
    places = list(ServedPlace.objects.filter(org_unit__path__startswith=scenario.unit.path)
                  .select_related("org_unit").order_by("org_unit__code", "pk"))
    counts = populations(places)
    villages = []
    for p in places:
        population, from_stats = counts[p.org_unit_id]
        if population > 0:
            villages.append(Village(code=_village_code(p.org_unit), name=p.org_unit.name,
                                    latitude=p.latitude, longitude=p.longitude, population=population,
                                    tonnes=population * tonnes_per_person, population_from_stats=from_stats))
    return villages


def facilities_of(scenario):
    choices = {c.site_id: c for c in scenario.site_choices.all()}
    facilities = []
    for site in live_sites(scenario).order_by("code").prefetch_related("villages_served"):
        choice = choices.get(site.pk)
        decision = choice.decision if choice else SiteChoice.Decision.MAY_STAY
        facilities.append(Facility(
            code=site.code, name=site.name, latitude=site.latitude, longitude=site.longitude,
            capacity=choice.capacity_tonnes if choice else site.remaining_capacity_tonnes,
            fixed_cost=choice.upgrade_cost_million_rials if choice else 0.0, existing=True, kind=site.kind,
            forced={SiteChoice.Decision.KEEP: FORCED_OPEN, SiteChoice.Decision.CLOSE: FORCED_CLOSED}.get(decision),
            serves=tuple(_village_code(v) for v in site.villages_served.all()),
        ))
    for candidate in scenario.candidates.all():
        facilities.append(Facility(
            code=candidate.code, name=candidate.name, latitude=candidate.latitude, longitude=candidate.longitude,
            capacity=candidate.capacity_tonnes, fixed_cost=candidate.opening_cost_million_rials, existing=False,
            kind="candidate", forced=None,
        ))
    return facilities


def missing_road_pairs(road_km, villages, facilities):
    return [(v.code, f.code) for v in villages for f in facilities
            if f.forced != FORCED_CLOSED and road_km.get(v.code, {}).get(f.code) is None]


def missing_pairs_message(missing):
    shown = _("، ").join(f"{v} ← {f}" for v, f in missing[:15])
    more = _(" و %(n)s جفت دیگر") % {"n": localize_digits(len(missing) - 15)} if len(missing) > 15 else ""
    return _("ماتریس فاصله جاده‌ای این جفت‌های «روستا ← مرکز» را ندارد: %(pairs)s%(more)s") % {
        "pairs": localize_digits(shown), "more": more}


def distances(scenario, villages, facilities):
    if scenario.distance == Scenario.Distance.ROAD_MATRIX:
        missing = missing_road_pairs(scenario.road_km, villages, facilities)
        if missing:
            raise PlanningError(missing_pairs_message(missing))
        km = np.array([[scenario.road_km.get(v.code, {}).get(f.code, np.inf) for v in villages] for f in facilities],
                      dtype=float)
        return km
    return distance_km_matrix([f.latitude for f in facilities], [f.longitude for f in facilities],
                        [v.latitude for v in villages], [v.longitude for v in villages])


def build_problem(scenario):
    villages = villages_of(scenario)
    facilities = facilities_of(scenario)
    if not villages:
        raise PlanningError(_("در این محدوده هیچ روستای دارای مختصات و جمعیت ثبت نشده است."))
    if not facilities:
        raise PlanningError(_("در این محدوده هیچ مرکز فعال یا گزینه مرکز جدیدی نیست."))
    km = distances(scenario, villages, facilities)
    tonnes = np.array([v.tonnes for v in villages])
    cost = km * scenario.cost_per_tonne_km * tonnes[None, :] / 1e6
    cost[km > scenario.max_haul_km] = np.inf
    problem = Problem(
        fixed_cost=[f.fixed_cost for f in facilities], capacity=[f.capacity for f in facilities], demand=tonnes,
        cost=cost, facility_names=[f.name for f in facilities], customer_names=[v.name for v in villages],
        forced={i: f.forced for i, f in enumerate(facilities) if f.forced}, single_source=scenario.single_source,
    )
    return problem, villages, facilities, km


def describe(scenario, solution, villages, facilities, km):
    """The run's results JSON: what a map, a table and an Excel sheet need, nothing solver-shaped."""
    open_set = set(solution.open_facilities)
    load = np.zeros(len(facilities))
    assignments = []
    tonne_km_after = 0.0
    for j, served in enumerate(solution.assignment):
        village = villages[j]
        for i, share in served:
            load[i] += share * village.tonnes
            tonne_km_after += share * village.tonnes * km[i, j]
            assignments.append({
                "village": village.code, "name": village.name, "lat": village.latitude, "lon": village.longitude,
                "population": village.population, "tonnes": round(share * village.tonnes, 2),
                "site": facilities[i].code, "share": round(share, 4), "km": round(float(km[i, j]), 2),
            })
    sites = []
    for i, f in enumerate(facilities):
        if f.existing:
            action = "keep" if i in open_set else "close"
        else:
            action = "open" if i in open_set else "unused"
        sites.append({
            "code": f.code, "name": f.name, "lat": f.latitude, "lon": f.longitude, "existing": f.existing,
            "kind": f.kind, "action": action, "capacity": round(f.capacity, 2), "load": round(float(load[i]), 2),
            "fixed_cost": f.fixed_cost,
        })
    before = current_assignment(villages, facilities, km)
    if before["tonne_km"] is not None:
        before["transport_cost"] = round(before["tonne_km"] * scenario.cost_per_tonne_km / 1e6, 2)
    existing = [s for s in sites if s["existing"]]
    return {
        "objective": solution.objective,
        "fixed_cost": solution.fixed_cost,
        "transport_cost": solution.transport_cost,
        "optimal": solution.optimal,
        "method": solution.method,
        "seconds": round(solution.seconds, 3),
        "heuristic_objective": solution.heuristic_objective,
        "tonnes": round(sum(v.tonnes for v in villages), 2),
        "villages": len(villages),
        "villages_population_from_stats": sum(1 for v in villages if v.population_from_stats),
        "before": before,
        "after": {"tonne_km": round(tonne_km_after, 1),
                  "transport_cost": round(tonne_km_after * scenario.cost_per_tonne_km / 1e6, 2),
                  "points": len(open_set)},
        "removed": sum(1 for s in existing if s["action"] == "close"),
        "opened": sum(1 for s in sites if s["action"] == "open"),
        "kept": sum(1 for s in existing if s["action"] == "keep"),
        "sites": sites,
        "assignments": assignments,
        "parameters": {
            "waste_kg_per_person_day": scenario.waste_kg_per_person_day,
            "cost_per_tonne_km": scenario.cost_per_tonne_km, "max_haul_km": scenario.max_haul_km,
            "single_source": scenario.single_source, "horizon_years": scenario.horizon_years,
            "distance": scenario.distance,
        },
    }


def current_assignment(villages, facilities, km):
    """Today, the baseline the plan is compared with: a village goes where the registry says it goes
    (split evenly when several sites serve it), and a village no site records goes to its nearest existing
    site. `recorded` counts the villages placed by the registry."""
    existing = [i for i, f in enumerate(facilities) if f.existing]
    if not existing:
        return {"tonne_km": None, "transport_cost": None, "points": 0, "recorded": 0}
    serving = {}
    for i in existing:
        for code in facilities[i].serves:
            serving.setdefault(code, []).append(i)
    sub = km[existing]
    nearest = np.nanmin(np.where(np.isfinite(sub), sub, np.nan), axis=0)
    tonne_km = 0.0
    recorded = 0
    for j, village in enumerate(villages):
        sites = [i for i in serving.get(village.code, ()) if np.isfinite(km[i, j])]
        if sites:
            recorded += 1
            tonne_km += village.tonnes * float(np.mean(km[sites, j]))
        elif np.isfinite(nearest[j]):
            tonne_km += village.tonnes * float(nearest[j])
    return {"tonne_km": round(tonne_km, 1), "points": len(existing), "recorded": recorded}
