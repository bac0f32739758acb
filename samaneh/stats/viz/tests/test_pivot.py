"""The pivot table: its numbers are the engine's, rows and columns swap, totals follow the aggregation
type, and the Excel export carries the same numbers."""
import io
import math

import openpyxl
import pytest
from django.urls import reverse

from samaneh.stats.analytics.engine import analytics_query
from samaneh.stats.viz.query import QueryError, VizQuery, build_pivot, format_number

from .conftest import BUDGET_SPENT_PCT, CMP_ANSWERED_PCT, MONTHS, REV_FEES, TODAY, params, uid

pytestmark = pytest.mark.django_db


def query(dx, ou, pe=MONTHS, rows=("ou",), columns=("pe",), filters=("dx",)):
    return VizQuery(dx=list(dx), pe=list(pe), ou=list(ou), rows=list(rows), columns=list(columns),
                    filters=list(filters))


def test_pivot_cells_equal_the_engine(stats, national):
    units = [uid(stats["p1"]), uid(stats["p2"])]
    pivot = build_pivot(user=national, query=query([REV_FEES, BUDGET_SPENT_PCT], units, rows=("ou", "dx"),
                                                   filters=()))
    engine = analytics_query(user=national, dx=[REV_FEES, BUDGET_SPENT_PCT], pe=MONTHS, ou=units)
    compared = 0
    for ou in units:
        for dx in (REV_FEES, BUDGET_SPENT_PCT):
            for pe in MONTHS:
                expected = engine.value(dx=dx, pe=pe, ou=ou)
                assert expected is not None
                assert pivot.value((ou, dx), (pe,)) == pytest.approx(expected)
                compared += 1
    assert compared == 12
    assert pivot.names[uid(stats["p1"])] == "البرز"
    assert pivot.names["140501"] == "فروردین ۱۴۰۵"


def test_the_page_shows_the_numbers_in_persian(client, stats, national):
    client.force_login(national)
    response = client.get(reverse("stats_viz:pivot"), params(REV_FEES, MONTHS, [uid(stats["p1"])]))
    assert response.status_code == 200
    html = response.content.decode()
    engine = analytics_query(user=national, dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["p1"])])
    for pe in MONTHS:
        assert format_number(engine.value(dx=REV_FEES, pe=pe, ou=uid(stats["p1"]))) in html
    assert "فروردین ۱۴۰۵" in html and "خرداد ۱۴۰۵" in html
    assert 'data-rows="ou"' in html and 'data-columns="pe"' in html


def test_swap_turns_rows_into_columns(client, stats, national):
    client.force_login(national)
    first = client.get(reverse("stats_viz:pivot"), params(REV_FEES, MONTHS, [uid(stats["p1"]), uid(stats["p2"])]))
    swap_url = first.context["swap_url"]
    swapped = client.get(swap_url)
    assert swapped.context["pivot"].query.rows == ["pe"]
    assert swapped.context["pivot"].query.columns == ["ou"]
    before, after = first.context["pivot"], swapped.context["pivot"]
    for row in before.row_keys:
        for column in before.column_keys:
            assert after.value(column, row) == before.value(row, column)
    assert 'data-rows="pe"' in swapped.content.decode()


def test_sum_totals_add_up(stats, national):
    units = [uid(stats["p1"]), uid(stats["p2"])]
    pivot = build_pivot(user=national, query=query([REV_FEES], units))
    for row in pivot.row_keys:
        assert pivot.row_totals[row] == pytest.approx(math.fsum(pivot.value(row, c) for c in pivot.column_keys))
    for column in pivot.column_keys:
        assert pivot.column_totals[column] == pytest.approx(math.fsum(pivot.value(r, column) for r in pivot.row_keys))
    assert pivot.grand_total == pytest.approx(math.fsum(pivot.row_totals.values()))
    # The sum over three months is what the engine says for the season.
    season = analytics_query(user=national, dx=[REV_FEES], pe=["1405Q1"], ou=units)
    for ou in units:
        assert pivot.row_totals[(ou,)] == pytest.approx(season.value(dx=REV_FEES, pe="1405Q1", ou=ou))


