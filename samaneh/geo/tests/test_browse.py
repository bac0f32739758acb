import re

import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.geo.models import Administration, OrgUnit
from tests.factories import OrgUnitFactory, RoleFactory, UserFactory

BROWSE = reverse("geo:browse")


def result_ids(response):
    return [unit.pk for unit in response.context["page"].object_list]


def test_no_query_lists_the_provinces(client, tree):
    response = client.get(BROWSE)
    assert response.status_code == 200
    assert response.context["mode"] == "provinces"
    assert set(result_ids(response)) == {tree["p1"].pk, tree["p2"].pk}
    assert "البرز" in response.content.decode() and "کرمان" in response.content.decode()


def test_arabic_kaf_and_yeh_find_the_persian_spelling(client, tree):
    arabic = client.get(BROWSE, {"q": "كرج"})  # U+0643 ARABIC LETTER KAF
    persian = client.get(BROWSE, {"q": "کرج"})
    assert set(result_ids(arabic)) == set(result_ids(persian)) == {tree[k].pk for k in ("c1", "d1", "city1")}
    assert "کرمان" not in arabic.content.decode()
    # Arabic yeh (U+064A) in «کیان‌شهر» typed as «كيان»
    assert result_ids(client.get(BROWSE, {"q": "كيان"})) == [tree["v2"].pk]


def test_zwnj_and_space_spellings_find_the_same_unit(client, tree):
    with_zwnj = result_ids(client.get(BROWSE, {"q": "کمال\u200cآباد"}))
    with_space = result_ids(client.get(BROWSE, {"q": "كمال  آباد"}))
    assert with_zwnj == with_space == [tree["rd1"].pk]


def test_persian_digits_search_the_division_code(client, tree):
    response = client.get(BROWSE, {"q": "۱۰۱۰۱۰۲"})
    assert set(result_ids(response)) == {tree["rd1"].pk, tree["v1"].pk, tree["v1b"].pk}
    assert result_ids(client.get(BROWSE, {"q": "1010102"})) == result_ids(response)


def test_kind_filter(client, tree):
    response = client.get(BROWSE, {"q": "کرج", "kind": "city"})
    assert result_ids(response) == [tree["city1"].pk]
    every_village = client.get(BROWSE, {"kind": "village"})
    assert set(result_ids(every_village)) == {tree["v1"].pk, tree["v1b"].pk, tree["v2"].pk}


def test_unknown_kind_is_a_persian_error(client, tree):
    response = client.get(BROWSE, {"kind": "galaxy"})
    assert response.status_code == 200
    assert "page" not in response.context
    assert "نوع واحد «galaxy» شناخته نیست" in response.content.decode()


def test_search_within_a_parent_keeps_to_its_subtree(client, tree):
    response = client.get(BROWSE, {"q": "ک", "parent": tree["p2"].pk})
    ids = set(result_ids(response))
    assert ids == {tree["d2"].pk, tree["city2"].pk, tree["v2"].pk}  # not «کرمان» itself, nor anything in Alborz


