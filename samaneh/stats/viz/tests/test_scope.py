"""Every statistics page within the viewer's scope: a county officer sees their county's subtree only;
people without a statistics role get 403; visitors are sent to sign in. Boundaries are public."""
import json

import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.stats.viz.query import OutOfScope, VizQuery, build_pivot, map_data
from tests.factories import UserFactory

from .conftest import MONTHS, REV_FEES, TODAY, officer, params, uid

pytestmark = pytest.mark.django_db

PAGES = ["stats_viz:home", "stats_viz:pivot", "stats_viz:chart", "stats_viz:map", "stats_viz:saved",
         "stats_viz:dashboards"]


@pytest.mark.parametrize("name", PAGES)
def test_visitors_sign_in_first(client, stats, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("accounts:staff-login") in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_without_a_statistics_role_are_refused(client, stats, name):
    inspector = officer(stats["p1"], role=Role.INSPECTION_OFFICER)  # no statistics permission
    client.force_login(inspector)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(UserFactory())  # no role at all
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_officers_open_every_page(client, stats, county_officer, name):
    client.force_login(county_officer)
    assert client.get(reverse(name)).status_code == 200


def test_home_names_the_scope_and_the_data_sets(client, stats, county_officer):
    client.force_login(county_officer)
    html = client.get(reverse("stats_viz:home")).content.decode()
    assert "رفسنجان" in html
    assert "فرم ماهانه عملکرد شهرداری" in html
    for path in (reverse("stats_entry:home"), reverse("stats_io:index"), reverse("stats_entry:completeness"),
                 reverse("stats_viz:pivot"), reverse("stats_viz:chart"), reverse("stats_viz:map"),
                 reverse("stats_viz:dashboards")):
        assert f'href="{path}' in html


def test_a_county_officer_gets_their_county_only(client, stats, county_officer):
    client.force_login(county_officer)
    # Their own county: numbers.
    mine = client.get(reverse("stats_viz:pivot"), params(REV_FEES, MONTHS, [uid(stats["c2"])]))
    assert mine.context["pivot"].row_keys == [(uid(stats["c2"]),)]
    # The other province, or their own province above them: a Persian refusal and no numbers.
    for unit in (stats["p1"], stats["p2"], stats["city1"]):
        other = client.get(reverse("stats_viz:pivot"), params(REV_FEES, MONTHS, [uid(unit)]))
        assert "pivot" not in other.context
        assert any("بیرون از محدوده" in e for e in other.context["errors"]), other.context["errors"]
    # "Every province" means the provinces they reach: none.
    levels = client.get(reverse("stats_viz:pivot"), params(REV_FEES, MONTHS, ["LEVEL-2"]))
    assert "pivot" not in levels.context or levels.context["pivot"].row_keys == []


def test_a_county_officer_cannot_export_another_county(client, stats, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("stats_viz:pivot_export"), params(REV_FEES, MONTHS, [uid(stats["c1"])]))
    assert response.status_code == 302
    assert not response["Content-Type"].startswith("application/vnd")


def test_build_pivot_refuses_out_of_scope_units(stats, county_officer):
    q = VizQuery(dx=[REV_FEES], pe=MONTHS, ou=[uid(stats["c1"])])
    with pytest.raises(OutOfScope):
        build_pivot(user=county_officer, query=q)


def test_unit_tree_stays_inside_the_scope(client, stats, county_officer):
    client.force_login(county_officer)
    inside = client.get(reverse("stats_viz:unit_children", args=[uid(stats["c2"])]))
    assert inside.status_code == 200 and "کشکوئیه" in inside.content.decode()
    for unit in (stats["c1"], stats["p2"], stats["country"]):
        assert client.get(reverse("stats_viz:unit_children", args=[uid(unit)])).status_code == 404
    assert client.get(reverse("stats_viz:unit_children", args=["garbage"])).status_code == 404


def test_the_picker_offers_only_the_scope_roots(client, stats, county_officer):
    client.force_login(county_officer)
    html = client.get(reverse("stats_viz:pivot")).content.decode()
    assert f'value="{uid(stats["c2"])}"' in html
    assert f'value="{uid(stats["p1"])}"' not in html and f'value="{uid(stats["country"])}"' not in html


def test_the_map_colours_only_provinces_in_scope(stats, national):
    province_officer = officer(stats["p1"])
    q = VizQuery(dx=[REV_FEES], pe=MONTHS, ou=["USER_ORGUNIT"])
    national_map = map_data(user=national, query=q, today=TODAY)
    assert set(national_map["values"]) == {uid(stats["p1"]), uid(stats["p2"])}
    provincial = map_data(user=province_officer, query=q, today=TODAY)
    assert set(provincial["values"]) == {uid(stats["p1"])}
    assert provincial["values"][uid(stats["p1"])] == national_map["values"][uid(stats["p1"])]


def test_a_county_officer_gets_a_notice_on_the_map(client, stats, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("stats_viz:map"), params(REV_FEES, MONTHS, ["USER_ORGUNIT"]))
    assert response.context["map"]["values"] == {}
    assert "کوچک‌تر از یک استان" in response.context["province_note"]


def test_boundaries_are_public_cached_and_gzip_friendly(client, stats):
    response = client.get(reverse("stats_viz:boundaries", args=["province"]), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Encoding"] == "gzip"
    assert "public" in response["Cache-Control"]
    import gzip

    body = json.loads(gzip.decompress(response.content))
    assert {f["properties"]["name"] for f in body["features"]} == {"البرز", "کرمان"}
    again = client.get(reverse("stats_viz:boundaries", args=["province"]), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get(reverse("stats_viz:boundaries", args=["county"])).status_code == 404


def test_no_tile_layer_unless_the_setting_names_one(client, stats, national, settings):
    client.force_login(national)
    data = params(REV_FEES, MONTHS, ["USER_ORGUNIT"])
    assert 'data-tiles=""' in client.get(reverse("stats_viz:map"), data).content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.ir/{z}/{x}/{y}.png"
    assert 'data-tiles="https://tiles.example.ir/{z}/{x}/{y}.png"' in client.get(reverse("stats_viz:map"), data).content.decode()
