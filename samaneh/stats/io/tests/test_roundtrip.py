"""Download a template, fill it as a person would, upload, read the dry run, confirm, find the values."""
import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from samaneh.stats.io import layout
from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.tests.conftest import download, fill, upload
from samaneh.stats.models import DataValue
from samaneh.stats.uids import org_unit_uid


def _confirm(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stats_io:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def test_excel_template_shape(officer_client, meta):
    workbook = load_workbook(io.BytesIO(download(officer_client, meta.monthly, meta.month.id)))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert sheet.column_dimensions["A"].hidden
    assert sheet.row_dimensions[layout.KEY_ROW].hidden
    assert sheet.protection.sheet
    assert sheet.cell(row=1, column=1).value == meta.monthly.uid
    assert sheet.cell(row=layout.PERIOD_ROW, column=layout.PERIOD_VALUE_COLUMN).value == meta.month.id
    assert not sheet.cell(row=layout.PERIOD_ROW, column=layout.PERIOD_VALUE_COLUMN).protection.locked
    keys = [sheet.cell(row=layout.KEY_ROW, column=c).value for c in range(3, sheet.max_column + 1)]
    headers = [sheet.cell(row=layout.HEADER_ROW, column=c).value for c in range(3, sheet.max_column + 1)]
    assert keys == [
        f"{meta.permits.uid}.{meta.default_coc.uid}", f"{meta.spent.uid}.{meta.default_coc.uid}",
        f"{meta.staff.uid}.{meta.coc_f.uid}", f"{meta.staff.uid}.{meta.coc_m.uid}",
    ]  # the computed element is not offered to people
    assert headers == ["پروانه‌های ساختمانی", "درصد بودجه هزینه‌شده", "کارکنان — زن", "کارکنان — مرد"]
    units = {sheet.cell(row=r, column=1).value for r in range(layout.FIRST_DATA_ROW, sheet.max_row + 1)}
    # The county officer gets Karaj's units of the form, not Kerman's city.
    assert units == {org_unit_uid(meta.tree["city1"]), org_unit_uid(meta.tree["v1"])}
    assert sheet.cell(row=layout.FIRST_DATA_ROW, column=1).protection.locked
    assert not sheet.column_dimensions["C"].protection.locked  # empty value cells take their column's style
    assert sheet.cell(row=layout.HEADER_ROW, column=3).protection.locked
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert {"whole", "decimal"} <= kinds
    percentage = next(v for v in sheet.data_validations.dataValidation if v.type == "decimal")
    assert (percentage.formula1, percentage.formula2) == ("0", "100")


def test_excel_round_trip_dry_run_then_import(officer_client, meta, django_capture_on_commit_callbacks):
    city, village = meta.tree["city1"], meta.tree["v1"]
    d = meta.default_coc
    filled = fill(download(officer_client, meta.monthly, meta.month.id), {
        (city, meta.permits, d): "۱۲",  # Persian digits, typed as text
        (city, meta.spent, d): 45.5,
        (city, meta.staff, meta.coc_f): 30,
        (city, meta.staff, meta.coc_m): "4۱",  # mixed digits
        (village, meta.permits, d): 3,
    })
    response = upload(officer_client, meta.monthly, filled)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.user == meta.officer
    assert job.org_unit == meta.tree["d1"]  # the smallest unit holding both rows
    assert DataValue.objects.count() == 0  # a dry run writes nothing

    page = officer_client.get(response["Location"]).content.decode()
    assert "نتیجه بررسی (اجرای آزمایشی)" in page
    assert job.dry_run_summary["imported"] == 5 and job.dry_run_summary["ignored"] == 0
    assert 'data-count="imported">۵<' in page
    assert "تأیید و ورود داده" in page

    job = _confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE and (job.done, job.total) == (5, 5)
    assert job.summary["imported"] == 5
    stored = {(v.data_element_id, v.org_unit_id, v.category_option_combo_id): v.value for v in DataValue.objects.all()}
    assert stored == {
        (meta.permits.pk, city.pk, d.pk): "12", (meta.spent.pk, city.pk, d.pk): "45.5",
        (meta.staff.pk, city.pk, meta.coc_f.pk): "30", (meta.staff.pk, city.pk, meta.coc_m.pk): "41",
        (meta.permits.pk, village.pk, d.pk): "3",
    }
    assert set(DataValue.objects.values_list("period", flat=True)) == {meta.month.id}
    assert set(DataValue.objects.values_list("stored_by", flat=True)) == {meta.officer.username}
    done_page = officer_client.get(reverse("stats_io:job", args=[job.pk])).content.decode()
    assert "ورود داده انجام شد." in done_page and 'aria-valuenow="100"' in done_page

    # The same file again changes nothing, and the dry run says so.
    upload(officer_client, meta.monthly, filled)
    again = ImportJob.objects.latest("pk")
    counts = again.dry_run_summary
    assert (counts["imported"], counts["updated"], counts["unchanged"]) == (0, 0, 5)


def test_period_from_upload_form_when_cell_empty(officer_client, meta, django_capture_on_commit_callbacks):
    filled = fill(download(officer_client, meta.monthly), {(meta.tree["city1"], meta.permits, meta.default_coc): 7})
    response = upload(officer_client, meta.monthly, filled, period=meta.month.id.replace("1", "۱"))
    assert response.status_code == 302
    job = _confirm(officer_client, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    assert DataValue.objects.get().period == meta.month.id and job.period == meta.month.id


def test_csv_template_and_round_trip(officer_client, meta, django_capture_on_commit_callbacks):
    content = download(officer_client, meta.monthly, meta.month.id, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
                       "storedby", "lastupdated", "comment", "followup"]
    assert len(rows) == 1 + 2 * 4  # two units in scope × four columns
    city = org_unit_uid(meta.tree["city1"])
    for row in rows[1:]:
        if row[0] == meta.permits.uid and row[2] == city:
            row[5] = "۱2"  # mixed Persian/ASCII digits
        if row[0] == meta.spent.uid and row[2] == city:
            row[5], row[8] = "۹۹٫۵", "برآورد"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = upload(officer_client, meta.monthly, ("\ufeff" + out.getvalue()).encode("utf-8"), name="data.csv")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.file_format == "csv" and job.dry_run_summary["imported"] == 2
    _confirm(officer_client, job, django_capture_on_commit_callbacks)
    stored = dict(DataValue.objects.values_list("data_element__code", "value"))
    assert stored == {"IO_PERMITS": "12", "IO_SPENT": "99.5"}
    assert DataValue.objects.get(data_element=meta.spent).comment == "برآورد"


def test_template_refuses_wrong_period_type_and_foreign_form(officer_client, meta):
    response = officer_client.get(reverse("stats_io:template"),
                                  {"data_set": meta.monthly.pk, "period": "1402", "file_format": "xlsx"})
    assert response.status_code == 400
    assert "ماهانه" in response.content.decode() and "نیست" in response.content.decode()
    other = meta.monthly.__class__.objects.create(code="IO_KERMAN", name="فرم کرمان", period_type="Monthly")
    other.organisation_units.set([meta.tree["city2"]])
    response = officer_client.get(reverse("stats_io:template"), {"data_set": other.pk, "file_format": "xlsx"})
    assert response.status_code == 400 and "این فرم در دسترس شما نیست." in response.content.decode()
