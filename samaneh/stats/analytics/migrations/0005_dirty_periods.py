"""Dirty marks per (element, period) instead of per element: a value written for one month sends only
that month of that element to live queries and to the next refresh, not the element's whole history.

Same trigger design as 0002 (row-level with a `WHEN NOT EXISTS` guard on SQLite; statement-level over the
transition tables with a version bump on PostgreSQL), keyed on (element, period). A moved unit marks
(0, '') — the whole summary — as before.
"""
from django.db import migrations, models

DIRTY = "stats_analytics_dirtyperiod"
VALUES = "stats_datavalue"
UNITS = "geo_orgunit"
OLD_TRIGGERS = ("stats_analytics_dv_insert", "stats_analytics_dv_delete", "stats_analytics_dv_update",
                "stats_analytics_unit_moved")


def _sqlite_guard(row):
    return f"NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE element_id = {row}.data_element_id AND period = {row}.period)"


def _sqlite_mark(row):
    # Not `INSERT OR IGNORE`: an outer upsert's conflict policy overrides the one inside a trigger.
    return (f"INSERT INTO {DIRTY} (element_id, period, version) SELECT {row}.data_element_id, {row}.period, 1 "
            f"WHERE {_sqlite_guard(row)};")


SQLITE_UP = [
    f"""CREATE TRIGGER stats_analytics_dv_insert AFTER INSERT ON {VALUES} WHEN {_sqlite_guard("NEW")}
    BEGIN {_sqlite_mark("NEW")} END""",
    f"""CREATE TRIGGER stats_analytics_dv_delete AFTER DELETE ON {VALUES} WHEN {_sqlite_guard("OLD")}
    BEGIN {_sqlite_mark("OLD")} END""",
    f"""CREATE TRIGGER stats_analytics_dv_update AFTER UPDATE ON {VALUES}
    BEGIN {_sqlite_mark("OLD")} {_sqlite_mark("NEW")} END""",
    f"""CREATE TRIGGER stats_analytics_unit_moved AFTER UPDATE OF path ON {UNITS}
    WHEN OLD.path <> '' AND OLD.path <> NEW.path
    BEGIN INSERT INTO {DIRTY} (element_id, period, version) SELECT 0, '', 1
      WHERE NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE element_id = 0 AND period = ''); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in OLD_TRIGGERS]

_MARK = f"""INSERT INTO {DIRTY} (element_id, period, version) SELECT DISTINCT data_element_id, period, 1 FROM {{table}}
    ON CONFLICT (element_id, period) DO UPDATE SET version = {DIRTY}.version + 1"""
POSTGRES_UP = [
    f"""CREATE FUNCTION stats_analytics_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(table="new_rows")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION stats_analytics_mark_old() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(table="old_rows")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION stats_analytics_mark_both() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(table="(SELECT data_element_id, period FROM old_rows UNION "
                              "SELECT data_element_id, period FROM new_rows) AS changed")};
    RETURN NULL; END $$""",
    f"""CREATE TRIGGER stats_analytics_dv_insert AFTER INSERT ON {VALUES}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_analytics_mark_new()""",
    f"""CREATE TRIGGER stats_analytics_dv_delete AFTER DELETE ON {VALUES}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_analytics_mark_old()""",
    f"""CREATE TRIGGER stats_analytics_dv_update AFTER UPDATE ON {VALUES}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION stats_analytics_mark_both()""",
    f"""CREATE FUNCTION stats_analytics_mark_hierarchy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO {DIRTY} (element_id, period, version) VALUES (0, '', 1)
      ON CONFLICT (element_id, period) DO UPDATE SET version = {DIRTY}.version + 1; RETURN NULL; END $$""",
    f"""CREATE TRIGGER stats_analytics_unit_moved AFTER UPDATE OF path ON {UNITS} FOR EACH ROW
    WHEN (OLD.path <> '' AND OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION stats_analytics_mark_hierarchy()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS stats_analytics_dv_insert ON {VALUES}",
    f"DROP TRIGGER IF EXISTS stats_analytics_dv_delete ON {VALUES}",
    f"DROP TRIGGER IF EXISTS stats_analytics_dv_update ON {VALUES}",
    f"DROP TRIGGER IF EXISTS stats_analytics_unit_moved ON {UNITS}",
    "DROP FUNCTION IF EXISTS stats_analytics_mark_new()",
    "DROP FUNCTION IF EXISTS stats_analytics_mark_old()",
    "DROP FUNCTION IF EXISTS stats_analytics_mark_both()",
    "DROP FUNCTION IF EXISTS stats_analytics_mark_hierarchy()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"analytics triggers are written for SQLite and PostgreSQL, not {vendor}")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("stats_analytics", "0004_summary_unit")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}), migrations.RunPython.noop),
        migrations.DeleteModel(name="DirtyElement"),
        migrations.CreateModel(
            name="DirtyPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("element_id", models.IntegerField()),
                ("period", models.CharField(max_length=8)),
                ("version", models.IntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("element_id", "period"), name="stats_analytics_dirty_once")
                ],
            },
        ),
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
