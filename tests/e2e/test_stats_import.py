"""A statistics officer downloads the Excel template, fills it, uploads it, reads the dry run, confirms and
watches the import finish — in a real browser."""
import re

import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.stats import periods
from samaneh.stats.io.tests.conftest import fill
from samaneh.stats.models import DataElement, DataSet, DataSetElement, DataValue
from samaneh.stats.services import default_combo_ensure
from tests.e2e.test_complaint_story import staff_login
from tests.factories import RoleFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def form(live_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    default = default_combo_ensure()
    permits = DataElement.objects.create(code="E2E_PERMITS", name="پروانه‌های ساختمانی صادرشده",
                                         value_type="INTEGER_ZERO_OR_POSITIVE", category_combo=default)
    spent = DataElement.objects.create(code="E2E_SPENT", name="درصد تحقق بودجه", value_type="PERCENTAGE",
                                       category_combo=default)
    data_set = DataSet.objects.create(code="E2E_MONTHLY", name="فرم ماهانه عملکرد شهرداری",
                                      period_type=periods.MONTHLY, expiry_days=0)
    for order, element in enumerate([permits, spent]):
        DataSetElement.objects.create(data_set=data_set, data_element=element, sort_order=order)
    units = [live_tree[k] for k in ("city1", "v1", "v1b")]
    data_set.organisation_units.set(units + [live_tree["city2"]])
    officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=live_tree["c1"]).user
    return {"set": data_set, "permits": permits, "spent": spent, "coc": default.option_combos.get(),
            "units": units, "officer": officer}


def test_officer_imports_a_filled_template(page, screenshot, form, tmp_path):
    month = periods.current(periods.MONTHLY).previous()
    staff_login(page, form["officer"])
    page.goto(reverse("stats_io:index"))
    page.get_by_role("heading", name="ورود داده آماری از فایل").wait_for()

    template_form = page.locator("form[action$='/template/']")
    template_form.locator("select[name=data_set]").select_option(str(form["set"].pk))
    template_form.locator("input[name=period]").fill(month.id)
    with page.expect_download() as download_info:
        template_form.get_by_role("button", name="دریافت الگو").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    city, village, other_village = form["units"]
    coc = form["coc"]
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(template.read_bytes(), {
        (city, form["permits"], coc): "۱۸", (city, form["spent"], coc): 72.5,
        (village, form["permits"], coc): 2, (village, form["spent"], coc): 140,  # a percentage over 100
        (other_village, form["permits"], coc): 0,
    }))

    upload_form = page.locator("#upload-form")
    upload_form.locator("input[type=file]").set_input_files(str(filled))
    upload_form.locator("select[name=data_set]").select_option(str(form["set"].pk))
    screenshot("stats-import-upload")
    upload_form.get_by_role("button", name="بررسی فایل (اجرای آزمایشی)").click()
    page.get_by_role("heading", name="نتیجه بررسی (اجرای آزمایشی)").wait_for()
    assert page.locator("[data-count=imported]").inner_text() == "۴"
    assert page.locator("[data-count=ignored]").inner_text() == "۱"
    assert "بین ۰ و ۱۰۰" in page.locator("#conflicts").inner_text()
    assert DataValue.objects.count() == 0
    screenshot("stats-import-dry-run")

    page.get_by_role("button", name="تأیید و ورود داده").click()
    page.locator("#job-progress[data-status=done]").wait_for()
    bar = page.locator("#job-progress .progress")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert re.search("ورود داده انجام شد", page.locator("#job-progress").inner_text())
    screenshot("stats-import")
    assert DataValue.objects.filter(period=month.id).count() == 4
    assert DataValue.objects.get(org_unit=city, data_element=form["permits"]).value == "18"
