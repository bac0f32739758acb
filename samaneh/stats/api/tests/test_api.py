"""The DHIS2-compatible Web API through Django's test client: shapes, scope, refusals."""
import base64
import json

import pytest
from django.test import Client
from django.urls import reverse

from samaneh.core.models import AuditEntry
from samaneh.stats.api.services import api_credential_create
from samaneh.stats.models import DataValue
from samaneh.stats.uids import org_unit_uid

pytestmark = pytest.mark.django_db
API = "/dhis2/api"
API_PASSWORD = "Api-Pass-For-Tests-1403"
WEB_PASSWORD = "Samaneh-Test-Pass-1403"  # tests/factories.UserFactory


def basic(username, password):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def officer(meta):
    api_credential_create(meta.officer, password=API_PASSWORD)
    return basic(meta.officer.username, API_PASSWORD)


@pytest.fixture
def other(meta):
    api_credential_create(meta.other_officer, password=API_PASSWORD)
    return basic(meta.other_officer.username, API_PASSWORD)


def post(client, auth, body, query="", **extra):
    return client.post(f"{API}/dataValueSets{query}", data=json.dumps(body), content_type="application/json",
                       **auth, **extra)


def payload(meta, values, unit_key="city1"):
    return {"dataSet": meta.monthly.uid, "period": meta.last_month.id, "orgUnit": org_unit_uid(meta.tree[unit_key]),
            "completeDate": "2026-01-01", "dataValues": values}


# ---- auth -----------------------------------------------------------------------------------------------
def test_no_credentials_is_401_with_challenge(client, meta):
    response = client.get(f"{API}/system/info")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="DHIS2"')
    assert "وارد شوید" in response.json()["message"]


def test_basic_refuses_the_web_password_and_wrong_api_password(client, meta, officer):
    for password in (WEB_PASSWORD, "wrong-password"):
        response = client.get(f"{API}/system/info", **basic(meta.officer.username, password))
        assert response.status_code == 401 and "گذرواژه API" in response.json()["message"]
        assert "Invalid username or API password" in response.json()["message"]
    assert client.get(f"{API}/system/info", **officer).status_code == 200


def test_basic_failures_are_throttled(client, meta, officer, settings):
    settings.STATS_API_BASIC_FAILURES = 3
    for _ in range(3):
        assert client.get(f"{API}/me", **basic(meta.officer.username, "nope")).status_code == 401
    response = client.get(f"{API}/me", **officer)
    assert response.status_code == 429 and "Retry-After" in response
    assert "تلاش‌های ناموفق" in response.json()["message"]


def test_revoked_credential_stops_working(client, meta, officer):
    from samaneh.stats.api.services import api_credential_revoke

    assert api_credential_revoke(meta.officer)
    assert client.get(f"{API}/me", **officer).status_code == 401


def test_session_auth_reads_and_needs_csrf_to_write(meta):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(meta.officer)
    assert browser.get(f"{API}/me").json()["username"] == meta.officer.username
    body = payload(meta, [{"dataElement": meta.population.uid, "value": "5"}])
    refused = browser.post(f"{API}/dataValueSets", data=json.dumps(body), content_type="application/json")
    assert refused.status_code == 403 and not DataValue.objects.exists()


def test_basic_auth_writes_without_csrf(meta, officer):
    api = Client(enforce_csrf_checks=True)
    response = post(api, officer, payload(meta, [{"dataElement": meta.population.uid, "value": "5"}]))
    assert response.status_code == 200 and DataValue.objects.count() == 1


# ---- system/info and me ----------------------------------------------------------------------------------
def test_system_info_and_me(client, meta, officer):
    info = client.get(f"{API}/system/info", **officer).json()
    assert info["systemName"] == "سامانه جامع آماری سامانه" and info["version"].startswith("2.40")
    assert info["contextPath"] == "http://testserver/dhis2" and info["serverDate"][:2] == "20"
    me = client.get(f"{API}/me", **officer).json()
    assert me["username"] == meta.officer.username
    assert [u["id"] for u in me["organisationUnits"]] == [org_unit_uid(meta.tree["c1"])]
    assert "stats.enter" in me["authorities"]
    assert client.get(f"{API}/me?fields=id,username", **officer).json().keys() == {"id", "username"}


