"""IT profile story in a real browser: a municipality fills its profile and submits it, the county returns it
for correction, the municipality fixes and resubmits, county and province approve, and the province's
supervisory report changes accordingly (the unsupported finance version it runs appears)."""
import re

import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.geo.models import Administration
from tests.e2e.test_complaint_story import staff_login
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.e2e

YEAR = 1404


def _context_page(browser, live_server):
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _user(role, unit):
    user = UserFactory()
    RoleFactory(user=user, role=role, org_unit=unit)
    return user


def test_profile_return_fix_approve_and_supervisory_report(browser, live_server, live_tree, page, screenshot, tmp_path):
    from samaneh.itgov import selectors, services
    from samaneh.itgov.demo import create_demo_catalogue
    from samaneh.itgov.models import ITProfile

    create_demo_catalogue()
    municipality = Administration.objects.create(kind="municipality", org_unit=live_tree["city1"], name="شهرداری کرج")
    staff = _user(Role.MUNICIPALITY_STAFF, live_tree["city1"])
    county = _user(Role.COUNTY_REVIEWER, live_tree["c1"])
    province = _user(Role.PROVINCE_REVIEWER, live_tree["p1"])
    evidence = tmp_path / "backup-log.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # The municipality creates this year's profile and fills it.
    staff_login(page, staff)
    page.goto(reverse("itgov:home"))
    page.locator("#id_administration").select_option(label=municipality.name)
    page.locator("#id_year").fill("۱۴۰۴")
    page.locator("#new-profile button[type=submit]").click()
    page.wait_for_url(re.compile(r"/itgov/profiles/\d+/$"))
    profile = ITProfile.objects.get(administration=municipality, year=YEAR)

    fin = page.locator("details", has=page.locator("summary", has_text="— مالی و حسابداری")).first
    fin.locator("summary").click()
    fin.locator("select[name$=-version]").select_option(label="سپهر مالی 4.5 — داده‌پردازان سپهر")
    fin.locator("select[name$=-satisfaction]").select_option("2")
    fin.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "سپهر مالی" in page.locator("#software + table").inner_text()

    hardware = page.locator("#form-hardware")
    hardware.locator("input[name=hardware-workstations_new]").fill("۱۲")
    hardware.locator("input[name=hardware-workstations_old]").fill("-۳")
    hardware.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "نمی‌تواند منفی باشد" in page.locator("#form-hardware").inner_text()
    page.locator("#form-hardware input[name=hardware-workstations_old]").fill("۸")
    page.locator("#form-hardware button[type=submit]").click()
    page.wait_for_load_state()

    backup = page.locator("tr", has=page.locator("td", has_text="SEC-BK-01"))
    backup.locator("select").select_option("implemented")
    backup.locator("input[type=file]").set_input_files(str(evidence))
    backup.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("a", has_text="backup-log.pdf").count() == 1
    # The other controls are answered through the same service the form calls (43 more page loads add
    # nothing the one above does not show).
    answered = set(profile.controls.values_list("requirement_id", flat=True))
    for control in selectors.controls_for(YEAR):
        if control.pk not in answered:
            services.control_answer_set(user=staff, profile=profile, requirement=control,
                                        answer="no" if control.theme == "network" else "implemented")
    page.reload()
    page.locator("#submit-profile").click()
    page.wait_for_load_state()
    assert "در بررسی شهرستان" in page.locator("#profile-status").inner_text()

    # The county returns it for correction, with a reason.
    county_context, county_page = _context_page(browser, live_server)
    staff_login(county_page, county)
    county_page.goto(reverse("itgov:profile", args=[profile.pk]))
    county_page.locator("#review-text").fill("تعداد رایانه‌های قدیمی با فهرست اموال نمی‌خواند؛ اصلاح کنید.")
    county_page.locator("#review-form button", has_text="بازگرداندن برای اصلاح").click()
    county_page.wait_for_load_state()
    assert "بازگشت برای اصلاح" in county_page.locator("#profile-status").inner_text()

    # The municipality reads the comment, fixes the count, sends it again.
    page.reload()
    assert "فهرست اموال نمی‌خواند" in page.content()
    page.locator("#form-hardware input[name=hardware-workstations_old]").fill("۵")
    page.locator("#form-hardware button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("itgov-profile")
    page.locator("#submit-profile").click()
    page.wait_for_load_state()
    assert "در بررسی شهرستان" in page.locator("#profile-status").inner_text()

    county_page.reload()
    county_page.locator("#review-form button", has_text="تأیید شهرستان").click()
    county_page.wait_for_load_state()
    county_context.close()

    # The province's supervisory report before and after its approval.
    province_context, province_page = _context_page(browser, live_server)
    staff_login(province_page, province)
    report = f"{reverse('itgov:supervisory')}?unit={live_tree['p1'].pk}&year={YEAR}"
    province_page.goto(report)
    assert province_page.locator("#approved-count").inner_text() == "۰"
    assert province_page.locator("#unsupported-table tbody tr").count() == 0
    province_page.goto(reverse("itgov:profile", args=[profile.pk]))
    province_page.locator("#review-form button", has_text="تأیید نهایی استان").click()
    province_page.wait_for_load_state()
    assert "تأیید نهایی استان" in province_page.locator("#profile-status").inner_text()
    province_page.goto(report)
    assert province_page.locator("#approved-count").inner_text() == "۱"
    unsupported = province_page.locator("#unsupported-table tbody").inner_text()
    assert "شهرداری کرج" in unsupported and "سپهر مالی" in unsupported
    assert "SEC-NW-01" in province_page.locator("#controls-table").inner_text()
    province_page.screenshot(path=str(_artifact("itgov-supervisory")), full_page=True)
    errors = []
    province_page.on("pageerror", lambda error: errors.append(str(error) + (error.stack or "")))
    province_page.goto(f"{reverse('itgov:heterogeneity')}?unit={live_tree['p1'].pk}&year={YEAR}")
    province_page.wait_for_load_state("networkidle")
    province_page.screenshot(path=str(_artifact("itgov-heterogeneity")), full_page=True)
    assert errors == []
    province_page.locator("#maturity-map .leaflet-interactive").first.wait_for()
    province_page.screenshot(path=str(_artifact("itgov-heterogeneity")), full_page=True)
    province_context.close()


def _artifact(name):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
