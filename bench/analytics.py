"""Figure: analytics query time over 10 million data values, next to DuckDB on the same rows in Parquet.

Run from the repository root: `python bench/analytics.py [--values 10000000] [--repeats 5]`.

Setup (timed and printed, not the figure): a fresh throwaway database — a SQLite file in a temporary
SAMANEH_VAR_DIR, or PostgreSQL when SAMANEH_BENCH_DATABASE_URL or DATABASE_URL is set (it must be empty) —
migrated, Iran's whole hierarchy loaded with `samaneh.geo.loader.load_hierarchy` (what `manage.py
load_hierarchy` runs), and enough numeric SUM elements that every municipality (the 1,554 city units) × 60
Jalali months (139901–140312) × elements gives `--values` values (108 elements = 10,070,640 by default).
DuckDB generates the rows once (deterministic numbers), writes them to Parquet with its own COPY, and the
same rows go into `stats_datavalue` in bulk (executemany on SQLite, COPY on PostgreSQL; the table's indexes
and constraints are rebuilt after the load). Then `analytics_refresh(full=True)` builds the summary.

Measured, in the same run, best of `--repeats` after one warm-up each:
  (a) sum by province × month for one element: 31 provinces × 60 months
      ours: `analytics_query(dx=[element], pe=[60 months], ou=["LEVEL-2"])`
  (b) by county for one province (Tehran) × the 12 months of 1403
      ours: `analytics_query(dx=[element], pe=[12 months], ou=["<Tehran>;LEVEL-3"])`
  peer: DuckDB running the same aggregation straight from the Parquet files (values, and each unit's
  province and county), in this process. Our answers are checked equal to DuckDB's.
  Also: (a) answered live (the element marked dirty, so the engine reads the stored values instead of the
  summary), to show what the summary buys. Goals: ours ≤ 5× DuckDB on SQLite, ≤ 3× on PostgreSQL.
Finally it prints import throughput through POST /dhis2/api/dataValueSets from bench/datavalue_import.py's
`measure()` (goal ≥ 50,000 values/s on SQLite), on this same database with the 10 million values in it.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

from _throwaway import throwaway_django  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
MONTHS = [f"{y}{m:02d}" for y in range(1399, 1404) for m in range(1, 13)]
GOALS = {"sqlite": 5.0, "postgresql": 3.0}
COLUMNS = ("data_element_id", "period", "org_unit_id", "category_option_combo_id", "value", "numeric", "comment",
           "follow_up", "stored_by", "created", "last_updated")
STAMP = "2026-01-01 00:00:00"


def _say(text):
    print(text, flush=True)


def _generate(duck, element_ids, unit_ids, coc_id):
    """The rows, in DuckDB: element × month × city, a deterministic value per row, in that order."""
    numbered = "CREATE TABLE {} AS SELECT unnest(?::{}[]) AS {}, generate_subscripts(?::{}[], 1) AS i"
    duck.execute(numbered.format("e", "BIGINT", "id", "BIGINT"), [element_ids, element_ids])
    duck.execute(numbered.format("u", "BIGINT", "id", "BIGINT"), [unit_ids, unit_ids])
    duck.execute(numbered.format("m", "VARCHAR", "period", "VARCHAR"), [MONTHS, MONTHS])
    duck.execute(f"""
        CREATE TABLE v AS
        SELECT e.id AS data_element_id, m.period, u.id AS org_unit_id, {coc_id}::BIGINT AS category_option_combo_id,
               ((e.i * 7919 + m.i * 104729 + u.i * 15485863) % 99991)::BIGINT AS n
        FROM e CROSS JOIN m CROSS JOIN u
        ORDER BY e.id, m.period, u.id""")
    return duck.execute("SELECT count(*) FROM v").fetchone()[0]


def _table_ddl(cursor, vendor):
    """(drop statements, create statements) for stats_datavalue's indexes and constraints except its key."""
    if vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stats_datavalue' "
                       "AND sql IS NOT NULL")
        found = cursor.fetchall()
        return [f'DROP INDEX "{name}"' for name, _sql in found], [sql for _name, sql in found]
    cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid = 'stats_datavalue'::regclass AND contype IN ('u', 'f')""")
    constraints = cursor.fetchall()
    cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'stats_datavalue'
                      AND indexname NOT IN (SELECT conname FROM pg_constraint
                                            WHERE conrelid = 'stats_datavalue'::regclass)""")
    indexes = cursor.fetchall()
    drops = [f'ALTER TABLE stats_datavalue DROP CONSTRAINT "{n}"' for n, _d in constraints]
    drops += [f'DROP INDEX "{n}"' for n, _d in indexes]
    creates = [d for _n, d in indexes]
    creates += [f'ALTER TABLE stats_datavalue ADD CONSTRAINT "{n}" {d}' for n, d in constraints]
    return drops, creates


