import codecs

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.core.models import AuditEntry
from samaneh.geo.dehyari_import import (
    CODE,
    LEGAL_ID,
    MAX_ROWS,
    NAME,
    dehyaris_create,
    dehyaris_import,
    dehyaris_plan,
)
from samaneh.geo.demo import create_demo_dehyaris
from samaneh.geo.models import Administration, OrgUnit
from tests.factories import AdministrationFactory, RoleFactory

DEHYARI = Administration.Kind.DEHYARI
VALID_LEGAL_ID = "10100302731"
V1, V1B, V2 = "101010201", "101010202", "201010201"


def upload(text, *, bom=False, encoding="utf-8", name="dehyaris.csv"):
    data = text.encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def dehyaris():
    return Administration.objects.filter(kind=DEHYARI)


def import_audits():
    return AuditEntry.objects.filter(action="dehyari.import")


def error_cells(result_or_plan):
    return {(e.row, e.column) for e in result_or_plan.errors}


@pytest.fixture
def national(tree):
    return RoleFactory(role=Role.NATIONAL_EXPERT, org_unit=tree["country"]).user


@pytest.fixture
def alborz_reviewer(tree):
    return RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user


# --- the service ------------------------------------------------------------------------------------


def test_good_file_with_english_header_creates_every_row_and_one_audit_entry(tree, national):
    text = f"village_code,name,national_legal_id\n{V1},دهیاری کلاک بالا,{VALID_LEGAL_ID}\n{V1B},دهیاری سیف‌آباد,\n{V2},دهیاری کیان‌شهر,\n"

    result = dehyaris_import(user=national, upload=upload(text))

    assert result.ok and result.row_count == 3 and len(result.created) == 3
    by_code = {a.org_unit.code: a for a in dehyaris().select_related("org_unit")}
    assert set(by_code) == {V1, V1B, V2}
    assert by_code[V1].name == "دهیاری کلاک بالا"
    assert by_code[V1].national_legal_id == VALID_LEGAL_ID
    assert by_code[V1B].national_legal_id == ""
    assert not any(a.is_demo for a in by_code.values())
    entry = import_audits().get()
    assert entry.actor_id == national.pk
    assert entry.after["created"] == 3 and entry.after["rows"] == 3
    assert entry.after["file_name"] == "dehyaris.csv" and len(entry.after["sha256"]) == 64


def test_persian_header_bom_persian_digits_and_arabic_letters_are_normalised(tree, national):
    # Arabic yeh/kaf in the name, Persian digits in the code, Arabic-Indic digits and a dash in the legal id.
    text = "کد آبادی,نام دهیاری,شناسه ملی\r\n۱۰۱۰۱۰۲۰۱,دهياري كلاك  بالا,١٠١٠٠٣٠-٢٧٣١\r\n"

    result = dehyaris_import(user=national, upload=upload(text, bom=True))

    assert result.ok, result.errors
    dehyari = dehyaris().get()
    assert dehyari.org_unit == tree["v1"]
    assert dehyari.name == "دهیاری کلاک بالا"
    assert dehyari.national_legal_id == VALID_LEGAL_ID


def test_header_columns_may_come_in_any_order_and_the_legal_id_column_may_be_absent(tree, national):
    result = dehyaris_import(user=national, upload=upload(f"name,village_code\nدهیاری کلاک,{V1}\n"))

    assert result.ok
    assert dehyaris().get().org_unit == tree["v1"]


def test_blank_lines_and_trailing_empty_cells_left_by_spreadsheets_are_ignored(tree, national):
    text = f"village_code,name,national_legal_id,,\n\n{V1},دهیاری کلاک,,,\n,,\n{V2},دهیاری کیان‌شهر,\n"

    result = dehyaris_import(user=national, upload=upload(text))

    assert result.ok and result.row_count == 2 and dehyaris().count() == 2


def test_unknown_code_and_duplicate_village_refuse_the_whole_file_even_its_good_rows(tree, national):
    text = f"village_code,name\n{V1},دهیاری کلاک\n999999999,دهیاری ناشناخته\n{V1},دهیاری کلاک دوباره\n{V2},دهیاری کیان‌شهر\n"

    result = dehyaris_import(user=national, upload=upload(text))

    assert not result.ok
    assert error_cells(result) == {(3, CODE), (4, CODE)}
    messages = {e.row: e.message for e in result.errors}
    assert "۹۹۹۹۹۹۹۹۹" in messages[3] and "تقسیمات کشوری نیست" in messages[3]
    assert "ردیف ۲" in messages[4]
    assert result.created == []
    assert dehyaris().count() == 0
    assert not import_audits().exists()