# ---- dataValueSets POST ---------------------------------------------------------------------------------
def test_post_json_with_defaults_then_reimport_is_updated(client, meta, officer):
    values = [{"dataElement": meta.population.uid, "value": "12000"},
              {"dataElement": meta.staff.uid, "categoryOptionCombo": meta.coc_f.uid, "value": "۷"},
              {"dataElement": meta.revenue.uid, "value": "45.5", "comment": "برآورد"}]
    first = post(client, officer, payload(meta, values))
    assert first.status_code == 200
    body = first.json()
    assert (body["httpStatus"], body["httpStatusCode"], body["status"]) == ("OK", 200, "OK")
    assert body["response"]["responseType"] == "ImportSummary" and body["response"]["status"] == "SUCCESS"
    assert body["response"]["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    again = post(client, officer, payload(meta, values)).json()["response"]["importCount"]
    assert again == {"imported": 0, "updated": 3, "ignored": 0, "deleted": 0}
    staff = DataValue.objects.get(data_element=meta.staff)
    assert (staff.value, staff.period, staff.org_unit_id) == ("7", meta.last_month.id, meta.tree["city1"].pk)


def test_post_conflicts_answer_409_with_per_value_conflicts(client, meta, officer):
    values = [{"dataElement": meta.population.uid, "value": "10"},
              {"dataElement": meta.spent.uid, "value": "150"},
              {"dataElement": meta.revenue.uid, "value": "بسیار"}]
    response = post(client, officer, payload(meta, values))
    assert response.status_code == 409
    body = response.json()
    assert body["httpStatus"] == "Conflict" and body["status"] == "WARNING"
    conflicts = body["response"]["conflicts"]
    assert [c["indexes"] for c in conflicts] == [[1], [2]]
    assert "۰ و ۱۰۰" in conflicts[0]["value"] and "عدد" in conflicts[1]["value"]
    assert list(DataValue.objects.values_list("value", flat=True)) == ["10"]


def test_county_officer_cannot_write_another_county(client, meta, officer):
    response = post(client, officer, payload(meta, [{"dataElement": meta.population.uid, "value": "1"}],
                                             unit_key="city2"))
    assert response.status_code == 409
    assert response.json()["response"]["conflicts"][0]["errorCode"] == "E7613"
    assert response.json()["status"] == "ERROR" and not DataValue.objects.exists()


def test_dry_run_strategy_and_code_scheme(client, meta, officer):
    body = {"period": meta.last_month.id, "orgUnit": meta.tree["city1"].code,
            "dataValues": [{"dataElement": "POP", "value": "3"}]}
    dry = post(client, officer, body, "?dryRun=true&idScheme=CODE").json()
    assert dry["response"]["importCount"]["imported"] == 1 and not DataValue.objects.exists()
    assert dry["response"]["importOptions"]["dryRun"] is True
    post(client, officer, body, "?idScheme=CODE")
    ignored = post(client, officer, body, "?importStrategy=CREATE&dataElementIdScheme=CODE&orgUnitIdScheme=CODE")
    assert ignored.json()["response"]["importCount"]["ignored"] == 1
    by_uid_only = post(client, officer, body, "?idScheme=UID")
    assert by_uid_only.status_code == 409 and by_uid_only.json()["response"]["conflicts"][0]["errorCode"] == "E7610"
    deleted = post(client, officer, body, "?importStrategy=DELETE&idScheme=CODE").json()
    assert deleted["response"]["importCount"]["deleted"] == 1 and not DataValue.objects.exists()
    bad = post(client, officer, body, "?importStrategy=MERGE")
    assert bad.status_code == 409 and "راهبرد" in bad.json()["message"]


def test_post_csv_with_header_and_mixed_digits(client, meta, officer):
    unit = org_unit_uid(meta.tree["city1"])
    period = "۱۴" + meta.last_month.id[2:]
    text = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,"
        "followup\n"
        f"{meta.revenue.uid},{period},{unit},,,۱2۳٫5,someone,,یادداشت,false\n"
        f"{meta.population.uid},{meta.last_month.id},{unit},HllvX50cXC0,,abc,,,,\n"
    )
    response = client.post(f"{API}/dataValueSets", data=text.encode(), content_type="application/csv", **officer)
    assert response.status_code == 409
    summary = response.json()["response"]
    assert summary["importCount"]["imported"] == 1 and summary["conflicts"][0]["indexes"] == [1]
    value = DataValue.objects.get()
    assert (value.value, value.numeric, value.period, value.comment) == ("123.5", 123.5, meta.last_month.id,
                                                                         "یادداشت")


