"""Figure: data values per second through POST /dhis2/api/dataValueSets (goal ≥ 50,000/s on SQLite).

Run from the repository root: `python bench/datavalue_import.py [--values 200000] [--chunk 50000]`.
Generates N values (units × months × elements, default 200,000) for a synthetic set of municipalities, and
POSTs them in chunks of DHIS2 JSON through the real view (Django's test client: URL routing, session auth,
JSON parsing, every per-row check of `datavalues_import`, the upsert, the audit entry). Measured next to, in
the same run:
  - the goal, 50,000 values/s;
  - a peer: the same rows, already as Python tuples, written straight into the same table in one transaction
    with no checks — a plain `executemany` INSERT on SQLite, `COPY` on PostgreSQL: the floor any importer
    pays for the database alone;
  - on SQLite, a second peer: the same, in multi-row INSERT statements of as many rows as the import writes
    per statement — the floor for the way the import writes.
It also times the re-import of the same values (every one counted as updated).
The database is a throwaway SQLite file in a temporary SAMANEH_VAR_DIR. To measure PostgreSQL, set
SAMANEH_BENCH_DATABASE_URL (or DATABASE_URL) to an empty, throwaway database.

`measure(values)` does the same on an already set-up Django (the analytics bench calls it) and returns
the figures as a dict; it removes the rows and metadata it made.
"""
import argparse
import json
import sys
import time
from itertools import chain

from _throwaway import throwaway_django  # bench/ is on sys.path when run as a script

GOAL_PER_SECOND = 50_000
ELEMENTS = 20
TAG = "BENCHDV"


