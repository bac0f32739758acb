"""The one write path: counts, every refusal as a conflict that writes nothing, all-or-nothing batches."""
import datetime as dt

import pytest
from django.db import DatabaseError

from samaneh.core.models import AuditEntry
from samaneh.stats import periods
from samaneh.stats.datavalues import ImportRefused, datavalues_import
from samaneh.stats.models import DataApproval, DataValue, LockException
from samaneh.stats.uids import org_unit_uid

pytestmark = pytest.mark.django_db


def row(element, period, unit, value, **extra):
    return {"dataElement": element.uid, "period": getattr(period, "id", period), "orgUnit": org_unit_uid(unit),
            "value": value, **extra}


def stored(meta):
    return {(v.data_element.code, v.period, v.org_unit_id, v.category_option_combo.uid): v.value
            for v in DataValue.objects.select_related("data_element", "category_option_combo")}


def test_create_then_reimport_counts_updated(meta):
    city = meta.tree["city1"]
    rows = [row(meta.population, meta.last_month, city, "12000"), row(meta.revenue, meta.last_month, city, "45.5"),
            row(meta.staff, meta.last_month, city, "7", categoryOptionCombo=meta.coc_f.uid)]
    first = datavalues_import(user=meta.officer, rows=rows)
    assert (first.status, first.imported, first.updated, first.ignored, first.conflicts) == ("SUCCESS", 3, 0, 0, [])
    second = datavalues_import(user=meta.officer, rows=rows)
    assert (second.imported, second.updated, second.ignored) == (0, 3, 0)
    assert DataValue.objects.count() == 3
    value = DataValue.objects.get(data_element=meta.revenue)
    assert (value.value, value.numeric, value.stored_by) == ("45.5", 45.5, meta.officer.username)
    assert AuditEntry.objects.filter(action="stats.datavalues_import").count() == 2


def test_dhis2_shape(meta):
    bad = row(meta.population, meta.last_month, meta.tree["city1"], "x")
    summary = datavalues_import(user=meta.officer, rows=[bad])
    shape = summary.as_dhis2()
    assert shape["responseType"] == "ImportSummary" and shape["status"] == "ERROR"
    assert shape["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    assert shape["conflicts"][0]["errorCode"] == "E7619" and shape["conflicts"][0]["indexes"] == [0]
    assert shape["rejectedIndexes"] == [0]


@pytest.mark.parametrize("case", ["text_in_number", "percentage_150", "period_type", "future", "outside_scope",
                                  "unknown_element", "unknown_unit", "bad_period", "coc_not_in_combo", "feed",
                                  "not_in_given_set"])
def test_refusals_are_conflicts_and_write_nothing_for_that_row(meta, case):
    city, other = meta.tree["city1"], meta.tree["city2"]
    good = row(meta.population, meta.last_month, city, "100")
    bad, field, kwargs = {
        "text_in_number": (row(meta.revenue, meta.last_month, city, "زیاد"), "عدد", {}),
        "percentage_150": (row(meta.spent, meta.last_month, city, "150"), "۰ و ۱۰۰", {}),
        "period_type": (row(meta.population, meta.last_year, city, "5"), "نوع دوره", {}),
        "future": (row(meta.population, periods.current(periods.MONTHLY).next(2), city, "5"), "نرسیده", {}),
        "outside_scope": (row(meta.population, meta.last_month, other, "5"), "حوزه دسترسی", {}),
        "unknown_element": ({**row(meta.population, meta.last_month, city, "5"), "dataElement": "XXXXXXXXXXX"},
                            "XXXXXXXXXXX", {}),
        "unknown_unit": ({**row(meta.population, meta.last_month, city, "5"), "orgUnit": "O0000099999"},
                         "پیدا نشد", {}),
        "bad_period": (row(meta.population, "1403M13", city, "5"), "دوره", {}),
        "coc_not_in_combo": (row(meta.staff, meta.last_month, city, "5", categoryOptionCombo="HllvX50cXC0"),
                             "تفکیک", {}),
        "feed": (row(meta.computed, meta.last_month, city, "5"), "خودکار", {}),
        "not_in_given_set": (row(meta.yearly_only, meta.last_month, city, "5"), "مجموعه داده",
                             {"data_set": meta.monthly}),
    }[case]
    summary = datavalues_import(user=meta.officer, rows=[good, bad], **kwargs)
    assert summary.status == "WARNING"
    assert (summary.imported, summary.ignored) == (1, 1)
    [conflict] = summary.conflicts
    assert conflict["indexes"] == [1] and field in conflict["value"]
    assert list(DataValue.objects.values_list("data_element__code", "value")) == [("POP", "100")]


def test_mixed_persian_and_ascii_digits_accepted_and_normalised(meta):
    city = meta.tree["city1"]
    summary = datavalues_import(user=meta.officer, rows=[
        {"dataElement": meta.revenue.code, "period": "۱" + meta.last_month.id[1:], "orgUnit": city.code,
         "value": "۱2۳٫5"},
    ])
    assert summary.imported == 1 and not summary.conflicts
    value = DataValue.objects.get()
    assert (value.value, value.numeric, value.period) == ("123.5", 123.5, meta.last_month.id)


def test_expired_period_locked_until_lock_exception(meta):
    meta.monthly.expiry_days = 10
    meta.monthly.save()
    city = meta.tree["city1"]
    later = meta.last_month.end + dt.timedelta(days=11)
    rows = [row(meta.population, meta.last_month, city, "9")]
    summary = datavalues_import(user=meta.officer, rows=rows, today=later)
    assert summary.conflicts[0]["errorCode"] == "E7640" and "قفل" in summary.conflicts[0]["value"]
    assert not DataValue.objects.exists()
    on_time = datavalues_import(user=meta.officer, rows=rows, today=later - dt.timedelta(days=1))
    assert on_time.imported == 1
    LockException.objects.create(data_set=meta.monthly, period=meta.last_month.id, org_unit=city)
    reopened = datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "10")],
                                 today=later)
    assert reopened.updated == 1 and DataValue.objects.get().value == "10"


