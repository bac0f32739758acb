"""Browser: a provincial statistics officer fills a municipality's monthly form — one value typed in Persian
digits, one refused inline and fixed — marks it complete, and finds the unit counted in the completeness
report."""
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.core.text import normalize_digits
from samaneh.stats import demo, periods
from samaneh.stats.datavalues import datavalues_import
from samaneh.stats.models import CompleteRegistration, DataValue
from samaneh.stats.uids import org_unit_uid
from tests.e2e.test_complaint_story import staff_login
from tests.factories import RoleFactory

pytestmark = pytest.mark.e2e

DEFAULT_COC = "HllvX50cXC0"


def field(page, code):
    return page.locator(f"#v-{demo.UID[code]}-{DEFAULT_COC}")


def cell(page, code):
    return page.locator(f"#cell-v-{demo.UID[code]}-{DEFAULT_COC}")


def type_value(page, code, text):
    field(page, code).fill(text)
    field(page, code).press("Tab")


def test_officer_enters_a_month_marks_it_complete_and_sees_it_counted(browser, page, live_server, live_tree, screenshot):
    sets = demo.create_demo_metadata([live_tree["city1"], live_tree["city2"]])
    monthly = sets[periods.MONTHLY]
    month = periods.current(periods.MONTHLY, timezone.localdate())
    datavalues_import(user=None, trusted=True, rows=[{"dataElement": demo.UID["REV_FEES"], "period": month.previous().id,
                                                      "orgUnit": org_unit_uid(live_tree["city1"]), "value": "11800"}])
    officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=live_tree["p1"]).user
    staff_login(page, officer)

    page.goto(reverse("stats_entry:home"))
    page.select_option("#id_data_set", monthly.uid)
    page.wait_for_selector("#id_org_unit")
    page.select_option("#id_org_unit", org_unit_uid(live_tree["city1"]))
    page.select_option("#id_period", month.id)
    page.get_by_role("button", name="باز کردن").click()
    page.wait_for_url(re.compile(re.escape(reverse(
        "stats_entry:form", args=[monthly.uid, org_unit_uid(live_tree["city1"]), month.id]))))
    assert page.locator("h1").inner_text() == "فرم ماهانه عملکرد شهرداری"
    assert "۱۱٬۸۰۰" in cell(page, "REV_FEES").inner_text()  # last month's value beside the field

    type_value(page, "REV_FEES", "۱۲۵۰٫۵")
    cell(page, "REV_FEES").get_by_text("ذخیره شد").wait_for()
    type_value(page, "BUDGET_SPENT_PCT", "150")
    cell(page, "BUDGET_SPENT_PCT").get_by_role("alert").wait_for()
    assert "بین ۰ و ۱۰۰" in cell(page, "BUDGET_SPENT_PCT").inner_text()
    assert not DataValue.objects.filter(data_element__code="BUDGET_SPENT_PCT").exists()
    type_value(page, "BUDGET_SPENT_PCT", "45")
    cell(page, "BUDGET_SPENT_PCT").get_by_text("ذخیره شد").wait_for()
    type_value(page, "CMP_RECEIVED", "۲۰")
    cell(page, "CMP_RECEIVED").get_by_text("ذخیره شد").wait_for()
    type_value(page, "CMP_ANSWERED", "18")
    cell(page, "CMP_ANSWERED").get_by_text("ذخیره شد").wait_for()
    assert DataValue.objects.get(data_element__code="REV_FEES", period=month.id).value == "1250.5"

    page.locator("#mark-complete").dblclick()  # a double click must not register twice
    page.locator("#form-state").get_by_text("کامل‌شده در").wait_for()
    assert CompleteRegistration.objects.filter(data_set=monthly, period=month.id).count() == 1
    assert field(page, "REV_FEES").input_value() == "۱۲۵۰.۵"
    screenshot("stats-entry")

    page.goto(reverse("stats_entry:completeness") + f"?data_set={monthly.uid}")
    row = page.locator(f"#completeness-summary tr[data-period='{month.id}']")
    assert row.locator(".completed").inner_text() == "۱"
    assert row.locator(".on-time").inner_text() == "۱"
    assert "۱۰۰٪" in row.inner_text()
    screenshot("stats-completeness")

    # The month just entered is in the pivot table, for the unit and for its province (the sum of its cities).
    query = urlencode([("dx", demo.UID["REV_FEES"]), ("pe", month.id), ("pe", month.previous().id),
                       ("ou", org_unit_uid(live_tree["city1"])), ("ou", org_unit_uid(live_tree["p1"])),
                       ("layout_dx", "filters"), ("layout_pe", "columns"), ("layout_ou", "rows")])
    page.goto(reverse("stats_viz:pivot") + "?" + query)
    table = page.locator("table").first
    table.wait_for()
    text = normalize_digits(table.inner_text()).replace("٬", "").replace(",", "").replace("٫", ".")
    assert "1250.5" in text and "11800" in text
    screenshot("stats-entry-pivot")
