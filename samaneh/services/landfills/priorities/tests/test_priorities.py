"""Funding priorities: the score model explained, the exact knapsack, versioned weights, the pages."""
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from hypothesis import given, settings as hsettings, strategies as st
from openpyxl import load_workbook

from samaneh.accounts.roles import Role
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.priorities import services
from samaneh.services.landfills.priorities.knapsack import knapsack
from samaneh.services.landfills.priorities.models import WeightSet
from samaneh.services.landfills.priorities.scoring import DEFAULT_WEIGHTS, WeightsError, score_site, weights_check
from tests.factories import RoleFactory
from tests.pdf import pdf_text


def make_site(unit, code, **facts):
    defaults = dict(
        name=f"مرکز {code}", kind=Site.Kind.OPEN_DUMP, org_unit=unit, latitude=35.7, longitude=51.4,
        operator_kind=Site.OperatorKind.DEHYARI, design_capacity_tonnes=10_000, remaining_capacity_tonnes=4_000,
    )
    defaults.update(facts)
    return Site.objects.create(code=code, **defaults)


# ------------------------------------------------------------------------------------------- the model

def test_a_hand_computed_score_and_its_explanation(tree):
    site = make_site(
        tree["d1"], "LF-1", distance_to_water_m=1050, groundwater_depth_m=None, distance_to_village_m=300,
        protected_area="near", flood_zone="none", soil_permeability="high", fire_incidents_per_year=3,
        complaints_per_year=4, has_fence=True, daily_intake_tonnes=25,
    )
    score = score_site(site, DEFAULT_WEIGHTS)
    scaled = {row.key: row.scaled for row in score.rows}
    # water: (2000-1050)/(2000-100) = 0.5; groundwater unknown → 0.5; village at the near anchor → 1;
    # protected near → 0.5; flood none → 0; soil high → 1; incidents (2×3+4)/20 = 0.5; 3 of 4 missing → 0.75;
    # intake 25/50 = 0.5.
    assert scaled == pytest.approx({"water": 0.5, "groundwater": 0.5, "village": 1, "protected": 0.5, "flood": 0,
                                    "soil": 1, "incidents": 0.5, "equipment": 0.75, "intake": 0.5})
    expected = 100 * (0.18 * 0.5 + 0.12 * 0.5 + 0.14 * 1 + 0.12 * 0.5 + 0 + 0.08 * 1 + 0.10 * 0.5 + 0.10 * 0.75
                      + 0.06 * 0.5)
    assert score.score == pytest.approx(expected)
    assert sum(row.points for row in score.rows) == pytest.approx(score.score)
    assert [label for label in score.unknown_facts] == [str(r.label) for r in score.rows if r.key == "groundwater"]


@given(
    water=st.one_of(st.none(), st.floats(0, 10_000)), depth=st.one_of(st.none(), st.floats(0, 200)),
    fires=st.integers(0, 50), intake=st.floats(0, 500),
    weights=st.lists(st.integers(0, 100), min_size=9, max_size=9).filter(lambda w: sum(w) > 0),
)
@hsettings(max_examples=60, deadline=None)
def test_explanations_always_sum_to_a_score_between_0_and_100(water, depth, fires, intake, weights):
    total = sum(weights)
    normalised = dict(zip(DEFAULT_WEIGHTS, (w / total for w in weights)))
    site = Site(name="x", distance_to_water_m=water, groundwater_depth_m=depth, fire_incidents_per_year=fires,
                daily_intake_tonnes=intake)
    score = score_site(site, normalised)
    assert sum(row.points for row in score.rows) == pytest.approx(score.score)
    assert -1e-9 <= score.score <= 100 + 1e-9


@pytest.mark.parametrize(
    "change, words",
    [({"water": 0.5}, "جمع وزن‌ها باید ۱ باشد"), ({"water": -0.18, "soil": 0.44}, "منفی"),
     ({"rain": 0.0}, "ناشناخته")],
)
def test_weights_that_do_not_sum_to_one_are_refused(change, words):
    weights = {**DEFAULT_WEIGHTS, **change}
    with pytest.raises(WeightsError, match=words):
        weights_check(weights)


# ------------------------------------------------------------------------------------------- knapsack

def brute_force(values, costs, budget):
    best = 0.0
    for r in range(len(values) + 1):
        for combo in itertools.combinations(range(len(values)), r):
            if sum(costs[i] for i in combo) <= budget:
                best = max(best, sum(values[i] for i in combo))
    return best


@given(
    items=st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.integers(0, 60)), min_size=0, max_size=10),
    budget=st.integers(0, 200),
)
@hsettings(max_examples=200, deadline=None)
def test_knapsack_equals_brute_force_on_small_cases(items, budget):
    values = [v for v, _ in items]
    costs = [c for _, c in items]
    plan = knapsack(values, costs, budget)
    assert plan.value == pytest.approx(brute_force(values, costs, budget))
    assert plan.cost <= budget
    assert plan.value == pytest.approx(sum(values[i] for i in plan.chosen))


def test_a_huge_budget_rounds_costs_up_and_still_fits():
    plan = knapsack([10, 9, 8], [1_500_000, 1_499_990, 2_000_000], 3_000_000)
    assert plan.unit == 10 and sorted(plan.chosen) == [0, 1]
    # Rounded up to the unit, 1,500,001 + 1,499,999 no longer fits 3,000,000: never over budget.
    plan = knapsack([10, 9, 8], [1_500_001, 1_499_999, 2_000_000], 3_000_000)
    assert plan.cost <= 3_000_000 and plan.chosen == [0]


