"""Saved visualisations and dashboards: a saved query comes back as it was saved, and a dashboard shows
each viewer only the numbers of their own scope."""
import json

import pytest
from django.urls import reverse

from samaneh.core.models import AuditEntry
from samaneh.stats.viz import services
from samaneh.stats.viz.demo import DASHBOARD_NAME, create_demo_dashboard
from samaneh.stats.viz.models import Dashboard, DashboardItem, Kind, SavedVisualization
from samaneh.stats.viz.query import VizQuery, build_pivot
from tests.factories import UserFactory

from .conftest import BUDGET_SPENT_PCT, MONTHS, REV_FEES, officer, params, uid

pytestmark = pytest.mark.django_db


def save_through_the_page(client, query, kind="pivot", name="درآمد عوارض استان‌ها"):
    return client.post(reverse("stats_viz:save"), {"name": name, "kind": kind, "query": json.dumps(query.as_json()),
                                                    "back": reverse("stats_viz:pivot")})


def test_saved_pivot_round_trip(client, stats, national):
    client.force_login(national)
    page = client.get(reverse("stats_viz:pivot"),
                      params(REV_FEES, MONTHS, [uid(stats["p1"]), uid(stats["p2"])], rows="pe", columns="ou"))
    shown = page.context["pivot"]
    saved_json = json.loads(page.context["query_json"])
    response = client.post(reverse("stats_viz:save"), {"name": "  درآمد   عوارض ", "kind": "pivot",
                                                       "query": page.context["query_json"]})
    visualization = SavedVisualization.objects.get(owner=national)
    assert visualization.name == "درآمد عوارض"
    assert visualization.kind == Kind.PIVOT
    assert visualization.query == saved_json
    assert response.status_code == 302
    reopened = client.get(response["Location"])
    again = reopened.context["pivot"]
    assert again.query == shown.query
    assert again.cells == shown.cells and again.row_totals == shown.row_totals
    assert client.get(reverse("stats_viz:saved_open", args=[visualization.pk])).status_code == 302
    assert AuditEntry.objects.filter(action="stats.visualization.create", object_id=str(visualization.pk)).exists()


def test_saving_without_a_name_or_with_a_bad_query_changes_nothing(client, stats, national):
    client.force_login(national)
    good = VizQuery(dx=[REV_FEES], pe=MONTHS, ou=["USER_ORGUNIT"])
    response = save_through_the_page(client, good, name="   ")
    assert SavedVisualization.objects.count() == 0
    followed = client.get(response["Location"])
    assert "نام را بنویسید." in followed.content.decode()
    save_through_the_page(client, VizQuery(dx=["NoSuchUid01"], pe=MONTHS, ou=["USER_ORGUNIT"]))
    save_through_the_page(client, good, kind="sankey")
    response = client.post(reverse("stats_viz:save"), {"name": "x", "kind": "pivot", "query": "{not json"})
    assert SavedVisualization.objects.count() == 0
    assert "پرس‌وجو خراب است." in client.get(response["Location"]).content.decode()


def test_only_the_owner_opens_or_deletes_a_saved_visualization(client, stats, national):
    visualization = services.visualization_save(national, name="مال من", kind=Kind.PIVOT,
                                                query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=["USER_ORGUNIT"]))
    other = officer(stats["country"])
    client.force_login(other)
    assert client.get(reverse("stats_viz:saved_open", args=[visualization.pk])).status_code == 404
    assert client.post(reverse("stats_viz:saved_delete", args=[visualization.pk])).status_code == 404
    assert SavedVisualization.objects.filter(pk=visualization.pk).exists()
    assert "مال من" not in client.get(reverse("stats_viz:saved")).content.decode()
    client.force_login(national)
    client.post(reverse("stats_viz:saved_delete", args=[visualization.pk]))
    assert not SavedVisualization.objects.filter(pk=visualization.pk).exists()


@pytest.fixture
def shared_board(stats, national):
    """The national officer's shared dashboard: a pivot of their own units, and a pivot naming Alborz."""
    board = services.dashboard_create(national, name="داشبورد کشور", shared=True)
    relative = services.visualization_save(
        national, name="درآمد واحد من", kind=Kind.PIVOT,
        query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=["USER_ORGUNIT"], rows=["ou"], columns=["pe"], filters=["dx"]))
    alborz = services.visualization_save(
        national, name="درآمد البرز", kind=Kind.COLUMN,
        query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["p1"])], rows=["pe"], columns=["ou"], filters=["dx"]))
    services.dashboard_item_add(national, dashboard=board, visualization=relative, width=12)
    services.dashboard_item_add(national, dashboard=board, visualization=alborz, width=6)
    return board


def test_the_owner_sees_every_item(client, stats, national, shared_board):
    client.force_login(national)
    response = client.get(reverse("stats_viz:dashboard", args=[shared_board.pk]))
    first, second = response.context["items"]
    assert first["error"] is None and first["pivot"].row_keys == [(uid(stats["country"]),)]
    assert second["error"] is None and second["chart"]["series"][0]["name"] == "البرز"
    assert first["width"] == 12 and second["width"] == 6


