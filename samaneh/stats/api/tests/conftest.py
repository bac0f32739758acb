"""Statistical metadata for the API tests: a monthly form and a yearly form on the shared tree."""
import pytest
from django.db import connection

from samaneh.accounts.roles import Role
from samaneh.stats import periods
from samaneh.stats.models import DataElement, DataSet, DataSetElement, DataValue
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
from tests.factories import RoleFactory


class Meta:
    """What the tests need by name: elements, forms, combos, the last month and year."""


@pytest.fixture
def meta(tree):
    m = Meta()
    m.tree = tree
    default = default_combo_ensure()
    gender = category_create(code="GENDER", name="جنسیت", name_en="Gender",
                             options=[("F", "زن", "Female"), ("M", "مرد", "Male")])
    m.gender_combo = combo_create(code="G", name="جنسیت", name_en="Gender", categories=[gender])
    m.coc_f, m.coc_m = list(m.gender_combo.option_combos.order_by("sort_order"))

    def element(code, name, value_type="NUMBER", combo=default, **kw):
        return DataElement.objects.create(code=code, name=name, name_en=code.title(), value_type=value_type,
                                          category_combo=combo, **kw)

    m.population = element("POP", "جمعیت تحت پوشش", "INTEGER_ZERO_OR_POSITIVE")
    m.revenue = element("REV", "درآمد عوارض (میلیون ریال)")
    m.spent = element("SPENT", "درصد بودجه هزینه‌شده", "PERCENTAGE", aggregation_type="AVERAGE")
    m.staff = element("STAFF", "کارکنان", "INTEGER_ZERO_OR_POSITIVE", combo=m.gender_combo)
    m.note = element("NOTE", "توضیح", "TEXT")
    m.computed = element("CMP_RECEIVED", "شکایات دریافتی", "INTEGER_ZERO_OR_POSITIVE", feed="complaints.received")
    m.yearly_only = element("HR", "کارکنان رسمی", "INTEGER_ZERO_OR_POSITIVE")
    m.free = element("FREE", "عنصر بدون فرم")
    m.monthly = DataSet.objects.create(code="MONTHLY", name="عملکرد ماهانه شهرداری", period_type=periods.MONTHLY,
                                       expiry_days=0)
    for order, e in enumerate([m.population, m.revenue, m.spent, m.staff, m.note, m.computed]):
        DataSetElement.objects.create(data_set=m.monthly, data_element=e, sort_order=order)
    m.yearly = DataSet.objects.create(code="HRYEAR", name="منابع انسانی سالانه", period_type=periods.YEARLY,
                                      expiry_days=0)
    DataSetElement.objects.create(data_set=m.yearly, data_element=m.yearly_only)
    m.monthly.organisation_units.set([tree["city1"], tree["city2"]])
    m.yearly.organisation_units.set([tree["city1"], tree["city2"]])
    m.last_month = periods.current(periods.MONTHLY).previous()
    m.month_before = m.last_month.previous()
    m.last_year = periods.current(periods.YEARLY).previous()
    # A statistics officer for the county of Karaj (p1 → c1), another for Kerman province (p2).
    m.officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["c1"]).user
    m.other_officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["p2"]).user
    m.national = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["country"]).user
    return m


@pytest.fixture
def failing_value_trigger(db):
    """A real database error on one row in the middle of a batch: a trigger refusing the value 666."""
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE TRIGGER refuse_666 BEFORE INSERT ON {table} WHEN NEW.value = '666' "
                           "BEGIN SELECT RAISE(ABORT, 'value 666 refused'); END")
        else:
            cursor.execute("CREATE FUNCTION refuse_666() RETURNS trigger AS $$ BEGIN IF NEW.value = '666' THEN "
                           "RAISE EXCEPTION 'value 666 refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
            cursor.execute(f"CREATE TRIGGER refuse_666 BEFORE INSERT ON {table} FOR EACH ROW "
                           "EXECUTE FUNCTION refuse_666()")
    yield
