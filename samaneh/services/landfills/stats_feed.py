"""What the landfill bank feeds into the statistical system, per Jalali year and per unit where sites
stand (analytics sums them up to county, province and country):

- LF_SITES_ACTIVE: approved sites whose status is active and that had opened by that year (or whose
  opening year is not known);
- LF_CAPACITY_DESIGN_T and LF_CAPACITY_REMAINING_T: the design and remaining capacity (tonnes) of the
  same sites.

Only approved records count: a draft or a record returned for correction is not yet a fact. The registry
keeps the current state of each site, so a year's figures are the sites as they are now, limited by
opening year. Every unit that has any site gets a value (0 when none counts), so a site that closes or
goes back for correction brings its unit's figure down instead of leaving last year's value in place.
"""
from collections import defaultdict

from samaneh.stats import feeds, periods


def _per_unit(period, measure):
    from samaneh.services.landfills.models import Site

    totals = defaultdict(float)
    for unit_id, review, status, opened, design, remaining in Site.objects.values_list(
        "org_unit_id", "review_state", "status", "opening_year", "design_capacity_tonnes", "remaining_capacity_tonnes"
    ):
        counted = (review == Site.Review.APPROVED and status == Site.Status.ACTIVE
                   and (opened is None or opened <= period.year))
        totals[unit_id] += measure(design, remaining) if counted else 0
    return sorted(totals.items())


def active_sites(period):
    return [(unit, int(n)) for unit, n in _per_unit(period, lambda design, remaining: 1)]


def design_capacity(period):
    return _per_unit(period, lambda design, remaining: design)


def remaining_capacity(period):
    return _per_unit(period, lambda design, remaining: remaining)


SITES_ACTIVE = feeds.Feed(
    code="landfills.sites_active", element_code="LF_SITES_ACTIVE",
    name="مراکز دفن و تخلیه پسماند فعال", name_en="Active waste dump and landfill sites",
    value_type="INTEGER_ZERO_OR_POSITIVE", aggregation_type="SUM", period_type=periods.YEARLY,
    description="شمار مراکز دفن و تخلیه پسماند فعال و تأییدشده در بانک مراکز دفن، به تفکیک واحد محل مرکز (محاسبه خودکار).",
    compute=active_sites,
)
CAPACITY_DESIGN = feeds.Feed(
    code="landfills.capacity_design", element_code="LF_CAPACITY_DESIGN_T",
    name="ظرفیت طراحی مراکز دفن پسماند فعال (تن)", name_en="Design capacity of active landfill sites (t)",
    value_type="NUMBER", aggregation_type="SUM", period_type=periods.YEARLY,
    description="جمع ظرفیت طراحی (تن) مراکز فعال و تأییدشده، به تفکیک واحد محل مرکز (محاسبه خودکار).",
    compute=design_capacity,
)
CAPACITY_REMAINING = feeds.Feed(
    code="landfills.capacity_remaining", element_code="LF_CAPACITY_REMAINING_T",
    name="ظرفیت باقی‌مانده مراکز دفن پسماند فعال (تن)", name_en="Remaining capacity of active landfill sites (t)",
    value_type="NUMBER", aggregation_type="SUM", period_type=periods.YEARLY,
    description="جمع ظرفیت باقی‌مانده (تن) مراکز فعال و تأییدشده، به تفکیک واحد محل مرکز (محاسبه خودکار).",
    compute=remaining_capacity,
)

# Registered on import, from LandfillsConfig.ready().
feeds.register(SITES_ACTIVE)
feeds.register(CAPACITY_DESIGN)
feeds.register(CAPACITY_REMAINING)
