"""The landfill feeds write, per year and per unit where sites stand, the approved active sites and their
capacities, through the statistical system's one write path."""
import pytest

from samaneh.services.landfills import services, stats_feed
from samaneh.services.landfills.tests.conftest import site_fields
from samaneh.stats import feeds
from samaneh.stats.models import DataValue

pytestmark = pytest.mark.django_db


def _approved(tree, people, **overrides):
    site = services.site_create(people["dehyari1"], fields=site_fields(tree, **overrides))
    services.site_submit(people["dehyari1"], site=site)
    services.site_approve(people["county1"], site=site)
    return site


def _values(element_code, period):
    return {
        v.org_unit_id: v.numeric
        for v in DataValue.objects.filter(data_element__code=element_code, period=period)
    }


def test_feeds_are_registered_yearly():
    codes = {f.element_code: f for f in feeds.all_feeds()}
    for code in ("LF_SITES_ACTIVE", "LF_CAPACITY_DESIGN_T", "LF_CAPACITY_REMAINING_T"):
        assert codes[code].period_type == "Yearly"


def test_feed_run_writes_counts_and_capacities_per_unit(tree, people):
    _approved(tree, people, design_capacity_tonnes=20000, remaining_capacity_tonnes=5000, opening_year=1395)
    _approved(tree, people, name="دوم", latitude=35.80, longitude=50.99, design_capacity_tonnes=8000,
              remaining_capacity_tonnes=7500, opening_year=1402)
    # Not counted: a closed site, a draft, and (in 1400) a site opened later.
    _approved(tree, people, name="بسته", latitude=35.78, longitude=50.97, status="closed")
    services.site_create(people["dehyari1"], fields=site_fields(tree, name="پیش‌نویس", latitude=35.76, longitude=50.95))

    for feed in (stats_feed.SITES_ACTIVE, stats_feed.CAPACITY_DESIGN, stats_feed.CAPACITY_REMAINING):
        feeds.feed_run(feed, "1403")
        feeds.feed_run(feed, "1400")
    v1 = tree["v1"].pk
    assert _values("LF_SITES_ACTIVE", "1403") == {v1: 2}
    assert _values("LF_CAPACITY_DESIGN_T", "1403") == {v1: 28000}
    assert _values("LF_CAPACITY_REMAINING_T", "1403") == {v1: 12500}
    assert _values("LF_SITES_ACTIVE", "1400") == {v1: 1}
    assert _values("LF_CAPACITY_DESIGN_T", "1400") == {v1: 20000}


def test_a_site_going_out_of_service_brings_the_figure_down(tree, people):
    site = _approved(tree, people)
    feeds.feed_run(stats_feed.SITES_ACTIVE, "1403")
    assert _values("LF_SITES_ACTIVE", "1403") == {tree["v1"].pk: 1}
    services.site_update(people["dehyari1"], site=site, fields={"status": "closed"})
    feeds.feed_run(stats_feed.SITES_ACTIVE, "1403")
    assert _values("LF_SITES_ACTIVE", "1403") == {tree["v1"].pk: 0}
