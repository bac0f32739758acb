import re

import pytest
from django.urls import reverse

from samaneh.geo.models import Administration, OrgUnit
from tests.factories import OrgUnitFactory

LIST = reverse("geo_api:org-unit-list")


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_list_is_public_and_paginated(client, tree):
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 14
    assert body["results"][0] == {
        "id": tree["country"].pk, "name": "ایران", "kind": "country", "kind_label": "کشور", "level": 0, "code": "IR",
        "parent": None,
    }


def test_filters_parent_kind_level(client, tree):
    assert ids(client.get(LIST, {"parent": tree["d1"].pk})) == [tree["city1"].pk, tree["rd1"].pk]
    assert set(ids(client.get(LIST, {"kind": "province"}))) == {tree["p1"].pk, tree["p2"].pk}
    assert set(ids(client.get(LIST, {"level": 4}))) == {tree[k].pk for k in ("city1", "rd1", "city2", "rd2")}
    assert ids(client.get(LIST, {"parent": tree["rd1"].pk, "kind": "village", "search": "سيف"})) == [tree["v1b"].pk]


def test_search_is_normalised(client, tree):
    arabic = ids(client.get(LIST, {"search": "كرج"}))
    assert set(arabic) == {tree[k].pk for k in ("c1", "d1", "city1")}
    assert ids(client.get(LIST, {"search": "کرج"})) == arabic
    assert ids(client.get(LIST, {"search": "۱۰۱۰۱۰۲۰۱"})) == [tree["v1"].pk]  # Persian digits, the code
    assert ids(client.get(LIST, {"search": "کمال آباد"})) == [tree["rd1"].pk]  # space for ZWNJ


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"search": "x" * 101}, "search", "نباید بیش از ۱۰۰ نویسه"),
        ({"search": "ب" * 10_000}, "search", "نباید بیش از ۱۰۰ نویسه"),
        ({"kind": "planet"}, "kind", "نوع واحد «planet» شناخته نیست"),
        ({"level": "9"}, "level", "سطح باید بین ۰ و ۵ باشد"),
        ({"level": "x"}, "level", "سطح باید عدد باشد"),
        ({"parent": "abc"}, "parent", "شناسه واحد بالادست باید عدد باشد"),
    ],
)
def test_bad_filters_are_400_with_persian_messages(client, tree, params, field, message, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


@pytest.mark.parametrize("search", ["' OR 1=1 --", "<script>alert(1)</script>", "%", "_"])
def test_sql_and_html_in_search_match_nothing(client, tree, search):
    response = client.get(LIST, {"search": search})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_page_size_up_to_200(client, tree):
    for n in range(250):
        OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name=f"روستا {n}", parent=tree["rd2"])
    assert len(client.get(LIST, {"kind": "village"}).json()["results"]) == 50
    assert len(client.get(LIST, {"kind": "village", "page_size": 120}).json()["results"]) == 120
    capped = client.get(LIST, {"kind": "village", "page_size": 1000}).json()
    assert len(capped["results"]) == 200 and capped["count"] == 253


def test_detail_has_breadcrumb_from_the_country_and_administrations(client, tree):
    Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا")
    response = client.get(reverse("geo_api:org-unit-detail", args=[tree["v1"].pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "کلاک بالا" and body["parent"] == tree["rd1"].pk
    assert body["breadcrumb"] == [
        {"id": tree[k].pk, "name": tree[k].name, "kind": tree[k].kind}
        for k in ("country", "p1", "c1", "d1", "rd1", "v1")
    ]
    assert body["administrations"][0]["name"] == "دهیاری کلاک بالا"
    assert body["children_count"] == 0
    assert client.get(reverse("geo_api:org-unit-detail", args=[999_999])).status_code == 404


def test_read_only(client, tree, admin_user):
    client.force_login(admin_user)
    assert client.post(LIST, {"name": "x", "kind": "province"}).status_code == 405
    detail = reverse("geo_api:org-unit-detail", args=[tree["p1"].pk])
    assert client.delete(detail).status_code == 405
    assert client.patch(detail, {"name": "x"}, content_type="application/json").status_code == 405
    assert OrgUnit.objects.get(pk=tree["p1"].pk).name == "البرز"


def test_schema_documents_the_endpoint_and_its_filters(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/org-units/" in schema["paths"] and "/api/org-units/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/org-units/"]["get"]["parameters"]}
    assert {"parent", "kind", "level", "search", "page", "page_size"} <= parameters
    detail = schema["paths"]["/api/org-units/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert detail["$ref"].endswith("/OrgUnitDetail")
    assert schema["components"]["schemas"]["OrgUnitDetail"]["properties"]["breadcrumb"]["type"] == "array"


def test_swagger_ui_uses_only_local_static(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    assert tags, "Swagger UI page loads no assets?"
    for tag in tags:
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag), tag
    assert "swagger-ui" in html
