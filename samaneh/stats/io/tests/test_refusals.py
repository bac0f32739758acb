"""Every file the import refuses, with a Persian message, and nothing stored; and every bad row, which is
a conflict on that row while the others go on."""
import io
import zipfile

import pytest
from openpyxl import Workbook

from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.tests.conftest import download, fill, upload
from samaneh.stats.models import DataValue


def _refused(response, *phrases):
    assert response.status_code == 400
    page = response.content.decode()
    for phrase in phrases:
        assert phrase in page, phrase
    assert ImportJob.objects.count() == 0 and DataValue.objects.count() == 0
    return page


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def test_zip_bomb(officer_client, meta):
    bomb = _zip({"[Content_Types].xml": XLSX_CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # 40 MB of sheet in a small upload
    _refused(upload(officer_client, meta.monthly, bomb), "بمب فشرده‌سازی")


def test_formula_names_the_cell(officer_client, meta):
    filled = fill(download(officer_client, meta.monthly, meta.month.id),
                  {(meta.tree["city1"], meta.permits, meta.default_coc): "=SUM(1,2)"})
    page = _refused(upload(officer_client, meta.monthly, filled), "فرمول", "C5")
    assert "فرمول پذیرفته نیست" in page


def test_text_that_starts_with_equals_is_refused_as_a_formula(officer_client, meta):
    workbook = Workbook()
    cell = workbook.active["E9"]
    cell.value = "=cmd|' /C calc'!A0"
    cell.data_type = "s"  # stored as text, not as a formula: still refused
    buffer = io.BytesIO()
    workbook.save(buffer)
    _refused(upload(officer_client, meta.monthly, buffer.getvalue()), "E9", "فرمول")


def test_formula_on_another_sheet_is_refused_too(officer_client, meta):
    workbook = Workbook()
    workbook.active["A1"] = "orgUnit"
    workbook.create_sheet("پنهان")["B7"] = "=HYPERLINK(\"http://evil\")"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _refused(upload(officer_client, meta.monthly, buffer.getvalue()), "B7", "پنهان")


def test_macro_file_by_name(officer_client, meta):
    template = download(officer_client, meta.monthly, meta.month.id)
    _refused(upload(officer_client, meta.monthly, template, name="data.xlsm"), "ماکرو")


def test_macro_inside_an_xlsx(officer_client, meta):
    macro = _zip({"[Content_Types].xml": XLSX_CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                  "xl/vbaProject.bin": b"Attribute VB_Name = \"Module1\""})
    _refused(upload(officer_client, meta.monthly, macro), "ماکرو (VBA)")


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF",
    b"MZ\x90\x00\x03" + b"\x00" * 100,
    b"dataelement,period,orgunit,value\n",
    _zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"}),
], ids=["pdf", "exe", "csv", "docx"])
def test_other_file_renamed_to_xlsx(officer_client, meta, content):
    _refused(upload(officer_client, meta.monthly, content, name="data.xlsx"), "اکسل (xlsx) واقعی نیست")


def test_oversized_while_streaming(officer_client, meta, settings):
    settings.STATS_IMPORT_MAX_BYTES = 10 * 1024
    _refused(upload(officer_client, meta.monthly, b"a" * 30 * 1024, name="big.csv"), "حجم فایل بیش از سقف مجاز")


def test_oversized_by_declared_length_is_not_read(officer_client, meta, settings):
    settings.STATS_IMPORT_MAX_BYTES = 10 * 1024
    _refused(upload(officer_client, meta.monthly, b"a" * 200 * 1024, name="big.csv"), "حجم فایل بیش از سقف مجاز")


def test_csv_not_utf8(officer_client, meta):
    content = "dataelement,period,orgunit,value,comment\nX,140301,Y,1,گزارش ماهانه\n".encode("cp1256")
    _refused(upload(officer_client, meta.monthly, content, name="data.csv"), "UTF-8")


def test_csv_utf16_is_refused(officer_client, meta):
    _refused(upload(officer_client, meta.monthly, "dataelement,value\n".encode("utf-16"), name="data.csv"), "UTF-8")


def test_other_extension(officer_client, meta):
    _refused(upload(officer_client, meta.monthly, b"hello", name="data.txt"), "فقط فایل اکسل (xlsx) یا CSV")