def test_a_county_officer_sees_their_own_numbers_and_a_notice(client, stats, county_officer, shared_board, national):
    client.force_login(county_officer)
    response = client.get(reverse("stats_viz:dashboard", args=[shared_board.pk]))
    assert response.status_code == 200
    mine, alborz = response.context["items"]
    # USER_ORGUNIT is re-run as the viewer: their county, with the county's figures.
    assert mine["pivot"].row_keys == [(uid(stats["c2"]),)]
    expected = build_pivot(user=county_officer, query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["c2"])]))
    assert mine["pivot"].cells == expected.cells
    # Alborz is outside their scope: a Persian notice, no numbers.
    assert "chart" not in alborz and "pivot" not in alborz
    assert "بیرون از محدوده دسترسی شما" in alborz["error"]
    html = response.content.decode()
    assert "بیرون از محدوده دسترسی شما" in html
    national_total = build_pivot(user=national, query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["p1"])]))
    from samaneh.stats.viz.query import format_number

    for value in national_total.cells.values():
        assert format_number(value) not in html
    # A viewer cannot change someone else's dashboard.
    item = shared_board.items.first()
    assert client.post(reverse("stats_viz:dashboard", args=[shared_board.pk]),
                       {"action": "remove", "item": item.pk}).status_code == 403
    assert shared_board.items.count() == 2


def test_unshared_dashboards_stay_private(client, stats, national, county_officer):
    private = services.dashboard_create(national, name="فقط من")
    client.force_login(county_officer)
    assert client.get(reverse("stats_viz:dashboard", args=[private.pk])).status_code == 404
    assert "فقط من" not in client.get(reverse("stats_viz:dashboards")).content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("stats_viz:dashboard", args=[private.pk])).status_code == 403


def test_composing_a_dashboard_through_the_pages(client, stats, national):
    client.force_login(national)
    response = client.post(reverse("stats_viz:dashboards"), {"name": "پایش ماهانه", "shared": "on"})
    board = Dashboard.objects.get(name="پایش ماهانه")
    assert board.shared and board.owner == national
    assert response["Location"] == reverse("stats_viz:dashboard", args=[board.pk])
    views = [services.visualization_save(national, name=f"نما {i}", kind=Kind.PIVOT,
                                         query=VizQuery(dx=[dx], pe=MONTHS, ou=["USER_ORGUNIT"]))
             for i, dx in enumerate((REV_FEES, BUDGET_SPENT_PCT))]
    url = reverse("stats_viz:dashboard", args=[board.pk])
    for v in views:
        client.post(url, {"action": "add", "visualization": v.pk, "width": 4})
    client.post(url, {"action": "add", "visualization": views[0].pk, "width": 5})  # not a width we offer
    assert [i.visualization for i in board.items.all()] == views
    assert {i.width for i in board.items.all()} == {4}
    last = board.items.last()
    client.post(url, {"action": "up", "item": last.pk})
    assert [i.visualization for i in board.items.all()] == views[::-1]
    client.post(url, {"action": "remove", "item": last.pk})
    assert [i.visualization for i in board.items.all()] == [views[0]]
    # Someone else's visualisation cannot be put on it.
    foreign = services.visualization_save(officer(stats["country"]), name="دیگری", kind=Kind.PIVOT,
                                          query=VizQuery(dx=[REV_FEES], pe=MONTHS, ou=["USER_ORGUNIT"]))
    assert client.post(url, {"action": "add", "visualization": foreign.pk, "width": 6}).status_code == 404
    assert DashboardItem.objects.filter(visualization=foreign).count() == 0
    assert client.post(reverse("stats_viz:dashboards"), {"name": ""}).status_code == 302
    assert Dashboard.objects.count() == 1


def test_demo_dashboard_is_idempotent(client, stats):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    demo = UserFactory(username="demo-stats")
    RoleFactory(user=demo, role=Role.STATISTICS_OFFICER, org_unit=stats["p1"])
    board = create_demo_dashboard()
    assert create_demo_dashboard() == board
    assert Dashboard.objects.filter(name=DASHBOARD_NAME).count() == 1
    assert board.items.count() == 5
    assert SavedVisualization.objects.filter(owner=demo).count() == 5
    client.force_login(demo)
    items = client.get(reverse("stats_viz:dashboard", args=[board.pk])).context["items"]
    assert [item["error"] for item in items] == [None] * 5
    assert {k for item in items for k in ("pivot", "chart", "map") if k in item} == {"pivot", "chart", "map"}


def test_a_refused_save_never_sends_the_user_to_another_site(client, stats, national):
    client.force_login(national)
    response = client.post(reverse("stats_viz:save"), {"name": "", "kind": "pivot", "back": "https://evil.example/",
                                                       "query": json.dumps(VizQuery(dx=[REV_FEES], pe=MONTHS,
                                                                                    ou=["USER_ORGUNIT"]).as_json())})
    assert response["Location"] == reverse("stats_viz:pivot")


def test_a_saved_map_naming_a_unit_outside_scope_shows_a_notice(client, stats, national, county_officer):
    board = services.dashboard_create(national, name="نقشه", shared=True)
    alborz_map = services.visualization_save(national, name="نقشه البرز", kind=Kind.MAP, query=VizQuery(
        dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["p1"])], rows=["ou"], columns=[], filters=["dx", "pe"]))
    services.dashboard_item_add(national, dashboard=board, visualization=alborz_map)
    client.force_login(county_officer)
    (item,) = client.get(reverse("stats_viz:dashboard", args=[board.pk])).context["items"]
    assert "map" not in item and "بیرون از محدوده دسترسی شما" in item["error"]
    client.force_login(national)
    (item,) = client.get(reverse("stats_viz:dashboard", args=[board.pk])).context["items"]
    assert item["error"] is None and set(item["map"]["values"]) == {uid(stats["p1"]), uid(stats["p2"])}
