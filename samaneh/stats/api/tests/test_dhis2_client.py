"""The published dhis2-client package against a running server (pytest-django's live_server), base URL
http://host/dhis2 — what an existing DHIS2 script would do."""
import pytest
from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError

from samaneh.stats.api.services import api_credential_create
from samaneh.stats.models import DataValue
from samaneh.stats.uids import org_unit_uid

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Client-Test-Api-1403"


@pytest.fixture
def dhis2(live_server, meta):
    api_credential_create(meta.officer, password=PASSWORD)
    client = DHIS2Client(f"{live_server.url}/dhis2", username=meta.officer.username, password=PASSWORD,
                         retries=0, timeout=60)
    yield client
    client.close()


def test_system_info_me_and_metadata_paging(dhis2, meta):
    info = dhis2.get_system_info()
    assert info["systemName"] == "سامانه جامع آماری سامانه" and info["version"] == "2.40.0-samaneh"
    assert dhis2.get_current_user(fields="id,username")["username"] == meta.officer.username
    # list_paged follows the pager page by page (3 per page → 3 requests for 8 elements).
    elements = dhis2.fetch_all("/api/dataElements", params={"fields": "id,code,valueType"}, page_size=3)
    assert sorted(e["code"] for e in elements) == sorted(
        ["POP", "REV", "SPENT", "STAFF", "NOTE", "CMP_RECEIVED", "HR", "FREE"])
    units = list(dhis2.get_organisation_units(fields="id,name,level", pageSize=2))
    assert len(units) == 6 and {u["level"] for u in units} == {3, 4, 5, 6}
    assert dhis2.get_data_set(meta.monthly.uid, fields="id,periodType")["periodType"] == "Monthly"
    tree = dhis2.get_org_unit_tree(org_unit_uid(meta.tree["rd1"]), levels=2)
    assert sorted(c["displayName"] for c in tree["children"]) == sorted(["کلاک بالا", "سیف‌آباد"])


def test_data_value_set_round_trip(dhis2, meta):
    unit = org_unit_uid(meta.tree["city1"])
    payload = {
        "dataSet": meta.monthly.uid, "period": meta.last_month.id, "orgUnit": unit,
        "dataValues": [
            {"dataElement": meta.population.uid, "categoryOptionCombo": "HllvX50cXC0", "value": "12500"},
            {"dataElement": meta.revenue.uid, "value": "830.25"},
            {"dataElement": meta.staff.uid, "categoryOptionCombo": meta.coc_f.uid, "value": "14"},
            {"dataElement": meta.staff.uid, "categoryOptionCombo": meta.coc_m.uid, "value": "31"},
            {"dataElement": meta.note.uid, "value": "گزارش ماهانه"},
        ],
    }
    first = dhis2.post_data_value_set(payload)
    assert first["httpStatusCode"] == 200 and first["response"]["importCount"]["imported"] == 5
    again = dhis2.post_data_value_set(payload)
    assert again["response"]["importCount"] == {"imported": 0, "updated": 5, "ignored": 0, "deleted": 0}
    exported = dhis2.get_data_value_set({"dataSet": meta.monthly.uid, "period": meta.last_month.id,
                                         "orgUnit": unit})
    default = "HllvX50cXC0"
    sent = {(v["dataElement"], v.get("categoryOptionCombo", default), v["value"]) for v in payload["dataValues"]}
    got = {(v["dataElement"], v["categoryOptionCombo"], v["value"]) for v in exported["dataValues"]}
    assert got == sent
    assert {(v["period"], v["orgUnit"]) for v in exported["dataValues"]} == {(meta.last_month.id, unit)}


def test_conflicts_and_refusals_reach_the_client_as_dhis2_errors(dhis2, live_server, meta):
    with pytest.raises(DHIS2HTTPError) as raised:
        dhis2.post_data_value_set({"period": meta.last_month.id, "orgUnit": org_unit_uid(meta.tree["city2"]),
                                   "dataValues": [{"dataElement": meta.population.uid, "value": "1"}]})
    assert raised.value.status_code == 409
    assert raised.value.payload["response"]["conflicts"][0]["errorCode"] == "E7613"
    assert not DataValue.objects.exists()
    web_password = DHIS2Client(f"{live_server.url}/dhis2", username=meta.officer.username,
                               password="Samaneh-Test-Pass-1403", retries=0)
    with pytest.raises(DHIS2HTTPError) as refused:
        web_password.get_system_info()
    web_password.close()
    assert refused.value.status_code == 401


def test_single_data_value_set_get_delete(dhis2, meta):
    unit = org_unit_uid(meta.tree["city1"])
    dhis2.set_data_value(meta.population.uid, meta.last_month.id, unit, 4200, co="HllvX50cXC0")
    assert dhis2.get_data_value(meta.population.uid, meta.last_month.id, unit) == ["4200"]
    with pytest.raises(DHIS2HTTPError) as refused:
        dhis2.set_data_value(meta.spent.uid, meta.last_month.id, unit, 150, co="HllvX50cXC0")
    assert refused.value.status_code == 409 and "۰ و ۱۰۰" in refused.value.payload["message"]
    dhis2.delete_data_value(meta.population.uid, meta.last_month.id, unit, co="HllvX50cXC0")
    assert not DataValue.objects.exists()
