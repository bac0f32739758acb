from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.models import Administration, OrgUnit


def home(request):
    counts = dict(OrgUnit.objects.values_list("kind").annotate(n=Count("id")))
    admin_counts = dict(Administration.objects.values_list("kind").annotate(n=Count("id")))
    kinds = [(kind.label, counts.get(kind.value, 0)) for kind in OrgUnit.Kind if kind != OrgUnit.Kind.COUNTRY]
    administrations = [(kind.label, admin_counts.get(kind.value, 0)) for kind in Administration.Kind]
    return render(request, "web/home.html", {"kinds": kinds, "administrations": administrations})


@login_required
def dashboard(request):
    user = request.user
    assignments = user.role_assignments.select_related("org_unit").order_by("role", "org_unit__path")
    rows = []
    for assignment in assignments:
        unit = assignment.org_unit
        rows.append({"assignment": assignment, "unit": unit, "breadcrumb": unit.ancestors()})
    reachable = scope.units(user, Perm.VIEW_WORKSPACE).count() if rows or user.is_superuser else 0
    can_import_dehyaris = bool(rows or user.is_superuser) and scope.units(user, Perm.IMPORT_DEHYARIS).exists()
    can_supervise = bool(rows or user.is_superuser) and scope.units(user, Perm.CASE_SUPERVISE).exists()
    can_handle_cases = bool(rows or user.is_superuser) and scope.units(user, Perm.CASE_VIEW).exists()
    can = {}
    for key, permission in (
        ("stats_view", Perm.STATS_VIEW), ("stats_enter", Perm.STATS_ENTER), ("it_edit", Perm.IT_PROFILE_EDIT),
        ("it_review", Perm.IT_REVIEW), ("it_reports", Perm.IT_REPORTS), ("landfills_view", Perm.LANDFILL_VIEW),
        ("landfills_edit", Perm.LANDFILL_EDIT), ("landfills_plan", Perm.LANDFILL_PLAN),
    ):
        can[key] = bool(rows or user.is_superuser) and bool(scope.roots(user, permission))
    return render(
        request,
        "web/dashboard.html",
        {
            "rows": rows,
            "reachable": reachable,
            "can_import_dehyaris": can_import_dehyaris,
            "can_supervise": can_supervise,
            "can_handle_cases": can_handle_cases,
            "can": can,
        },
    )
