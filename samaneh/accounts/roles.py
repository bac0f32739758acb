"""Roles and what each may do. A role is granted on an org unit and reaches that unit's whole subtree.

This table is the single source of truth for permissions; later services add their permissions here.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import OrgUnit

K = OrgUnit.Kind


class Role(models.TextChoices):
    MUNICIPALITY_STAFF = "municipality_staff", _("کارشناس شهرداری")
    DEHYARI_STAFF = "dehyari_staff", _("کارشناس دهیاری")
    DISTRICT_REVIEWER = "district_reviewer", _("کارشناس بخشداری")
    COUNTY_REVIEWER = "county_reviewer", _("کارشناس فرمانداری")
    PROVINCE_REVIEWER = "province_reviewer", _("کارشناس استانداری")
    NATIONAL_EXPERT = "national_expert", _("کارشناس سازمان شهرداری‌ها و دهیاری‌ها")
    INSPECTION_OFFICER = "inspection_officer", _("کارشناس دفتر بازرسی")
    STATISTICS_OFFICER = "statistics_officer", _("کارشناس آمار")
    IT_SUPERVISOR = "it_supervisor", _("ناظر فناوری اطلاعات")
    SYSTEM_ADMIN = "system_admin", _("مدیر سامانه")


# The kinds of unit each role may be granted on.
ROLE_UNIT_KINDS = {
    Role.MUNICIPALITY_STAFF: {K.CITY},
    Role.DEHYARI_STAFF: {K.VILLAGE},
    Role.DISTRICT_REVIEWER: {K.DISTRICT},
    Role.COUNTY_REVIEWER: {K.COUNTY},
    Role.PROVINCE_REVIEWER: {K.PROVINCE},
    Role.NATIONAL_EXPERT: {K.COUNTRY},
    Role.INSPECTION_OFFICER: {K.COUNTY, K.PROVINCE, K.COUNTRY},
    Role.STATISTICS_OFFICER: {K.COUNTY, K.PROVINCE, K.COUNTRY},
    Role.IT_SUPERVISOR: {K.COUNTY, K.PROVINCE, K.COUNTRY},
    Role.SYSTEM_ADMIN: {K.COUNTRY},
}


class Perm:
    """Permission names. Each is checked only through samaneh.geo.scope."""

    VIEW_WORKSPACE = "unit.view_workspace"  # the staff view of a unit: its administrations and staff
    IMPORT_DEHYARIS = "administration.import_dehyaris"
    MANAGE_ROLES = "accounts.manage_roles"
    CASE_VIEW = "cases.view"  # see cases whose responsible unit is in scope: queues, details, exports
    CASE_ASSIGN = "cases.assign"  # assign cases to a colleague, refer them to another unit
    CASE_SUPERVISE = "cases.supervise"  # dashboards of volume, overdue share, answer time, satisfaction
    # Statistical system
    STATS_VIEW = "stats.view"  # data values, analytics, pivots, charts, maps, completeness within scope
    STATS_ENTER = "stats.enter"  # enter and import data values for units in scope, mark forms complete
    STATS_APPROVE = "stats.approve"  # approve forms, reopen locked forms (lock exceptions) below
    STATS_MANAGE = "stats.manage"  # metadata: elements, data sets, indicators, rules (held at country level)
    # IT maturity and software supervision
    IT_PROFILE_EDIT = "itgov.profile_edit"  # fill and submit a municipality's / dehyari's IT profile
    IT_REVIEW = "itgov.review"  # county review / province approval of IT profiles
    IT_REPORTS = "itgov.reports"  # maturity scores, heterogeneity and supervisory reports
    IT_CATALOGUE = "itgov.catalogue"  # the shared definition: domains, products, standards, weights
    # Rural landfill bank
    LANDFILL_EDIT = "landfills.edit"  # enter and update sites
    LANDFILL_VIEW = "landfills.view"  # registry, map, exports
    LANDFILL_REVIEW = "landfills.review"  # return for correction / approve sites
    LANDFILL_PLAN = "landfills.plan"  # consolidation scenarios and funding allocation
    LANDFILL_WEIGHTS = "landfills.weights"  # the priority model's weights (national experts)


ALL_ROLES = set(Role)
REVIEWERS = {Role.DISTRICT_REVIEWER, Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT}
CASE_HANDLERS = {
    Role.MUNICIPALITY_STAFF, Role.DEHYARI_STAFF, *REVIEWERS, Role.INSPECTION_OFFICER, Role.SYSTEM_ADMIN,
}

LOCAL_STAFF = {Role.MUNICIPALITY_STAFF, Role.DEHYARI_STAFF}
SUPERVISORS = {Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT, Role.SYSTEM_ADMIN}

PERMISSIONS = {
    Perm.VIEW_WORKSPACE: ALL_ROLES,
    Perm.IMPORT_DEHYARIS: {Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT, Role.SYSTEM_ADMIN},
    Perm.MANAGE_ROLES: {Role.SYSTEM_ADMIN},
    Perm.CASE_VIEW: CASE_HANDLERS,
    Perm.CASE_ASSIGN: CASE_HANDLERS,
    Perm.CASE_SUPERVISE: {
        Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT, Role.INSPECTION_OFFICER,
        Role.STATISTICS_OFFICER, Role.SYSTEM_ADMIN,
    },
    Perm.STATS_VIEW: {*LOCAL_STAFF, *REVIEWERS, Role.STATISTICS_OFFICER, Role.IT_SUPERVISOR, Role.SYSTEM_ADMIN},
    Perm.STATS_ENTER: {*LOCAL_STAFF, Role.STATISTICS_OFFICER, Role.SYSTEM_ADMIN},
    Perm.STATS_APPROVE: {Role.STATISTICS_OFFICER, Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.SYSTEM_ADMIN},
    Perm.STATS_MANAGE: {Role.STATISTICS_OFFICER, Role.SYSTEM_ADMIN},
    Perm.IT_PROFILE_EDIT: LOCAL_STAFF,
    Perm.IT_REVIEW: {Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.IT_SUPERVISOR},
    Perm.IT_REPORTS: {*SUPERVISORS, Role.IT_SUPERVISOR, Role.STATISTICS_OFFICER},
    Perm.IT_CATALOGUE: {Role.IT_SUPERVISOR, Role.SYSTEM_ADMIN},
    Perm.LANDFILL_EDIT: {*LOCAL_STAFF, Role.DISTRICT_REVIEWER},
    Perm.LANDFILL_VIEW: {*LOCAL_STAFF, *REVIEWERS, Role.STATISTICS_OFFICER, Role.SYSTEM_ADMIN},
    Perm.LANDFILL_REVIEW: {Role.COUNTY_REVIEWER, Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT},
    Perm.LANDFILL_PLAN: {Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT, Role.SYSTEM_ADMIN},
    Perm.LANDFILL_WEIGHTS: {Role.NATIONAL_EXPERT},
}


def roles_with(permission):
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"Unknown permission {permission!r}") from None
