"""One case's staff page: scope, what it shows, and every action form, refused or taken."""
import datetime as dt

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.admin import CaseAdmin
from samaneh.cases.models import Attachment, Case, CaseEvent, Comment
from samaneh.cases.services import case_transition
from samaneh.core.text import to_persian_digits
from samaneh.services.complaints.manifest import MANIFEST
from tests.factories import CitizenFactory, RoleFactory, UserFactory, open_complaint

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def staff(role, unit):
    return RoleFactory(role=role, org_unit=unit).user


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def case(tree, citizen):
    return open_complaint(applicant=citizen, unit=tree["city1"], description="آسفالت خیابان خراب است")


@pytest.fixture
def expert(client, tree):
    user = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    client.force_login(user)
    return user


def page(client, case):
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response


def post(client, case, name, data, **kwargs):
    return client.post(reverse(f"cases:{name}", args=[case.pk]), data, **kwargs)


# --- scope ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_city", "other_province_reviewer", "applicant", "no_role"])
def test_the_page_and_every_action_are_404_outside_scope(client, tree, case, citizen, who):
    user = {
        "other_city": lambda: staff(Role.MUNICIPALITY_STAFF, tree["city2"]),
        "other_province_reviewer": lambda: staff(Role.PROVINCE_REVIEWER, tree["p2"]),
        "applicant": lambda: citizen,
        "no_role": lambda: UserFactory(),
    }[who]()
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert post(client, case, "transition", {"action": "answer", "text": "x"}).status_code == 404
    assert post(client, case, "refer", {"to_unit": tree["city2"].pk, "reason": "x"}).status_code == 404
    assert post(client, case, "assign", {"to_user": user.pk}).status_code == 404
    assert post(client, case, "comment", {"body": "x", "visibility": "public"}).status_code == 404
    case.refresh_from_db()
    assert case.state == "submitted" and case.responsible_unit == tree["city1"] and case.assigned_to is None
    assert not Comment.objects.filter(case=case).exists()


def test_a_reviewer_above_the_unit_sees_the_case(client, tree, case):
    client.force_login(staff(Role.COUNTY_REVIEWER, tree["c1"]))
    page(client, case)


def test_an_unknown_case_is_404(client, expert):
    assert client.get(reverse("cases:detail", args=[999999])).status_code == 404


# --- what the page shows ----------------------------------------------------------------------------------


def test_the_header_history_and_comments(client, tree, case, expert, citizen):
    case_transition(case=case, action="accept", user=expert, internal_note="با پیمانکار هماهنگ شود")
    Comment.objects.create(case=case, author=expert, visibility="public", body="بازدید فردا انجام می‌شود")
    response = page(client, case)
    html = response.content.decode()
    assert to_persian_digits(case.tracking_code) in html
    assert "آسفالت خیابان خراب است" in html
    assert "شکایات و درخواست‌های مردمی" in html
    assert "در حال بررسی" in html  # state label from the workflow
    assert "البرز › کرج › مرکزی کرج › کرج" in html  # the responsible unit's breadcrumb
    assert "پذیرش و آغاز بررسی" in html and "ثبت" in html  # history, oldest first
    assert 'data-visibility="internal"' in html and "با پیمانکار هماهنگ شود" in html
    assert 'data-visibility="public"' in html and "بازدید فردا انجام می‌شود" in html
    actions = {step.action for step, _form in response.context["step_forms"]}
    assert actions == {"answer", "request_info", "close"}


def test_internal_events_are_shown_to_staff_and_marked(client, tree, case, expert):
    colleague = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    post(client, case, "assign", {"to_user": colleague.pk})
    history = page(client, case).context["history"]
    assign_event = next(e for e in history if e.action == "assign")
    assert not assign_event.public