def test_results_show_their_breadcrumb_fetched_in_one_query(client, tree, django_assert_max_num_queries):
    # A page of 50 villages: the count, the page, and one query for all their ancestors.
    for n in range(60):
        OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name=f"روستای آزمایشی {n}", parent=tree["rd2"])
    with django_assert_max_num_queries(3):
        response = client.get(BROWSE, {"q": "روستای آزمایشی"})
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.paginator.count == 60
    crumb_names = [crumb.name for crumb in page.object_list[0].breadcrumb]
    assert crumb_names == ["ایران", "کرمان", "رفسنجان", "کشکوئیه", "راویز"]
    assert "ایران › کرمان › رفسنجان › کشکوئیه › راویز" in response.content.decode()
    second = client.get(BROWSE, {"q": "روستای آزمایشی", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_names_starting_with_the_query_come_first(client, tree):
    OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name="حسن‌آباد کرج", parent=tree["rd1"])
    ids = result_ids(client.get(BROWSE, {"q": "کرج"}))
    assert ids[-1] == OrgUnit.objects.get(name="حسن‌آباد کرج").pk


def test_ten_thousand_character_query_is_refused_in_persian_without_searching(
    client, tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get(BROWSE, {"q": "ک" * 10_000})
    assert response.status_code == 200
    assert "page" not in response.context
    assert "عبارت جستجو نباید بیش از ۱۰۰ نویسه باشد" in response.content.decode()


def test_query_at_the_limit_is_searched(client, tree, settings):
    response = client.get(BROWSE, {"q": "ک" * settings.SEARCH_MAX_LENGTH})
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\"])
def test_sql_and_html_in_the_query_are_plain_text(client, tree, query):
    response = client.get(BROWSE, {"q": query})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    if query.startswith("<"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert OrgUnit.objects.count() == 14


def test_parent_lists_children_grouped_by_kind_with_breadcrumb(client, tree):
    response = client.get(BROWSE, {"parent": tree["d1"].pk})
    assert response.context["mode"] == "children"
    assert result_ids(response) == [tree["city1"].pk, tree["rd1"].pk]  # cities, then rural districts
    assert [u.pk for u in response.context["breadcrumb"]] == [tree[k].pk for k in ("country", "p1", "c1", "d1")]
    body = response.content.decode()
    assert re.search(r"<h3[^>]*>شهر</h3>.*کرج.*<h3[^>]*>دهستان</h3>.*کمال‌آباد", body, re.S)


def test_unknown_parent_is_404(client, tree):
    assert client.get(BROWSE, {"parent": 999_999}).status_code == 404


def test_htmx_request_gets_only_the_results_fragment(client, tree):
    response = client.get(BROWSE, {"q": "كلاك"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "کلاک بالا" in body
    assert "<html" not in body and 'id="unit-results"' not in body
    assert "HX-Request" in response["Vary"]
    # A history restore after a cache miss needs the whole page.
    restore = client.get(BROWSE, {"q": "كلاك"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_search_box_is_wired_for_live_results(client, tree):
    body = client.get(BROWSE).content.decode()
    search_input = re.search(r'<input[^>]*name="q"[^>]*>', body).group(0)
    assert 'hx-get="/units/"' in search_input
    assert 'hx-trigger="input changed delay:300ms, search"' in search_input
    assert 'hx-target="#unit-results"' in search_input and 'hx-push-url="true"' in search_input
    assert 'id="unit-results"' in body


def test_children_are_in_persian_alphabetical_order(client, tree):
    # Code-point order would put «گ» (U+06AF) and «پ» (U+067E) after «ی»; the alphabet puts them in place.
    for name in ["یاسه", "گلستان", "پرند", "بهار"]:
        OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name=name, parent=tree["rd2"])
    response = client.get(BROWSE, {"parent": tree["rd2"].pk})
    names = [unit.name for unit in response.context["page"].object_list]
    assert names == ["بهار", "پرند", "کیان‌شهر", "گلستان", "یاسه"]


def test_unit_detail_shows_code_breadcrumb_children_and_administration(client, tree):
    Administration.objects.create(kind=Administration.Kind.MUNICIPALITY, org_unit=tree["city1"], name="شهرداری کرج")
    response = client.get(reverse("geo:unit", args=[tree["city1"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "۱۰۱۰۱۰۱" in body  # the code in Persian digits
    assert "شهرداری کرج" in body
    assert [u.pk for u in response.context["breadcrumb"]] == [tree[k].pk for k in ("country", "p1", "c1", "d1")]
    assert "میز کار واحد" not in body  # anonymous: no workspace link

    district = client.get(reverse("geo:unit", args=[tree["d1"].pk]))
    assert [u.pk for u in district.context["page"].object_list] == [tree["city1"].pk, tree["rd1"].pk]


def test_unit_detail_paginates_a_large_rural_district(client, tree):
    for n in range(120):
        OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name=f"آبادی {n}", parent=tree["rd2"])
    response = client.get(reverse("geo:unit", args=[tree["rd2"].pk]), {"page": 3})
    page = response.context["page"]
    assert page.paginator.count == 121 and len(page.object_list) == 21
    assert "صفحه ۳ از ۳" in response.content.decode()


def test_unit_detail_of_missing_unit_is_404(client, tree):
    assert client.get(reverse("geo:unit", args=[999_999])).status_code == 404


def test_unit_detail_links_the_workspace_for_staff_in_scope(client, tree):
    user = UserFactory()
    RoleFactory(user=user, role=Role.COUNTY_REVIEWER, org_unit=tree["c1"])
    client.force_login(user)
    assert "میز کار واحد" in client.get(reverse("geo:unit", args=[tree["v1"].pk])).content.decode()
    assert "میز کار واحد" not in client.get(reverse("geo:unit", args=[tree["v2"].pk])).content.decode()


def test_workspace_requires_login(client, tree):
    response = client.get(reverse("geo:workspace", args=[tree["c1"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-login"))


def test_workspace_shows_subtree_counts_administrations_and_staff(client, tree):
    reviewer = UserFactory(first_name="مریم", last_name="احمدی")
    RoleFactory(user=reviewer, role=Role.COUNTY_REVIEWER, org_unit=tree["c1"])
    staff = UserFactory(first_name="علی", last_name="رضایی")
    RoleFactory(user=staff, role=Role.DEHYARI_STAFF, org_unit=tree["v1"])
    outsider = UserFactory(first_name="سارا", last_name="کرمانی")
    RoleFactory(user=outsider, role=Role.COUNTY_REVIEWER, org_unit=tree["c2"])
    Administration.objects.create(kind=Administration.Kind.MUNICIPALITY, org_unit=tree["city1"], name="شهرداری کرج")
    Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا")
    Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree["v2"], name="دهیاری کیان‌شهر")
    client.force_login(reviewer)

    response = client.get(reverse("geo:workspace", args=[tree["c1"].pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.unit_counts == [("بخش", 1), ("شهر", 1), ("دهستان", 1), ("روستا", 2)]
    assert summary.administration_counts == [("شهرداری", 1), ("دهیاری", 1)]
    assert {a.name for a in summary.administrations} == {"شهرداری کرج", "دهیاری کلاک بالا"}
    assert {a.user for a in summary.role_assignments} == {reviewer, staff}
    body = response.content.decode()
    assert "علی رضایی" in body and "سارا کرمانی" not in body and "دهیاری کیان‌شهر" not in body
    assert "۲" in body  # counts in Persian digits

    # Down at the village the same user sees that village's staff only.
    village = client.get(reverse("geo:workspace", args=[tree["v1"].pk])).context["summary"]
    assert [a.user for a in village.role_assignments] == [staff]
    assert village.unit_counts == []


def test_workspace_outside_scope_is_404_not_403(client, tree):
    user = UserFactory()
    RoleFactory(user=user, role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"])
    client.force_login(user)
    assert client.get(reverse("geo:workspace", args=[tree["city1"].pk])).status_code == 200
    for key in ("country", "p1", "d1", "rd1", "v1", "city2"):
        assert client.get(reverse("geo:workspace", args=[tree[key].pk])).status_code == 404
    assert client.get(reverse("geo:workspace", args=[999_999])).status_code == 404


def test_names_show_persian_digits_and_stay_escaped(client, tree):
    OrgUnitFactory(kind=OrgUnit.Kind.CITY, name="کرج 10", parent=tree["d1"])
    OrgUnitFactory(kind=OrgUnit.Kind.VILLAGE, name="<b>ده</b>", parent=tree["rd1"])
    body = client.get(BROWSE, {"parent": tree["d1"].pk}).content.decode()
    assert "کرج ۱۰" in body and "کرج 10" not in body
    village_list = client.get(BROWSE, {"parent": tree["rd1"].pk}).content.decode()
    assert "&lt;b&gt;ده&lt;/b&gt;" in village_list and "<b>ده</b>" not in village_list
