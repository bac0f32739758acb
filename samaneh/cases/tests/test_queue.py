"""The reviewer queue: scope, every filter, sorting, bulk assignment and the Excel export."""
import datetime as dt
import io
import re

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case, CaseEvent, Notification, Priority
from samaneh.cases.services import case_transition
from samaneh.core.models import AuditEntry
from samaneh.core.text import to_persian_digits
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db

QUEUE = reverse("cases:queue")
EXPORT = reverse("cases:queue-export")
ASSIGN = reverse("cases:queue-assign")


def listed(response):
    assert response.status_code == 200
    return [case.pk for case in response.context["cases"]]


def staff(role, unit):
    return RoleFactory(role=role, org_unit=unit).user


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def cases(tree, citizen):
    """One open complaint at each of: city1 (Karaj), village v1, county c1, city2 (Kerman province)."""
    return {key: open_complaint(applicant=citizen, unit=tree[key], description=f"شکایت {key}")
            for key in ("city1", "v1", "c1", "city2")}


def aware(jalali_text, hour=10):
    year, month, day = (int(p) for p in jalali_text.split("/"))
    gregorian = jdatetime.date(year, month, day).togregorian()
    return timezone.make_aware(dt.datetime.combine(gregorian, dt.time(hour)))


# --- scope ------------------------------------------------------------------------------------------------


def test_a_county_reviewer_sees_the_countys_cases_and_not_the_other_provinces(client, tree, cases):
    client.force_login(staff(Role.COUNTY_REVIEWER, tree["c1"]))
    assert set(listed(client.get(QUEUE))) == {cases[k].pk for k in ("city1", "v1", "c1")}


def test_municipality_staff_see_only_their_city(client, tree, cases):
    client.force_login(staff(Role.MUNICIPALITY_STAFF, tree["city1"]))
    response = client.get(QUEUE)
    assert listed(response) == [cases["city1"].pk]
    assert cases["city2"].tracking_code not in response.content.decode()


def test_an_escalated_case_leaves_the_municipalitys_queue(client, tree, cases):
    Case.objects.filter(pk=cases["city1"].pk).update(responsible_unit=tree["d1"])
    client.force_login(staff(Role.MUNICIPALITY_STAFF, tree["city1"]))
    assert listed(client.get(QUEUE)) == []


def test_a_citizen_has_no_queue(client, cases, citizen):
    client.force_login(citizen)
    assert client.get(QUEUE).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_the_queue_asks_anonymous_visitors_to_sign_in(client, cases):
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("accounts:staff-login") in response["Location"]


# --- the page ---------------------------------------------------------------------------------------------


def test_the_table_shows_persian_digits_jalali_deadline_state_category_and_the_overdue_badge(client, tree, cases):
    case = cases["city1"]
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    client.force_login(staff(Role.MUNICIPALITY_STAFF, tree["city1"]))
    page = client.get(QUEUE).content.decode()
    assert to_persian_digits(case.tracking_code) in page
    assert "ثبت‌شده، در انتظار بررسی" in page
    assert str(case.complaint.category) in page
    assert "دیرکرد" in page
    year = jdatetime.date.fromgregorian(date=timezone.localdate()).year
    assert to_persian_digits(str(year)) in page


def test_a_page_costs_the_same_few_queries_for_fifty_cases(client, tree, citizen, django_assert_max_num_queries):
    user = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    category = CategoryFactory(parent=CategoryFactory())
    for _ in range(55):
        open_complaint(applicant=citizen, unit=tree["city1"], category=category)
    client.force_login(user)
    # session + user, "has any scope", scope paths, the page, the colleagues, the menu's roles: never one
    # query per row.
    with django_assert_max_num_queries(9):
        response = client.get(QUEUE)
    assert len(listed(response)) == 50 and response.context["has_next"]
    second = client.get(QUEUE, {"page": 2})
    assert len(listed(second)) == 5 and not second.context["has_next"]


# --- filters ----------------------------------------------------------------------------------------------


@pytest.fixture
def reviewer(client, tree):
    user = staff(Role.COUNTY_REVIEWER, tree["c1"])
    client.force_login(user)
    return user


def test_state_and_service_filters(client, tree, cases, reviewer):
    lead = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    case_transition(case=cases["city1"], action="accept", user=lead)
    assert listed(client.get(QUEUE, {"state": "in_review"})) == [cases["city1"].pk]
    assert set(listed(client.get(QUEUE, {"service": "complaints", "state": "submitted"}))) == {
        cases["v1"].pk, cases["c1"].pk}
    response = client.get(QUEUE, {"service": "no-such-service"})
    assert "خدمت: گزینه «no-such-service» شناخته نیست." in response.content.decode()
    assert response.context["cases"] == []


