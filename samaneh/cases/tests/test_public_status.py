import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.services import case_escalate_overdue, case_refer, case_transition
from samaneh.core.text import to_persian_digits
from samaneh.core.tracking import damm_check_digit
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db

DESCRIPTION = "چاله بزرگ جلوی خانه شماره ۱۲ کوچه یاس"


@pytest.fixture
def citizen():
    return CitizenFactory(first_name="مریم", last_name="رضایی")


@pytest.fixture
def case(tree, citizen):
    return open_complaint(applicant=citizen, unit=tree["city1"], description=DESCRIPTION)


def wrong_check_digit(code):
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def unused_valid_code():
    body = "987654321"
    return body + damm_check_digit(body)


def test_a_code_typed_in_persian_digits_with_spaces_and_dashes_finds_the_case(client, case):
    code = case.tracking_code
    typed = to_persian_digits(f"{code[:4]}-{code[4:7]} {code[7:]}")
    response = client.get(reverse("track:status"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("track:detail", args=[code])
    page = client.get(response["Location"]).content.decode()
    assert "شکایات و درخواست‌های مردمی" in page
    assert "ثبت شد" in page
    assert to_persian_digits(code) in page


def test_the_result_page_also_answers_persian_digits_in_the_address(client, case):
    response = client.get(f"/track/{to_persian_digits(case.tracking_code)}/")
    assert response.status_code == 200
    assert response.context["status"]["tracking_code"] == case.tracking_code


def test_a_code_failing_its_check_digit_is_refused_without_touching_the_database(
    client, case, django_assert_num_queries
):
    bad = wrong_check_digit(case.tracking_code)
    with django_assert_num_queries(0):
        form_page = client.get(reverse("track:status"), {"code": bad})
        result_page = client.get(reverse("track:detail", args=[bad]))
        as_json = client.get(reverse("track:detail-json", args=[bad]))
    assert form_page.status_code == 200 and "کد پیگیری نادرست است" in form_page.content.decode()
    assert result_page.status_code == 400 and "کد پیگیری نادرست است" in result_page.content.decode()
    assert as_json.status_code == 400 and as_json.json() == {"error": "کد پیگیری نادرست است"}


def test_letters_and_an_empty_code_get_a_persian_error(client, db):
    for typed, message in (("ABC-123", "کد پیگیری نادرست است"), ("", "کد پیگیری را وارد کنید.")):
        response = client.get(reverse("track:status"), {"code": typed})
        assert message in response.content.decode()


def test_an_unknown_code_gets_a_404_that_tells_nothing_more(client, case):
    response = client.get(reverse("track:detail", args=[unused_valid_code()]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "پرونده‌ای با این کد پیدا نشد" in page
    assert "شکایات" not in page and "ثبت شد" not in page
    as_json = client.get(reverse("track:detail-json", args=[unused_valid_code()]))
    assert as_json.status_code == 404 and as_json.json() == {"error": "پرونده‌ای با این کد پیدا نشد"}


def test_the_page_shows_states_and_dates_but_no_personal_data(client, tree, case, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case_transition(case=case, action="accept", user=staff, internal_note="پیمانکار آقای احمدی مسئول است")
    case_refer(case=case, user=staff, to_unit=tree["d1"], reason="خارج از محدوده خدمات شهری")
    district = RoleFactory(role=Role.DISTRICT_REVIEWER, org_unit=tree["d1"]).user
    case_transition(case=case, action="answer", user=district, text="گروه راهداری چاله را پر کرد")

    response = client.get(reverse("track:detail", args=[case.tracking_code]))
    page = response.content.decode()
    labels = [event["label"] for event in response.context["status"]["events"]]
    assert labels == ["ثبت شد", "در حال بررسی", "ارجاع به واحد رسیدگی‌کننده دیگر", "پاسخ داده شد"]
    assert "پاسخ داده شد" in page
    for secret in (
        citizen.first_name, citizen.last_name, citizen.mobile, to_persian_digits(citizen.mobile),
        DESCRIPTION, "پیمانکار", "خارج از محدوده", "گروه راهداری", tree["d1"].name,
        staff.last_name, district.last_name,
    ):
        assert secret not in page, secret
    as_json = client.get(reverse("track:detail-json", args=[case.tracking_code])).content.decode()
    for secret in (citizen.last_name, citizen.mobile, DESCRIPTION, "پیمانکار", "گروه راهداری", tree["d1"].name):
        assert secret not in as_json, secret


def test_an_escalation_names_the_unit_only_from_county_level_up(client, tree, case):
    past = timezone.now() - dt.timedelta(minutes=1)
    for _step in range(2):  # city → district → county
        type(case).objects.filter(pk=case.pk).update(deadline=past)
        assert case_escalate_overdue() == 1
    labels = [e["label"] for e in client.get(reverse("track:detail-json", args=[case.tracking_code])).json()["events"]]
    assert labels[1:] == [
        "ارجاع به مرجع بالاتر به سبب پایان مهلت رسیدگی",
        f"ارجاع به {tree['c1'].name} به سبب پایان مهلت رسیدگی",
    ]


def test_json_gives_the_documented_fields_in_one_query(client, case, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("track:detail-json", args=[case.tracking_code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"tracking_code", "service", "state", "state_label", "created_at", "updated_at", "events"}
    assert data["tracking_code"] == case.tracking_code and data["state"] == "submitted"
    assert data["state_label"] == "ثبت شد" and data["service"] == "شکایات و درخواست‌های مردمی"
    assert dt.datetime.fromisoformat(data["created_at"]) == case.created_at
    assert [set(e) for e in data["events"]] == [{"label", "at"}]
    assert dt.datetime.fromisoformat(data["events"][0]["at"]).tzinfo is not None


def test_lookups_are_limited_per_address_and_misses_count_double(client, settings, case):
    settings.TRACKING_LOOKUPS_PER_MINUTE = 5
    url = reverse("track:detail-json", args=[case.tracking_code])
    for _n in range(5):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and "بیش از حد مجاز" in refused.json()["error"]
    assert 0 < int(refused["Retry-After"]) <= 60
    page = client.get(reverse("track:detail", args=[case.tracking_code]))
    assert page.status_code == 429 and "یک دقیقه دیگر" in page.content.decode()
    # Another address is not affected.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200

    # Two misses spend four of the five lookups: one more hit fits, the next does not.
    miss = reverse("track:detail-json", args=[unused_valid_code()])
    other = {"REMOTE_ADDR": "192.0.2.8"}
    assert [client.get(miss, **other).status_code for _n in range(2)] == [404, 404]
    assert client.get(url, **other).status_code == 200
    assert client.get(url, **other).status_code == 429


def test_the_lookup_form_is_shown_in_persian(client, db):
    page = client.get(reverse("track:status")).content.decode()
    assert "پیگیری پرونده با کد پیگیری" in page and 'inputmode="numeric"' in page