def test_the_services_fragment_is_included_with_case_complaint_and_user(client, case, expert, settings, tmp_path):
    fragment = tmp_path / "complaints" / "_staff_detail.html"
    fragment.parent.mkdir()
    fragment.write_text("<p id=fragment>{{ complaint.description }} / {{ case.pk }} / {{ user.pk }}</p>",
                        encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    html = page(client, case).content.decode()
    assert f"<p id=fragment>آسفالت خیابان خراب است / {case.pk} / {expert.pk}</p>" in html


def test_a_missing_fragment_is_skipped(client, case, expert, monkeypatch):
    monkeypatch.setattr(MANIFEST, "detail_template", "complaints/no_such_fragment.html")
    assert page(client, case).context["service_fragment"] is None


def test_overdue_case_is_flagged(client, case, expert):
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    assert "دیرکرد" in page(client, case).content.decode()


# --- transitions ------------------------------------------------------------------------------------------


def test_each_step_button_takes_its_step(client, tree, citizen, expert):
    for action, text, state in [
        ("accept", "", "in_review"),
        ("answer", "لامپ تعویض شد.", "answered"),
        ("request_info", "پلاک دقیق را بنویسید.", "awaiting_info"),
        ("close", "تکراری است", "closed"),
    ]:
        case = open_complaint(applicant=citizen, unit=tree["city1"])
        response = post(client, case, "transition", {"action": action, "text": text, "internal_note": "یادداشت"},
                        follow=True)
        case.refresh_from_db()
        assert case.state == state, action
        assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
        assert "ثبت شد." in response.content.decode()
        assert Comment.objects.filter(case=case, visibility="internal", body="یادداشت").exists()


def test_an_answer_without_text_is_refused_in_persian_and_keeps_what_was_typed(client, case, expert):
    response = post(client, case, "transition", {"action": "answer", "text": "  ", "internal_note": "پیش‌نویس من"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "برای «پاسخ» نوشتن متن پاسخ یا دلیل لازم است." in html
    assert "چیزی تغییر نکرد." in html and "پیش‌نویس من" in html
    case.refresh_from_db()
    assert case.state == "submitted"
    assert not Comment.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, action="answer").exists()


def test_a_step_the_role_may_not_take_is_refused(client, case, expert):
    response = post(client, case, "transition", {"action": "accept_answer"})
    assert "این اقدام در وضعیت کنونی پرونده ممکن نیست." in response.content.decode()
    response = post(client, case, "transition", {"action": "no_such_action"})
    assert "این اقدام در وضعیت کنونی پرونده ممکن نیست." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted"


def test_a_step_reserved_for_the_applicant_is_refused_to_staff(client, tree, case, expert, citizen):
    case_transition(case=case, action="answer", user=expert, text="انجام شد")
    response = post(client, case, "transition", {"action": "object", "text": "قبول ندارم"})
    assert "شما اجازه این اقدام را روی این پرونده ندارید." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "answered"


def test_a_double_clicked_transition_is_taken_once_and_the_second_click_is_told_so(client, case, expert):
    data = {"action": "answer", "text": "لامپ تعویض شد."}
    post(client, case, "transition", data)
    second = post(client, case, "transition", data, follow=True)
    assert "این اقدام پیش‌تر ثبت شده بود." in second.content.decode()
    assert CaseEvent.objects.filter(case=case, action="answer").count() == 1
    assert Comment.objects.filter(case=case, body="لامپ تعویض شد.").count() == 1


def test_a_stale_page_after_a_colleague_acted_says_why(client, tree, case, expert):
    colleague = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    case_transition(case=case, action="close", user=colleague, text="تکراری")
    response = post(client, case, "transition", {"action": "accept"})
    assert "این اقدام در وضعیت کنونی پرونده ممکن نیست." in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, action="accept").exists()


def test_the_buttons_disable_themselves_on_submit(client, case, expert):
    html = page(client, case).content.decode()
    assert "data-submit-once" in html and "b.disabled = true" in html


# --- refer and assign -------------------------------------------------------------------------------------


def test_refer_to_a_unit_found_by_search(client, tree, case, expert):
    found = client.get(reverse("cases:unit-picker"), {"name": "to_unit", "to_unit_search": "مرکزی"})
    assert tree["d1"] in found.context["units"]
    response = post(client, case, "refer", {"to_unit": tree["d1"].pk, "reason": "خارج از محدوده شهر"}, follow=True)
    case.refresh_from_db()
    assert case.responsible_unit == tree["d1"]
    html = response.content.decode()
    # The municipality no longer reaches the case: back to the queue, told why.
    assert response.redirect_chain[-1][0] == reverse("cases:queue")
    assert "پرونده به بخش مرکزی کرج ارجاع شد." in html and "دیگر در حوزه شما نیست" in html
    again = post(client, case, "refer", {"to_unit": tree["d1"].pk, "reason": "خارج از محدوده شهر"}, follow=True)
    assert "این اقدام پیش‌تر ثبت شده بود." in again.content.decode()
    assert CaseEvent.objects.filter(case=case, action="refer").count() == 1


def test_refer_within_reach_comes_back_to_the_case(client, tree, case):
    client.force_login(staff(Role.COUNTY_REVIEWER, tree["c1"]))
    response = post(client, case, "refer", {"to_unit": tree["v1"].pk, "reason": "در روستا است"})
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "بی‌مقصد"}, "واحد مقصد ارجاع را جستجو کنید و برگزینید."),
        ({"to_unit": 999999, "reason": "x"}, "واحد مقصد پیدا نشد."),
        ({"to_unit": "city2", "reason": "  "}, "دلیل ارجاع را بنویسید."),
        ({"to_unit": "city1", "reason": "همین‌جا"}, "پرونده هم‌اکنون در همین واحد است."),
    ],
)
def test_a_refused_referral_says_why_and_changes_nothing(client, tree, case, expert, data, message):
    if data.get("to_unit") in ("city1", "city2"):
        data = {**data, "to_unit": tree[data["to_unit"]].pk}
    response = post(client, case, "refer", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.responsible_unit == tree["city1"]
    assert not CaseEvent.objects.filter(case=case, action="refer").exists()


def test_assign_to_a_colleague_listed_on_the_page(client, tree, case, expert):
    colleague = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    county = staff(Role.COUNTY_REVIEWER, tree["c1"])
    other_city = staff(Role.MUNICIPALITY_STAFF, tree["city2"])
    choices = page(client, case).context["assign_form"].fields["to_user"].queryset
    assert {colleague, county, expert} <= set(choices) and other_city not in choices
    response = post(client, case, "assign", {"to_user": colleague.pk}, follow=True)
    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert "واگذار شد." in response.content.decode()


def test_assign_to_someone_without_access_is_refused(client, tree, case, expert):
    other_city = staff(Role.MUNICIPALITY_STAFF, tree["city2"])
    response = post(client, case, "assign", {"to_user": other_city.pk})
    assert "این کارشناس به واحد مسئول این پرونده دسترسی ندارد." in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_closed_case_offers_no_assignment_or_referral(client, case, expert):
    case_transition(case=case, action="close", user=expert, text="تکراری")
    response = page(client, case)
    assert not response.context["can_assign"]
    refused = post(client, case, "assign", {"to_user": expert.pk})
    assert "شما اجازه واگذاری این پرونده را ندارید." in refused.content.decode()


# --- comments with files ----------------------------------------------------------------------------------


def test_a_comment_with_a_photo(client, case, expert):
    upload = SimpleUploadedFile("عکس.png", PNG, content_type="image/png")
    response = post(client, case, "comment", {"body": "عکس محل", "visibility": "public", "file": upload}, follow=True)
    assert "یادداشت عمومی ثبت شد" in response.content.decode()
    attachment = Attachment.objects.get(case=case)
    assert attachment.comment.body == "عکس محل" and attachment.public
    assert reverse("attachments:download", args=[attachment.pk]) in response.content.decode()


def test_an_executable_renamed_pdf_is_refused_and_the_comment_is_not_kept(client, case, expert):
    upload = SimpleUploadedFile("نامه.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    response = post(client, case, "comment", {"body": "نامه پیوست", "visibility": "internal", "file": upload})
    assert response.status_code == 200
    assert "پذیرفته نیست" in response.content.decode()
    assert not Comment.objects.filter(case=case).exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("extra_bytes", [300_000, 120_000])  # over the declared-length check; caught while streaming
def test_a_file_over_the_cap_is_refused_before_it_is_kept(client, case, expert, settings, extra_bytes):
    settings.ATTACHMENT_MAX_BYTES = 100 * 1024
    upload = SimpleUploadedFile("بزرگ.png", PNG + b"\x00" * extra_bytes, content_type="image/png")
    response = post(client, case, "comment", {"body": "بزرگ", "visibility": "internal", "file": upload})
    assert response.status_code == 200
    assert "حجم فایل پیوست بیش از سقف مجاز" in response.content.decode()
    assert not Comment.objects.filter(case=case).exists() and not Attachment.objects.exists()


# --- admin ------------------------------------------------------------------------------------------------


def test_the_admin_is_read_only_and_finds_a_code_typed_in_persian_digits(rf, case):
    model_admin = admin.site._registry[Case]
    assert isinstance(model_admin, CaseAdmin) and model_admin.check() == []
    request = rf.get("/admin/cases/case/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, case)
    assert not model_admin.has_delete_permission(request, case)
    spaced = to_persian_digits(f"{case.tracking_code[:4]} {case.tracking_code[4:]}")
    found, _duplicates = model_admin.get_search_results(request, Case.objects.all(), spaced)
    assert list(found) == [case]