def test_every_row_rule_is_reported_with_its_row_and_column(tree, national):
    rows = [
        "village_code,name,national_legal_id",
        "1010101,دهیاری شهر,",  # 2: a city's code
        f"{V1},,",  # 3: empty name
        f"{V1B},دهیاری سیف‌آباد,12345",  # 4: legal id too short
        f"{V2},دهیاری کیان‌شهر,10100302732",  # 5: legal id checksum
        f"{V1},دهیاری کلاک",  # 6: too few columns
        "abc,دهیاری,",  # 7: code with letters
        "2.10202E+15,دهیاری,",  # 8: Excel's scientific notation
        ",دهیاری بی‌کد,",  # 9: empty code
        f"{V1},{'د' * 201},",  # 10: name too long, and V1 was already claimed by row 3
        f"{V1},دهیاری,,اضافه",  # 11: an extra non-empty cell
    ]

    result = dehyaris_import(user=national, upload=upload("\n".join(rows)))

    assert error_cells(result) == {
        (2, CODE), (3, NAME), (4, LEGAL_ID), (5, LEGAL_ID), (6, None), (7, CODE), (8, CODE), (9, CODE),
        (10, CODE), (10, NAME), (11, None),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "نه یک آبادی" in messages[(2, CODE)]
    assert "۱۱ رقم" in messages[(4, LEGAL_ID)]
    assert "رقم کنترل" in messages[(5, LEGAL_ID)]
    assert "۲ ستون" in messages[(6, None)] and "۳ ستون" in messages[(6, None)]
    assert "عدد علمی" in messages[(8, CODE)]
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)
    assert dehyaris().count() == 0


def test_a_village_that_already_has_a_dehyari_is_a_row_error(tree, national):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری موجود")

    result = dehyaris_import(user=national, upload=upload(f"village_code,name\n{V1},دهیاری تازه\n{V2},دهیاری کیان‌شهر\n"))

    assert error_cells(result) == {(2, CODE)}
    assert "دهیاری موجود" in result.errors[0].message
    assert dehyaris().count() == 1


def test_the_same_valid_file_twice_is_refused_the_second_time(tree, national):
    text = f"village_code,name\n{V1},دهیاری کلاک\n{V2},دهیاری کیان‌شهر\n"
    first = dehyaris_import(user=national, upload=upload(text))
    assert first.ok and dehyaris().count() == 2

    second = dehyaris_import(user=national, upload=upload(text))

    assert not second.ok
    assert error_cells(second) == {(2, CODE), (3, CODE)}
    assert all("از پیش دهیاری دارد" in e.message for e in second.errors)
    assert dehyaris().count() == 2
    assert import_audits().count() == 1


def test_the_database_refuses_a_second_dehyari_for_a_village(tree):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="یک")
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.create(kind=DEHYARI, org_unit=tree["v1"], name="دو")


def test_a_dehyari_registered_between_check_and_write_rolls_back_the_whole_import(tree, national):
    plan = dehyaris_plan(user=national, upload=upload(f"village_code,name\n{V1},دهیاری کلاک\n{V2},دهیاری کیان‌شهر\n"))
    assert not plan.errors and len(plan.planned) == 2
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v2"], name="ثبت‌شده در همین فاصله")

    with pytest.raises(ValidationError) as exc:
        dehyaris_create(user=national, plan=plan)

    assert "هیچ ردیفی ثبت نشد" in exc.value.message_dict["file"][0]
    assert list(dehyaris().values_list("name", flat=True)) == ["ثبت‌شده در همین فاصله"]
    assert not import_audits().exists()


def test_a_village_outside_a_province_reviewers_province_is_a_row_error(tree, alborz_reviewer):
    result = dehyaris_import(
        user=alborz_reviewer, upload=upload(f"village_code,name\n{V1},دهیاری کلاک\n{V2},دهیاری کیان‌شهر\n")
    )

    assert error_cells(result) == {(3, CODE)}
    assert "خارج از حوزه دسترسی شما" in result.errors[0].message
    assert dehyaris().count() == 0


def test_a_province_reviewer_imports_villages_of_their_province(tree, alborz_reviewer):
    result = dehyaris_import(user=alborz_reviewer, upload=upload(f"village_code,name\n{V1},دهیاری کلاک\n{V1B},دهیاری سیف‌آباد\n"))

    assert result.ok and dehyaris().count() == 2


