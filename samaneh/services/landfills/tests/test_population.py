"""Village populations come from the statistical system where it has a figure, else from the recorded place."""
import datetime as dt

import pytest
from django.urls import reverse

from samaneh.services.landfills.models import ServedPlace, Site
from samaneh.services.landfills.planning.models import Scenario
from samaneh.services.landfills.planning.planner import villages_of
from samaneh.services.landfills.selectors import POPULATION_ELEMENT, populations
from samaneh.stats.datavalues import datavalues_import
from samaneh.stats.models import DataElement
from samaneh.stats.selectors import latest_numbers
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
from samaneh.stats.uids import org_unit_uid

from .conftest import site_fields


def _write(rows):
    summary = datavalues_import(user=None, rows=rows, trusted=True, today=dt.date(2026, 12, 1))
    assert not summary.conflicts, summary.conflicts


@pytest.fixture
def population(tree):
    return DataElement.objects.create(code=POPULATION_ELEMENT, name="جمعیت تحت پوشش", aggregation_type="LAST",
                                      value_type="INTEGER_ZERO_OR_POSITIVE", category_combo=default_combo_ensure())


def _row(element, period, unit, value, coc=None):
    row = {"dataElement": element.uid, "period": period, "orgUnit": org_unit_uid(unit), "value": value}
    if coc is not None:
        row["categoryOptionCombo"] = coc.uid
    return row


def test_latest_period_wins_whatever_its_type_and_disaggregations_add_up(tree):
    gender = combo_create(code="G", name="جنسیت", categories=[
        category_create(code="SEX", name="جنس", options=[("F", "زن", "Female"), ("M", "مرد", "Male")])])
    female, male = gender.option_combos.order_by("sort_order")
    people = DataElement.objects.create(code="PEOPLE", name="ساکنان", value_type="INTEGER_ZERO_OR_POSITIVE",
                                        category_combo=gender)
    other = DataElement.objects.create(code="OTHER", name="دیگر", value_type="NUMBER",
                                       category_combo=default_combo_ensure())
    _write([
        _row(people, "1402", tree["v1"], "900", female), _row(people, "1402", tree["v1"], "950", male),
        # Esfand 1402 ends with the year 1402; Farvardin 1403 ends after both: it is the latest.
        _row(people, "140212", tree["v1"], "10", female),
        _row(people, "140301", tree["v1"], "1000", female), _row(people, "140301", tree["v1"], "1100", male),
        _row(people, "1401", tree["v1b"], "400", female),
        _row(other, "140305", tree["v2"], "7"),
    ])
    numbers = latest_numbers(element_code="PEOPLE", unit_ids=[tree["v1"].pk, tree["v1b"].pk, tree["v2"].pk])
    assert numbers == {tree["v1"].pk: 2100.0, tree["v1b"].pk: 400.0}
    assert latest_numbers(element_code="PEOPLE", unit_ids=[]) == {}


def test_planner_prefers_the_statistical_figure_and_keeps_recorded_ones_otherwise(tree, people, population):
    ServedPlace.objects.create(org_unit=tree["v1"], latitude=35.84, longitude=50.93, population=2000)
    ServedPlace.objects.create(org_unit=tree["v1b"], latitude=35.80, longitude=51.00, population=0)
    ServedPlace.objects.create(org_unit=tree["rd1"], latitude=35.81, longitude=50.99, population=300)
    _write([_row(population, "1403", tree["v1b"], "1500"), _row(population, "1403", tree["rd1"], "0")])
    scenario = Scenario.objects.create(name="آزمون", owner=people["province1"], unit=tree["p1"],
                                       waste_kg_per_person_day=1,
                                       cost_per_tonne_km=1, horizon_years=1)
    villages = {v.name: v for v in villages_of(scenario)}
    # v1: recorded 2000 (no statistics); v1b: recorded 0 but 1,500 in the statistics, so it now counts;
    # rd1: the statistics say 0, so it is no demand point at all.
    assert set(villages) == {tree["v1"].name, tree["v1b"].name}
    assert villages[tree["v1"].name].population == 2000 and not villages[tree["v1"].name].population_from_stats
    assert villages[tree["v1b"].name].population == 1500 and villages[tree["v1b"].name].population_from_stats
    assert villages[tree["v1b"].name].tonnes == pytest.approx(1500 * 365 / 1000)
    counts = populations(ServedPlace.objects.all())
    assert counts[tree["rd1"].pk] == (0, True)


def test_site_page_says_where_each_population_comes_from(client, tree, people, population):
    ServedPlace.objects.create(org_unit=tree["v1"], latitude=35.84, longitude=50.93, population=2000)
    _write([_row(population, "140307", tree["v1b"], "1234")])
    site = Site.objects.create(**site_fields(tree))
    site.villages_served.set([tree["v1"], tree["v1b"]])
    client.force_login(people["county1"])
    page = client.get(reverse("landfills:detail", args=[site.pk])).content.decode()
    assert "جمعیت ۲٬۰۰۰" in page and "جمعیت ۱٬۲۳۴ (از سامانه آماری)" in page
    assert page.count("از سامانه آماری") == 1