# ------------------------------------------------------------------------------------------- weights

def test_only_a_national_expert_sets_new_weights_and_versions_are_kept(tree):
    province = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user
    expert = RoleFactory(role=Role.NATIONAL_EXPERT, org_unit=tree["country"]).user
    with pytest.raises(PermissionDenied):
        services.weights_create(user=province, weights=DEFAULT_WEIGHTS)
    with pytest.raises(WeightsError):
        services.weights_create(user=expert, weights={**DEFAULT_WEIGHTS, "water": 0.5})
    assert list(WeightSet.objects.values_list("version", flat=True)) == []
    created = services.weights_create(user=expert, weights={**DEFAULT_WEIGHTS, "water": 0.28, "intake": 0.0,
                                                            "soil": 0.04})
    assert created.version == 2 and services.weights_current() == created
    assert WeightSet.objects.get(version=1).weights == DEFAULT_WEIGHTS


def test_the_weights_page_refuses_a_bad_sum_in_persian_and_saves_nothing(client, tree):
    expert = RoleFactory(role=Role.NATIONAL_EXPERT, org_unit=tree["country"]).user
    client.force_login(expert)
    url = reverse("landfills_priorities:weights")
    form = {key: str(value) for key, value in DEFAULT_WEIGHTS.items()}
    page = client.post(url, {**form, "water": "۰٫۳"})
    assert "جمع وزن‌ها باید ۱ باشد" in page.content.decode()
    assert WeightSet.objects.count() == 1  # only the defaults, created on first read
    page = client.post(url, {**form, "water": "۰٫۱۲", "groundwater": "0.18"}, follow=True)
    assert "نسخه 2 وزن‌ها ثبت شد" in page.content.decode() or "نسخه ۲" in page.content.decode()
    assert services.weights_current().weights["groundwater"] == 0.18
    county = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user
    client.force_login(county)
    assert client.post(url, form).status_code == 403


# ------------------------------------------------------------------------------------------- pages

@pytest.fixture
def sites(tree):
    return {
        "near_river": make_site(tree["d1"], "LF-A", distance_to_water_m=50, flood_zone="high",
                                remediation_cost_million_rials=40_000),
        "fenced": make_site(tree["d1"], "LF-B", distance_to_water_m=3000, has_fence=True, has_lining=True,
                            has_leachate_collection=True, has_daily_cover=True, remediation_cost_million_rials=5_000),
        "uncosted": make_site(tree["v1"], "LF-C", protected_area="inside"),
        "other_province": make_site(tree["d2"], "LF-D", distance_to_water_m=10, remediation_cost_million_rials=1_000),
    }


def test_a_county_reviewer_ranks_only_their_county_best_first(client, tree, sites):
    client.force_login(RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user)
    page = client.get(reverse("landfills_priorities:ranking"))
    ranked = [s.site.code for s in page.context["scores"]]
    assert set(ranked) == {"LF-A", "LF-B", "LF-C"}
    assert ranked.index("LF-A") < ranked.index("LF-B")
    assert client.get(reverse("landfills_priorities:site", args=[sites["other_province"].pk])).status_code == 404
    assert client.get(reverse("landfills_priorities:ranking"), {"unit": tree["p2"].pk}).context["form"].errors


def test_ranking_exports_to_excel_and_pdf(client, tree, sites):
    client.force_login(RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user)
    sheet = load_workbook(io.BytesIO(client.get(reverse("landfills_priorities:ranking-xlsx")).content)).active
    assert sheet["C2"].value == "مرکز LF-A" and sheet.max_row == 4
    pdf = client.get(reverse("landfills_priorities:ranking-pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "اولویت‌بندی تأمین اعتبار" in text.replace("\u200c", "\u200c") or "اولویت" in text
    assert "LF-A" in text or "مرکز" in text


def test_allocation_takes_persian_digits_and_explains_one_more_billion(client, tree, sites):
    client.force_login(RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user)
    url = reverse("landfills_priorities:allocate")
    page = client.get(url, {"budget": "۴۴٬۰۰۰"})
    result = page.context["result"]
    assert [s.site.code for s in result.chosen] == ["LF-A"]  # LF-A alone beats LF-B alone; both cost 45,000
    assert [s.site.code for s in result.uncosted] == ["LF-C"]
    assert [s.site.code for s in result.entering] == ["LF-B"] and result.extra_value > 0
    sheet = load_workbook(io.BytesIO(client.get(reverse("landfills_priorities:allocate-xlsx"),
                                                {"budget": "44000"}).content))
    assert [c.value for c in sheet.worksheets[0]["A"]][1:] == ["LF-A"]
    assert "pdf" in client.get(reverse("landfills_priorities:allocate-pdf"), {"budget": "44000"})["Content-Type"]


@pytest.mark.parametrize("budget, words", [("-5", "منفی"), ("بسیار", "عدد"), ("", "بودجه را وارد کنید")])
def test_a_bad_budget_is_refused_in_persian(client, tree, sites, budget, words):
    client.force_login(RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user)
    page = client.get(reverse("landfills_priorities:allocate"), {"budget": budget})
    assert page.context["result"] is None and words in page.content.decode()


def test_people_without_a_landfill_role_see_nothing(client, tree, sites):
    client.force_login(RoleFactory(role=Role.INSPECTION_OFFICER, org_unit=tree["c1"]).user)
    assert client.get(reverse("landfills_priorities:ranking")).status_code == 404
    assert client.get(reverse("landfills_priorities:allocate")).status_code == 404