def test_approved_values_refused_but_feeds_still_write(meta):
    city = meta.tree["city1"]
    DataApproval.objects.create(data_set=meta.monthly, period=meta.last_month.id, org_unit=city,
                                approved_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    summary = datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "9")])
    assert summary.conflicts[0]["errorCode"] == "E7646" and not DataValue.objects.exists()
    trusted = datavalues_import(user=None, trusted=True, rows=[row(meta.computed, meta.last_month, city, "9")])
    assert trusted.imported == 1


def test_strategies_and_delete(meta):
    city = meta.tree["city1"]
    datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "1")])
    rows = [row(meta.population, meta.last_month, city, "2"), row(meta.revenue, meta.last_month, city, "3")]
    create = datavalues_import(user=meta.officer, rows=rows, strategy="CREATE")
    assert (create.imported, create.updated, create.ignored) == (1, 0, 1)
    assert DataValue.objects.get(data_element=meta.population).value == "1"
    update = datavalues_import(user=meta.officer, rows=rows + [row(meta.note, meta.last_month, city, "x")],
                               strategy="UPDATE")
    assert (update.imported, update.updated, update.ignored) == (0, 2, 1)
    emptied = datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "")])
    assert emptied.deleted == 1
    deleted = datavalues_import(user=meta.officer, rows=rows, strategy="DELETE")
    assert (deleted.deleted, deleted.ignored) == (1, 1) and not DataValue.objects.exists()
    with pytest.raises(ImportRefused):
        datavalues_import(user=meta.officer, rows=rows, strategy="REPLACE")


def test_dry_run_counts_the_same_and_writes_nothing(meta):
    city = meta.tree["city1"]
    rows = [row(meta.population, meta.last_month, city, "1"), row(meta.revenue, meta.last_month, city, "x")]
    dry = datavalues_import(user=meta.officer, rows=rows, dry_run=True)
    assert not DataValue.objects.exists() and not AuditEntry.objects.filter(action="stats.datavalues_import").exists()
    real = datavalues_import(user=meta.officer, rows=rows)
    counts = (dry.imported, dry.updated, dry.ignored, len(dry.conflicts))
    assert counts == (real.imported, real.updated, real.ignored, len(real.conflicts)) == (1, 0, 1, 1)


def test_crash_mid_batch_leaves_nothing(meta, failing_value_trigger, django_assert_max_num_queries):
    from samaneh.geo.models import OrgUnit

    units = [OrgUnit.objects.create(kind="city", name=f"شهر {i}", parent=meta.tree["d1"]) for i in range(60)]
    months = periods.between(meta.last_month.previous(11), meta.last_month)
    rows = [row(meta.revenue, m, u, str(1000 + i)) for i, (m, u) in enumerate((m, u) for m in months for u in units)]
    rows[700]["value"] = "666"  # in the second upsert chunk
    from samaneh.stats import datavalues

    datavalues.CHUNK, saved = 500, datavalues.CHUNK
    try:
        with pytest.raises(DatabaseError):
            datavalues_import(user=meta.officer, rows=rows)
    finally:
        datavalues.CHUNK = saved
    assert not DataValue.objects.exists()
    assert not AuditEntry.objects.filter(action="stats.datavalues_import").exists()
    rows[700]["value"] = "667"
    with django_assert_max_num_queries(40):
        summary = datavalues_import(user=meta.officer, rows=rows)
    assert summary.imported == len(rows) == DataValue.objects.count()


