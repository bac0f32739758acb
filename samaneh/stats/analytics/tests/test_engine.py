"""The engine's answers, each checked by hand, from the summary and live alike (fixture `stats`)."""
import pytest

from samaneh.stats.analytics.engine import AnalyticsError, analytics_query
from samaneh.stats.analytics.tests.conftest import jalali
from samaneh.stats.uids import org_unit_uid

UNITS = ["country", "p1", "c1", "d1", "city1", "rd1", "v1", "v1b", "p2", "c2", "d2", "city2", "rd2", "v2"]
CHILDREN = {"country": ["p1", "p2"], "p1": ["c1"], "c1": ["d1"], "d1": ["city1", "rd1"], "rd1": ["v1", "v1b"],
            "p2": ["c2"], "c2": ["d2"], "d2": ["city2", "rd2"], "rd2": ["v2"]}


def values(stats, element, period, units=UNITS, user=None, **kwargs):
    result = analytics_query(user=user or stats.admin, dx=[element], pe=[period],
                             ou=[stats.u[k] for k in units], **kwargs)
    return {k: result.value(element, period, stats.u[k]) for k in units}


def test_sum_parent_equals_sum_of_children(stats):
    got = values(stats, stats.e.revenue.uid, "140301")
    # city1 10 + its week-2 value 1; rd1 = v1 5 + v1b 7; d1 = 11 + 12; province 2 = 100 + 1
    assert got == {"country": 124, "p1": 23, "c1": 23, "d1": 23, "city1": 11, "rd1": 12, "v1": 5, "v1b": 7,
                   "p2": 101, "c2": 101, "d2": 101, "city2": 100, "rd2": 1, "v2": 1}
    for parent, children in CHILDREN.items():
        assert got[parent] == sum(got[c] for c in children)


def test_average_is_the_mean_of_stored_values_weighted_by_counts(stats):
    got = values(stats, stats.e.green.uid, "140301")
    assert got["rd1"] == 3  # (2 + 4) / 2
    assert got["d1"] == 5  # (9 + 2 + 4) / 3 — not the mean of the children's means (9 + 3) / 2 = 6
    assert got["c1"] == got["p1"] == 5
    assert got["p2"] == 8  # (6 + 10) / 2
    assert got["country"] == pytest.approx(6.2)  # 31 / 5
    # weighted by the number of values under each child: (5 × 3 + 8 × 2) / 5
    assert got["country"] == pytest.approx((got["p1"] * 3 + got["p2"] * 2) / 5)


def test_month_aggregates_into_season_and_year(stats):
    rev = stats.e.revenue.uid
    result = analytics_query(user=stats.admin, dx=[rev], pe=["140301", "140302", "140303", "1403Q1", "1403Q2", "1403"],
                             ou=[stats.u["city1"], stats.u["p1"]])
    city = stats.u["city1"]
    months = [result.value(rev, m, city) for m in ("140301", "140302", "140303")]
    assert months == [11, 20, 30]
    assert result.value(rev, "1403Q1", city) == sum(months) == 61
    assert result.value(rev, "1403Q2", city) == 40
    assert result.value(rev, "1403", city) == 101  # 140401's 1000 belongs to the next year
    assert result.value(rev, "1403", stats.u["p1"]) == 113  # + the villages' 12 in Farvardin


def test_min_max(stats):
    low = values(stats, stats.e.low.uid, "1403Q1", ["country", "p1", "d1", "rd2"])
    high = values(stats, stats.e.high.uid, "1403Q1", ["country", "p1", "d1", "rd2"])
    assert low == {"country": -20, "p1": -8, "d1": -8, "rd2": -20}
    assert high == {"country": 44, "p1": 38, "d1": 38, "rd2": 44}


def test_last_takes_each_units_latest_value_and_sums_units(stats):
    staff = stats.e.staff.uid
    assert values(stats, staff, "1403Q1", ["d1", "city1", "country"]) == {"d1": 11, "city1": 8, "country": 11}
    assert values(stats, staff, "140302", ["d1", "city1"]) == {"d1": 3, "city1": None}


def test_none_is_only_the_exact_unit_and_period(stats):
    code = stats.e.code.uid
    assert values(stats, code, "140301", ["city1", "d1", "country"]) == {"city1": 4, "d1": None, "country": None}
    assert values(stats, code, "1403Q1", ["city1"]) == {"city1": None}