def test_open_closed_and_all(client, tree, cases, reviewer):
    lead = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    case_transition(case=cases["city1"], action="close", user=lead, text="تکراری است")
    assert cases["city1"].pk not in listed(client.get(QUEUE))
    assert listed(client.get(QUEUE, {"status": "closed"})) == [cases["city1"].pk]
    assert len(listed(client.get(QUEUE, {"status": "all"}))) == 3


def test_overdue_means_open_not_paused_and_past_the_deadline(client, tree, cases, reviewer):
    past = timezone.now() - dt.timedelta(days=1)
    Case.objects.filter(pk__in=[cases["city1"].pk, cases["v1"].pk]).update(deadline=past)
    Case.objects.filter(pk=cases["v1"].pk).update(sla_paused_at=timezone.now())  # waiting on the citizen
    assert listed(client.get(QUEUE, {"overdue": "on"})) == [cases["city1"].pk]


def test_unit_filter_keeps_a_subtree_and_refuses_a_unit_outside_scope(client, tree, cases, reviewer):
    assert set(listed(client.get(QUEUE, {"unit": tree["d1"].pk}))) == {cases["city1"].pk, cases["v1"].pk}
    assert listed(client.get(QUEUE, {"unit": tree["v1"].pk})) == [cases["v1"].pk]
    response = client.get(QUEUE, {"unit": tree["city2"].pk})
    assert response.context["cases"] == []
    assert "واحد مسئول: این واحد در حوزه دسترسی شما نیست." in response.content.decode()


def test_category_filter_includes_the_categorys_children(client, tree, citizen, reviewer):
    roads = CategoryFactory(name="راه‌ها")
    potholes = CategoryFactory(name="چاله", parent=roads)
    waste = CategoryFactory(name="پسماند")
    in_child = open_complaint(applicant=citizen, unit=tree["city1"], category=potholes)
    in_parent = open_complaint(applicant=citizen, unit=tree["city1"], category=roads)
    open_complaint(applicant=citizen, unit=tree["city1"], category=waste)
    assert set(listed(client.get(QUEUE, {"category": roads.pk}))) == {in_child.pk, in_parent.pk}
    assert listed(client.get(QUEUE, {"category": potholes.pk})) == [in_child.pk]


def test_assigned_to_me_and_unassigned(client, tree, cases, reviewer):
    Case.objects.filter(pk=cases["v1"].pk).update(assigned_to=reviewer)
    assert listed(client.get(QUEUE, {"assigned": "me"})) == [cases["v1"].pk]
    assert set(listed(client.get(QUEUE, {"assigned": "none"}))) == {cases["city1"].pk, cases["c1"].pk}


def test_jalali_date_range_typed_in_persian_digits_is_inclusive(client, tree, cases, reviewer):
    Case.objects.filter(pk=cases["city1"].pk).update(created_at=aware("1403/05/11", hour=23))
    Case.objects.filter(pk=cases["v1"].pk).update(created_at=aware("1403/05/12", hour=0))
    Case.objects.filter(pk=cases["c1"].pk).update(created_at=aware("1403/05/14", hour=23))
    response = client.get(QUEUE, {"date_from": "۱۴۰۳/۰۵/۱۲", "date_to": "۱۴۰۳/۰۵/۱۴"})
    assert set(listed(response)) == {cases["v1"].pk, cases["c1"].pk}
    assert listed(client.get(QUEUE, {"date_to": "1403/05/11"})) == [cases["city1"].pk]


def test_a_wrong_date_or_a_reversed_range_is_a_persian_error_naming_the_field(client, cases, reviewer):
    response = client.get(QUEUE, {"date_from": "۱۴۰۳/۱۳/۰۱"})
    assert "ثبت از تاریخ: ماه باید بین ۱ و ۱۲ باشد." in response.content.decode()
    assert response.context["cases"] == []
    response = client.get(QUEUE, {"date_from": "1403/05/14", "date_to": "1403/05/12"})
    assert "«ثبت تا تاریخ» نباید پیش از «ثبت از تاریخ» باشد." in response.content.decode()


