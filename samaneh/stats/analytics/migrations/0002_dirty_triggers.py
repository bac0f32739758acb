"""Triggers that mark an element dirty whenever one of its stored values changes, whoever writes it.

SQLite runs one row-level trigger per written row; the `WHEN NOT EXISTS` guard keeps it to one index probe
once the element is marked (SQLite writers are serialised, so the version never needs bumping there).
PostgreSQL runs statement-level triggers over the transition tables — one small statement per bulk write
— and bumps `version`, so a refresh running at the same time never clears a mark it did not see.
"""
from django.db import migrations

DIRTY = "stats_analytics_dirtyelement"
VALUES = "stats_datavalue"
UNITS = "geo_orgunit"

def _sqlite_mark(element):
    # Not `INSERT OR IGNORE`: an outer upsert's conflict policy overrides the one inside a trigger.
    return (f"INSERT INTO {DIRTY} (element_id, version) SELECT {element}, 1 "
            f"WHERE NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE element_id = {element});")


SQLITE_UP = [
    f"""CREATE TRIGGER stats_analytics_dv_insert AFTER INSERT ON {VALUES}
    WHEN NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE element_id = NEW.data_element_id)
    BEGIN {_sqlite_mark("NEW.data_element_id")} END""",
    f"""CREATE TRIGGER stats_analytics_dv_delete AFTER DELETE ON {VALUES}
    WHEN NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE element_id = OLD.data_element_id)
    BEGIN {_sqlite_mark("OLD.data_element_id")} END""",
    f"""CREATE TRIGGER stats_analytics_dv_update AFTER UPDATE ON {VALUES}
    BEGIN {_sqlite_mark("OLD.data_element_id")} {_sqlite_mark("NEW.data_element_id")} END""",
    f"""CREATE TRIGGER stats_analytics_unit_moved AFTER UPDATE OF path ON {UNITS}
    WHEN OLD.path <> '' AND OLD.path <> NEW.path
    BEGIN {_sqlite_mark("0")} END""",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("stats_analytics_dv_insert", "stats_analytics_dv_delete", "stats_analytics_dv_update",
                 "stats_analytics_unit_moved")
]

_MARK = f"""INSERT INTO {DIRTY} (element_id, version) SELECT DISTINCT data_element_id, 1 FROM {{table}}
    ON CONFLICT (element_id) DO UPDATE SET version = {DIRTY}.version + 1"""

POSTGRES_UP = [
    f"""CREATE FUNCTION stats_analytics_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(table="new_rows")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION stats_analytics_mark_old() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(table="old_rows")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION stats_analytics_mark_both() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_MARK.format(
        table="(SELECT data_element_id FROM old_rows UNION SELECT data_element_id FROM new_rows) AS changed")};
    RETURN NULL; END $$""",
    f"""CREATE TRIGGER stats_analytics_dv_insert AFTER INSERT ON {VALUES}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_analytics_mark_new()""",
    f"""CREATE TRIGGER stats_analytics_dv_delete AFTER DELETE ON {VALUES}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_analytics_mark_old()""",
    f"""CREATE TRIGGER stats_analytics_dv_update AFTER UPDATE ON {VALUES}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION stats_analytics_mark_both()""",
    f"""CREATE FUNCTION stats_analytics_mark_hierarchy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO {DIRTY} (element_id, version) VALUES (0, 1)
      ON CONFLICT (element_id) DO UPDATE SET version = {DIRTY}.version + 1; RETURN NULL; END $$""",
    f"""CREATE TRIGGER stats_analytics_unit_moved AFTER UPDATE OF path ON {UNITS} FOR EACH ROW
    WHEN (OLD.path <> '' AND OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION stats_analytics_mark_hierarchy()""",
]
POSTGRES_DOWN = [
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
    dependencies = [
        ("stats_analytics", "0001_initial"),
        ("stats", "0002_default_combo"),
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