def test_boolean_counts_yes_and_average_gives_the_share(stats):
    it = stats.e.it.uid
    assert values(stats, it, "1403", ["country", "p1", "p2"]) == {"country": 2, "p1": 2, "p2": 0}
    share = analytics_query(user=stats.admin, dx=[it], pe=["1403"], ou=[stats.u["country"]], aggregation="AVERAGE")
    assert share.rows == [[it, "1403", stats.u["country"], "0.67"]]


def test_text_is_shown_at_its_own_unit_and_period_only(stats):
    note = stats.e.note.uid
    assert values(stats, note, "140301", ["city1", "d1"]) == {"city1": "بازسازی ساختمان", "d1": None}


def test_disaggregation_and_indicators(stats):
    emp, female = stats.e.employees.uid, stats.female.uid
    result = analytics_query(
        user=stats.admin, dx=[emp, f"{emp}.{female}", stats.i.per_capita.uid, stats.i.female_share.uid],
        pe=["140301"], ou=[stats.u["city1"], stats.u["d1"], stats.u["city2"], stats.u["p2"]],
    )
    city1, d1 = stats.u["city1"], stats.u["d1"]
    assert result.value(emp, "140301", city1) == 10
    assert result.value(f"{emp}.{female}", "140301", d1) == 5
    assert result.value(stats.i.female_share.uid, "140301", city1) == 30.0  # 3 / 10 × 100
    assert result.value(stats.i.female_share.uid, "140301", d1) == 41.7  # 5 / 12 × 100 = 41.666…
    assert result.value(stats.i.per_capita.uid, "140301", city1) == 3.7  # 11 / 3000 × 1000 = 3.666…
    assert result.value(stats.i.per_capita.uid, "140301", d1) == 7.7  # 23 / 3000 × 1000
    # population 0 in city2 and its province: division by zero gives no value, and no row
    assert result.value(stats.i.per_capita.uid, "140301", stats.u["city2"]) is None
    assert not [r for r in result.rows if r[0] == stats.i.per_capita.uid and r[2] in (stats.u["city2"], stats.u["p2"])]
    assert [stats.i.per_capita.uid, "140301", d1, "7.7"] in result.rows
    assert result.meta_data["items"][f"{emp}.{female}"]["name"] == "کارکنان رسمی زن"


def test_relative_periods_count_from_today(stats):
    rev = stats.e.revenue.uid
    today = jalali(1403, 5, 10)  # Mordad 1403
    result = analytics_query(user=stats.admin, dx=[rev], pe=["LAST_3_MONTHS", "THIS_YEAR"], ou=[stats.u["city1"]],
                             today=today)
    assert result.meta_data["dimensions"]["pe"] == ["140302", "140303", "140304", "1403"]
    assert result.meta_data["items"]["140304"]["name"] == "تیر ۱۴۰۳"
    assert [r[1:] for r in result.rows] == [["140302", stats.u["city1"], "20"], ["140303", stats.u["city1"], "30"],
                                            ["140304", stats.u["city1"], "40"], ["1403", stats.u["city1"], "101"]]
    last_year = analytics_query(user=stats.admin, dx=[rev], pe=["LAST_YEAR"], ou=[stats.u["city1"]],
                                today=jalali(1404, 2, 1))
    assert last_year.rows == [[rev, "1403", stats.u["city1"], "101"]]


def test_levels_and_children(stats):
    rev = stats.e.revenue.uid
    provinces = analytics_query(user=stats.admin, dx=[rev], pe=["140301"], ou=["LEVEL-2"])
    assert provinces.meta_data["dimensions"]["ou"] == [stats.u["p1"], stats.u["p2"]]  # البرز, کرمان
    assert [r[2:] for r in provinces.rows] == [[stats.u["p1"], "23"], [stats.u["p2"], "101"]]
    inside = analytics_query(user=stats.admin, dx=[rev], pe=["140301"], ou=[f"{stats.u['p1']};LEVEL-5"])
    assert {r[2]: r[3] for r in inside.rows} == {stats.u["city1"]: "11", stats.u["rd1"]: "12"}
    children = analytics_query(user=stats.admin, dx=[rev], pe=["140301"], ou=[stats.u["rd1"], "CHILDREN"])
    assert children.meta_data["dimensions"]["ou"] == [stats.u["v1b"], stats.u["v1"]]  # سیف‌آباد, کلاک بالا
    mine = analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=["USER_ORGUNIT", "USER_ORGUNIT_CHILDREN"])
    assert {r[2]: r[3] for r in mine.rows} == {stats.u["c1"]: "23", stats.u["d1"]: "23"}