def test_a_user_without_the_permission_is_refused_by_the_service(tree):
    district_reviewer = RoleFactory(role=Role.DISTRICT_REVIEWER, org_unit=tree["d1"]).user

    with pytest.raises(PermissionDenied):
        dehyaris_import(user=district_reviewer, upload=upload(f"village_code,name\n{V1},دهیاری کلاک\n"))
    assert dehyaris().count() == 0


def test_dry_run_checks_everything_and_writes_nothing(tree, national):
    result = dehyaris_import(
        user=national, upload=upload(f"village_code,name\n{V1},دهیاری کلاک\n{V2},دهیاری کیان‌شهر\n"), dry_run=True
    )

    assert result.ok and result.dry_run
    assert result.planned_count == 2 and result.created == []
    assert dehyaris().count() == 0
    assert not import_audits().exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"village_code,name\n101010201,\x00\x01\x02\n", "دودویی"),
        ("village_code,name\n101010201,دهیاری کلاک\n".encode("utf-16"), "UTF-8"),
        ("village_code,name\n101010201,دهياري كلاك\n".encode("cp1256"), "UTF-8"),
        (b"", "خالی"),
        ("نام,کد\n101010201,دهیاری کلاک\n".encode(), "سرستون"),
        ("village_code,name,name\n101010201,دهیاری کلاک,دوباره\n".encode(), "سرستون"),
        (f"village_code,name\n{V1},\"{'د' * 140000}\"\n".encode(), "ساختار CSV"),
    ],
    ids=["binary", "utf16", "windows-1256", "empty", "unknown-header", "repeated-column", "huge-field"],
)
def test_unreadable_files_are_refused_as_a_whole(tree, national, data, expected):
    with pytest.raises(ValidationError) as exc:
        dehyaris_import(user=national, upload=SimpleUploadedFile("x.csv", data))

    assert expected in exc.value.message_dict["file"][0]
    assert dehyaris().count() == 0


def test_a_file_over_the_size_limit_is_refused_whatever_size_it_declares(tree, national, settings):
    settings.DEHYARI_CSV_MAX_BYTES = 64
    big = upload("village_code,name\n" + "".join(f"{V1},دهیاری شماره {i}\n" for i in range(10)))
    big.size = 10  # the client's claim is not what is checked

    with pytest.raises(ValidationError) as exc:
        dehyaris_import(user=national, upload=big)

    assert "حجم پرونده" in exc.value.message_dict["file"][0]
    assert dehyaris().count() == 0


def test_more_than_the_row_limit_is_refused(tree, national):
    text = "village_code,name\n" + f"{V1},د\n" * (MAX_ROWS + 1)

    with pytest.raises(ValidationError) as exc:
        dehyaris_import(user=national, upload=upload(text))

    assert "۵۰٬۰۰۰" in exc.value.message_dict["file"][0]


def test_villages_are_looked_up_in_bulk_not_per_row(tree, national, django_assert_max_num_queries):
    rural = tree["rd1"]
    villages = [
        OrgUnit.objects.create(kind=OrgUnit.Kind.VILLAGE, name=f"روستای {i}", parent=rural, code=f"3{i:08d}")
        for i in range(1200)
    ]
    text = "village_code,name\n" + "".join(f"{v.code},دهیاری {v.name}\n" for v in villages)

    # The user's roles and scope (2), then per chunk of 500 codes one lookup of units and one of existing
    # dehyaris (3 chunks each): 1,200 rows cost 8 queries, not 2,400.
    with django_assert_max_num_queries(8):
        plan = dehyaris_plan(user=national, upload=upload(text))

    assert not plan.errors and len(plan.planned) == 1200


def test_the_report_keeps_every_error_count_but_lists_at_most_the_limit(tree, national):
    text = "village_code,name\n" + "".join(f"9{i:08d},دهیاری\n" for i in range(600))

    result = dehyaris_import(user=national, upload=upload(text))

    assert result.error_count == 600
    assert len(result.errors) == 500 and result.errors_truncated
    assert result.errors[0].row == 2


# --- the pages --------------------------------------------------------------------------------------