def test_repeated_key_in_one_batch_last_wins(meta):
    city = meta.tree["city1"]
    summary = datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "1"),
                                                         row(meta.population, meta.last_month, city, "2")])
    assert (summary.imported, summary.updated) == (1, 1)
    assert DataValue.objects.get().value == "2"


def test_code_id_scheme_and_unknown_data_set(meta):
    city = meta.tree["city1"]
    summary = datavalues_import(user=meta.officer, element_id_scheme="CODE", unit_id_scheme="CODE",
                                rows=[{"dataElement": "POP", "period": meta.last_month.id, "orgUnit": city.code,
                                       "value": "5"},
                                      {"dataElement": meta.population.uid, "period": meta.last_month.id,
                                       "orgUnit": city.code, "value": "5"}])
    assert summary.imported == 1 and summary.conflicts[0]["errorCode"] == "E7610"
    with pytest.raises(ImportRefused):
        datavalues_import(user=meta.officer, rows=[], data_set="NOPE")


def test_progress_reported(meta):
    seen = []
    city = meta.tree["city1"]
    datavalues_import(user=meta.officer, rows=[row(meta.population, meta.last_month, city, "1")],
                      progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (1, 1)


def test_with_a_worker_a_committed_write_queues_an_analytics_refresh(meta, settings,
                                                                    django_capture_on_commit_callbacks):
    from samaneh.stats.analytics.tasks import analytics_refresh

    settings.CELERY_TASK_ALWAYS_EAGER = False
    city = meta.tree["city1"]
    with django_capture_on_commit_callbacks() as callbacks:
        datavalues_import(user=meta.officer, rows=[row(meta.revenue, meta.last_month, city, "10")])
    assert callbacks == [analytics_refresh.delay]
    with django_capture_on_commit_callbacks() as callbacks:  # a dry run or a refused batch queues nothing
        datavalues_import(user=meta.officer, rows=[row(meta.revenue, meta.last_month, city, "11")], dry_run=True)
        datavalues_import(user=meta.officer, rows=[row(meta.revenue, meta.last_month, city, "متن")])
    assert callbacks == []


def test_batch_mixing_new_stored_repeated_and_deleted_values_counts_and_stores_each(meta):
    city, other = meta.tree["city1"], meta.tree["city2"]
    month = meta.last_month
    datavalues_import(user=meta.national, rows=[row(meta.population, month, city, "1"),
                                                row(meta.revenue, month, city, "2"),
                                                row(meta.note, month, city, "پیشین")])
    summary = datavalues_import(user=meta.national, rows=[
        row(meta.population, month, city, "10"),  # stored: updated
        row(meta.population, month, other, "20"),  # new
        row(meta.revenue, month, city, ""),  # stored: deleted
        row(meta.revenue, month, other, ""),  # not stored: nothing to delete
        row(meta.staff, month, city, "3", categoryOptionCombo=meta.coc_f.uid),  # new
        row(meta.staff, month, city, "4", categoryOptionCombo=meta.coc_f.uid),  # repeat: the last row wins
        row(meta.note, month, city, "تازه", comment="  بازبینی شد ", followup="true"),  # stored: updated
    ])
    assert (summary.imported, summary.updated, summary.deleted, summary.ignored) == (2, 3, 1, 1)
    assert summary.status == "SUCCESS" and not summary.conflicts
    assert stored(meta) == {
        ("POP", month.id, city.pk, "HllvX50cXC0"): "10",
        ("POP", month.id, other.pk, "HllvX50cXC0"): "20",
        ("STAFF", month.id, city.pk, meta.coc_f.uid): "4",
        ("NOTE", month.id, city.pk, "HllvX50cXC0"): "تازه",
    }
    note = DataValue.objects.get(data_element=meta.note)
    assert (note.comment, note.follow_up, note.stored_by) == ("بازبینی شد", True, meta.national.username)
    assert DataValue.objects.get(data_element=meta.population, org_unit=other).numeric == 20.0


@pytest.mark.parametrize("strategy, counts, population", [
    ("CREATE", (1, 0, 1), {"city1": "1", "city2": "20"}),
    ("UPDATE", (0, 1, 1), {"city1": "10"}),
    ("CREATE_AND_UPDATE", (1, 1, 0), {"city1": "10", "city2": "20"}),
])
def test_strategies_on_a_batch_mixing_new_and_stored_values(meta, strategy, counts, population):
    month = meta.last_month
    datavalues_import(user=meta.national, rows=[row(meta.population, month, meta.tree["city1"], "1")])
    summary = datavalues_import(user=meta.national, strategy=strategy, rows=[
        row(meta.population, month, meta.tree["city1"], "10"), row(meta.population, month, meta.tree["city2"], "20"),
    ])
    assert (summary.imported, summary.updated, summary.ignored) == counts
    assert dict(DataValue.objects.values_list("org_unit__code", "value")) == {
        meta.tree[key].code: value for key, value in population.items()
    }


def test_follow_up_flag_in_either_spelling_and_comments(meta):
    city = meta.tree["city1"]
    datavalues_import(user=meta.officer, rows=[
        row(meta.population, meta.last_month, city, "1", followUp=True),
        row(meta.revenue, meta.last_month, city, "2", followup="false", followUp=True),  # "followup" wins
        row(meta.spent, meta.last_month, city, "3", comment="ك" * 6000),
    ])
    values = {v.data_element_id: v for v in DataValue.objects.all()}
    assert values[meta.population.pk].follow_up is True and values[meta.revenue.pk].follow_up is False
    assert values[meta.spent.pk].comment == "ک" * 5000  # normalised and cut to the column's length


@pytest.mark.parametrize("value_type", ["NUMBER", "INTEGER", "INTEGER_POSITIVE", "INTEGER_ZERO_OR_POSITIVE",
                                        "PERCENTAGE"])
def test_import_stores_what_clean_value_returns_for_canonical_and_other_numbers(meta, value_type):
    from samaneh.stats.models import DataElement
    from samaneh.stats.values import InvalidValue, clean_value

    element = DataElement.objects.create(code=f"T_{value_type}", name="عنصر آزمایشی", value_type=value_type,
                                         category_combo=meta.population.category_combo)
    raws = ["0", "7", "-7", "12.5", "-0.5", "100", "100.5", "99.99", "999999999999999", "1000000000000000",
            "12.50", "007", "1e3", "۱۲", " 12", "-0"]
    city = meta.tree["city1"]
    months = [meta.last_month.previous(i) for i in range(len(raws))]
    summary = datavalues_import(user=meta.officer, rows=[row(element, m, city, raw) for m, raw in zip(months, raws)])
    refused = {c["indexes"][0]: c["value"] for c in summary.conflicts}
    values = {v.period: (v.value, v.numeric) for v in DataValue.objects.filter(data_element=element)}
    for index, (month, raw) in enumerate(zip(months, raws)):
        try:
            expected = clean_value(element, raw)
        except InvalidValue as error:
            assert refused[index] == str(error) and month.id not in values
        else:
            assert values[month.id] == expected and index not in refused


def test_references_that_are_not_text(meta):
    city = meta.tree["city1"]
    summary = datavalues_import(user=meta.officer, rows=[
        {"dataElement": meta.population.uid, "period": int(meta.last_month.id), "orgUnit": org_unit_uid(city),
         "value": 5},
        {"dataElement": meta.revenue.uid, "period": meta.last_month.id, "orgUnit": [org_unit_uid(city)],
         "value": "6"},
        {"dataElement": True, "period": meta.last_month.id, "orgUnit": org_unit_uid(city), "value": "7"},
    ])
    assert summary.imported == 1 and [c["errorCode"] for c in summary.conflicts] == ["E7612", "E7610"]
    assert DataValue.objects.get().value == "5"


def test_batch_larger_than_one_statement_mixing_new_and_stored_values(meta):
    from samaneh.geo.models import OrgUnit

    units = [OrgUnit.objects.create(kind="city", name=f"شهر {i}", parent=meta.tree["d1"]) for i in range(101)]
    months = [meta.last_month, meta.month_before]
    datavalues_import(user=meta.officer, rows=[row(meta.revenue, months[0], u, str(i)) for i, u in enumerate(units)])
    rows = [row(meta.revenue, m, u, f"{i}.5") for m in months for i, u in enumerate(units)]  # 202 values
    summary = datavalues_import(user=meta.officer, rows=rows)
    assert (summary.imported, summary.updated, summary.ignored) == (101, 101, 0)
    assert DataValue.objects.count() == 202
    assert sorted(DataValue.objects.filter(period=months[1].id).values_list("numeric", flat=True)) == [
        i + 0.5 for i in range(101)
    ]
    assert set(DataValue.objects.values_list("value", flat=True)) == {f"{i}.5" for i in range(101)}