def test_average_totals_come_from_the_engine_not_from_adding(stats, national):
    units = [uid(stats["p1"]), uid(stats["p2"])]
    pivot = build_pivot(user=national, query=query([BUDGET_SPENT_PCT], units))
    for row in pivot.row_keys:
        cells = [pivot.value(row, c) for c in pivot.column_keys]
        over_months = analytics_query(user=national, dx=[BUDGET_SPENT_PCT], pe=None, ou=[row[0]],
                                      filters={"pe": MONTHS})
        assert pivot.row_totals[row] == pytest.approx(over_months.value(dx=BUDGET_SPENT_PCT, ou=row[0]))
        assert pivot.row_totals[row] != pytest.approx(math.fsum(cells))
        assert min(cells) <= pivot.row_totals[row] <= max(cells)
    for column in pivot.column_keys:
        over_units = analytics_query(user=national, dx=[BUDGET_SPENT_PCT], pe=[column[0]], ou=None,
                                     filters={"ou": units})
        assert pivot.column_totals[column] == pytest.approx(over_units.value(dx=BUDGET_SPENT_PCT, pe=column[0]))
    whole = analytics_query(user=national, dx=[BUDGET_SPENT_PCT], pe=None, ou=None,
                            filters={"pe": MONTHS, "ou": units})
    assert pivot.grand_total == pytest.approx(whole.value(dx=BUDGET_SPENT_PCT))
    assert pivot.grand_total <= 100


def test_indicator_totals_are_ratios_of_sums(stats, national):
    units = [uid(stats["p1"]), uid(stats["p2"])]
    pivot = build_pivot(user=national, query=query([CMP_ANSWERED_PCT], units))
    for row in pivot.row_keys:
        assert pivot.row_totals[row] <= 110  # a share, never the sum of three shares
        expected = analytics_query(user=national, dx=[CMP_ANSWERED_PCT], pe=None, ou=[row[0]], filters={"pe": MONTHS})
        assert pivot.row_totals[row] == pytest.approx(expected.value(dx=CMP_ANSWERED_PCT, ou=row[0]))


def test_no_total_across_different_elements(stats, national):
    pivot = build_pivot(user=national, query=query([REV_FEES, BUDGET_SPENT_PCT], [uid(stats["p1"])],
                                                   rows=("pe",), columns=("dx",), filters=("ou",)))
    assert pivot.row_totals is None  # revenue + a percentage means nothing
    assert pivot.column_totals is not None
    assert not pivot.has_grand_total


def test_excel_export_has_the_numbers(client, stats, national):
    client.force_login(national)
    units = [uid(stats["p1"]), uid(stats["p2"])]
    response = client.get(reverse("stats_viz:pivot_export"), params(REV_FEES, MONTHS, units))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("واحد", "فروردین ۱۴۰۵", "اردیبهشت ۱۴۰۵", "خرداد ۱۴۰۵", "جمع")
    engine = analytics_query(user=national, dx=[REV_FEES], pe=MONTHS, ou=units)
    assert rows[1][0] == "البرز" and rows[2][0] == "کرمان"
    for index, ou in ((1, units[0]), (2, units[1])):
        for offset, pe in enumerate(MONTHS, start=1):
            assert rows[index][offset] == pytest.approx(engine.value(dx=REV_FEES, pe=pe, ou=ou))
        assert rows[index][4] == pytest.approx(sum(rows[index][1:4]))
    assert rows[3][0] == "جمع"
    assert rows[3][4] == pytest.approx(rows[1][4] + rows[2][4])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"dx": "NoSuchUid01"}, "عنصر داده یا شاخص «NoSuchUid01» شناخته نیست."),
        ({"pe": "1405Q9"}, "دوره:"),
        ({"ou": "O000000zzzz"}, "واحد سازمانی «O000000zzzz» شناخته نیست."),
        ({"layout_pe": "sideways"}, "جای «دوره» در چیدمان باید سطر، ستون یا فیلتر باشد."),
        ({"dx": ""}, "دست‌کم یک عنصر داده یا شاخص انتخاب کنید."),
    ],
)
def test_bad_input_is_named_in_persian(client, stats, national, change, message):
    client.force_login(national)
    data = params(REV_FEES, MONTHS, [uid(stats["p1"])])
    data.update(change)
    response = client.get(reverse("stats_viz:pivot"), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["errors"])
    assert "pivot" not in response.context


