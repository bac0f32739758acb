"""The supervisors' complaints dashboards: who may see them, the figures on a known dataset, drill-down,
the Jalali period filter and the Excel export."""
import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case
from samaneh.cases.services import case_refer, case_transition
from samaneh.core.jalali import format_jalali
from samaneh.core.workdays import working_days_between
from samaneh.services.complaints import dashboards
from samaneh.services.complaints.dashboard_views import XLSX
from samaneh.services.complaints.models import Complaint
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory, UserFactory, open_complaint

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
MORDAD_1403 = dashboards.month_period(1403, 5)
INDEX = reverse("complaints_dashboard:index")
EXPORT = reverse("complaints_dashboard:export")


def at(day, hour=9, minute=0):
    """A Gregorian day as 'YYYY-MM-DD' at a wall-clock time in Tehran."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TEHRAN)


def filed(unit, when, category, citizen):
    case = open_complaint(applicant=citizen, unit=unit, category=category)
    Case.objects.filter(pk=case.pk).update(created_at=when)
    return Case.objects.get(pk=case.pk)


def answered(case, staff, when):
    case = case_transition(case=case, action="answer", user=staff, text="رسیدگی شد.")
    Complaint.objects.filter(pk=case.pk).update(answered_at=when)
    return case


def rated(case, stars):
    Complaint.objects.filter(pk=case.pk).update(rating=stars, rated_at=timezone.now())


@pytest.fixture
def data(tree):
    """Five complaints received in Mordad 1403 (22 Jul – 21 Aug 2024) in Karaj county, one in Tir there,
    one in Kerman province; each in a different state.

    Karaj, Mordad:  A answered in 48 h (2 working days), accepted, rated 5;
                    B answered in 144 h (5 working days: Friday 2 Aug skipped), objected, rated 2;
                    C referred to the district, and overdue there;
                    D under review, deadline ahead;
                    E in a village, waiting on the citizen (clock paused) though its deadline has passed.
    Karaj, Tir:     F answered in 168 h = 4 working days (Friday, Tasua and Ashura skipped).
    Kerman, Mordad: G answered in 48 h.
    """
    citizen = CitizenFactory()
    city_staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    dehyari_staff = RoleFactory(role=Role.DEHYARI_STAFF, org_unit=tree["v1"]).user
    kerman_staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    urban = CategoryFactory(name="خدمات شهری")
    lighting = CategoryFactory(name="روشنایی معابر")
    waste = CategoryFactory(name="پسماند", parent=urban)

    a = filed(tree["city1"], at("2024-07-27"), lighting, citizen)
    a = answered(a, city_staff, at("2024-07-29"))
    case_transition(case=a, action="accept_answer", user=citizen)
    rated(a, 5)

    b = filed(tree["city1"], at("2024-07-31"), lighting, citizen)
    b = answered(b, city_staff, at("2024-08-06"))
    case_transition(case=b, action="object", user=citizen, text="کاری انجام نشده است.")
    rated(b, 2)

    c = filed(tree["city1"], at("2024-08-10"), waste, citizen)
    case_refer(case=c, user=city_staff, to_unit=tree["d1"], reason="بیرون از محدوده خدمات شهر است.")
    Case.objects.filter(pk=c.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))

    d = filed(tree["city1"], at("2024-08-12"), waste, citizen)
    case_transition(case=d, action="accept", user=city_staff)

    e = filed(tree["v1"], at("2024-08-15"), waste, citizen)
    case_transition(case=e, action="request_info", user=dehyari_staff, text="نشانی دقیق را بنویسید.")
    Case.objects.filter(pk=e.pk).update(deadline=timezone.now() - dt.timedelta(days=3))

    f = filed(tree["city1"], at("2024-07-10"), lighting, citizen)
    answered(f, city_staff, at("2024-07-17"))

    g = filed(tree["city2"], at("2024-08-03"), lighting, citizen)
    answered(g, kerman_staff, at("2024-08-05"))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g,
            "lighting": lighting, "waste": waste, "tree": tree}


def supervisor(role, unit):
    return RoleFactory(role=role, org_unit=unit).user


def report_for(user, unit, period=MORDAD_1403):
    return dashboards.complaints_dashboard(user=user, unit=unit, period=period)


# ------------------------------------------------------------------------------------------- periods

def test_a_jalali_month_runs_from_midnight_to_midnight_in_tehran():
    assert MORDAD_1403.start == dt.datetime(2024, 7, 22, tzinfo=TEHRAN)
    assert MORDAD_1403.end == dt.datetime(2024, 8, 22, tzinfo=TEHRAN)
    assert MORDAD_1403.value == "1403/05" and MORDAD_1403.label == "مرداد ۱۴۰۳"
    esfand = dashboards.parse_period("1403/12")  # 1403 is a leap year: Esfand has 30 days
    assert esfand.end == dt.datetime(2025, 3, 21, tzinfo=TEHRAN)
    assert esfand.end - esfand.start == dt.timedelta(days=30)


def test_a_year_and_the_last_twelve_months():
    today = jdatetime.date(1403, 5, 10)
    year = dashboards.parse_period("1402", today=today)
    assert (year.start, year.end) == (dt.datetime(2023, 3, 21, tzinfo=TEHRAN), dt.datetime(2024, 3, 20, tzinfo=TEHRAN))
    assert year.label == "سال ۱۴۰۲" and year.trend_months(today) == [(1402, m) for m in range(1, 13)]
    last = dashboards.parse_period("last12", today=today)
    assert (last.first_month, last.last_month) == ((1402, 6), (1403, 5))
    assert last.label == "دوازده ماه اخیر (شهریور ۱۴۰۲ تا مرداد ۱۴۰۳)"
    assert dashboards.parse_period("", today=today) == dashboards.month_period(1403, 5)
    # The trend of the current year stops at the current month instead of running into the future.
    assert dashboards.year_period(1403).trend_months(today)[-1] == (1403, 5)


@pytest.mark.parametrize("text, message", [
    ("1403/13", "ماه دوره باید عددی از ۱ تا ۱۲ باشد."),
    ("مرداد", "دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید."),
    ("03/05", "دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید."),
    ("1403/05/01", "دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید."),
    ("1203", "سال دوره باید ۱۳۸۰ یا پس از آن باشد."),
    ("1403/06", "دوره «شهریور ۱۴۰۳» هنوز آغاز نشده است."),
])
def test_an_unreadable_or_future_period_is_refused_in_persian(text, message):
    with pytest.raises(dashboards.PeriodError) as refused:
        dashboards.parse_period(text, today=jdatetime.date(1403, 5, 10))
    assert refused.value.message == message


def test_the_month_boundary_is_tehran_midnight(tree):
    citizen = CitizenFactory()
    filed(tree["city1"], at("2024-07-21", 23, 59), None, citizen)  # 31 Tir 1403, 23:59 in Tehran
    filed(tree["city1"], at("2024-07-22", 0, 0), None, citizen)  # 1 Mordad 1403, 00:00
    user = supervisor(Role.COUNTY_REVIEWER, tree["c1"])
    assert report_for(user, tree["c1"]).totals.received == 1
    assert report_for(user, tree["c1"], dashboards.month_period(1403, 4)).totals.received == 1


# ------------------------------------------------------------------------------------------- figures

def test_the_figures_of_a_county_on_a_known_month(data):
    county = supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"])
    totals = report_for(county, data["tree"]["c1"]).totals
    assert (totals.received, totals.answered, totals.closed, totals.open) == (5, 2, 1, 4)
    # C is overdue; E's deadline has passed too, but the clock stops while the citizen is asked for more.
    assert totals.overdue == 1 and totals.overdue_share == 0.25
    assert totals.mean_answer_hours == 96  # (48 + 144) / 2
    assert totals.mean_answer_workdays == 3.5  # (2 + 5) / 2, Friday 2 Aug not counted
    assert (totals.mean_rating, totals.rating_count, totals.satisfied_share) == (3.5, 2, 0.5)
    assert (totals.objected, totals.objection_share) == (1, 0.5)


def test_answer_time_in_working_days_agrees_with_the_engine_calendar(data):
    county = supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"])
    tir = report_for(county, data["tree"]["c1"], dashboards.month_period(1403, 4)).totals
    f = Complaint.objects.select_related("case").get(pk=data["f"].pk)
    assert working_days_between(f.case.created_at, f.answered_at) == 4  # Friday, Tasua, Ashura skipped
    assert (tir.received, tir.mean_answer_workdays, tir.mean_answer_hours) == (1, 4, 168)


def test_a_province_closed_day_counts_only_for_that_province(data, settings):
    settings.EXTRA_CLOSED_DAYS = {"1": ["2024-07-28"], "2": ["2024-08-04"]}  # Alborz: Sun 28 Jul; Kerman: 4 Aug
    county = supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"])
    assert report_for(county, data["tree"]["c1"]).totals.mean_answer_workdays == 3  # A: 1 day, B: 5 days

    national = supervisor(Role.NATIONAL_EXPERT, data["tree"]["country"])
    report = report_for(national, data["tree"]["country"])
    rows = {row.unit.pk: row.figures for row in report.by_unit}
    assert rows[data["tree"]["p1"].pk].mean_answer_workdays == 3
    assert rows[data["tree"]["p2"].pk].mean_answer_workdays == 1  # G: Mon 5 Aug after a closed Sunday
    assert report.totals.answer_workdays == 1 + 5 + 1
    g = Complaint.objects.select_related("case").get(pk=data["g"].pk)
    assert working_days_between(g.case.created_at, g.answered_at, "2") == 1


def test_cases_count_where_they_are_located_even_after_referral_or_objection(data):
    tree = data["tree"]
    assert Case.objects.get(pk=data["c"].pk).responsible_unit == tree["d1"]
    assert Case.objects.get(pk=data["b"].pk).responsible_unit == tree["c1"]
    county = supervisor(Role.COUNTY_REVIEWER, tree["c1"])
    district = report_for(county, tree["d1"])
    rows = {row.unit.pk: row.figures for row in district.by_unit}
    assert rows[tree["city1"].pk].received == 4  # A, B (now at the inspection office), C (at the district), D
    assert rows[tree["rd1"].pk].received == 1  # E, in a village of the rural district
    assert not any(row.unit is None for row in district.by_unit)  # nothing located at the district itself


def test_cases_located_at_the_unit_itself_get_a_row_of_their_own(data):
    tree = data["tree"]
    filed(tree["d1"], at("2024-08-20"), data["waste"], CitizenFactory())  # a place outside any city or village
    county = supervisor(Role.COUNTY_REVIEWER, tree["c1"])
    report = report_for(county, tree["d1"])
    assert [(row.label, row.figures.received) for row in report.by_unit] == [
        ("شهر کرج", 4), ("دهستان کمال‌آباد", 1), ("ثبت‌شده در خود بخش مرکزی کرج", 1),
    ]
    assert report.totals.received == 6
    assert report_for(county, tree["c1"]).by_unit[0].figures.received == 6  # all of it under the district


def test_shares_and_means_are_written_for_the_reader():
    figures = dashboards.Figures(received=8, answered=4, open=4, overdue=1, answer_time=dt.timedelta(hours=14),
                                 answer_workdays=10, rating_count=3, rating_total=10, satisfied=2)
    assert (figures.shown.overdue_share, figures.shown.mean_answer_workdays) == ("۲۵٪", "۲٫۵")
    assert (figures.shown.mean_rating, figures.shown.mean_answer_hours) == ("۳٫۳۳", "۳٫۵")
    assert figures.shown.objection_share == "۰٪" and dashboards.Figures().shown.overdue_share == "—"
    with translation.override("en"):
        assert (figures.shown.satisfied_share, figures.shown.mean_rating) == ("67%", "3.33")


def test_breakdown_by_category_and_the_twelve_month_trend(data):
    county = supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"])
    report = report_for(county, data["tree"]["c1"])
    assert [(row.label, row.figures.received, row.figures.answered) for row in report.by_category] == [
        ("خدمات شهری › پسماند", 3, 0), ("روشنایی معابر", 2, 2),
    ]
    assert [row.bar for row in report.by_category] == [100, 67]
    assert [row.label for row in report.by_month][0] == "شهریور ۱۴۰۲"
    trend = {row.label: row.figures.received for row in report.by_month}
    assert len(trend) == 12 and trend["تیر ۱۴۰۳"] == 1 and trend["مرداد ۱۴۰۳"] == 5
    assert sum(trend.values()) == 6


def test_the_queries_do_not_grow_with_the_number_of_cases(tree, django_assert_max_num_queries):
    citizen = CitizenFactory()
    county = supervisor(Role.COUNTY_REVIEWER, tree["c1"])
    filed(tree["city1"], at("2024-08-01"), None, citizen)
    with django_assert_max_num_queries(20) as few:
        report_for(county, tree["c1"])
    for day in range(2, 12):
        filed(tree["v1" if day % 2 else "city1"], at(f"2024-08-{day:02d}"), None, citizen)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert report_for(county, tree["c1"]).totals.received == 11


def test_figures_are_shared_for_five_minutes_and_say_when_they_were_made(client, data):
    tree = data["tree"]
    first = supervisor(Role.COUNTY_REVIEWER, tree["c1"])
    made = report_for(first, tree["c1"]).now
    filed(tree["city1"], at("2024-08-20"), data["waste"], CitizenFactory())
    colleague = supervisor(Role.PROVINCE_REVIEWER, tree["p1"])
    client.force_login(colleague)
    page = client.get(INDEX, {"unit": tree["c1"].pk, "period": "1403/05"})
    assert page.context["report"].totals.received == 5 and page.context["report"].now == made
    assert f"به‌روز تا {format_jalali(made, with_time=True)}" in page.content.decode()
    # The breadcrumb is the reader's own: the province reviewer may go up to the province.
    assert f'href="{INDEX}?unit={tree["p1"].pk}&amp;period=1403%2F05">البرز</a>' in page.content.decode()
    cache.clear()
    assert report_for(first, tree["c1"]).totals.received == 6


# ------------------------------------------------------------------------------------------- scope

def test_a_county_reviewer_counts_only_their_county(client, data):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"]))
    page = client.get(INDEX, {"period": "1403/05"})
    assert page.status_code == 200
    report = page.context["report"]
    assert report.unit == data["tree"]["c1"] and report.totals.received == 5
    national = supervisor(Role.NATIONAL_EXPERT, data["tree"]["country"])
    assert report_for(national, data["tree"]["country"]).totals.received == 6  # Kerman's G as well


@pytest.mark.parametrize("unit_key", ["p2", "city2", "p1", "country"])
def test_a_county_reviewer_asking_for_a_unit_outside_their_county_gets_404(client, data, unit_key):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"]))
    for url in (INDEX, EXPORT):
        assert client.get(url, {"unit": data["tree"][unit_key].pk, "period": "1403/05"}).status_code == 404


def test_kerman_is_invisible_to_alborz_even_through_the_national_tree(data):
    province = supervisor(Role.PROVINCE_REVIEWER, data["tree"]["p1"])
    report = report_for(province, data["tree"]["p1"])
    assert report.totals.received == 5
    # Scope is applied to the cases, not only to the unit asked for.
    assert report_for(province, data["tree"]["country"]).totals.received == 5


@pytest.mark.parametrize("role, unit_key", [
    (Role.MUNICIPALITY_STAFF, "city1"), (Role.DEHYARI_STAFF, "v1"), (Role.DISTRICT_REVIEWER, "d1"),
])
def test_staff_without_supervision_get_404(client, data, role, unit_key):
    client.force_login(supervisor(role, data["tree"][unit_key]))
    assert client.get(INDEX).status_code == 404
    assert client.get(EXPORT, {"period": "1403/05"}).status_code == 404


def test_a_citizen_gets_404_and_a_visitor_is_sent_to_log_in(client, data):
    response = client.get(INDEX)
    assert response.status_code == 302 and "next=" in response["Location"]
    client.force_login(CitizenFactory())
    assert client.get(INDEX).status_code == 404


def test_the_default_is_the_top_unit_and_the_current_month(client, tree):
    user = UserFactory()
    RoleFactory(user=user, role=Role.COUNTY_REVIEWER, org_unit=tree["c2"])
    RoleFactory(user=user, role=Role.INSPECTION_OFFICER, org_unit=tree["p1"])
    client.force_login(user)
    page = client.get(INDEX)
    assert page.status_code == 200
    assert page.context["report"].unit == tree["p1"]
    assert page.context["report"].period == dashboards.current_month()
    assert [root.pk for root in page.context["roots"]] == [tree["p1"].pk, tree["c2"].pk]
    assert f'?unit={tree["c2"].pk}&amp;period=' in page.content.decode()


# ------------------------------------------------------------------------------------------- the page

def test_the_page_shows_the_figures_in_persian(client, data):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"]))
    html = client.get(INDEX, {"period": "1403/05"}).content.decode()
    assert "شکایات و درخواست‌های شهرستان کرج" in html and "مرداد ۱۴۰۳" in html
    assert '<div class="display-6">۵</div>' in html  # received
    assert "۲۵٪ با مهلت گذشته (۱)" in html
    assert '<div class="display-6">۳٫۵</div>' in html  # working days to answer
    assert "۹۶٫۰ ساعت" in html
    assert "۳٫۵۰" in html and "۲ امتیاز؛ ۵۰٪ چهار و پنج" in html
    assert "خدمات شهری › پسماند" in html
    assert "همچنان در آمار شهر یا روستای خودش است" in html


def test_rows_drill_down_and_the_breadcrumb_leads_back_up(client, data):
    tree = data["tree"]
    client.force_login(supervisor(Role.COUNTY_REVIEWER, tree["c1"]))
    county_page = client.get(INDEX, {"period": "1403/05"}).content.decode()
    assert f'href="{INDEX}?unit={tree["d1"].pk}&amp;period=1403%2F05">بخش مرکزی کرج</a>' in county_page

    district = client.get(INDEX, {"unit": tree["d1"].pk, "period": "1403/05"})
    html = district.content.decode()
    assert f'href="{INDEX}?unit={tree["city1"].pk}&amp;period=1403%2F05">شهر کرج</a>' in html
    assert f'href="{INDEX}?unit={tree["rd1"].pk}&amp;period=1403%2F05">دهستان کمال‌آباد</a>' in html
    # Up to the county the reviewer supervises; the province above is named but not a link.
    assert f'href="{INDEX}?unit={tree["c1"].pk}&amp;period=1403%2F05">کرج</a>' in html
    assert '<li class="breadcrumb-item">البرز</li>' in html
    # A trend month opens the same unit in that month.
    assert f'href="{INDEX}?unit={tree["d1"].pk}&amp;period=1403%2F04">تیر ۱۴۰۳</a>' in html

    village = client.get(INDEX, {"unit": tree["v1"].pk, "period": "1403/05"})
    assert village.context["report"].totals.received == 1
    assert "این واحد زیرمجموعه‌ای ندارد." in village.content.decode()


def test_the_month_typed_in_persian_digits_is_understood(client, data):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"]))
    page = client.get(INDEX, {"period": "۱۴۰۳/۰۵"})
    assert page.status_code == 200
    assert 'value="۱۴۰۳/۰۵"' in page.content.decode()
    assert page.context["report"].period == MORDAD_1403 and page.context["report"].totals.received == 5
    year = client.get(INDEX, {"period": "۱۴۰۳"})
    assert year.context["report"].totals.received == 6  # Tir and Mordad
    assert "سال ۱۴۰۳" in year.content.decode()


@pytest.mark.parametrize("query, message", [
    ({"period": "۱۴۰۳/۱۳"}, "ماه دوره باید عددی از ۱ تا ۱۲ باشد."),
    ({"period": "تابستان"}, "دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید."),
    ({"period": "1" * 40}, "دوره را به شکل «۱۴۰۳/۰۵» (یک ماه) یا «۱۴۰۳» (یک سال) بنویسید."),
    ({"period": "1499/01"}, "هنوز آغاز نشده است."),
    ({"unit": "کرج"}, "شناسه واحد باید عدد باشد."),
])
def test_bad_filters_get_a_persian_error_and_no_figures(client, data, query, message):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c1"]))
    for url in (INDEX, EXPORT):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "report" not in response.context


# ------------------------------------------------------------------------------------------- Excel

def test_the_excel_export_holds_the_three_tables(client, data):
    tree = data["tree"]
    client.force_login(supervisor(Role.COUNTY_REVIEWER, tree["c1"]))
    response = client.get(EXPORT, {"unit": tree["c1"].pk, "period": "۱۴۰۳/۰۵"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="complaints-101-1403-05.xlsx"' in response["Content-Disposition"]

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["خلاصه", "واحدها", "دسته‌ها", "روند ماهانه"]
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    summary = {row[0]: row[1] for row in book["خلاصه"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["واحد"] == "شهرستان کرج" and summary["دوره"] == "مرداد ۱۴۰۳"
    assert summary["ثبت‌شده"] == 5 and summary["سهم دیرکرد از باز"] == 0.25
    assert summary["میانگین زمان پاسخ (روز کاری)"] == 3.5 and summary["میانگین زمان پاسخ (ساعت)"] == 96

    units = book["واحدها"]
    assert units["A1"].value == "شکایات و درخواست‌ها — شهرستان کرج — مرداد ۱۴۰۳"
    header = [cell.value for cell in units[3]]
    assert header[:4] == ["واحد", "ثبت‌شده", "پاسخ‌داده", "سهم پاسخ‌داده"]
    assert [cell.value for cell in units[4]][:3] == ["بخش مرکزی کرج", 5, 2]
    assert units["H4"].number_format == "0.0%" and units["H4"].value == 0.25  # overdue share

    categories = [row for row in book["دسته‌ها"].iter_rows(min_row=4, values_only=True)]
    assert [(row[0], row[1]) for row in categories] == [("خدمات شهری › پسماند", 3), ("روشنایی معابر", 2)]

    trend = [row for row in book["روند ماهانه"].iter_rows(min_row=4, values_only=True)]
    assert len(trend) == 12 and trend[0][0] == "شهریور ۱۴۰۲" and trend[-1][:2] == ("مرداد ۱۴۰۳", 5)
    tir = next(row for row in trend if row[0] == "تیر ۱۴۰۳")
    assert tir[1] == 1 and tir[header.index("میانگین زمان پاسخ (روز کاری)")] == 4


def test_the_export_of_a_unit_outside_scope_is_404_and_empty_tables_still_export(client, data):
    client.force_login(supervisor(Role.COUNTY_REVIEWER, data["tree"]["c2"]))
    assert client.get(EXPORT, {"unit": data["tree"]["c1"].pk, "period": "1403/05"}).status_code == 404
    response = client.get(EXPORT, {"period": "1403/03"})
    book = load_workbook(BytesIO(response.content))
    assert [row[1] for row in book["واحدها"].iter_rows(min_row=4, values_only=True)] == [0]
    assert list(book["دسته‌ها"].iter_rows(min_row=4, values_only=True)) == []
