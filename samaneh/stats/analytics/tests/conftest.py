"""A small stats world on the shared two-province tree, with values written through the one write path."""
import datetime as dt
from types import SimpleNamespace

import jdatetime
import pytest

from samaneh.accounts.roles import Role
from samaneh.stats.analytics.engine import analytics_query
from samaneh.stats.analytics.tasks import analytics_refresh
from samaneh.stats.datavalues import datavalues_import
from samaneh.stats.models import DataElement, Indicator
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
from samaneh.stats.uids import org_unit_uid
from tests.factories import RoleFactory, UserFactory


def write(rows):
    summary = datavalues_import(user=None, rows=rows, trusted=True, today=dt.date(2026, 12, 1))
    assert not summary.conflicts, summary.conflicts
    return summary


def jalali(y, m, d):
    return jdatetime.date(y, m, d).togregorian()


@pytest.fixture
def world(tree):
    default = default_combo_ensure()
    gender = combo_create(code="GENDER", name="جنسیت", categories=[
        category_create(code="SEX", name="جنس", options=[("F", "زن", "Female"), ("M", "مرد", "Male")])
    ])
    female, male = gender.option_combos.order_by("sort_order")

    def element(code, name, aggregation="SUM", value_type="NUMBER", combo=default):
        return DataElement.objects.create(code=code, name=name, aggregation_type=aggregation, value_type=value_type,
                                          category_combo=combo)

    e = SimpleNamespace(
        revenue=element("REV", "درآمد عوارض"),
        green=element("GREEN", "سرانه فضای سبز", "AVERAGE"),
        staff=element("STAFF", "کارکنان در پایان دوره", "LAST", "INTEGER_ZERO_OR_POSITIVE"),
        code=element("CODE", "رتبه", "NONE", "INTEGER"),
        it=element("IT", "واحد فناوری دارد", "SUM", "BOOLEAN"),
        note=element("NOTE", "توضیح", "SUM", "TEXT"),
        population=element("POP", "جمعیت", "SUM", "INTEGER_ZERO_OR_POSITIVE"),
        employees=element("EMP", "کارکنان رسمی", "SUM", "INTEGER_ZERO_OR_POSITIVE", gender),
        low=element("LOW", "کمترین دما", "MIN"),
        high=element("HIGH", "بیشترین دما", "MAX"),
    )
    t = tree
    u = {key: org_unit_uid(unit) for key, unit in t.items()}

    def row(el, period, unit, value, coc=None):
        out = {"dataElement": el.uid, "period": period, "orgUnit": u[unit], "value": value}
        if coc is not None:
            out["categoryOptionCombo"] = coc.uid
        return out

    write([
        # revenue (SUM): 140301 city1 10 + week 2 (starts in Farvardin) 1, v1 5, v1b 7, city2 100, v2 1
        row(e.revenue, "140301", "city1", "10"), row(e.revenue, "1403W2", "city1", "1"),
        row(e.revenue, "140301", "v1", "5"), row(e.revenue, "140301", "v1b", "7"),
        row(e.revenue, "140301", "city2", "100"), row(e.revenue, "140301", "v2", "1"),
        row(e.revenue, "140302", "city1", "20"), row(e.revenue, "140303", "city1", "30"),
        row(e.revenue, "140304", "city1", "40"), row(e.revenue, "140401", "city1", "1000"),
        # green space (AVERAGE) in 140301
        row(e.green, "140301", "city1", "9"), row(e.green, "140301", "v1", "2"), row(e.green, "140301", "v1b", "4"),
        row(e.green, "140301", "city2", "6"), row(e.green, "140301", "v2", "10"),
        # staff (LAST)
        row(e.staff, "140301", "city1", "5"), row(e.staff, "140303", "city1", "8"), row(e.staff, "140302", "v1", "3"),
        # rank (NONE)
        row(e.code, "140301", "city1", "4"), row(e.code, "140301", "v1", "6"),
        # has an IT unit (BOOLEAN), yearly
        row(e.it, "1403", "city1", "بله"), row(e.it, "1403", "v1", "true"), row(e.it, "1403", "city2", "خیر"),
        row(e.note, "140301", "city1", "بازسازی ساختمان"),
        row(e.population, "140301", "city1", "3000"), row(e.population, "140301", "city2", "0"),
        row(e.employees, "140301", "city1", "3", female), row(e.employees, "140301", "city1", "7", male),
        row(e.employees, "140301", "v1", "2", female),
        row(e.low, "140301", "city1", "-3"), row(e.low, "140301", "v1", "-8"), row(e.low, "140302", "v2", "-20"),
        row(e.high, "140301", "city1", "31"), row(e.high, "140302", "v1", "38"), row(e.high, "140301", "v2", "44"),
    ])
    indicators = SimpleNamespace(
        per_capita=Indicator.objects.create(
            name="درآمد سرانه (در هزار نفر)", numerator=f"#{{{e.revenue.uid}}}",
            denominator=f"#{{{e.population.uid}}}", factor=1000, decimals=1,
        ),
        female_share=Indicator.objects.create(
            name="سهم زنان از کارکنان", numerator=f"#{{{e.employees.uid}.{female.uid}}}",
            denominator=f"#{{{e.employees.uid}}}", factor=100, decimals=1,
        ),
    )
    admin = UserFactory(is_superuser=True)
    officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=t["c1"]).user
    return SimpleNamespace(e=e, i=indicators, u=u, t=t, admin=admin, officer=officer, female=female, male=male,
                           row=row)


@pytest.fixture(params=["summary", "live"])
def stats(request, world):
    """The same world answered from a fresh summary (after the Celery refresh) and live (never refreshed)."""
    if request.param == "summary":
        analytics_refresh.delay()
    world.mode = request.param
    return world


def query(user, **kwargs):
    return analytics_query(user=user, **kwargs)