def test_export_of_a_bad_query_goes_back_with_the_error(client, stats, national):
    client.force_login(national)
    data = params("NoSuchUid01", MONTHS, [uid(stats["p1"])])
    response = client.get(reverse("stats_viz:pivot_export"), data, follow=True)
    assert "عنصر داده یا شاخص «NoSuchUid01» شناخته نیست." in response.content.decode()


def test_relative_periods_and_levels_resolve(stats, national):
    pivot = build_pivot(user=national, query=query([REV_FEES], ["LEVEL-2"], pe=["LAST_3_MONTHS"]), today=TODAY)
    assert [key[0] for key in pivot.row_keys] == [uid(stats["p1"]), uid(stats["p2"])]
    assert [key[0] for key in pivot.column_keys] == ["140506", "140507", "140508"]


def test_query_round_trips_through_json(stats):
    q = query([REV_FEES], ["USER_ORGUNIT"], rows=("pe",), columns=("ou",))
    assert VizQuery.from_json(q.as_json()) == q
    assert q.swapped().rows == ["ou"] and q.swapped().columns == ["pe"]
    with pytest.raises(QueryError) as refused:
        VizQuery.from_json({"dx": [REV_FEES], "pe": MONTHS, "ou": ["USER_ORGUNIT"], "rows": ["ou"]})
    assert "هر یک از داده، دوره و واحد باید دقیقاً یک جا در چیدمان داشته باشد." in refused.value.messages


def test_charts_take_the_same_answer(stats, national):
    from samaneh.stats.viz.query import chart_data

    units = [uid(stats["p1"]), uid(stats["p2"])]
    pivot = build_pivot(user=national, query=query([REV_FEES], units, rows=("pe",), columns=("ou",)))
    column = chart_data(pivot, "column")
    assert column["categories"] == ["فروردین ۱۴۰۵", "اردیبهشت ۱۴۰۵", "خرداد ۱۴۰۵"]
    assert [s["name"] for s in column["series"]] == ["البرز", "کرمان"]
    assert column["series"][1]["data"] == [pytest.approx(pivot.value((pe,), (units[1],))) for pe in MONTHS]
    pie = chart_data(build_pivot(user=national, query=query([REV_FEES], units, columns=(), filters=("dx", "pe"))),
                     "pie")
    assert pie["title"] == "درآمد عوارض (میلیون ریال)"
    by_name = {slice_["name"]: slice_["value"] for slice_ in pie["data"]}
    totals = build_pivot(user=national, query=query([REV_FEES], units)).row_totals
    assert by_name["البرز"] == pytest.approx(totals[(units[0],)])


def test_no_total_adds_a_unit_to_the_unit_that_contains_it(stats, national):
    nested = build_pivot(user=national, query=query([REV_FEES], [uid(stats["city1"]), uid(stats["p1"])]))
    assert nested.column_totals is None and not nested.has_grand_total
    assert nested.row_totals is not None  # months of one unit still add up
    side_by_side = build_pivot(user=national, query=query([REV_FEES], [uid(stats["p1"]), uid(stats["p2"])]))
    assert side_by_side.column_totals is not None
