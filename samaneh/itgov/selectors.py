"""Every read of IT supervision that is not a report, already narrowed to the user's scope."""
from collections import defaultdict

from django.db.models import Count, Q
from django.http import Http404

from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.models import Administration
from samaneh.itgov import scoring
from samaneh.itgov.models import (
    ControlAnswer, Domain, ITProfile, ProductVersion, Requirement, RequirementKind, SecurityTheme, SoftwareUse,
)

READ_PERMS = (Perm.IT_PROFILE_EDIT, Perm.IT_REVIEW, Perm.IT_REPORTS)


def profiles_visible(user):
    """Profiles of administrations the user fills, reviews or reports on."""
    queryset = ITProfile.objects.none()
    for perm in READ_PERMS:
        queryset = queryset | scope.narrow(ITProfile.objects.all(), user, perm)
    return queryset.select_related("administration", "org_unit", "case")


def profile_get(user, pk):
    """One profile in the user's reach, or 404 (never a 403 that confirms it exists)."""
    profile = profiles_visible(user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    return profile


def administrations_editable(user):
    return scope.narrow(Administration.objects.all(), user, Perm.IT_PROFILE_EDIT).select_related("org_unit") \
        .order_by("name")


def domains_for(profile):
    return [d for d in Domain.objects.in_force(profile.year) if d.applies(profile.administration.kind)]


THEME_ORDER = {theme: index for index, theme in enumerate(SecurityTheme.values)}


def controls_for(year):
    """The framework's controls in force in `year`, theme by theme in the framework's own order."""
    controls = Requirement.objects.in_force(year).filter(kind=RequirementKind.CONTROL)
    return sorted(controls, key=lambda c: (THEME_ORDER.get(c.theme, 99), c.code))


def versions_for_domain(domain, year):
    return (ProductVersion.objects.filter(product__domains=domain)
            .filter(Q(product__retired_year__isnull=True) | Q(product__retired_year__gt=year),
                    product__valid_from_year__lte=year)
            .select_related("product__vendor").order_by("product__name", "version"))


def profile_software(profile):
    return (profile.software.select_related("domain", "version__product__vendor")
            .prefetch_related("integrates_with").order_by("domain__sort"))


def profile_controls(profile):
    """Every control in force for the profile's year with its answer (or None) and evidence."""
    answers = {a.requirement_id: a for a in profile.controls.prefetch_related("evidence")}
    return [(control, answers.get(control.pk)) for control in controls_for(profile.year)]


def facts_for(profiles):
    """The scoring model's facts for many profiles in a fixed number of queries: {profile pk: Facts}."""
    profiles = list(profiles)
    ids = [p.pk for p in profiles]
    if not ids:
        return {}
    kinds = dict(Administration.objects.filter(pk__in={p.administration_id for p in profiles}).values_list("pk", "kind"))
    years = {p.year for p in profiles}
    domains = list(Domain.objects.filter(valid_from_year__lte=max(years)))
    applicable = {
        (year, kind): sum(1 for d in domains if d.applies(kind) and d.valid_from_year <= year
                          and (d.retired_year is None or d.retired_year > year))
        for year in years for kind in set(kinds.values())
    }
    controls = list(Requirement.objects.filter(kind=RequirementKind.CONTROL, valid_from_year__lte=max(years))
                    .values("pk", "level", "valid_from_year", "retired_year"))
    answers = defaultdict(dict)
    for profile_id, requirement_id, answer in ControlAnswer.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "requirement_id", "answer"):
        answers[profile_id][requirement_id] = answer
    software = defaultdict(list)
    year_of = {p.pk: p.year for p in profiles}
    rows = (SoftwareUse.objects.filter(profile_id__in=ids)
            .annotate(n_integrations=Count("integrates_with"))
            .values("profile_id", "version_id", "version__support_status", "version__end_of_support",
                    "n_integrations", "satisfaction", "hosting"))
    for row in rows:
        version_end = row["version__end_of_support"]
        supported = bool(row["version_id"]) and row["version__support_status"] != "unsupported" and (
            version_end is None or version_end >= scoring.year_end(year_of[row["profile_id"]]))
        software[row["profile_id"]].append(scoring.SoftwareFact(
            catalogued=bool(row["version_id"]), supported_at_year_end=supported,
            integrations=row["n_integrations"], satisfaction=row["satisfaction"],
            on_premise=row["hosting"] == "on_premise"))
    facts = {}
    for p in profiles:
        in_force = [c for c in controls if c["valid_from_year"] <= p.year
                    and (c["retired_year"] is None or c["retired_year"] > p.year)]
        facts[p.pk] = scoring.Facts(
            year=p.year, applicable_domains=applicable[(p.year, kinds[p.administration_id])],
            software=software[p.pk],
            controls=[(c["level"], answers[p.pk].get(c["pk"])) for c in in_force],
            servers_new=p.servers_new, servers_mid=p.servers_mid, servers_old=p.servers_old,
            workstations_new=p.workstations_new, workstations_mid=p.workstations_mid,
            workstations_old=p.workstations_old, backup_devices=p.backup_devices, offsite_backup=p.offsite_backup,
            bandwidth_mbps=p.bandwidth_mbps, has_it_unit=p.has_it_unit, it_reports_to=p.it_reports_to,
            it_budget_share=p.it_budget_share, has_written_plan=p.has_written_plan,
            staff_permanent=p.staff_permanent, staff_contract=p.staff_contract,
            staff_outsourced=p.staff_outsourced, staff_certified=p.staff_certified, staff_left=p.staff_left,
        )
    return facts


def profile_score(profile):
    """(dimension scores item by item, overall, the weights used) for one profile, computed now."""
    from samaneh.itgov.services import weights_for_year

    weights = weights_for_year(profile.year)
    dims, overall = scoring.score(facts_for([profile])[profile.pk], weights.as_dict() if weights else None)
    return dims, overall, weights