def test_search_by_tracking_code_in_persian_digits_or_by_title_in_arabic_letters(client, tree, citizen, reviewer):
    lamp = open_complaint(applicant=citizen, unit=tree["city1"], description="چراغ کوچه خاموش است")
    pothole = open_complaint(applicant=citizen, unit=tree["v1"], description="چاله در جاده روستا")
    assert listed(client.get(QUEUE, {"q": to_persian_digits(lamp.tracking_code)})) == [lamp.pk]
    assert listed(client.get(QUEUE, {"q": "جاده روستا"})) == [pothole.pk]
    assert listed(client.get(QUEUE, {"q": "كوچه"})) == [lamp.pk]  # Arabic kaf


def test_search_by_the_start_of_a_tracking_code(client, tree, citizen, reviewer):
    codes = ["1298999999", "1299000001", "1299999999", "1300000000", "9990000000"]
    made = {}
    for code in codes:
        case = open_complaint(applicant=citizen, unit=tree["city1"])
        Case.objects.filter(pk=case.pk).update(tracking_code=code)
        made[code] = case.pk
    assert set(listed(client.get(QUEUE, {"q": "۱۲۹۹"}))) == {made["1299000001"], made["1299999999"]}
    assert listed(client.get(QUEUE, {"q": "999"})) == [made["9990000000"]]
    assert listed(client.get(QUEUE, {"q": "۱۳۰۰-۰۰۰ ۰۰۰"})) == [made["1300000000"]]  # typed with separators


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("created", ["city1", "v1", "c1"]),
        ("-created", ["c1", "v1", "city1"]),
        ("deadline", ["v1", "c1", "city1"]),
        ("-deadline", ["city1", "c1", "v1"]),
        ("-priority", ["c1", "city1", "v1"]),
        ("priority", ["v1", "city1", "c1"]),
    ],
)
def test_sorting(client, tree, cases, reviewer, sort, expected):
    now = timezone.now()
    settings_by_key = {
        "city1": {"created_at": now - dt.timedelta(days=3), "deadline": now + dt.timedelta(days=9),
                  "priority": Priority.NORMAL},
        "v1": {"created_at": now - dt.timedelta(days=2), "deadline": now + dt.timedelta(days=1),
               "priority": Priority.LOW},
        "c1": {"created_at": now - dt.timedelta(days=1), "deadline": now + dt.timedelta(days=5),
               "priority": Priority.URGENT},
    }
    for key, values in settings_by_key.items():
        Case.objects.filter(pk=cases[key].pk).update(**values)
    assert listed(client.get(QUEUE, {"sort": sort})) == [cases[k].pk for k in expected]


# --- bulk assignment --------------------------------------------------------------------------------------


