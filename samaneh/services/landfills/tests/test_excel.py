"""Excel: export → import round trip, the row-level error report (all-or-nothing), unsafe files refused,
and the served places (villages with location and population) both ways."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from samaneh.services.landfills import excel, services
from samaneh.services.landfills.models import ServedPlace, Site, SiteEvent
from samaneh.services.landfills.tests.conftest import site_fields

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=None, name="sites.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [c.header for c in excel.site_columns()])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _row(**values):
    defaults = {"name": "محل تخلیه", "kind": "محل تخلیه روباز", "unit_code": "101010201", "latitude": 35.84,
                "longitude": 50.93, "operator_kind": "دهیاری", "design_capacity_tonnes": 1000,
                "remaining_capacity_tonnes": 100}
    defaults.update(values)
    return [defaults.get(c.key) for c in excel.site_columns()]


def _sheet_rows(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def test_export_then_import_round_trip_updates_by_code(client, tree, people):
    first = services.site_create(people["dehyari1"], fields=site_fields(tree, has_fence=True, protected_area="near"),
                                 villages_served=[tree["v1b"]])
    services.site_create(people["dehyari1"], fields=site_fields(tree, name="دوم", latitude=35.80, longitude=50.99))
    client.force_login(people["dehyari1"])
    rows = _sheet_rows(client.get(reverse("landfills:export")))
    header, data = rows[0], rows[1:]
    assert header[:3] == ["کد مرکز", "نام", "نوع"] and len(data) == 2
    exported = next(r for r in data if r[0] == first.code)
    assert exported[2] == "محل تخلیه روباز" and "101010202" in exported[header.index("کد روستاهای تحت پوشش (با ویرگول جدا)")]
    assert exported[header.index("حصار")] == "بله" and exported[header.index("استان")] == "البرز"

    # The exported file goes back unchanged: both rows are found by code and nothing changes.
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.cell(row=1 + 1 + data.index(exported), column=header.index("ظرفیت باقی‌مانده (تن)") + 1, value=4321)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("landfills:import"), {"file": SimpleUploadedFile("s.xlsx", buffer.getvalue())})
    assert response.status_code == 200, response.content.decode()
    assert "ورود انجام شد" in response.content.decode()
    assert Site.objects.count() == 2
    first.refresh_from_db()
    assert first.remaining_capacity_tonnes == 4321 and first.has_fence and first.protected_area == "near"
    assert list(first.villages_served.all()) == [tree["v1b"]]
    event = first.events.order_by("-at", "-id").first()
    assert event.action == SiteEvent.Action.IMPORTED and event.changes == {"remaining_capacity_tonnes": [5000, 4321]}


def test_import_reports_every_bad_row_and_stores_nothing(client, tree, people):
    services.site_create(people["dehyari1"], fields=site_fields(tree, latitude=35.70, longitude=51.00))
    upload = _xlsx([
        _row(name="خوب"),                                                    # row 2: fine on its own
        _row(name="در دریا", latitude=26.6, longitude=53.5),                 # row 3
        _row(name="روستای ناشناخته", village_codes="101010202، 999999", latitude=35.86, longitude=50.90),  # row 4
        _row(name="تکراری در فایل", latitude=35.8405, longitude=50.9305),   # row 5: ~70 m from row 2
        _row(name="تکراری در سامانه", latitude=35.7005, longitude=51.0005),  # row 6: ~70 m from the stored site
        _row(name="باقی‌مانده زیاد", remaining_capacity_tonnes=5000, latitude=35.88, longitude=50.85),  # row 7
        _row(name="واحد ناشناخته", unit_code="77", latitude=35.82, longitude=50.95),  # row 8
    ])
    client.force_login(people["dehyari1"])
    response = client.post(reverse("landfills:import"), {"file": upload})
    assert response.status_code == 400
    report = excel.sites_import(people["dehyari1"], upload=_xlsx([]))
    assert report.file_error == "فایل هیچ ردیف داده‌ای ندارد."
    page = response.content.decode()
    assert "۶ ردیف از ۷ ردیف خطا دارد؛ هیچ ردیفی ثبت نشد" in page
    assert Site.objects.count() == 1

    upload.seek(0)
    report = excel.sites_import(people["dehyari1"], upload=upload)
    errors = {r.row: " ".join(r.errors) for r in report.rows}
    assert errors[2] == ""
    assert "در دریا یا بیرون از خاک ایران" in errors[3]
    assert "کد روستای ۹۹۹۹۹۹ در فهرست روستاها پیدا نشد" in errors[4]
    assert "با ردیف ۲ همین فایل" in errors[5]
    assert "با مرکز ثبت‌شده LF-" in errors[6]
    assert "نمی‌تواند بیش از «ظرفیت طراحی (تن)»" in errors[7]
    assert "«کد واحد محل» ۷۷ در تقسیمات کشوری پیدا نشد" in errors[8]


def test_unsafe_or_wrong_files_are_refused_with_a_reason(tree, people):
    formula = Workbook()
    formula.active.append([c.header for c in excel.site_columns()])
    formula.active.append(["", "=HYPERLINK(\"http://evil\")"])
    buffer = io.BytesIO()
    formula.save(buffer)
    report = excel.sites_import(people["dehyari1"], upload=SimpleUploadedFile("f.xlsx", buffer.getvalue()))
    assert "خانه B2 فرمول دارد" in report.file_error
    report = excel.sites_import(people["dehyari1"], upload=SimpleUploadedFile("f.xlsx", b"MZ\x90\x00 not a workbook"))
    assert "اکسل (xlsx) واقعی نیست" in report.file_error
    report = excel.sites_import(people["dehyari1"], upload=SimpleUploadedFile("f.csv", b"a,b\n1,2\n"))
    assert "فقط فایل اکسل (xlsx)" in report.file_error
    report = excel.sites_import(people["dehyari1"], upload=_xlsx([["x"]], headers=["ستون دیگر"]))
    assert "«نام»" in report.file_error and "«کد واحد محل (تقسیمات کشوری)»" in report.file_error
    assert not Site.objects.exists()


def test_served_places_round_trip_and_refusals(client, tree, people):
    client.force_login(people["dehyari1"])
    template = _sheet_rows(client.get(reverse("landfills:places-template")))
    assert template == [["کد روستا", "نام روستا", "عرض جغرافیایی", "طول جغرافیایی", "جمعیت"]]
    bad = _xlsx([["101010201", "", 35.84, 50.93, 800], ["123456", "", 35.8, 50.9, 10],
                 ["101010202", "", 30.40, 55.99, -3], ["201010201", "", 30.40, 55.99, 100]],
                headers=template[0], name="v.xlsx")
    response = client.post(reverse("landfills:places"), {"file": bad})
    assert response.status_code == 400 and not ServedPlace.objects.exists()
    bad.seek(0)
    report = excel.places_import(people["dehyari1"], upload=bad)
    errors = {r.row: " ".join(r.errors) for r in report.rows}
    assert errors[2] == ""
    assert "کد روستای ۱۲۳۴۵۶ در فهرست روستاها پیدا نشد" in errors[3]
    assert "در استان کرمان است" in errors[4] and "«جمعیت» باید عدد صحیح" in errors[4]
    assert "بیرون از حوزه شماست" in errors[5]  # a village of another province

    good = _xlsx([["101010201", "", "۳۵٫۸۴", "۵۰٫۹۳", "۸۰۰"], ["101010202", "", 35.86, 50.91, 1200]],
                 headers=template[0], name="v.xlsx")
    response = client.post(reverse("landfills:places"), {"file": good})
    assert response.status_code == 200 and "۲ ردیف تازه" in response.content.decode()
    place = ServedPlace.objects.get(org_unit=tree["v1"])
    assert (place.latitude, place.longitude, place.population) == (35.84, 50.93, 800)
    client.force_login(people["province1"])
    exported = _sheet_rows(client.get(reverse("landfills:places-export")))
    assert sorted(r[0] for r in exported[1:]) == ["101010201", "101010202"]


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(tree, people):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100 * 1024
    report = excel.sites_import(people["dehyari1"], upload=SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))
    assert "بمب فشرده‌سازی" in report.file_error
    assert not Site.objects.exists()


def test_import_needs_edit_rights(client, tree, people):
    client.force_login(people["county1"])
    assert client.get(reverse("landfills:import")).status_code == 403
    assert client.post(reverse("landfills:import"), {"file": _xlsx([_row()])}).status_code == 403
    assert not Site.objects.exists()


def test_a_file_over_the_row_cap_is_refused(tree, people, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    report = excel.sites_import(people["dehyari1"], upload=_xlsx([_row(), _row(), _row()]))
    assert report.file_error == "فایل بیش از ۲ ردیف دارد؛ آن را در چند فایل بارگذاری کنید."
    assert not Site.objects.exists()


def test_equipment_is_written_in_the_readers_language_and_read_back_in_either(tree, people):
    from django.utils import translation

    services.site_create(people["dehyari1"], fields=site_fields(tree, has_fence=True, has_lining=False))
    with translation.override("en"):
        sheet = excel.sites_sheet(Site.objects.all())
        row = list(sheet.rows)[0]
        headers = list(sheet.headers)
        assert row[headers.index("Fence")] == "Yes" and row[headers.index("Bottom liner")] == "No"
        errors = []
        assert excel._boolean("Yes", "has_fence", errors) and excel._boolean("بله", "has_fence", errors)
        assert not excel._boolean("No", "has_fence", errors) and not excel._boolean("خیر", "has_fence", errors)
        assert not errors
        excel._boolean("maybe", "has_fence", errors)
        assert len(errors) == 1 and "Fence" in errors[0]
    with translation.override("fa"):
        row = list(excel.sites_sheet(Site.objects.all()).rows)[0]
        assert "بله" in row and "خیر" in row
