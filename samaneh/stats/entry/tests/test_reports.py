"""Validation-rule analysis and the completeness report, against hand-computed figures."""
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.geo.models import OrgUnit
from samaneh.stats import demo, periods
from samaneh.stats.datavalues import datavalues_import
from samaneh.stats.entry.validation import rules_run
from samaneh.stats.models import CategoryOptionCombo, CompleteRegistration
from samaneh.stats.uids import org_unit_uid

MONTH = periods.parse("140407")
YEAR = periods.parse("1404")


def write(unit, period, code, value, coc=None):
    row = {"dataElement": demo.UID[code], "period": period.id, "orgUnit": org_unit_uid(unit), "value": value}
    if coc:
        row["categoryOptionCombo"] = coc.uid
    summary = datavalues_import(user=None, rows=[row], trusted=True)
    assert not summary.conflicts, summary.conflicts


@pytest.fixture
def values(sets, tree):
    female, male = CategoryOptionCombo.objects.filter(combo__code="GENDER").order_by("sort_order")
    # city1, Mehr 1404: 12 answered of 10 received (HIGH rule broken); spent 250 against fees of 100 (250 > 200).
    write(tree["city1"], MONTH, "CMP_RECEIVED", "10")
    write(tree["city1"], MONTH, "CMP_ANSWERED", "12")
    write(tree["city1"], MONTH, "REV_FEES", "100")
    write(tree["city1"], MONTH, "EXPENDITURE", "250")
    # city2, same month: 8 of 10 answered, spent exactly 2 × fees (allowed: ≤).
    write(tree["city2"], MONTH, "CMP_RECEIVED", "10")
    write(tree["city2"], MONTH, "CMP_ANSWERED", "8")
    write(tree["city2"], MONTH, "REV_FEES", "100")
    write(tree["city2"], MONTH, "EXPENDITURE", "200")
    # city1, 1404: contract 10 + 6 = 16 against permanent 2 + 3 = 5 → 16 > 3 × 5 = 15 (option combos summed).
    write(tree["city1"], YEAR, "STAFF_PERMANENT", "2", female)
    write(tree["city1"], YEAR, "STAFF_PERMANENT", "3", male)
    write(tree["city1"], YEAR, "STAFF_CONTRACT", "10", female)
    write(tree["city1"], YEAR, "STAFF_CONTRACT", "6", male)
    # city2, 1404: 15 = 3 × 5 is allowed.
    write(tree["city2"], YEAR, "STAFF_PERMANENT", "5", female)
    write(tree["city2"], YEAR, "STAFF_CONTRACT", "15", male)


def test_rules_for_a_month_find_the_hand_computed_violations(values, tree):
    found = rules_run(units=OrgUnit.objects.all(), period=MONTH)
    assert [(v.rule.code, v.unit, v.left, v.right) for v in found] == [
        ("VR_CMP_ANSWERED", tree["city1"], 12.0, 10.0),  # HIGH first
        ("VR_EXPENDITURE", tree["city1"], 250.0, 200.0),
    ]
    assert found[0].operator_symbol == "≤" and found[0].period == MONTH


def test_a_year_runs_yearly_rules_and_the_monthly_ones_for_each_month(values, tree):
    found = rules_run(units=OrgUnit.objects.all(), period=YEAR)
    assert {(v.rule.code, v.unit.pk, v.period.id, v.left, v.right) for v in found} == {
        ("VR_CMP_ANSWERED", tree["city1"].pk, "140407", 12.0, 10.0),
        ("VR_EXPENDITURE", tree["city1"].pk, "140407", 250.0, 200.0),
        ("VR_CONTRACT_STAFF", tree["city1"].pk, "1404", 16.0, 15.0),
    }
    # A season runs the monthly rules for its months and never the yearly one.
    assert {v.rule.code for v in rules_run(units=OrgUnit.objects.all(), period=periods.parse("1404Q3"))} == {
        "VR_CMP_ANSWERED", "VR_EXPENDITURE"}


def test_validation_page_lists_violations_within_scope_and_exports_them(client, values, tree, county_reviewer):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["country"]).user
    client.force_login(officer)
    page = client.get(reverse("stats_entry:validation"), {"period": "۱۴۰۴۰۷"}).content.decode()
    assert "پاسخ‌ها بیش از شکایات دریافتی نیست" in page and "۲۵۰" in page and "۲۰۰" in page
    assert "۲ مورد ناسازگار" in page
    # Each violation links to the monthly form of its unit and month, where it can be fixed.
    city1_form = reverse("stats_entry:form", args=[demo.MONTHLY_SET_UID, org_unit_uid(tree["city1"]), "140407"])
    assert page.count(f'href="{city1_form}"') == 2
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("stats_entry:validation"), {"period": "140407", "format": "xlsx"}).content))
    rows = list(workbook.active.values)
    assert rows[0][0] == "قاعده" and len(rows) == 3 and rows[1][2] == 12 and rows[1][3] == "≤"
    # Kerman's reviewer sees nothing of Alborz: a unit outside scope is a 404, the default is their own subtree.
    kerman = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p2"]).user
    client.force_login(kerman)
    assert client.get(reverse("stats_entry:validation"),
                      {"org_unit": org_unit_uid(tree["p1"]), "period": "140407"}).status_code == 404
    page = client.get(reverse("stats_entry:validation"), {"period": "140407"}).content.decode()
    assert "هیچ ناسازگاری" in page