def _setup_metadata(values):
    """Elements, a monthly data set, municipalities and an officer; returns (elements, units, months, user)."""
    from django.contrib.auth import get_user_model

    from samaneh.accounts.models import RoleAssignment
    from samaneh.accounts.roles import Role
    from samaneh.geo.models import OrgUnit
    from samaneh.stats import periods
    from samaneh.stats.models import DataElement, DataSet, DataSetElement
    from samaneh.stats.services import default_combo_ensure

    combo = default_combo_ensure()
    months = [periods.current(periods.MONTHLY).previous(i) for i in range(12, 0, -1)]
    units_needed = max(1, -(-values // (ELEMENTS * len(months))))
    K = OrgUnit.Kind
    country = OrgUnit.objects.filter(kind=K.COUNTRY).first() or OrgUnit.objects.create(kind=K.COUNTRY, name="ایران")
    cities = list(OrgUnit.objects.filter(kind=K.CITY).order_by("pk")[:units_needed])
    if len(cities) < units_needed:
        province = OrgUnit.objects.create(kind=K.PROVINCE, name=f"{TAG} استان", parent=country)
        county = OrgUnit.objects.create(kind=K.COUNTY, name=f"{TAG} شهرستان", parent=province)
        district = OrgUnit.objects.create(kind=K.DISTRICT, name=f"{TAG} بخش", parent=county)
        for i in range(units_needed - len(cities)):
            cities.append(OrgUnit.objects.create(kind=K.CITY, name=f"{TAG} شهر {i}", parent=district))
    data_set = DataSet.objects.create(code=f"{TAG}_SET", name=f"{TAG} فرم ماهانه", period_type=periods.MONTHLY,
                                      expiry_days=0)
    elements = []
    for i in range(ELEMENTS):
        value_type = "INTEGER_ZERO_OR_POSITIVE" if i % 2 else "NUMBER"
        element = DataElement.objects.create(code=f"{TAG}_{i}", name=f"{TAG} عنصر {i}", value_type=value_type,
                                             category_combo=combo)
        DataSetElement.objects.create(data_set=data_set, data_element=element, sort_order=i)
        elements.append(element)
    user = get_user_model().objects.create(username=f"{TAG.lower()}-officer", first_name="آمار")
    RoleAssignment.objects.create(user=user, role=Role.STATISTICS_OFFICER, org_unit=country)
    return elements, cities, months, user, data_set


def _rows(values, elements, units, months):
    from samaneh.stats.uids import org_unit_uid

    rows = []
    for month in months:
        for unit in units:
            unit_uid = org_unit_uid(unit.pk)
            for element in elements:
                if len(rows) == values:
                    return rows
                number = (unit.pk * 7919 + element.pk * 104729 + month.number * 13) % 100000
                value = str(number) if element.value_type != "NUMBER" else f"{number / 10:.1f}"
                rows.append({"dataElement": element.uid, "period": month.id, "orgUnit": unit_uid, "value": value})
    return rows


def _post_all(client, rows, chunk):
    """POST every chunk; returns (seconds, imported, updated, ignored)."""
    from django.urls import reverse

    url = reverse("stats_api:data-value-sets")
    bodies = [json.dumps({"dataValues": rows[i:i + chunk]}).encode() for i in range(0, len(rows), chunk)]
    counts = {"imported": 0, "updated": 0, "ignored": 0}
    started = time.perf_counter()
    for body in bodies:
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code in (200, 409), (response.status_code, response.content[:500])
        summary = response.json()["response"]
        for key in counts:
            counts[key] += summary["importCount"][key]
    return time.perf_counter() - started, counts


def _peer(rows, elements, units, user, multirow=False):
    """The same rows (as ready tuples) inserted into the same table in one transaction: COPY on PostgreSQL; on
    SQLite a plain executemany INSERT, a statement per row, or with `multirow` statements of as many rows as
    the import writes in one."""
    from django.db import connection, transaction
    from django.utils import timezone

    from samaneh.stats.models import DEFAULT_COC_UID, CategoryOptionCombo, DataValue
    from samaneh.stats.uids import org_unit_id

    coc = CategoryOptionCombo.objects.get(uid=DEFAULT_COC_UID).pk
    by_uid = {e.uid: e.pk for e in elements}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    tuples = [
        # follow_up as 0, bound the way the import binds it (a bool takes the sqlite3 module's slow path)
        (by_uid[r["dataElement"]], r["period"], org_unit_id(r["orgUnit"]), coc, r["value"], float(r["value"]), "",
         0, user.username, now, now)
        for r in rows
    ]
    qn = connection.ops.quote_name
    columns = ["data_element_id", "period", "org_unit_id", "category_option_combo_id", "value", "numeric",
               "comment", "follow_up", "stored_by", "created", "last_updated"]
    placeholders = f"({', '.join(['%s'] * len(columns))})"
    insert = f"INSERT INTO {qn(DataValue._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    per_statement = connection.ops.bulk_batch_size([DataValue._meta.get_field(c) for c in columns], tuples)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL's floor is COPY: executemany there is a statement per row.
            copy_sql = f"COPY {qn(DataValue._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in tuples:
                    copy.write_row(row)
        elif multirow:
            whole = len(tuples) - len(tuples) % per_statement
            cursor.executemany(insert + ", ".join([placeholders] * per_statement), (
                [*chain.from_iterable(tuples[i:i + per_statement])] for i in range(0, whole, per_statement)
            ))
            if whole < len(tuples):
                rest = tuples[whole:]
                cursor.execute(insert + ", ".join([placeholders] * len(rest)), [*chain.from_iterable(rest)])
        else:
            for i in range(0, len(tuples), 50_000):
                cursor.executemany(insert + placeholders, tuples[i:i + 50_000])
    return time.perf_counter() - started


def measure(values: int = 200_000, chunk: int = 50_000) -> dict:
    """Import `values` values through POST /dhis2/api/dataValueSets, re-import them, and time the peer."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from samaneh.stats.models import DataElement, DataSet, DataValue

    elements, units, months, user, data_set = _setup_metadata(values)
    try:
        rows = _rows(values, elements, units, months)
        client = Client()
        client.force_login(user)
        # The test client's host name; the product's ALLOWED_HOSTS does not list it.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            seconds, first = _post_all(client, rows, chunk)
            assert first["imported"] == len(rows) and first["ignored"] == 0, first
            again_seconds, again = _post_all(client, rows, chunk)
            assert again["updated"] == len(rows), again
        DataValue.objects.filter(data_element__in=elements).delete()
        peer_seconds = _peer(rows, elements, units, user)
        assert DataValue.objects.filter(data_element__in=elements).count() == len(rows)
        multirow_seconds = None
        if connection.vendor == "sqlite":
            DataValue.objects.filter(data_element__in=elements).delete()
            multirow_seconds = _peer(rows, elements, units, user, multirow=True)
            assert DataValue.objects.filter(data_element__in=elements).count() == len(rows)
    finally:
        DataValue.objects.filter(data_element__in=elements).delete()
        data_set.delete()
        DataElement.objects.filter(pk__in=[e.pk for e in elements]).delete()
        user.delete()
    return {
        "database": connection.vendor,
        "values": len(rows),
        "chunk": chunk,
        "import_seconds": seconds,
        "import_per_second": len(rows) / seconds,
        "reimport_seconds": again_seconds,
        "reimport_per_second": len(rows) / again_seconds,
        "peer_seconds": peer_seconds,
        "peer_per_second": len(rows) / peer_seconds,
        "import_over_peer": seconds / peer_seconds,
        "multirow_peer_seconds": multirow_seconds,
        "multirow_peer_per_second": len(rows) / multirow_seconds if multirow_seconds else None,
        "import_over_multirow_peer": seconds / multirow_seconds if multirow_seconds else None,
        "goal_per_second": GOAL_PER_SECOND,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()
    with throwaway_django():
        from django.db import connection

        from samaneh.stats.models import DataValue

        if DataValue.objects.exists():
            sys.exit("The bench database already holds data values; give it an empty, throwaway database.")
        figures = measure(args.values, args.chunk)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"values: {figures['values']:,} in chunks of {figures['chunk']:,} "
              "(DHIS2 JSON, POST /dhis2/api/dataValueSets)")
        print(f"import:    {figures['import_seconds']:.2f} s = {figures['import_per_second']:,.0f} values/s "
              f"(goal {GOAL_PER_SECOND:,}/s -> {figures['import_per_second'] / GOAL_PER_SECOND:.2f} of the goal)")
        print(f"re-import: {figures['reimport_seconds']:.2f} s = {figures['reimport_per_second']:,.0f} values/s "
              "(all counted as updated)")
        peer = "COPY" if connection.vendor == "postgresql" else "plain executemany INSERT"
        print(f"peer, {peer} of the same rows: {figures['peer_seconds']:.2f} s = "
              f"{figures['peer_per_second']:,.0f} values/s")
        print(f"import / peer = {figures['import_over_peer']:.2f}")
        if figures["multirow_peer_seconds"]:
            print(f"peer 2, multi-row INSERT statements of the same rows: {figures['multirow_peer_seconds']:.2f} s = "
                  f"{figures['multirow_peer_per_second']:,.0f} values/s")
            print(f"import / peer 2 = {figures['import_over_multirow_peer']:.2f}")


if __name__ == "__main__":
    main()