def test_filters_aggregate_over_periods_units_and_data(stats):
    rev = stats.e.revenue.uid
    months = analytics_query(user=stats.admin, dx=[rev], pe=None, ou=[stats.u["city1"]],
                             filters={"pe": ["140301", "140302"]})
    assert months.headers[0]["name"] == "dx" and [h["name"] for h in months.headers] == ["dx", "ou", "value"]
    assert months.rows == [[rev, stats.u["city1"], "31"]]
    assert months.value(rev, None, stats.u["city1"]) == 31
    # d1 lies inside p1: the filter counts the subtree once
    units = analytics_query(user=stats.admin, dx=[rev], pe=["140301"], ou=None,
                            filters=[f"ou:{stats.u['p1']};{stats.u['d1']}"])
    assert units.rows == [[rev, "140301", "23"]]
    both = analytics_query(user=stats.admin, dx=None, pe=["140301"], ou=[stats.u["city1"]],
                           filters={"dx": [rev, stats.e.population.uid]})
    assert both.rows == [["140301", stats.u["city1"], "3011"]]


def test_county_officer_gets_a_persian_refusal_outside_the_county(stats):
    rev = stats.e.revenue.uid
    for other in ("c2", "country", "p1", "v2"):
        with pytest.raises(AnalyticsError, match="خارج از محدوده دسترسی شماست"):
            analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=[stats.u[other]])
    with pytest.raises(AnalyticsError, match="خارج از محدوده"):
        analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=None, filters={"ou": [stats.u["c2"]]})
    with pytest.raises(AnalyticsError, match="سطح ۲"):
        analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=["LEVEL-2"])
    own = analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=["USER_ORGUNIT"])
    assert own.rows == [[rev, "140301", stats.u["c1"], "23"]]
    # no unit filter: the officer's own county, never the country
    assert analytics_query(user=stats.officer, dx=[rev], pe=["140301"], ou=None).rows == [[rev, "140301", "23"]]


def test_bad_requests_are_refused_in_persian(stats):
    rev = stats.e.revenue.uid
    cases = [
        (dict(dx=["AAAAAAAAAAA"], pe=["140301"], ou=["USER_ORGUNIT"]), "«AAAAAAAAAAA» یافت نشد"),
        (dict(dx=[rev], pe=["1403M1"], ou=["USER_ORGUNIT"]), "شناسه دوره معتبری نیست"),
        (dict(dx=[rev], pe=["140301"], ou=["O0000009999"]), "یافت نشد یا خارج از محدوده"),
        (dict(dx=[rev], pe=["140301"], ou=["LEVEL-9"]), "سطح «LEVEL-9» معتبر نیست"),
        (dict(dx=[f"{rev}.{stats.female.uid}"], pe=["140301"], ou=["USER_ORGUNIT"]), "از تفکیک‌های عنصر"),
        (dict(dx=[rev], pe=None, ou=["USER_ORGUNIT"]), "دوره‌ای"),
        (dict(dx=[rev], pe=["140301"], ou=["USER_ORGUNIT"], aggregation="MEDIAN"), "نوع تجمیع"),
    ]
    for kwargs, message in cases:
        with pytest.raises(AnalyticsError, match=message):
            analytics_query(user=stats.admin, **kwargs)


def test_no_role_no_numbers(stats):
    from tests.factories import UserFactory

    with pytest.raises(AnalyticsError, match="دسترسی ندارید"):
        analytics_query(user=UserFactory(), dx=[stats.e.revenue.uid], pe=["140301"], ou=["USER_ORGUNIT"])


def test_summary_and_live_agree_everywhere(world):
    """Every element × a year, season and month × every unit: the refreshed summary gives the live answers."""
    from samaneh.stats.analytics.tasks import analytics_refresh

    dx = [e.uid for e in vars(world.e).values()]
    ask = dict(user=world.admin, dx=dx, pe=["1403", "1403Q1", "140301", "140302"],
               ou=[org_unit_uid(u) for u in world.t.values()])
    live = analytics_query(**ask).rows
    analytics_refresh.delay()
    assert analytics_query(**ask).rows == live
    assert len(live) > 80
