"""Browser: a statistics officer builds a pivot from the demo statistics, swaps rows and columns, turns it
into a column chart and a province map."""
import re

import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.stats.demo import UID, create_demo_stats
from tests.e2e.test_complaint_story import staff_login
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.e2e

MONTHS = ["140506", "140507", "140508"]


@pytest.fixture
def officer(live_tree):
    create_demo_stats()
    user = UserFactory(first_name="کارشناس", last_name="آمار کشور")
    RoleFactory(user=user, role=Role.STATISTICS_OFFICER, org_unit=live_tree["country"])
    return user


def test_pivot_swap_chart_and_map(page, screenshot, officer, live_tree):
    staff_login(page, officer)
    page.goto(reverse("stats_viz:home"))
    page.get_by_role("link", name="جدول محوری").first.click()
    page.wait_for_url(re.compile(reverse("stats_viz:pivot")))

    # Data: type to find the element, tick it.
    page.get_by_placeholder("جستجو در نام‌ها").fill("درآمد عوارض")
    page.locator(f"#dx-{UID['REV_FEES']}").check()
    assert not page.locator(f"#dx-{UID['BUDGET_SPENT_PCT']}").is_visible()
    # Periods: the default monthly list of this Jalali year; tick three months.
    page.locator("#pe-LAST_12_MONTHS").uncheck()
    for month in MONTHS:
        page.locator(f"#pe-{month}").check()
    # Units: every province in scope instead of "my unit".
    page.locator("#ou-user").uncheck()
    page.locator("#ou-LEVEL-2").check()
    page.get_by_role("button", name="نمایش").click()

    table = page.locator("table.pivot-table")
    table.wait_for()
    assert table.get_attribute("data-rows") == "ou"
    header = table.locator("thead").inner_text()
    assert "مهر ۱۴۰۵" in header and "جمع" in header
    body = table.locator("tbody").inner_text()
    assert "البرز" in body and "کرمان" in body
    assert re.search(r"[۰-۹]", body) and not re.search(r"[0-9]", body)
    assert table.locator("td.grand-total").inner_text().strip()
    screenshot("stats-pivot")

    page.locator("#swap").click()
    table.wait_for()
    page.wait_for_function("document.querySelector('table.pivot-table').dataset.rows === 'pe'")
    assert "البرز" in table.locator("thead").inner_text()
    assert "البرز" not in table.locator("tbody").inner_text()
    assert "مهر ۱۴۰۵" in table.locator("tbody").inner_text()

    page.get_by_role("link", name="ستونی").click()
    chart = page.locator(".viz-chart")
    chart.locator("canvas").wait_for()
    page.wait_for_timeout(300)
    screenshot("stats-chart")

    page.get_by_role("link", name="نقشه").click()
    page.locator(".viz-map[data-ready='1']").wait_for()
    assert page.locator(".viz-map path.leaflet-interactive").count() == 2
    assert "درآمد عوارض" in page.locator(".map-legend").inner_text()
    page.locator(".viz-map path.leaflet-interactive").first.hover()
    page.locator(".leaflet-tooltip").wait_for()
    assert re.search(r"[۰-۹]", page.locator(".leaflet-tooltip").inner_text())
    screenshot("stats-map")


def test_demo_dashboard_for_a_provincial_officer(page, screenshot, live_tree):
    from samaneh.stats.viz.demo import create_demo_dashboard

    demo = UserFactory(username="demo-stats", first_name="کارشناس", last_name="آمار استان")
    RoleFactory(user=demo, role=Role.STATISTICS_OFFICER, org_unit=live_tree["p1"])
    board = create_demo_dashboard()
    staff_login(page, demo)
    page.goto(reverse("stats_viz:home"))
    assert "فرم ماهانه عملکرد شهرداری" in page.locator("main").inner_text()
    screenshot("stats-home")
    page.get_by_role("link", name=board.name).click()
    page.locator(".dashboard-item").first.wait_for()
    assert page.locator(".dashboard-item").count() == 5
    assert page.locator(".out-of-scope").count() == 0
    page.locator(".viz-map[data-ready='1']").wait_for()
    assert page.locator(".viz-chart canvas").count() == 3
    assert "کرج" in page.locator("table.pivot-table").inner_text()
    screenshot("stats-dashboard")
