"""The whole complaints story in a real browser: a citizen files with a photo, the municipality answers,
the citizen objects, the county inspection office answers, and the citizen sees it all by tracking code."""
import re
import struct
import zlib

import pytest
from django.conf import settings
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.core.text import normalize_digits
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory

pytestmark = pytest.mark.e2e

MOBILE = "09351234567"


def tiny_png(path):
    """A real 2×2 PNG, built by hand (no imaging library needed)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * 2 for _ in range(2))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def citizen_login(page):
    from samaneh.core.sms import read_outbox

    page.goto(reverse("accounts:citizen-login"))
    page.locator("input[name=mobile]").fill(MOBILE)
    page.locator("form button[type=submit]").last.click()
    page.locator("input[name=code]").wait_for()
    sms = [m for m in read_outbox(settings.SMS_FILE_PATH) if m["to"] == MOBILE][-1]
    page.locator("input[name=code]").fill(re.search(r"\d{6}", sms["text"]).group(0))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(reverse("web:dashboard"))))


def staff_login(page, user):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(reverse("accounts:staff-login"))
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill("Samaneh-Test-Pass-1403")
    page.locator("form button[type=submit]").last.click()
    page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(reverse("web:dashboard"))))


def staff_take_step(page, case_pk, label, text):
    page.goto(reverse("cases:detail", args=[case_pk]))
    step = page.locator("details", has=page.locator("summary", has_text=label)).first
    if step.get_attribute("open") is None:
        step.locator("summary").click()
    step.locator("textarea[name=text]").fill(text)
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_file_answer_object_inspect_and_track(browser, live_server, live_tree, tmp_path):
    from samaneh.cases.models import Case

    CitizenFactory(mobile=MOBILE, username=MOBILE)
    category = CategoryFactory(name="روشنایی معابر")
    expert = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=live_tree["city1"], user__username="karaj-expert").user
    inspector = RoleFactory(role=Role.INSPECTION_OFFICER, org_unit=live_tree["c1"], user__username="karaj-inspector").user
    photo = tiny_png(tmp_path / "lamp.png")
    shots = settings.BASE_DIR / "test-artifacts"
    shots.mkdir(exist_ok=True)

    def context():
        return browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 1000}, base_url=live_server.url)

    # 1. The citizen files a complaint with a photo and gets the tracking code.
    citizen_ctx = context()
    citizen = citizen_ctx.new_page()
    citizen_login(citizen)
    citizen.goto(reverse("complaints:new"))
    citizen.locator("select[name=category]").select_option(str(category.pk))
    citizen.locator("#unit-search").type("كرج", delay=20)  # Arabic kaf: found all the same
    citizen.locator("#unit-results").get_by_text("کرج").first.click()
    citizen.locator("textarea[name=description]").fill("چراغ‌های کوچه شماره ۳ یک هفته است خاموش است.")
    citizen.locator("input[name=files]").first.set_input_files(str(photo))
    citizen.locator("form button[type=submit]").last.click()
    code_text = citizen.locator("#tracking-code").inner_text()
    code = normalize_digits(code_text).strip()
    assert re.fullmatch(r"\d{10}", code)
    citizen.screenshot(path=str(shots / "complaint-filed.png"), full_page=True)
    case = Case.objects.get(tracking_code=code)
    assert case.responsible_unit == live_tree["city1"]
    assert case.attachments.filter(content_type="image/png").count() == 1

    # 2. The municipality expert answers from the case page.
    expert_ctx = context()
    expert_page = expert_ctx.new_page()
    staff_login(expert_page, expert)
    expert_page.goto(reverse("cases:queue"))
    assert normalize_digits(expert_page.locator("main").inner_text()).count(code) >= 1
    staff_take_step(expert_page, case.pk, "پاسخ", "لامپ‌های کوچه تعویض شد.")
    expert_page.screenshot(path=str(shots / "complaint-answered-by-expert.png"), full_page=True)
    case.refresh_from_db()
    assert case.state == "answered"

    # 3. The citizen reads the answer and objects; the case goes to the county inspection office.
    citizen.goto(reverse("complaints:case", args=[case.pk]))
    assert "لامپ‌های کوچه تعویض شد." in citizen.locator("main").inner_text()
    objection = citizen.locator("form", has=citizen.locator("button[value=object]"))
    objection.locator("textarea[name=text]").fill("هنوز دو چراغ خاموش است.")
    objection.locator("button[value=object]").click()
    citizen.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == "objected" and case.responsible_unit == live_tree["c1"]

    # 4. The inspection office answers the citizen electronically.
    inspector_ctx = context()
    inspector_page = inspector_ctx.new_page()
    staff_login(inspector_page, inspector)
    staff_take_step(inspector_page, case.pk, "پاسخ دفتر بازرسی", "بازدید شد؛ دو چراغ باقی‌مانده تا فردا تعویض می‌شود.")
    case.refresh_from_db()
    assert case.state == "closed"

    # 5. The citizen sees the whole story on their case page, and the public page shows states only.
    citizen.goto(reverse("complaints:case", args=[case.pk]))
    story = citizen.locator("main").inner_text()
    for text in ("لامپ‌های کوچه تعویض شد.", "هنوز دو چراغ خاموش است.", "دو چراغ باقی‌مانده تا فردا تعویض می‌شود"):
        assert text in story
    citizen.screenshot(path=str(shots / "complaint-story-citizen.png"), full_page=True)
    public_ctx = context()
    public = public_ctx.new_page()
    public.goto(reverse("track:status"))
    public.locator("input[name=code]").fill(code_text)  # typed as shown: Persian digits
    public.locator("form button[type=submit]").last.click()
    public_text = public.locator("main").inner_text()
    assert "بسته" in public_text
    assert "لامپ" not in public_text and MOBILE not in normalize_digits(public_text)
    public.screenshot(path=str(shots / "complaint-public-status.png"), full_page=True)
    for ctx in (citizen_ctx, expert_ctx, inspector_ctx, public_ctx):
        ctx.close()
