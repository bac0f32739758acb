"""/dhis2/api/analytics answers in DHIS2's shape, to session and Basic callers, within their scope."""
import base64
import csv
import io

from django.contrib.auth.hashers import make_password

from samaneh.stats.api.models import ApiCredential

URL = "/dhis2/api/analytics"


def test_response_has_dhis2_shape(client, stats):
    client.force_login(stats.admin)
    rev = stats.e.revenue.uid
    response = client.get(URL, {"dimension": [f"dx:{rev};{stats.i.per_capita.uid}", "pe:140301;1403Q1",
                                              f"ou:{stats.u['country']};LEVEL-2"], "displayProperty": "NAME"})
    assert response.status_code == 200
    body = response.json()
    assert body["headers"][0] == {"name": "dx", "column": "Data", "valueType": "TEXT", "type": "java.lang.String",
                                  "hidden": False, "meta": True}
    assert [h["name"] for h in body["headers"]] == ["dx", "pe", "ou", "value"]
    assert body["headers"][3]["valueType"] == "NUMBER" and body["headers"][3]["meta"] is False
    assert body["width"] == body["headerWidth"] == 4 and body["height"] == len(body["rows"])
    assert [rev, "140301", stats.u["p1"], "23"] in body["rows"]
    assert [rev, "1403Q1", stats.u["p1"], "73"] in body["rows"]
    assert [stats.i.per_capita.uid, "140301", stats.u["p1"], "7.7"] in body["rows"]
    items = body["metaData"]["items"]
    assert items[rev]["name"] == "درآمد عوارض"
    assert items[stats.u["p1"]]["name"] == "البرز"
    assert items["1403Q1"]["name"] == "بهار ۱۴۰۳"
    assert items["ou"]["name"] == "واحد سازمانی"
    assert body["metaData"]["dimensions"] == {"dx": [rev, stats.i.per_capita.uid], "pe": ["140301", "1403Q1"],
                                              "ou": [stats.u["p1"], stats.u["p2"]], "co": []}
    json_url = client.get(URL + ".json", {"dimension": [f"dx:{rev}", "pe:140301", "ou:USER_ORGUNIT"],
                                          "skipMeta": "true"}).json()
    assert "metaData" not in json_url and json_url["rows"] == [[rev, "140301", stats.u["country"], "124"]]


def test_filters_relative_periods_and_num_den(client, stats):
    client.force_login(stats.officer)
    ind = stats.i.female_share.uid
    response = client.get(URL, {"dimension": [f"dx:{ind}", "ou:USER_ORGUNIT;USER_ORGUNIT_CHILDREN"],
                                "filter": "pe:THIS_MONTH", "relativePeriodDate": "2024-03-21",
                                "includeNumDen": "true"})
    body = response.json()
    assert [h["name"] for h in body["headers"]] == ["dx", "ou", "value", "numerator", "denominator", "factor"]
    assert body["rows"] == [[ind, stats.u["c1"], "41.7", "5", "12", "100"],
                            [ind, stats.u["d1"], "41.7", "5", "12", "100"]]
    assert body["metaData"]["dimensions"]["pe"] == ["140301"]  # 21 March 2024 is 1 Farvardin 1403


def test_csv(client, stats):
    client.force_login(stats.admin)
    response = client.get(URL + ".csv", {"dimension": [f"dx:{stats.e.revenue.uid}", "pe:140301",
                                                       f"ou:{stats.u['c1']}"]})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines == [["dx", "pe", "ou", "value"], [stats.e.revenue.uid, "140301", stats.u["c1"], "23"]]


def test_scope_and_bad_input_are_refused_with_persian_errors(client, stats):
    client.force_login(stats.officer)
    rev = stats.e.revenue.uid
    for ou in (stats.u["c2"], stats.u["country"]):
        response = client.get(URL, {"dimension": [f"dx:{rev}", "pe:140301", f"ou:{ou}"]})
        assert response.status_code == 409
        body = response.json()
        assert body["status"] == "ERROR" and "خارج از محدوده دسترسی شماست" in body["message"]
        assert "rows" not in body
    bad = client.get(URL, {"dimension": [f"dx:{rev}", "pe:14031", "ou:USER_ORGUNIT"]})
    assert bad.status_code == 409 and "شناسه دوره معتبری نیست" in bad.json()["message"]
    unknown = client.get(URL, {"dimension": [f"dx:{rev}", "pe:140301", "co:xyz"]})
    assert unknown.status_code == 409 and "«co» پشتیبانی نمی‌شود" in unknown.json()["message"]
    shapeless = client.get(URL, {"dimension": [f"dx:{rev}", "pe"]})
    assert shapeless.status_code == 409 and "نام:مقدارها" in shapeless.json()["message"]


def test_anonymous_gets_401_and_basic_auth_works(client, stats):
    ask = {"dimension": [f"dx:{stats.e.revenue.uid}", "pe:140301", "ou:USER_ORGUNIT"]}
    anonymous = client.get(URL, ask)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Basic")
    ApiCredential.objects.create(user=stats.officer, password=make_password("api-secret-1403"))
    token = base64.b64encode(f"{stats.officer.username}:api-secret-1403".encode()).decode()
    response = client.get(URL, ask, HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200
    assert response.json()["rows"] == [[stats.e.revenue.uid, "140301", stats.u["c1"], "23"]]
    wrong = base64.b64encode(f"{stats.officer.username}:nope".encode()).decode()
    assert client.get(URL, ask, HTTP_AUTHORIZATION=f"Basic {wrong}").status_code == 401
