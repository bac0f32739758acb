"""A monthly form on the shared tree, an officer for the county of Karaj, and helpers to download,
fill and upload templates the way a person would."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from samaneh.accounts.roles import Role
from samaneh.stats import periods
from samaneh.stats.io import layout
from samaneh.stats.models import DataElement, DataSet, DataSetElement
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
from samaneh.stats.uids import org_unit_uid
from tests.factories import RoleFactory


class Meta:
    pass


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meta(tree):
    m = Meta()
    m.tree = tree
    m.default = default_combo_ensure()
    m.default_coc = m.default.option_combos.get()
    gender = category_create(code="IO_GENDER", name="جنسیت",
                             options=[("IO_F", "زن", "Female"), ("IO_M", "مرد", "Male")])
    m.gender = combo_create(code="IO_G", name="جنسیت", categories=[gender])
    m.coc_f, m.coc_m = list(m.gender.option_combos.order_by("sort_order"))

    def element(code, name, value_type, combo=None, **kw):
        return DataElement.objects.create(code=code, name=name, value_type=value_type,
                                          category_combo=combo or m.default, **kw)

    m.permits = element("IO_PERMITS", "پروانه‌های ساختمانی", "INTEGER_ZERO_OR_POSITIVE")
    m.spent = element("IO_SPENT", "درصد بودجه هزینه‌شده", "PERCENTAGE")
    m.staff = element("IO_STAFF", "کارکنان", "INTEGER_ZERO_OR_POSITIVE", combo=m.gender)
    m.computed = element("IO_CMP", "شکایات دریافتی", "INTEGER_ZERO_OR_POSITIVE", feed="complaints.received")
    m.monthly = DataSet.objects.create(code="IO_MONTHLY", name="عملکرد ماهانه", period_type=periods.MONTHLY,
                                       expiry_days=0)
    for order, e in enumerate([m.permits, m.spent, m.staff, m.computed]):
        DataSetElement.objects.create(data_set=m.monthly, data_element=e, sort_order=order)
    m.yearly = DataSet.objects.create(code="IO_YEARLY", name="فرم سالانه", period_type=periods.YEARLY, expiry_days=0)
    DataSetElement.objects.create(data_set=m.yearly, data_element=m.permits)
    m.monthly.organisation_units.set([tree["city1"], tree["v1"], tree["city2"]])
    m.yearly.organisation_units.set([tree["city1"]])
    m.month = periods.current(periods.MONTHLY).previous()
    m.officer = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["c1"]).user
    return m


@pytest.fixture
def officer_client(client, meta):
    client.force_login(meta.officer)
    return client


def download(client, data_set, period="", file_format="xlsx"):
    response = client.get(reverse("stats_io:template"),
                          {"data_set": data_set.pk, "period": period, "file_format": file_format})
    assert response.status_code == 200, response.content[:500]
    return response.content


def fill(xlsx, values, *, period=None, extra_rows=()):
    """Fill a downloaded template: `values` maps (unit, element, option combo) → what a person types."""
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook.worksheets[0]
    keys = {sheet.cell(row=layout.KEY_ROW, column=c).value: c for c in range(1, sheet.max_column + 1)}
    rows = {sheet.cell(row=r, column=1).value: r for r in range(layout.FIRST_DATA_ROW, sheet.max_row + 1)}
    if period is not None:
        sheet.cell(row=layout.PERIOD_ROW, column=layout.PERIOD_VALUE_COLUMN, value=period)
    for (unit, element, coc), value in values.items():
        sheet.cell(row=rows[org_unit_uid(unit)], column=keys[f"{element.uid}.{coc.uid}"], value=value)
    for uid, name, cells in extra_rows:
        row = sheet.max_row + 1
        sheet.cell(row=row, column=1, value=uid)
        sheet.cell(row=row, column=2, value=name)
        for (element, coc), value in cells.items():
            sheet.cell(row=row, column=keys[f"{element.uid}.{coc.uid}"], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data_set, content, name="data.xlsx", period=""):
    return client.post(reverse("stats_io:index"), {
        "file": SimpleUploadedFile(name, content), "data_set": data_set.pk, "period": period,
    })
