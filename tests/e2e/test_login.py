import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.e2e


def _latest_code(mobile):
    from samaneh.core.sms import read_outbox

    messages = [m for m in read_outbox(settings.SMS_FILE_PATH) if m["to"] == mobile]
    assert messages, "no SMS was sent"
    return re.search(r"\d{6}", messages[-1]["text"]).group(0)


def test_citizen_logs_in_with_sms_code(page, live_tree, screenshot):
    page.goto(reverse("accounts:citizen-login"))
    page.locator("input[name=mobile]").fill("۰۹۱۲ ۳۴۵ ۶۷۸۹")  # Persian digits and spaces, as people type
    page.locator("form button[type=submit]").last.click()
    page.locator("input[name=code]").wait_for()
    screenshot("citizen-otp-code")
    wrong = f"{(int(_latest_code('09123456789')) + 1) % 1_000_000:06d}"
    page.locator("input[name=code]").fill(wrong)
    page.locator("form button[type=submit]").last.click()
    page.locator(".invalid-feedback, .alert-danger, .errorlist").first.wait_for()
    assert reverse("web:dashboard") not in page.url
    page.locator("input[name=code]").fill(_latest_code("09123456789"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(reverse("web:dashboard"))))
    assert "۰۹۱۲۳۴۵۶۷۸۹" in page.locator("main").inner_text()
    screenshot("citizen-dashboard")


def test_staff_enrols_totp_and_reaches_dashboard(page, live_tree, screenshot):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    role = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=live_tree["c1"], user__username="reviewer1")
    page.goto(reverse("accounts:staff-login"))
    page.locator("input[name=username]").fill("reviewer1")
    page.locator("input[name=password]").fill("Samaneh-Test-Pass-1403")
    page.locator("form button[type=submit]").last.click()
    page.locator("svg").first.wait_for()  # the enrolment QR code
    screenshot("staff-totp-enrolment")
    device = TOTPDevice.objects.get(user=role.user)
    page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(reverse("web:dashboard"))))
    assert "کرج" in page.locator("main").inner_text()
    screenshot("staff-dashboard")