def test_template_of_another_form(officer_client, meta):
    filled = fill(download(officer_client, meta.yearly, "1402"),
                  {(meta.tree["city1"], meta.permits, meta.default_coc): 3})
    _refused(upload(officer_client, meta.monthly, filled), "الگوی فرم دیگری است")


def test_period_missing_or_contradicting(officer_client, meta):
    filled = fill(download(officer_client, meta.monthly), {(meta.tree["city1"], meta.permits, meta.default_coc): 3})
    _refused(upload(officer_client, meta.monthly, filled), "دوره مشخص نیست")
    filled = fill(download(officer_client, meta.monthly, meta.month.id),
                  {(meta.tree["city1"], meta.permits, meta.default_coc): 3})
    other = meta.month.previous().id
    _refused(upload(officer_client, meta.monthly, filled, period=other), "یکی نیست")


def test_empty_template(officer_client, meta):
    _refused(upload(officer_client, meta.monthly, download(officer_client, meta.monthly, meta.month.id)),
             "فایل هیچ مقداری ندارد")


def _dry_run(client, meta, content, **kwargs):
    response = upload(client, meta.monthly, content, **kwargs)
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    page = client.get(response["Location"]).content.decode()
    assert DataValue.objects.count() == 0
    return job, page


def test_bad_rows_are_conflicts_with_their_cells(officer_client, meta):
    city, d = meta.tree["city1"], meta.default_coc
    filled = fill(
        download(officer_client, meta.monthly, meta.month.id),
        {(city, meta.permits, d): "بسیار", (city, meta.spent, d): 150, (city, meta.staff, meta.coc_f): 8},
        extra_rows=[("O0000zzzzzz", "واحد ساختگی", {(meta.permits, d): 4})],
    )
    job, page = _dry_run(officer_client, meta, filled)
    summary = job.dry_run_summary
    assert (summary["imported"], summary["ignored"]) == (1, 3)
    messages = {c["ref"]: c["message"] for c in summary["conflicts"]}
    assert "عدد می‌خواهد" in messages["خانه C5"]
    assert "بین ۰ و ۱۰۰" in messages["خانه D5"]
    assert "پیدا نشد" in messages["خانه C7"]
    assert "خانه C7" in page and "بین ۰ و ۱۰۰" in page
    assert "تأیید و ورود داده" in page  # the good value can still go in


def test_only_bad_rows_offers_nothing_to_import(officer_client, meta):
    filled = fill(download(officer_client, meta.monthly, meta.month.id), {},
                  extra_rows=[("O0000zzzzzz", "واحد ساختگی", {(meta.permits, meta.default_coc): 4})])
    job, page = _dry_run(officer_client, meta, filled)
    assert job.dry_run_summary["ignored"] == 1
    assert "تأیید و ورود داده" not in page and "ورودی برای تأیید نیست" in page


def test_csv_rows_outside_scope_and_computed_element(officer_client, meta):
    from samaneh.stats.uids import org_unit_uid

    lines = [
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value",
        f"{meta.permits.uid},{meta.month.id},{org_unit_uid(meta.tree['city2'])},,,5",  # Kerman: not the officer's
        f"{meta.computed.uid},{meta.month.id},{org_unit_uid(meta.tree['city1'])},,,5",  # computed by a feed
        f"{meta.permits.uid},{meta.month.next(2).id},{org_unit_uid(meta.tree['city1'])},,,5",  # future
        f"{meta.permits.uid},1402,{org_unit_uid(meta.tree['city1'])},,,5",  # a year in a monthly form
    ]
    job, page = _dry_run(officer_client, meta, "\n".join(lines).encode(), name="data.csv")
    messages = {c["ref"]: c["message"] for c in job.dry_run_summary["conflicts"]}
    assert "در حوزه دسترسی ورود داده شما نیست" in messages["سطر ۲"]
    assert "خودکار محاسبه می‌شود" in messages["سطر ۳"]
    assert "هنوز نرسیده" in messages["سطر ۴"]
    assert "نمی‌خواند" in messages["سطر ۵"]
    assert job.dry_run_summary["imported"] == 0
