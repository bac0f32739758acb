import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import Role
from samaneh.geo.loader import HierarchyError, default_data_dir, load_hierarchy
from samaneh.geo.models import Administration, OrgUnit
from tests.factories import RoleFactory, UserFactory

K = OrgUnit.Kind

HEADERS = {
    "province": ["id", "name", "code"],
    "county": ["id", "name", "province", "code"],
    "district": ["id", "name", "province", "county", "code"],
    "city": ["id", "name", "city_type", "province", "county", "district", "code"],
    "rural_district": ["id", "name", "province", "county", "district", "code"],
    "village": ["id", "name", "village_type", "diag", "province", "county", "district", "rural_district", "code"],
}

# Arabic yeh/kaf (ي U+064A, ك U+0643), a Persian-digit code and odd spacing, as real exports have them.
SAMPLE = {
    "province": [[7, "تهران", "23"], [3, "البرز", "30"]],
    "county": [[11, "كرج", 3, "3001"], [12, "ري", 7, "2305"]],
    "district": [[21, "مركزي", 3, 11, "300101"], [22, "كهريزك", 7, 12, "230502"]],
    "city": [[31, "كرج", 0, 3, 11, 21, "3001010001"], [32, "باقر شهر", 0, 7, 12, 22, "۲۳۰۵۰۲۰۰۰۱"]],
    "rural_district": [[41, "كمال‌آباد", 3, 11, 21, "3001010002"]],
    "village": [
        [51, "كلاك  بالا", 0, "", 3, 11, 21, 41, "300101000201"],
        [52, "سيف آباد", 0, "", 3, 11, 21, 41, "300101000202"],
        [53, "قلعه نو", 0, "", 7, 12, 22, 999, "230502000301"],  # rural district 999 is not in the data
        [54, "علي آباد", 1, "12", 7, 12, 888, 999, "230502000302"],  # nor is district 888
    ],
}


def write_sources(directory, rows=SAMPLE):
    directory.mkdir(exist_ok=True)
    for name, header in HEADERS.items():
        with open(directory / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows[name])
    return directory


@pytest.fixture
def data_dir(tmp_path):
    return write_sources(tmp_path / "data")


def by_source(kind, source_id):
    return OrgUnit.objects.get(kind=kind, source_id=source_id)


def test_loads_one_normalised_tree(db, data_dir):
    report = load_hierarchy(data_dir)
    assert report.loaded
    assert report.counts == {"country": 1, "province": 2, "county": 2, "district": 2, "city": 2,
                             "rural_district": 1, "village": 4}
    country = OrgUnit.objects.get(kind=K.COUNTRY)
    assert (country.name, country.code, country.parent_id, country.path) == ("ایران", "IR", None, f"{country.pk}.")

    karaj = by_source(K.CITY, 31)
    assert karaj.name == "کرج" and karaj.search_name == "کرج"  # Arabic kaf → Persian kaf
    assert [u.name for u in karaj.ancestors()] == ["ایران", "البرز", "کرج", "مرکزی", "کرج"]
    assert karaj.level == 4 and karaj.code == "3001010001"
    assert by_source(K.CITY, 32).code == "2305020001"  # Persian digits → ASCII
    village = by_source(K.VILLAGE, 51)
    assert village.name == "کلاک بالا" and village.parent == by_source(K.RURAL_DISTRICT, 41)
    assert village.level == 5
    assert by_source(K.VILLAGE, 52).search_name == "سیف آباد"
    assert by_source(K.RURAL_DISTRICT, 41).search_name == "کمال آباد"  # ZWNJ kept in the name, a space in the key

    # Every unit's path is its parent's path plus its own key, and its level is its kind's.
    broken = OrgUnit.objects.exclude(parent=None).exclude(
        path=Concat(F("parent__path"), Cast("pk", CharField()), Value("."))
    )
    assert not broken.exists()
    assert all(unit.level == OrgUnit.LEVELS[unit.kind] for unit in OrgUnit.objects.all())


def test_orphan_villages_hang_on_the_nearest_known_ancestor(db, data_dir):
    report = load_hierarchy(data_dir)
    assert report.reattached == {"village": 2}
    assert by_source(K.VILLAGE, 53).parent == by_source(K.DISTRICT, 22)  # no rural district: its district
    assert by_source(K.VILLAGE, 54).parent == by_source(K.COUNTY, 12)  # no district either: its county
    assert by_source(K.VILLAGE, 54).is_within(by_source(K.PROVINCE, 7))


def test_every_city_gets_its_municipality(db, data_dir):
    load_hierarchy(data_dir)
    municipalities = Administration.objects.filter(kind=Administration.Kind.MUNICIPALITY)
    assert {(m.org_unit.source_id, m.name) for m in municipalities} == {(31, "شهرداری کرج"), (32, "شهرداری باقر شهر")}


def test_second_run_touches_nothing(db, data_dir, django_assert_max_num_queries):
    load_hierarchy(data_dir)
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name"))
    with django_assert_max_num_queries(4):
        report = load_hierarchy(data_dir)
    assert not report.loaded and report.municipalities_created == 0
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name")) == before
    assert Administration.objects.count() == 2


def test_rerun_gives_a_city_back_its_lost_municipality(db, data_dir):
    load_hierarchy(data_dir)
    Administration.objects.filter(org_unit__source_id=32).delete()
    report = load_hierarchy(data_dir)
    assert not report.loaded and report.municipalities_created == 1
    assert Administration.objects.filter(org_unit__source_id=32, name="شهرداری باقر شهر").exists()