def test_import_page_for_a_user_with_the_permission(client, tree, national):
    client.force_login(national)

    response = client.get(reverse("dehyaris:import"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert reverse("dehyaris:template") in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_staff_sign_in_and_nothing_is_imported(client, tree):
    response = client.post(reverse("dehyaris:import"), {"file": upload(f"village_code,name\n{V1},دهیاری کلاک\n")})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-login"))
    assert client.get(reverse("dehyaris:template")).status_code == 302
    assert dehyaris().count() == 0


@pytest.mark.parametrize("role,unit", [(Role.DISTRICT_REVIEWER, "d1"), (Role.DEHYARI_STAFF, "v1")])
def test_users_without_the_permission_get_404(client, tree, role, unit):
    client.force_login(RoleFactory(role=role, org_unit=tree[unit]).user)
    text = f"village_code,name\n{V1},دهیاری کلاک\n"

    assert client.get(reverse("dehyaris:import")).status_code == 404
    assert client.get(reverse("dehyaris:template")).status_code == 404
    assert client.post(reverse("dehyaris:import"), {"file": upload(text)}).status_code == 404
    assert dehyaris().count() == 0


def test_uploading_a_good_file_shows_the_summary(client, tree, national):
    client.force_login(national)

    response = client.post(
        reverse("dehyaris:import"), {"file": upload(f"village_code,name\n{V1},دهیاری کلاک\n{V2},دهیاری کیان‌شهر\n")}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "۲ دهیاری ثبت شد" in page
    assert "دهیاری کیان‌شهر" in page
    assert dehyaris().count() == 2


def test_uploading_a_bad_file_shows_the_row_report_in_persian_digits(client, tree, national):
    client.force_login(national)

    response = client.post(
        reverse("dehyaris:import"), {"file": upload(f"village_code,name\n{V1},دهیاری کلاک\n{V1},دهیاری کلاک\n")}
    )

    page = response.content.decode()
    assert "هیچ ردیفی ثبت نشد" in page
    assert "<td>۳</td>" in page
    assert dehyaris().count() == 0


def test_dry_run_checkbox_on_the_page_writes_nothing(client, tree, national):
    client.force_login(national)

    response = client.post(
        reverse("dehyaris:import"), {"file": upload(f"village_code,name\n{V1},دهیاری کلاک\n"), "dry_run": "on"}
    )

    assert "چیزی ثبت نشد" in response.content.decode()
    assert dehyaris().count() == 0


def test_a_refused_file_is_reported_on_the_form(client, tree, national):
    client.force_login(national)

    response = client.post(reverse("dehyaris:import"), {"file": SimpleUploadedFile("x.csv", b"\x00\x01binary")})

    assert response.status_code == 200
    assert "دودویی" in response.content.decode()
    assert dehyaris().count() == 0


def test_template_download_has_bom_header_and_real_village_codes_and_imports_as_is(client, tree, national):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک")
    client.force_login(national)

    response = client.get(reverse("dehyaris:template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="dehyari-template.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "کد آبادی,نام دهیاری,شناسه ملی"
    # Villages that already have a dehyari are not offered as examples.
    assert lines[1:] == [f"{V1B},دهیاری سیف‌آباد,", f"{V2},دهیاری کیان‌شهر,"]

    result = dehyaris_import(user=national, upload=SimpleUploadedFile("t.csv", response.content))
    assert result.ok and len(result.created) == 2


def test_template_examples_stay_inside_the_users_scope(client, tree, alborz_reviewer):
    client.force_login(alborz_reviewer)

    lines = client.get(reverse("dehyaris:template")).content.decode("utf-8-sig").splitlines()

    assert [line.split(",")[0] for line in lines[1:]] == [V1, V1B]


# --- the demo set -----------------------------------------------------------------------------------


def test_demo_dehyaris_are_labelled_and_a_second_call_creates_nothing(tree):
    created = create_demo_dehyaris()

    assert {d.org_unit for d in created} == {tree["v1"], tree["v1b"], tree["v2"]}
    assert all(d.is_demo for d in created)
    names = set(dehyaris().values_list("name", flat=True))
    assert names == {"دهیاری کلاک بالا (نمونه آزمایشی)", "دهیاری سیف‌آباد (نمونه آزمایشی)", "دهیاری کیان‌شهر (نمونه آزمایشی)"}

    assert create_demo_dehyaris() == []
    assert dehyaris().count() == 3


def test_demo_picks_the_first_districts_and_villages_by_code(tree):
    created = create_demo_dehyaris(per_district=1, districts=1)

    assert [d.org_unit for d in created] == [tree["v1"]]
    assert create_demo_dehyaris(per_district=1, districts=1) == []


def test_demo_never_touches_a_village_with_a_real_dehyari(tree):
    real = AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری واقعی")

    created = create_demo_dehyaris(per_district=1, districts=2)

    assert [d.org_unit for d in created] == [tree["v1b"], tree["v2"]]
    real.refresh_from_db()
    assert real.name == "دهیاری واقعی" and not real.is_demo
    assert create_demo_dehyaris(per_district=1, districts=2) == []