def test_bulk_assign_to_a_colleague_who_can_see_the_cases(client, tree, cases, reviewer):
    colleague = staff(Role.MUNICIPALITY_STAFF, tree["city1"])
    page = client.get(QUEUE, {"unit": tree["city1"].pk})
    assert colleague in page.context["colleagues"]
    response = client.post(ASSIGN, {"cases": [cases["city1"].pk], "to_user": colleague.pk,
                                    "next": f"{QUEUE}?unit={tree['city1'].pk}"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{QUEUE}?unit={tree['city1'].pk}"
    assert "۱ پرونده به" in response.content.decode()
    assert Case.objects.get(pk=cases["city1"].pk).assigned_to == colleague
    assert Notification.objects.filter(user=colleague, case=cases["city1"]).exists()


def test_bulk_assign_is_all_or_nothing(client, tree, cases, reviewer):
    village_staff = staff(Role.DEHYARI_STAFF, tree["v1"])  # reaches the village's case, not the city's
    response = client.post(ASSIGN, {"cases": [cases["v1"].pk, cases["city1"].pk], "to_user": village_staff.pk},
                           follow=True)
    assert "دسترسی ندارد" in response.content.decode()
    assert not Case.objects.filter(assigned_to__isnull=False).exists()
    assert not CaseEvent.objects.filter(action="assign").exists()


def test_bulk_assign_refuses_a_case_outside_scope_without_naming_it(client, tree, cases, reviewer):
    colleague = staff(Role.COUNTY_REVIEWER, tree["c1"])
    response = client.post(ASSIGN, {"cases": [cases["city1"].pk, cases["city2"].pk], "to_user": colleague.pk},
                           follow=True)
    page = response.content.decode()
    assert "برخی پرونده‌های برگزیده پیدا نشد." in page
    assert to_persian_digits(cases["city2"].tracking_code) not in page
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


def test_bulk_assign_by_an_outsider_changes_nothing(client, tree, cases):
    outsider = staff(Role.MUNICIPALITY_STAFF, tree["city2"])
    client.force_login(outsider)
    response = client.post(ASSIGN, {"cases": [cases["city1"].pk], "to_user": outsider.pk}, follow=True)
    assert "برخی پرونده‌های برگزیده پیدا نشد." in response.content.decode()
    assert Case.objects.get(pk=cases["city1"].pk).assigned_to is None


def test_bulk_assign_without_a_case_or_a_colleague_says_what_is_missing(client, cases, reviewer):
    response = client.post(ASSIGN, {}, follow=True)
    page = response.content.decode()
    assert "دست‌کم یک پرونده را برای واگذاری برگزینید." in page
    assert "کارشناسی را که پرونده‌ها به او واگذار شود برگزینید." in page


def test_bulk_assign_never_redirects_off_site(client, tree, cases, reviewer):
    colleague = staff(Role.COUNTY_REVIEWER, tree["c1"])
    response = client.post(ASSIGN, {"cases": [cases["c1"].pk], "to_user": colleague.pk,
                                    "next": "https://evil.example/cases/"})
    assert response["Location"] == QUEUE


# --- Excel ------------------------------------------------------------------------------------------------


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_exactly_the_filtered_queue_with_persian_headers(client, tree, cases, reviewer):
    Case.objects.filter(pk=cases["city1"].pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    response = client.get(EXPORT, {"unit": tree["d1"].pk, "sort": "created"})
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    assert re.search(rf'filename="cases-{today.year:04d}-{today.month:02d}-{today.day:02d}\.xlsx"',
                     response["Content-Disposition"])
    sheet = workbook_of(response).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("کد پیگیری", "عنوان", "خدمت", "دسته", "وضعیت", "واحد مسئول")
    assert [row[0] for row in rows[1:]] == [cases["city1"].tracking_code, cases["v1"].tracking_code]
    city_row = rows[1]
    assert city_row[2] == "شکایات و درخواست‌های مردمی" and city_row[4] == "ثبت‌شده، در انتظار بررسی"
    assert city_row[10] == "بله"
    created = jdatetime.datetime.fromgregorian(datetime=timezone.localtime(cases["city1"].created_at))
    assert city_row[8] == f"{created.year:04d}/{created.month:02d}/{created.day:02d} {created.hour:02d}:{created.minute:02d}"
    assert AuditEntry.objects.filter(action="case.export", actor_id=reviewer.pk).exists()


def test_export_never_holds_another_provinces_case(client, tree, cases, reviewer):
    rows = list(workbook_of(client.get(EXPORT, {"status": "all"})).active.iter_rows(values_only=True))
    assert cases["city2"].tracking_code not in {row[0] for row in rows}
    assert len(rows) == 1 + 3


def test_export_with_a_wrong_filter_goes_back_with_a_persian_error(client, cases, reviewer):
    response = client.get(EXPORT, {"date_from": "فردا"}, follow=True)
    page = response.content.decode()
    assert "فیلترها نادرست است" in page
    assert "ثبت از تاریخ را به شکل سال/ماه/روز وارد کنید" in page


# --- unit picker ------------------------------------------------------------------------------------------


def test_the_unit_picker_offers_units_in_scope_for_the_filter_and_any_unit_for_a_referral(client, tree, reviewer):
    picker = reverse("cases:unit-picker")
    in_scope = client.get(picker, {"name": "unit", "unit_search": "ک"}).context["units"]
    assert tree["city1"] in in_scope and tree["c2"] not in in_scope
    anywhere = client.get(picker, {"name": "to_unit", "to_unit_search": "كرمان"})  # Arabic kaf
    assert tree["p2"] in anywhere.context["units"]
    assert f'name="to_unit" id="to_unit-{tree["p2"].pk}"' in anywhere.content.decode()
    assert client.get(picker, {"name": "password"}).status_code == 404


def test_an_export_over_the_row_cap_is_refused_with_the_cap(client, cases, reviewer, monkeypatch):
    from samaneh.cases import exports

    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    response = client.get(EXPORT, {"status": "all"}, follow=True)
    assert "بیش از ۲ پرونده با این فیلترها هست؛ فیلترها را تنگ‌تر کنید." in response.content.decode()
    assert not AuditEntry.objects.filter(action="case.export").exists()
    assert workbook_of(client.get(EXPORT, {"status": "all", "unit": cases["v1"].responsible_unit_id})).active