def test_new_units_after_a_load_get_fresh_keys(db, data_dir):
    # On PostgreSQL this fails unless the id sequence was moved past the explicit keys.
    load_hierarchy(data_dir)
    highest = OrgUnit.objects.order_by("-pk").first().pk
    added = OrgUnit.objects.create(kind=K.VILLAGE, name="روستای تازه", parent=by_source(K.RURAL_DISTRICT, 41))
    assert added.pk > highest


def test_a_different_tree_is_kept_without_force(db, tree, data_dir):
    with pytest.raises(HierarchyError, match="--force"):
        load_hierarchy(data_dir)
    assert OrgUnit.objects.count() == 14


def test_force_replaces_a_different_tree(db, tree, data_dir):
    report = load_hierarchy(data_dir, force=True)
    assert report.loaded
    assert OrgUnit.objects.count() == 14 and not OrgUnit.objects.filter(name="کرمان").exists()
    assert OrgUnit.objects.filter(kind=K.COUNTRY).count() == 1


def test_force_reloads_changed_data_and_its_municipalities(db, tmp_path, data_dir):
    load_hierarchy(data_dir)
    changed = {**SAMPLE, "city": [*SAMPLE["city"], [33, "ماهدشت", 0, 3, 11, 21, "3001010003"]]}
    changed_dir = write_sources(tmp_path / "changed", changed)
    with pytest.raises(HierarchyError):
        load_hierarchy(changed_dir)
    report = load_hierarchy(changed_dir, force=True)
    assert report.loaded and report.counts["city"] == 3
    assert Administration.objects.count() == 3
    assert set(Administration.objects.values_list("org_unit__kind", flat=True)) == {"city"}


@pytest.mark.parametrize("reference", ["role", "dehyari", "named_municipality"])
def test_force_refuses_when_other_data_points_at_the_tree(db, tree, data_dir, reference):
    if reference == "role":
        RoleFactory(user=UserFactory(), role=Role.COUNTY_REVIEWER, org_unit=tree["c1"])
        expected = str(RoleAssignment._meta.verbose_name_plural)
    elif reference == "dehyari":
        Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک")
        expected = str(Administration._meta.verbose_name_plural)
    else:  # a municipality someone has filled in is data of its own
        Administration.objects.create(
            kind=Administration.Kind.MUNICIPALITY, org_unit=tree["city1"], name="شهرداری کرج",
            national_legal_id="14000000001",
        )
        expected = str(Administration._meta.verbose_name_plural)
    with pytest.raises(HierarchyError, match="نمی‌توان پاک کرد") as refused:
        load_hierarchy(data_dir, force=True)
    assert expected in str(refused.value)
    assert OrgUnit.objects.count() == 14 and OrgUnit.objects.filter(name="کرمان").exists()


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"village": [[51, "یک", 0, "", 3, 11, 21, 41, "1"], [51, "دو", 0, "", 3, 11, 21, 41, "2"]]}, "تکراری"),
        ({"county": [["x", "کرج", 3, "3001"]]}, "عدد نیست"),
        ({"province": [[1, "   ", "1"]]}, "خالی است"),
    ],
)
def test_bad_data_is_refused_and_nothing_is_written(db, tmp_path, broken, message):
    directory = write_sources(tmp_path / "bad", {**SAMPLE, **broken})
    with pytest.raises(HierarchyError, match=message):
        load_hierarchy(directory)
    assert not OrgUnit.objects.exists()


def test_missing_file_or_column_is_named(db, tmp_path, data_dir):
    (data_dir / "city.csv").unlink()
    with pytest.raises(HierarchyError, match="city.csv"):
        load_hierarchy(data_dir)
    directory = write_sources(tmp_path / "other")
    (directory / "district.csv").write_text("id,name,code\n21,مرکزی,300101\n", encoding="utf-8")
    with pytest.raises(HierarchyError, match="county"):
        load_hierarchy(directory)
    assert not OrgUnit.objects.exists()


def test_command_prints_a_report_and_is_idempotent(db, data_dir):
    out = StringIO()
    call_command("load_hierarchy", data_dir=str(data_dir), stdout=out)
    text = out.getvalue()
    assert "تقسیمات کشوری بارگذاری شد" in text
    assert "روستا: 4" in text and "استان: 2" in text and "شهرداری‌ها: 2" in text
    assert "نزدیک‌ترین بالادست موجود وصل شدند: 2" in text
    assert "ثانیه" in text
    again = StringIO()
    call_command("load_hierarchy", data_dir=str(data_dir), stdout=again)
    assert "از پیش بارگذاری شده است" in again.getvalue()


def test_command_turns_refusals_into_persian_command_errors(db, tree, data_dir):
    with pytest.raises(CommandError, match="--force"):
        call_command("load_hierarchy", data_dir=str(data_dir), stdout=StringIO())


def csv_rows(name):
    with (default_data_dir() / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.slow
def test_real_country_loads_whole(db):
    report = load_hierarchy()
    expected = {kind: csv_rows(kind) for kind in HEADERS}
    assert report.counts == {"country": 1, **expected}
    assert OrgUnit.objects.filter(kind=K.PROVINCE).count() == 31
    assert (expected["county"], expected["district"], expected["city"], expected["rural_district"],
            expected["village"]) == (448, 1099, 1554, 2637, 98100)
    assert Administration.objects.filter(kind=Administration.Kind.MUNICIPALITY).count() == 1554
    broken = OrgUnit.objects.exclude(parent=None).exclude(
        path=Concat(F("parent__path"), Cast("pk", CharField()), Value("."))
    )
    assert not broken.exists()
    assert report.reattached == {}
    assert {"county", "city"} <= set(OrgUnit.objects.filter(name="کرج").values_list("kind", flat=True))
    assert not load_hierarchy().loaded
