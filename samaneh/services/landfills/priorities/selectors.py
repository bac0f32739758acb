"""Reads of the priority model, already narrowed to the user's scope."""
from dataclasses import dataclass

from samaneh.geo import scope
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.selectors import with_complaints
from samaneh.services.landfills.priorities.knapsack import Allocation, knapsack
from samaneh.services.landfills.priorities.scoring import SiteScore, score_site
from samaneh.services.landfills.priorities.services import weights_current

# One more billion rials, in the million-rial unit costs are kept in.
ONE_BILLION_RIALS_IN_MILLIONS = 1000


def site_scores(*, user, permission, within=None) -> tuple[list[SiteScore], object]:
    """Every non-closed site in scope (and under `within`), scored with the weights in force, best first."""
    sites = scope.narrow(Site.objects.exclude(status=Site.Status.CLOSED), user, permission)
    if within is not None:
        sites = sites.filter(org_unit__path__startswith=within.path)
    sites = with_complaints(sites.select_related("org_unit", "org_unit__parent"))
    weight_set = weights_current()
    scores = [score_site(site, weight_set.weights) for site in sites]
    scores.sort(key=lambda s: (-s.score, s.site.name))
    return scores, weight_set


@dataclass
class AllocationResult:
    allocation: Allocation
    chosen: list[SiteScore]
    not_chosen: list[SiteScore]
    uncosted: list[SiteScore]  # sites with no remediation estimate cannot be funded yet
    # What one more billion rials would add: the extra priority and the sites that enter or leave.
    extra_value: float
    entering: list[SiteScore]
    leaving: list[SiteScore]


def allocation_plan(*, user, permission, budget_millions: float, within=None) -> tuple[AllocationResult, object]:
    scores, weight_set = site_scores(user=user, permission=permission, within=within)
    costed = [s for s in scores if s.site.remediation_cost_million_rials is not None]
    uncosted = [s for s in scores if s.site.remediation_cost_million_rials is None]
    values = [s.score for s in costed]
    costs = [s.site.remediation_cost_million_rials for s in costed]
    plan = knapsack(values, costs, budget_millions)
    more = knapsack(values, costs, budget_millions + ONE_BILLION_RIALS_IN_MILLIONS)
    chosen_set, more_set = set(plan.chosen), set(more.chosen)
    result = AllocationResult(
        allocation=plan,
        chosen=[costed[i] for i in plan.chosen],
        not_chosen=[s for i, s in enumerate(costed) if i not in chosen_set],
        uncosted=uncosted,
        extra_value=more.value - plan.value,
        entering=[costed[i] for i in sorted(more_set - chosen_set)],
        leaving=[costed[i] for i in sorted(chosen_set - more_set)],
    )
    return result, weight_set