def _load(duck, connection, workdir):
    vendor = connection.vendor
    with connection.cursor() as cursor:
        drops, creates = _table_ddl(cursor, vendor)
        for statement in drops:
            cursor.execute(statement)
    raw = connection.connection
    if vendor == "sqlite":
        raw.execute("PRAGMA synchronous = OFF")
        # Five columns cross from DuckDB; the text value and the constants are made by SQLite itself.
        result = duck.execute("SELECT data_element_id, period, org_unit_id, category_option_combo_id, n FROM v")
        sql = (f"INSERT INTO stats_datavalue ({', '.join(COLUMNS)}) "
               f"VALUES (?1, ?2, ?3, ?4, CAST(?5 AS TEXT), ?5, '', 0, 'bench', '{STAMP}', '{STAMP}')")
        raw.execute("BEGIN")  # Django keeps the connection in autocommit: one transaction, not one per row
        while True:
            batch = result.fetchmany(200_000)
            if not batch:
                break
            raw.executemany(sql, batch)
        raw.execute("COMMIT")
    else:
        csv_path = Path(workdir) / "values.csv"
        duck.execute(f"""COPY (SELECT data_element_id, period, org_unit_id, category_option_combo_id, n::VARCHAR,
                                 n::DOUBLE, '', false, 'bench', '{STAMP}', '{STAMP}' FROM v)
                         TO '{csv_path}' (FORMAT csv, HEADER false)""")
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY stats_datavalue ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)") as copy:
                with open(csv_path, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        raw.commit()
        csv_path.unlink()
    with connection.cursor() as cursor:
        for statement in creates:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    if vendor == "sqlite":
        raw.execute("PRAGMA synchronous = NORMAL")


def _best(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--import-values", type=int, default=200_000,
                        help="values for the dataValueSets import figure (0 skips it)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    with throwaway_django() as var_dir:
        import duckdb
        from django.db import connection

        from samaneh.geo.loader import load_hierarchy
        from samaneh.geo.models import OrgUnit
        from samaneh.stats.analytics.engine import analytics_query
        from samaneh.stats.analytics.models import DirtyPeriod
        from samaneh.stats.analytics.services import analytics_refresh
        from samaneh.stats.models import DataElement, DataValue
        from samaneh.stats.services import default_combo_ensure, default_option_combo
        from samaneh.stats.uids import org_unit_uid
        from tests.factories import UserFactory

        if OrgUnit.objects.exists() or DataValue.objects.exists():
            sys.exit("The bench database already holds units or values; give it an empty, throwaway database.")
        vendor = connection.vendor
        _say(f"database: {vendor} ({connection.settings_dict['NAME']})")

        started = time.perf_counter()
        load_hierarchy()
        cities = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("pk").values_list("pk", flat=True))
        _say(f"hierarchy: {OrgUnit.objects.count():,} units, {len(cities):,} cities "
             f"({time.perf_counter() - started:.1f} s)")

        combo = default_combo_ensure()
        coc = default_option_combo()
        count = max(1, -(-args.values // (len(cities) * len(MONTHS))))  # at least --values
        elements = [
            DataElement.objects.create(code=f"BENCH_{i:03d}", name=f"عنصر آزمایشی {i}", value_type="NUMBER",
                                       aggregation_type="SUM", category_combo=combo)
            for i in range(count)
        ]
        duck = duckdb.connect()
        started = time.perf_counter()
        rows = _generate(duck, [e.pk for e in elements], cities, coc.pk)
        values_parquet = Path(var_dir) / "values.parquet"
        units_parquet = Path(var_dir) / "units.parquet"
        duck.execute(f"""COPY (SELECT data_element_id, period, org_unit_id, category_option_combo_id,
                                     n::DOUBLE AS numeric FROM v) TO '{values_parquet}' (FORMAT parquet)""")
        _say(f"generated {rows:,} values ({count} elements × {len(MONTHS)} months × {len(cities):,} cities) "
             f"and wrote Parquet: {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        _load(duck, connection, var_dir)
        _say(f"loaded into {vendor} (bulk, indexes rebuilt after): {time.perf_counter() - started:.1f} s")

        # Each unit's province and county for the peer, from the same hierarchy.
        units = list(OrgUnit.objects.values_list("pk", "path", "level"))
        level_of = {pk: level for pk, _p, level in units}
        mapping = []
        for pk, path, _level in units:
            ancestors = {level_of[int(a)]: int(a) for a in path.strip(".").split(".")}
            mapping.append((pk, ancestors.get(1), ancestors.get(2)))
        duck.execute("CREATE TABLE units AS SELECT unnest(?::BIGINT[]) AS id, unnest(?::BIGINT[]) AS province_id, "
                     "unnest(?::BIGINT[]) AS county_id",
                     [[m[0] for m in mapping], [m[1] for m in mapping], [m[2] for m in mapping]])
        duck.execute(f"COPY units TO '{units_parquet}' (FORMAT parquet)")
        duck.execute("DROP TABLE v")

        started = time.perf_counter()
        report = analytics_refresh(full=True)
        _say(f"summary built (analytics_refresh, full): {report.rows:,} rows in {report.seconds:.1f} s")

        admin = UserFactory(is_superuser=True)
        element = elements[len(elements) // 2]
        tehran = OrgUnit.objects.get(kind=OrgUnit.Kind.PROVINCE, name="تهران")
        year_months = [m for m in MONTHS if m.startswith("1403")]

        def ours_a():
            return analytics_query(user=admin, dx=[element.uid], pe=MONTHS, ou=["LEVEL-2"])

        def ours_b():
            return analytics_query(user=admin, dx=[element.uid], pe=year_months,
                                   ou=[f"{org_unit_uid(tehran)};LEVEL-3"])

        peer_a_sql = f"""SELECT u.province_id, v.period, SUM(v.numeric) FROM read_parquet('{values_parquet}') v
                         JOIN read_parquet('{units_parquet}') u ON u.id = v.org_unit_id
                         WHERE v.data_element_id = {element.pk} GROUP BY ALL"""
        peer_b_sql = f"""SELECT u.county_id, v.period, SUM(v.numeric) FROM read_parquet('{values_parquet}') v
                         JOIN read_parquet('{units_parquet}') u ON u.id = v.org_unit_id
                         WHERE v.data_element_id = {element.pk} AND u.province_id = {tehran.pk}
                           AND v.period IN ({", ".join(f"'{m}'" for m in year_months)}) GROUP BY ALL"""

        def peer(sql):
            return lambda: duck.execute(sql).fetchall()

        def same(result, peer_rows):
            ours = {(r[2], r[1]): float(r[3]) for r in result.rows}
            theirs = {(org_unit_uid(unit), period): total for unit, period, total in peer_rows}
            assert ours.keys() == theirs.keys(), "the cells differ"
            assert all(abs(ours[k] - theirs[k]) < 1e-6 for k in ours), "the answers differ"
            return len(ours)

        cells_a = same(ours_a(), peer(peer_a_sql)())
        cells_b = same(ours_b(), peer(peer_b_sql)())
        figures = [
            (f"(a) province × month, 1 element ({cells_a} cells)", _best(ours_a, args.repeats),
             _best(peer(peer_a_sql), args.repeats)),
            (f"(b) county × month, Tehran, 12 months ({cells_b} cells)", _best(ours_b, args.repeats),
             _best(peer(peer_b_sql), args.repeats)),
        ]
        DirtyPeriod.objects.bulk_create([DirtyPeriod(element_id=element.pk, period=m) for m in MONTHS])
        assert same(ours_a(), peer(peer_a_sql)()) == cells_a
        figures.append(("(a) answered live (all 60 months marked dirty)", _best(ours_a, args.repeats), figures[0][2]))
        DirtyPeriod.objects.filter(element_id=element.pk).delete()

        goal = GOALS.get(vendor, 3.0)
        _say("")
        _say(f"{'query':<52} {'ours (s)':>9} {'DuckDB (s)':>11} {'ratio':>7} {'goal':>6}"
             f"   (best of {args.repeats}; medians)")
        for label, (ours_best, ours_median), (peer_best, peer_median) in figures:
            _say(f"{label:<52} {ours_best:>9.4f} {peer_best:>11.4f} {ours_best / peer_best:>6.2f}× {goal:>5.0f}×"
                 f"   ({ours_median:.4f} / {peer_median:.4f})")

        if args.import_values:
            from datavalue_import import GOAL_PER_SECOND, measure

            figures = measure(args.import_values)
            _say("")
            _say(f"import through POST /dhis2/api/dataValueSets ({figures['values']:,} values, into the "
                 f"{rows:,}-value database): {figures['import_per_second']:,.0f} values/s "
                 f"(goal {GOAL_PER_SECOND:,}/s); re-import {figures['reimport_per_second']:,.0f} values/s; "
                 f"plain executemany {figures['peer_per_second']:,.0f} values/s")


if __name__ == "__main__":
    main()
