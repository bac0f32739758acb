"""The consolidation planner in a real browser: a Tehran province reviewer opens the demo scenario, adds a
candidate regional site by clicking the map, runs the scenario, watches the progress bar finish and opens
the result map (sites kept, closed and opened; a line from each village to its site), screenshotted to
test-artifacts/landfills-plan.png."""
import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.core.text import normalize_digits
from samaneh.services.landfills.planning.tests.test_demo import small_tehran
from tests.e2e.test_complaint_story import staff_login
from tests.factories import RoleFactory

pytestmark = pytest.mark.e2e


def test_planner_runs_the_demo_scenario_and_sees_the_result_map(page, transactional_db, screenshot):
    from samaneh.services.landfills.demo import create_demo_landfills
    from samaneh.services.landfills.planning.demo import create_demo_scenario
    from samaneh.services.landfills.planning.models import Candidate, ScenarioRun

    _country, tehran = small_tehran(villages_per_county=40)
    create_demo_landfills(["تهران"])
    planner = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tehran).user
    scenario = create_demo_scenario()

    page.set_default_timeout(60000)  # the run itself is allowed up to a minute
    staff_login(page, planner)
    page.goto(reverse("landfills_planning:index"))
    page.get_by_role("link", name=scenario.name).click()
    page.wait_for_function("document.getElementById('plan-map').dataset.ready === '1'")

    # A fourth candidate, placed by clicking an empty spot of the map east of Damavand.
    x, y = page.evaluate("() => { const p = document.getElementById('plan-map').planMap"
                         ".latLngToContainerPoint([35.55, 52.35]); return [p.x, p.y]; }")
    page.locator("#plan-map").click(position={"x": x, "y": y})
    lat = float(normalize_digits(page.get_by_label("عرض جغرافیایی").input_value()))
    assert abs(lat - 35.55) < 0.05
    page.get_by_label("نام", exact=True).last.fill("مرکز پیشنهادی رودهن")
    page.get_by_label("ظرفیت (تن)").fill("۵۰۰۰۰")
    page.get_by_label("هزینه احداث (میلیون ریال)").fill("۱۰۰٬۰۰۰")
    page.get_by_role("button", name="افزودن گزینه").click()
    page.wait_for_url(f"**{reverse('landfills_planning:detail', args=[scenario.pk])}")
    assert Candidate.objects.filter(scenario=scenario).count() == 4

    page.get_by_role("button", name="اجرای سناریو").click()
    page.locator("#run-status[data-status='done']").wait_for()
    assert page.locator(".progress-bar").inner_text() == "۱۰۰٪"
    run = ScenarioRun.objects.get(scenario=scenario)
    assert run.status == "done" and run.results["optimal"]
    page.get_by_role("link", name="دیدن نتیجه روی نقشه").click()
    page.wait_for_function("document.getElementById('plan-map').dataset.ready === '1'")
    assert page.locator("#plan-map").get_attribute("data-lines") == str(len(run.results["assignments"]))
    assert page.locator("#plan-map").get_attribute("data-sites") == str(len(run.results["sites"]))
    assert page.locator("#plan-map canvas").count() == 1  # sites, villages and lines drawn
    assert page.locator(".leaflet-tile").count() == 0  # no tile server unless MAP_TILE_URL is set
    rows = page.locator("#plan-sites tbody tr")
    assert rows.count() == len(run.results["sites"])
    removed = run.results["removed"]
    assert normalize_digits(page.locator("[data-figure='removed']").inner_text()) == str(removed)
    screenshot("landfills-plan")