def test_post_refuses_bad_bodies(client, meta, officer):
    broken = client.post(f"{API}/dataValueSets", data=b"{not json", content_type="application/json", **officer)
    assert broken.status_code == 409 and "JSON" in broken.json()["message"]
    xml = client.post(f"{API}/dataValueSets", data=b"<dataValueSet/>", content_type="application/xml", **officer)
    assert xml.status_code == 415


def test_idempotency_key_replays_the_first_answer(client, meta, officer):
    body = payload(meta, [{"dataElement": meta.population.uid, "value": "5"}])
    first = post(client, officer, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    second = post(client, officer, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.json() == second.json() and second.json()["response"]["importCount"]["imported"] == 1
    assert AuditEntry.objects.filter(action="stats.datavalues_import").count() == 1
    third = post(client, officer, body, HTTP_IDEMPOTENCY_KEY="abc-2")
    assert third.json()["response"]["importCount"]["updated"] == 1


def test_viewer_without_enter_permission_cannot_post(client, meta):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    viewer = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=meta.tree["p1"]).user
    api_credential_create(viewer, password=API_PASSWORD)
    response = post(client, basic(viewer.username, API_PASSWORD), payload(meta, [
        {"dataElement": meta.population.uid, "value": "5"}]))
    assert response.status_code == 403 and not DataValue.objects.exists()


# ---- dataValueSets GET ----------------------------------------------------------------------------------
def _seed(client, meta, auth):
    national = basic(meta.national.username, API_PASSWORD)
    api_credential_create(meta.national, password=API_PASSWORD)
    for key, number in (("city1", "100"), ("city2", "200")):
        post(client, national, payload(meta, [{"dataElement": meta.population.uid, "value": number},
                                              {"dataElement": meta.revenue.uid, "value": "7.5"}], unit_key=key))
    assert DataValue.objects.count() == 4
    return national


def test_get_by_data_set_period_and_unit_with_children(client, meta, officer):
    national = _seed(client, meta, officer)
    query = f"?dataSet={meta.monthly.uid}&period={meta.last_month.id}&orgUnit={org_unit_uid(meta.tree['country'])}"
    assert client.get(f"{API}/dataValueSets{query}", **national).json()["dataValues"] == []
    whole = client.get(f"{API}/dataValueSets{query}&children=true", **national).json()["dataValues"]
    assert sorted(v["value"] for v in whole) == ["100", "200", "7.5", "7.5"]
    assert whole[0].keys() >= {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value", "storedBy",
                               "lastUpdated"}
    mine = client.get(f"{API}/dataValueSets?dataElement={meta.population.uid}&period={meta.last_month.id}"
                      f"&orgUnit={org_unit_uid(meta.tree['c1'])}&children=true", **officer).json()["dataValues"]
    assert [(v["orgUnit"], v["value"]) for v in mine] == [(org_unit_uid(meta.tree["city1"]), "100")]


def test_county_officer_cannot_read_another_county(client, meta, officer):
    _seed(client, meta, officer)
    response = client.get(f"{API}/dataValueSets?dataSet={meta.monthly.uid}&period={meta.last_month.id}"
                          f"&orgUnit={org_unit_uid(meta.tree['city2'])}", **officer)
    assert response.status_code == 404 and "7.5" not in response.content.decode()
    detail = client.get(f"{API}/organisationUnits/{org_unit_uid(meta.tree['city2'])}", **officer)
    assert detail.status_code == 404


def test_get_by_dates_and_csv(client, meta, officer):
    national = _seed(client, meta, officer)
    start, end = meta.last_month.start.isoformat(), meta.last_month.end.isoformat()
    query = (f"?dataSet={meta.monthly.uid}&startDate={start}&endDate={end}"
             f"&orgUnit={org_unit_uid(meta.tree['city1'])}")
    assert len(client.get(f"{API}/dataValueSets{query}", **national).json()["dataValues"]) == 2
    response = client.get(f"{API}/dataValueSets.csv{query}", **national)
    assert response["Content-Type"].startswith("application/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == ("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
                        "lastupdated,comment,followup")
    assert len(lines) == 3 and {line.split(",")[5] for line in lines[1:]} == {"100", "7.5"}


def test_get_requires_what_and_when_and_where(client, meta, officer):
    for query in (f"?period={meta.last_month.id}&orgUnit=x", f"?dataSet={meta.monthly.uid}&orgUnit=x",
                  f"?dataSet={meta.monthly.uid}&period={meta.last_month.id}"):
        response = client.get(f"{API}/dataValueSets{query}", **officer)
        assert response.status_code == 409 and response.json()["status"] == "ERROR"


# ---- metadata -------------------------------------------------------------------------------------------
def test_data_elements_fields_filter_and_paging(client, meta, officer):
    listing = client.get(f"{API}/dataElements?pageSize=3", **officer).json()
    assert listing["pager"]["total"] == 8 and listing["pager"]["pageCount"] == 3 and listing["pager"]["page"] == 1
    assert "page=2" in listing["pager"]["nextPage"]
    assert listing["dataElements"][0].keys() == {"id", "displayName"}
    last = client.get(f"{API}/dataElements?pageSize=3&page=3", **officer).json()
    assert len(last["dataElements"]) == 2 and "nextPage" not in last["pager"]
    found = client.get(f"{API}/dataElements?fields=id,name,code,valueType&filter=name:ilike:درآمد&paging=false",
                       **officer).json()
    assert "pager" not in found
    assert found["dataElements"] == [{"id": meta.revenue.uid, "name": meta.revenue.name, "code": "REV",
                                      "valueType": "NUMBER"}]
    chosen = client.get(f"{API}/dataElements?fields=code&filter=id:in:[{meta.revenue.uid},{meta.spent.uid}]"
                        "&paging=false", **officer).json()["dataElements"]
    assert sorted(d["code"] for d in chosen) == ["REV", "SPENT"]
    everything = client.get(f"{API}/dataElements/{meta.staff.uid}", **officer).json()
    assert everything["categoryCombo"] == {"id": meta.gender_combo.uid}
    assert everything["aggregationType"] == "SUM" and everything["valueType"] == "INTEGER_ZERO_OR_POSITIVE"
    assert client.get(f"{API}/dataElements?filter=nonsense", **officer).status_code == 409


def test_data_sets_nested_fields_and_unit_scope(client, meta, officer):
    body = client.get(f"{API}/dataSets?fields=id,periodType,dataSetElements[dataElement[id,name]],"
                      f"organisationUnits[id]&filter=code:eq:MONTHLY", **officer).json()
    [data_set] = body["dataSets"]
    assert data_set["periodType"] == "Monthly"
    assert {"id": meta.revenue.uid, "name": meta.revenue.name} in [e["dataElement"] for e in
                                                                    data_set["dataSetElements"]]
    # The Karaj officer sees only the unit of the form that lies in Karaj.
    assert data_set["organisationUnits"] == [{"id": org_unit_uid(meta.tree["city1"])}]
    full = client.get(f"{API}/dataSets/{meta.monthly.uid}?fields=:all", **officer).json()
    assert full["dataSetElements"][0]["dataElement"].keys() == {"id"} and full["expiryDays"] == 0


def test_org_units_scope_level_path_parent(client, meta, officer):
    body = client.get(f"{API}/organisationUnits?fields=id,name,level,path,parent[id,name]&paging=false",
                      **officer).json()["organisationUnits"]
    tree = meta.tree
    ids = {u["id"] for u in body}
    assert ids == {org_unit_uid(tree[k]) for k in ("c1", "d1", "city1", "rd1", "v1", "v1b")}
    city = next(u for u in body if u["id"] == org_unit_uid(tree["city1"]))
    assert city["level"] == 5 and city["parent"] == {"id": org_unit_uid(tree["d1"]), "name": tree["d1"].name}
    assert city["path"] == "/" + "/".join(org_unit_uid(tree[k]) for k in ("country", "p1", "c1", "d1", "city1"))
    villages = client.get(f"{API}/organisationUnits?level=6&fields=name&filter=name:ilike:سیف", **officer).json()
    assert villages["organisationUnits"] == [{"name": "سیف‌آباد"}] and villages["pager"]["total"] == 1
    detail = client.get(f"{API}/organisationUnits/{org_unit_uid(tree['rd1'])}?fields=id,children[id]",
                        **officer).json()
    assert sorted(c["id"] for c in detail["children"]) == sorted(org_unit_uid(tree[k]) for k in ("v1", "v1b"))


def test_indicators_and_combos(client, meta, officer):
    from samaneh.stats.models import Indicator

    Indicator.objects.create(code="REV_PC", name="درآمد سرانه", numerator=f"#{{{meta.revenue.uid}}}",
                             denominator=f"#{{{meta.population.uid}}}", factor=1000)
    indicator = client.get(f"{API}/indicators?fields=*", **officer).json()["indicators"][0]
    assert indicator["numerator"] == f"#{{{meta.revenue.uid}}}" and indicator["indicatorType"] == {"id": "factor1000"}
    combos = client.get(f"{API}/categoryCombos?fields=id,isDefault,categoryOptionCombos[id,name]&paging=false",
                        **officer).json()["categoryCombos"]
    gender = next(c for c in combos if c["id"] == meta.gender_combo.uid)
    assert [c["name"] for c in gender["categoryOptionCombos"]] == ["زن", "مرد"] and gender["isDefault"] is False
    cocs = client.get(f"{API}/categoryOptionCombos?fields=id,categoryCombo[id]&paging=false",
                      **officer).json()["categoryOptionCombos"]
    assert {"id": meta.coc_f.uid, "categoryCombo": {"id": meta.gender_combo.uid}} in cocs
    assert client.get(f"{API}/indicators/AAAAAAAAAAA", **officer).status_code == 404


def test_user_without_stats_role_sees_no_metadata(client, meta):
    from tests.factories import UserFactory

    stranger = UserFactory()
    api_credential_create(stranger, password=API_PASSWORD)
    assert client.get(f"{API}/dataElements", **basic(stranger.username, API_PASSWORD)).status_code == 403


# ---- the API password page ------------------------------------------------------------------------------
def test_credentials_page_creates_and_revokes(client, meta):
    url = reverse("stats_api:credentials")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(meta.officer)
    assert "ساخته نشده" in client.get(url).content.decode()
    page = client.post(url, {"action": "create"})
    password = page.context["new_password"]
    assert password and password in page.content.decode()
    api = Client()
    assert api.get(f"{API}/me", **basic(meta.officer.username, password)).status_code == 200
    assert "آخرین استفاده" in client.get(url).content.decode()
    client.post(url, {"action": "revoke"})
    assert api.get(f"{API}/me", **basic(meta.officer.username, password)).status_code == 401


def test_database_failure_mid_import_answers_500_and_writes_nothing(client, meta, officer, failing_value_trigger):
    values = [{"dataElement": meta.population.uid, "value": "5"}, {"dataElement": meta.revenue.uid, "value": "666"}]
    response = post(client, officer, payload(meta, values))
    assert response.status_code == 500 and response.json()["status"] == "ERROR"
    assert "هیچ مقداری ثبت نشد" in response.json()["message"]
    assert not DataValue.objects.exists()


def test_admin_lists_credentials_without_the_hash(client, meta, officer):
    from samaneh.accounts.tests.test_admin import sign_in_with_totp
    from samaneh.stats.api.models import ApiCredential
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    sign_in_with_totp(client, root)
    credential = ApiCredential.objects.get(user=meta.officer)
    listing = client.get(reverse("admin:stats_api_apicredential_changelist"))
    assert listing.status_code == 200 and str(meta.officer) in listing.content.decode()
    page = client.get(reverse("admin:stats_api_apicredential_change", args=[credential.pk])).content.decode()
    assert credential.password not in page and credential.password.split("$")[-1] not in page
