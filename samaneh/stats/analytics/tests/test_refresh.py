"""The summary stays correct: a value written after a refresh is in the very next answer."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samaneh.stats.analytics.engine import analytics_query
from samaneh.stats.analytics.models import Aggregate, DirtyPeriod
from samaneh.stats.analytics.tasks import analytics_refresh
from samaneh.stats.analytics.tests.conftest import write


def province_values(world):
    rev = world.e.revenue.uid
    result = analytics_query(user=world.admin, dx=[rev], pe=["140301"], ou=["LEVEL-2"])
    return {r[2]: r[3] for r in result.rows}


def test_writes_mark_elements_dirty_and_the_refresh_clears_them(world):
    assert (world.e.revenue.pk, "1403W2") in set(DirtyPeriod.objects.values_list("element_id", "period"))
    report = analytics_refresh.delay().result
    assert report["elements"] >= 10 and report["rows"] > 0
    assert not DirtyPeriod.objects.exists()
    # the province answer now comes from the summary alone, not the stored values
    with CaptureQueriesContext(connection) as queries:
        assert province_values(world) == {world.u["p1"]: "23", world.u["p2"]: "101"}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "stats_analytics_aggregate" in sql and "stats_datavalue" not in sql
    # Farvardin's monthly values (22) and the week that starts in it (1), filed under the month
    rows = Aggregate.objects.filter(data_element_id=world.e.revenue.pk, org_unit_id=world.t["p1"].pk, period="140301")
    assert (sum(r.total for r in rows), sum(r.count for r in rows)) == (23, 4)


def test_a_value_imported_after_the_refresh_is_in_the_next_answer(world):
    analytics_refresh.delay()
    assert province_values(world) == {world.u["p1"]: "23", world.u["p2"]: "101"}
    write([world.row(world.e.revenue, "140301", "city1", "50")])  # update 10 → 50
    write([world.row(world.e.revenue, "140301", "v2", "9")])  # update 1 → 9
    assert province_values(world) == {world.u["p1"]: "63", world.u["p2"]: "109"}
    analytics_refresh.delay()
    assert not DirtyPeriod.objects.exists()
    assert province_values(world) == {world.u["p1"]: "63", world.u["p2"]: "109"}
    write([{**world.row(world.e.revenue, "140301", "city2", ""), "deleted": True}])
    assert province_values(world) == {world.u["p1"]: "63", world.u["p2"]: "9"}


def test_a_new_unit_with_data_counts_before_and_after_the_refresh(world):
    from samaneh.geo.models import OrgUnit
    from samaneh.stats.uids import org_unit_uid

    analytics_refresh.delay()
    town = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="اشتهارد", parent=world.t["d1"])
    write([{"dataElement": world.e.revenue.uid, "period": "140301", "orgUnit": org_unit_uid(town), "value": "4"}])
    assert province_values(world)[world.u["p1"]] == "27"
    analytics_refresh.delay()
    assert province_values(world)[world.u["p1"]] == "27"


def test_a_moved_unit_is_counted_under_its_new_province(world):
    analytics_refresh.delay()
    city1 = world.t["city1"]
    city1.parent = world.t["d2"]
    city1.save()
    assert DirtyPeriod.objects.filter(element_id=0, period="").exists()
    assert province_values(world) == {world.u["p1"]: "12", world.u["p2"]: "112"}
    analytics_refresh.delay()
    assert not DirtyPeriod.objects.exists()
    assert province_values(world) == {world.u["p1"]: "12", world.u["p2"]: "112"}


def test_values_stored_at_a_county_or_province_count_once_at_every_level(world):
    write([world.row(world.e.revenue, "140301", "p2", "1000"), world.row(world.e.revenue, "140301", "c1", "300")])
    rev = world.e.revenue.uid

    def answers():
        result = analytics_query(user=world.admin, dx=[rev], pe=["140301", "1403"],
                                 ou=[world.u[k] for k in ("country", "p1", "c1", "d1", "p2", "c2")])
        return {(r[1], r[2]): r[3] for r in result.rows}

    live = answers()
    assert live[("140301", world.u["p2"])] == "1101" and live[("140301", world.u["c2"])] == "101"
    assert live[("140301", world.u["c1"])] == "323" and live[("140301", world.u["d1"])] == "23"
    assert live[("140301", world.u["country"])] == "1424"
    analytics_refresh.delay()
    assert answers() == live


def test_only_the_changed_period_goes_live_and_the_refresh_rebuilds_only_it(world):
    analytics_refresh.delay()
    write([world.row(world.e.revenue, "140302", "city2", "5")])
    assert set(DirtyPeriod.objects.values_list("element_id", "period")) == {(world.e.revenue.pk, "140302")}
    rev = world.e.revenue.uid
    with CaptureQueriesContext(connection) as queries:
        january = analytics_query(user=world.admin, dx=[rev], pe=["140301"], ou=["LEVEL-2"])
    assert "stats_datavalue" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert {r[2]: r[3] for r in january.rows} == {world.u["p1"]: "23", world.u["p2"]: "101"}
    season = analytics_query(user=world.admin, dx=[rev], pe=["140302", "1403Q1"], ou=["LEVEL-2"])
    assert season.value(rev, "140302", world.u["p2"]) == 5
    assert season.value(rev, "1403Q1", world.u["p2"]) == 106
    untouched = Aggregate.objects.filter(data_element_id=world.e.revenue.pk, period="140301")
    untouched = untouched.values_list("pk", flat=True)
    before = set(untouched)
    report = analytics_refresh.delay().result
    assert report["elements"] == 1
    assert set(untouched) == before  # Farvardin's rows were left alone
    assert analytics_query(user=world.admin, dx=[rev], pe=["1403Q1"], ou=[world.u["p2"]]).rows[0][-1] == "106"
