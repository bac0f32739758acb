"""The planner through its pages: scenario, sites, candidates, road matrix, a run (a real eager Celery task),
results, Excel and comparison; refusals and scope."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samaneh.accounts.roles import Role
from samaneh.services.landfills.models import ServedPlace, Site
from samaneh.services.landfills.planning.models import Candidate, Scenario, ScenarioRun, SiteChoice
from samaneh.geo.distance import distance_km_matrix
from tests.factories import RoleFactory

V1 = (35.84, 50.93)
V1B = (35.80, 51.00)


def _site(tree, code, point, unit="v1", **extra):
    fields = dict(code=code, name=f"محل دفن {code}", kind="open_dump", status="active", org_unit=tree[unit],
                  latitude=point[0], longitude=point[1], operator_kind="dehyari", design_capacity_tonnes=50000,
                  remaining_capacity_tonnes=50000)
    fields.update(extra)
    return Site.objects.create(**fields)


@pytest.fixture
def area(tree):
    """Two villages in Alborz (Karaj county) with a dump beside each; one site in Kerman that must never
    appear; a planner for Alborz, one for Kerman, a dehyari officer."""
    ServedPlace.objects.create(org_unit=tree["v1"], latitude=V1[0], longitude=V1[1], population=2000)
    ServedPlace.objects.create(org_unit=tree["v1b"], latitude=V1B[0], longitude=V1B[1], population=1000)
    ServedPlace.objects.create(org_unit=tree["v2"], latitude=30.4, longitude=56.0, population=5000)
    a = _site(tree, "A", V1)
    b = _site(tree, "B", V1B, unit="v1b")
    _site(tree, "K", (30.4, 56.0), unit="v2")
    _site(tree, "OLD", (35.82, 50.95), status="closed")
    return {
        "a": a, "b": b,
        "planner": RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user,
        "other": RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p2"]).user,
        "national": RoleFactory(role=Role.NATIONAL_EXPERT, org_unit=tree["country"]).user,
        "dehyari": RoleFactory(role=Role.DEHYARI_STAFF, org_unit=tree["v1"]).user,
    }


def _create(client, tree, **overrides):
    data = {"name": "سناریوی البرز", "unit": tree["p1"].pk, "waste_kg_per_person_day": "۱",
            "cost_per_tonne_km": "۱۰۰۰۰۰", "max_haul_km": "۶۰", "horizon_years": "۱", "single_source": "on"}
    data.update(overrides)
    return client.post(reverse("landfills_planning:index"), data)


def _set_upgrade(scenario, cost):
    SiteChoice.objects.filter(scenario=scenario).update(upgrade_cost_million_rials=cost)


def _run(client, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("landfills_planning:run", args=[scenario.pk]))
    assert response.status_code == 302
    return scenario.runs.get()


V1_V1B_KM = float(distance_km_matrix([V1[0]], [V1[1]], [V1B[0]], [V1B[1]])[0, 0])


def _run_with_upgrades(client, tree, area, callbacks, cost):
    """The planner's default Alborz scenario with every site's upgrade at `cost`, run once."""
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    _set_upgrade(scenario, cost)
    return scenario, _run(client, scenario, callbacks)


def test_planner_creates_a_scenario_from_persian_digits_with_the_areas_live_sites(client, tree, area):
    client.force_login(area["planner"])
    response = _create(client, tree)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("landfills_planning:detail", args=[scenario.pk])
    assert scenario.cost_per_tonne_km == 100000 and scenario.owner == area["planner"]
    assert sorted(scenario.site_choices.values_list("site__code", flat=True)) == ["A", "B"]
    page = client.get(response["Location"]).content.decode()
    assert "محل دفن A" in page and "محل دفن K" not in page and "اجرای سناریو" in page


def test_hand_solved_run_closes_the_dearer_dump(client, tree, area, django_capture_on_commit_callbacks):
    # 1 kg/person/day for a year: v1 730 t, v1b 365 t; transport 0.1 million rials per tonne-km.
    # Keeping a dump costs 1000. Both: 2000. A alone: 1000 + 365·d·0.1 ≈ 1277. B alone: 1000 + 730·d·0.1.
    scenario, run = _run_with_upgrades(client, tree, area, django_capture_on_commit_callbacks, 1000)
    d = V1_V1B_KM
    assert run.status == ScenarioRun.Status.DONE and run.progress == 100
    r = run.results
    assert r["optimal"] is True
    assert r["objective"] == pytest.approx(1000 + 365 * d * 0.1, rel=1e-6)
    assert {s["code"]: s["action"] for s in r["sites"]} == {"A": "keep", "B": "close"}
    assert r["removed"] == 1 and r["before"]["points"] == 2 and r["after"]["points"] == 1
    assert r["before"]["tonne_km"] == pytest.approx(0) and r["after"]["tonne_km"] == pytest.approx(365 * d, rel=1e-4)
    page = client.get(reverse("landfills_planning:results", args=[scenario.pk])).content.decode()
    assert "بسته می‌شود" in page and "می‌ماند" in page and 'data-figure="removed">۱<' in page


def test_cheap_upgrades_keep_both_and_a_forced_close_is_obeyed(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    _set_upgrade(scenario, 100)
    choice_b = scenario.site_choices.get(site__code="B")
    choice_a = scenario.site_choices.get(site__code="A")
    response = client.post(reverse("landfills_planning:sites", args=[scenario.pk]), {
        f"c{choice_a.pk}-decision": "may_stay", f"c{choice_a.pk}-upgrade_cost_million_rials": "۱۰۰",
        f"c{choice_a.pk}-capacity_tonnes": "50000",
        f"c{choice_b.pk}-decision": "close", f"c{choice_b.pk}-upgrade_cost_million_rials": "100",
        f"c{choice_b.pk}-capacity_tonnes": "50000",
    })
    assert response.status_code == 302
    run = _run(client, scenario, django_capture_on_commit_callbacks)
    assert {s["code"]: s["action"] for s in run.results["sites"]} == {"A": "keep", "B": "close"}
    choice_b.refresh_from_db()
    choice_b.decision = SiteChoice.Decision.MAY_STAY
    choice_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("landfills_planning:run", args=[scenario.pk]))
    latest = scenario.runs.first()
    assert {s["code"]: s["action"] for s in latest.results["sites"]} == {"A": "keep", "B": "keep"}


def test_max_haul_distance_keeps_a_far_village_with_its_own_site(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree, max_haul_km="۵")  # the villages are ~7.8 km apart
    scenario = Scenario.objects.get()
    _set_upgrade(scenario, 1000)
    run = _run(client, scenario, django_capture_on_commit_callbacks)
    assert {s["code"]: s["action"] for s in run.results["sites"]} == {"A": "keep", "B": "keep"}
    assert all(a["km"] < 5 for a in run.results["assignments"])


def test_capacity_shortfall_fails_the_run_with_a_persian_message(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    SiteChoice.objects.filter(scenario=scenario).update(capacity_tonnes=500)  # 1000 t for 1095 t of waste
    run = _run(client, scenario, django_capture_on_commit_callbacks)
    assert run.status == ScenarioRun.Status.FAILED
    assert "کمبود ظرفیت" in run.message and "۹۵" in run.message
    page = client.get(reverse("landfills_planning:run-status", args=[run.pk])).content.decode()
    assert "کمبود ظرفیت" in page and "Traceback" not in page
    assert client.get(reverse("landfills_planning:results", args=[scenario.pk])).status_code == 302


def test_candidate_is_opened_when_it_beats_both_dumps(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    _set_upgrade(scenario, 5000)
    response = client.post(reverse("landfills_planning:candidate-add", args=[scenario.pk]), {
        "n-name": "مرکز منطقه‌ای کرج", "n-latitude": "۳۵٫۸۲", "n-longitude": "50.965",
        "n-capacity_tonnes": "۱۰۰۰۰", "n-opening_cost_million_rials": "۲۰۰۰"})
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.latitude == 35.82
    run = _run(client, scenario, django_capture_on_commit_callbacks)
    actions = {s["code"]: s["action"] for s in run.results["sites"]}
    assert actions == {"A": "close", "B": "close", candidate.code: "open"}
    assert run.results["removed"] == 2 and run.results["opened"] == 1


def test_bad_candidate_is_refused_in_persian_and_nothing_is_stored(client, tree, area):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    response = client.post(reverse("landfills_planning:candidate-add", args=[scenario.pk]), {
        "n-name": "دریا", "n-latitude": "20", "n-longitude": "50", "n-capacity_tonnes": "-5",
        "n-opening_cost_million_rials": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "عرض جغرافیایی" in page and Candidate.objects.count() == 0


def _csv(rows):
    text = "village,site,km\n" + "\n".join(",".join(map(str, r)) for r in rows)
    upload = io.BytesIO(text.encode())
    upload.name = "roads.csv"
    return upload


def test_road_matrix_with_missing_pairs_is_refused_with_the_list(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    v1, v1b = tree["v1"].code, tree["v1b"].code
    response = client.post(reverse("landfills_planning:matrix", args=[scenario.pk]),
                           {"matrix": _csv([(v1, "A", 0), (v1, "B", 12)])})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ندارد" in page and "B" in page
    scenario.refresh_from_db()
    assert scenario.distance == Scenario.Distance.GREAT_CIRCLE and scenario.road_km == {}
    # The complete matrix (Persian digits welcome) is stored and the run uses road km, not straight lines.
    response = client.post(reverse("landfills_planning:matrix", args=[scenario.pk]), {
        "matrix": _csv([(v1, "A", "0"), (v1, "B", "۲۰"), (v1b, "A", "۲۰"), (v1b, "B", "0")])})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.distance == Scenario.Distance.ROAD_MATRIX and scenario.road_km[v1b]["A"] == 20
    _set_upgrade(scenario, 1000)
    run = _run(client, scenario, django_capture_on_commit_callbacks)
    assert run.results["objective"] == pytest.approx(1000 + 365 * 20 * 0.1)


def test_excel_export_and_side_by_side_comparison(client, tree, area, django_capture_on_commit_callbacks):
    client.force_login(area["planner"])
    _create(client, tree, name="گران")
    _create(client, tree, name="ارزان")
    expensive, cheap = Scenario.objects.get(name="گران"), Scenario.objects.get(name="ارزان")
    _set_upgrade(expensive, 1000)
    _set_upgrade(cheap, 10)
    _run(client, expensive, django_capture_on_commit_callbacks)
    _run(client, cheap, django_capture_on_commit_callbacks)
    response = client.get(reverse("landfills_planning:export", args=[expensive.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["خلاصه", "مراکز", "تخصیص روستاها"]
    sites = {row[0]: row[3] for row in book["مراکز"].iter_rows(min_row=2, values_only=True)}
    assert sites == {"A": "می‌ماند", "B": "بسته می‌شود"}
    assert book["تخصیص روستاها"].max_row == 3
    page = client.get(reverse("landfills_planning:compare"), {"ids": [expensive.pk, cheap.pk]}).content.decode()
    assert "گران" in page and "ارزان" in page and page.count('data-figure="objective"') == 2


def test_scope_other_province_gets_404_and_non_planners_403(client, tree, area):
    client.force_login(area["planner"])
    _create(client, tree)
    scenario = Scenario.objects.get()
    client.force_login(area["other"])
    for name in ("detail", "results", "export"):
        assert client.get(reverse(f"landfills_planning:{name}", args=[scenario.pk])).status_code == 404
    assert client.post(reverse("landfills_planning:run", args=[scenario.pk])).status_code == 404
    assert "سناریوی البرز" not in client.get(reverse("landfills_planning:index")).content.decode()
    # Creating for a province outside one's scope is refused by the form and stores nothing.
    response = _create(client, tree, name="دستبرد")
    assert response.status_code == 200 and not Scenario.objects.filter(name="دستبرد").exists()
    client.force_login(area["dehyari"])
    assert client.get(reverse("landfills_planning:index")).status_code == 403
    client.force_login(area["national"])
    assert client.get(reverse("landfills_planning:detail", args=[scenario.pk])).status_code == 200


def test_before_figures_follow_the_registry_where_it_records_who_serves_a_village(
        client, tree, area, django_capture_on_commit_callbacks):
    # The registry says v1b's waste goes to A today (d km away); v1, recorded nowhere, counts at its
    # nearest site, A itself (0 km). So "before" is 365 t × d, not the 0 the nearest-site guess would give.
    area["a"].villages_served.set([tree["v1b"]])
    scenario, run = _run_with_upgrades(client, tree, area, django_capture_on_commit_callbacks, 1000)
    d = V1_V1B_KM
    before = run.results["before"]
    assert before["recorded"] == 1 and before["points"] == 2
    assert before["tonne_km"] == pytest.approx(365 * d, rel=1e-4)
    page = client.get(reverse("landfills_planning:results", args=[scenario.pk])).content.decode()
    assert 'data-figure="recorded">۱ / ۲<' in page
