"""Figure: seconds to load Iran's whole hierarchy (~104,000 units + 1,554 municipalities) into a fresh database.

Run from the repository root: `python bench/hierarchy_load.py` (the project's virtualenv python).
Measured next to, in the same run:
  - the goal, 60 s;
  - a peer: Python's `csv` module just reading the same six CSV files (best of 3), so the ratio
    load ÷ read says how much the database work costs over merely touching the data, whatever the machine.
The database is a throwaway SQLite file in a temporary SAMANEH_VAR_DIR. To measure PostgreSQL instead, set
SAMANEH_BENCH_DATABASE_URL to an empty, throwaway database (the script refuses one that holds units).
"""
import csv
import sys
import time

from _throwaway import throwaway_django  # bench/ is on sys.path when run as a script

GOAL_SECONDS = 60.0
PEER_REPEATS = 3


def read_all_csvs(data_dir, filenames):
    rows = 0
    for filename in filenames:
        with data_dir.joinpath(filename).open("r", encoding="utf-8", newline="") as handle:
            for _row in csv.reader(handle):
                rows += 1
    return rows


def main():
    with throwaway_django(("SAMANEH_BENCH_DATABASE_URL",)):
        from django.db import connection

        from samaneh.geo.loader import SOURCES, default_data_dir, load_hierarchy
        from samaneh.geo.models import OrgUnit

        if OrgUnit.objects.exists():
            sys.exit("The bench database already holds org units; give it an empty, throwaway database.")

        data_dir = default_data_dir()
        filenames = [filename for _kind, filename, _columns in SOURCES]
        peer_times = []
        for _ in range(PEER_REPEATS):
            started = time.perf_counter()
            read_all_csvs(data_dir, filenames)
            peer_times.append(time.perf_counter() - started)
        peer = min(peer_times)

        report = load_hierarchy()
        units = sum(report.counts.values())
        second = load_hierarchy()
        assert report.loaded and not second.loaded

        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"units loaded: {units} (+ {report.municipalities_created} municipalities)")
        print(f"load: {report.seconds:.2f} s = {units / report.seconds:,.0f} units/s")
        print(f"goal: {GOAL_SECONDS:.0f} s -> load / goal = {report.seconds / GOAL_SECONDS:.3f} (below 1 meets it)")
        print(f"peer, csv module reading the six CSVs (best of {PEER_REPEATS}): {peer:.3f} s")
        print(f"load / csv read = {report.seconds / peer:.1f}")
        print(f"second run (already loaded, nothing written): {second.seconds:.3f} s")


if __name__ == "__main__":
    main()