def test_validation_page_refuses_a_bad_or_future_period(client, values, county_reviewer):
    client.force_login(county_reviewer)
    response = client.get(reverse("stats_entry:validation"), {"period": "1404Q9"})
    assert response.status_code == 400 and "شناسه دوره معتبری نیست" in response.content.decode()
    future = periods.current(periods.MONTHLY, timezone.localdate()).next().id
    response = client.get(reverse("stats_entry:validation"), {"period": future})
    assert response.status_code == 400 and "هنوز نرسیده" in response.content.decode()


def done(data_set, unit, period, day):
    CompleteRegistration.objects.create(
        data_set=data_set, org_unit=unit, period=period,
        completed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0))))


@pytest.fixture
def completions(monthly, tree):
    """Five reporting units: city1, Mahdasht and Hashtgerd in Alborz, city2 and Zarand in Kerman.
    Timely days 10. Ordibehesht 1404 ends 31 Ordibehesht = 2025-05-21, so on time is ≤ 2025-05-31."""
    mahdasht = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="ماهدشت", parent=tree["d1"])
    hashtgerd = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="هشتگرد", parent=tree["d1"])
    zarand = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="زرند", parent=tree["d2"])
    monthly.organisation_units.add(mahdasht, hashtgerd, zarand)
    assert periods.parse("140402").end == dt.date(2025, 5, 21)
    done(monthly, tree["city1"], "140402", dt.date(2025, 5, 31))  # the last on-time day
    done(monthly, mahdasht, "140402", dt.date(2025, 6, 1))  # one day late
    done(monthly, tree["city2"], "140402", dt.date(2025, 5, 22))
    # Khordad 1404 (ends 2025-06-21): only Zarand, on time.
    done(monthly, zarand, "140403", dt.date(2025, 6, 25))
    return {"mahdasht": mahdasht, "hashtgerd": hashtgerd, "zarand": zarand}


def test_completeness_counts_on_time_and_late_per_period_and_by_unit(client, monthly, tree, completions):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    from samaneh.stats.entry.completeness import completeness

    national = RoleFactory(role=Role.NATIONAL_EXPERT, org_unit=tree["country"]).user
    report = completeness(user=national, data_set=monthly, root=tree["country"],
                          period_list=periods.between("140402", "140403"))
    ordibehesht, khordad = report.by_period
    assert (ordibehesht.expected, ordibehesht.completed, ordibehesht.on_time, ordibehesht.late) == (5, 3, 2, 1)
    assert (ordibehesht.completed_pct, ordibehesht.on_time_pct) == (60.0, 40.0)
    assert (khordad.expected, khordad.completed, khordad.on_time) == (5, 1, 1)
    by_province = {row.unit.name: [t.completed for t in row.by_period] for row in report.children}
    assert by_province == {"البرز": [2, 0], "کرمان": [1, 1]}
    assert {u.name for u in report.missing["140402"]} == {"هشتگرد", "زرند"}

    client.force_login(national)
    page = client.get(reverse("stats_entry:completeness"),
                      {"data_set": monthly.uid, "from": "۱۴۰۴۰۲", "to": "140403", "missing": "140402"}).content.decode()
    assert "۶۰٪" in page and "۴۰٪" in page and "هشتگرد" in page and "زرند" in page
    # Drill down to Alborz: only its three units count.
    alborz = client.get(reverse("stats_entry:completeness"), {
        "data_set": monthly.uid, "from": "140402", "to": "140403", "org_unit": org_unit_uid(tree["p1"])})
    report = alborz.context["report"]
    assert [(t.expected, t.completed, t.on_time) for t in report.by_period] == [(3, 2, 1), (3, 0, 0)]
    assert [u.name for u, *_ in alborz.context["missing"]] == ["کرج", "ماهدشت", "هشتگرد"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("stats_entry:completeness"), {
        "data_set": monthly.uid, "from": "140402", "to": "140403", "format": "xlsx"}).content))
    summary = list(workbook["خلاصه"].values)
    assert summary[1][1:6] == (5, 3, 2, 1, 2)
    assert len(list(workbook["ارسال‌نشده"].values)) == 1 + 2 + 4


def test_completeness_stays_in_scope(client, monthly, tree, completions, county_reviewer):
    client.force_login(county_reviewer)  # Karaj county: city1, Mahdasht, Hashtgerd
    response = client.get(reverse("stats_entry:completeness"), {"data_set": monthly.uid, "from": "140402",
                                                                 "to": "140402"})
    assert [(t.expected, t.completed) for t in response.context["report"].by_period] == [(3, 2)]
    assert "زرند" not in response.content.decode()
    assert client.get(reverse("stats_entry:completeness"), {
        "data_set": monthly.uid, "org_unit": org_unit_uid(tree["p2"])}).status_code == 404


def test_completeness_refuses_periods_of_another_type(client, monthly, county_reviewer):
    client.force_login(county_reviewer)
    response = client.get(reverse("stats_entry:completeness"), {"data_set": monthly.uid, "from": "1404",
                                                                 "to": "1404"})
    assert response.status_code == 400 and "ماهانه باشند" in response.content.decode()
