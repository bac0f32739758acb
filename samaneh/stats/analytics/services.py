"""Keeping the analytics summary in step with the stored values (see `models` for what it holds)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction

from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.analytics.models import HIERARCHY_CHANGED, SUMMARY_LEVELS, DirtyElement, UnitAncestor
from samaneh.stats.models import DataElement

ELEMENTS_PER_STATEMENT = 8

_COLUMNS = """(data_element_id, category_option_combo_id, period, org_unit_id, level, total, count, minimum, maximum)"""
_STATS = "SUM(dv.numeric), COUNT(*), MIN(dv.numeric), MAX(dv.numeric)"


@dataclass
class RefreshReport:
    elements: int
    rows: int
    seconds: float
    hierarchy_rebuilt: bool


def _ancestors_rebuild(full):
    """(unit, ancestor-or-self at a summary level) for every unit — or only the units added since."""
    with connection.cursor() as cursor:
        if full:
            cursor.execute("DELETE FROM stats_analytics_unitancestor")
            known = set()
        else:
            cursor.execute("SELECT DISTINCT unit_id FROM stats_analytics_unitancestor")
            known = {row[0] for row in cursor.fetchall()}
    units = list(OrgUnit.objects.values_list("pk", "path", "level"))
    level_of = {pk: level for pk, _path, level in units}
    rows = []
    for pk, path, _level in units:
        if pk in known or not path:
            continue
        for part in path.strip(".").split("."):
            ancestor = int(part)
            if level_of.get(ancestor) in SUMMARY_LEVELS:
                rows.append((pk, ancestor, level_of[ancestor]))
    if rows:
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 20000):
                cursor.executemany(
                    "INSERT INTO stats_analytics_unitancestor (unit_id, ancestor_id, level) VALUES (%s, %s, %s)",
                    rows[start:start + 20000],
                )
    return bool(rows)


def _weeks_map(element_ids):
    """File every weekly period id holding data for these elements under its month."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT dv.period FROM stats_datavalue dv
                WHERE dv.data_element_id IN ({", ".join(["%s"] * len(element_ids))}) AND dv.period LIKE %s
                  AND NOT EXISTS (SELECT 1 FROM stats_analytics_weekmonth w WHERE w.week = dv.period)""",
            [*element_ids, "%W%"],
        )
        missing = [row[0] for row in cursor.fetchall()]
        rows = []
        for week_id in missing:
            try:
                rows.append((week_id, periods.parse(week_id).parent(periods.MONTHLY).id))
            except periods.PeriodError:
                continue  # not a period we know: analytics never asks for it either
        if rows:
            cursor.executemany("INSERT INTO stats_analytics_weekmonth (week, month) VALUES (%s, %s)", rows)


def _rebuild(element_ids):
    marks = ", ".join(["%s"] * len(element_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM stats_analytics_aggregate WHERE data_element_id IN ({marks})", element_ids)
        cursor.execute(
            f"""INSERT INTO stats_analytics_aggregate {_COLUMNS}
                SELECT dv.data_element_id, dv.category_option_combo_id, dv.period, a.ancestor_id, a.level, {_STATS}
                FROM stats_datavalue dv JOIN stats_analytics_unitancestor a ON a.unit_id = dv.org_unit_id
                WHERE dv.data_element_id IN ({marks}) AND dv.numeric IS NOT NULL AND dv.period NOT LIKE %s
                GROUP BY dv.data_element_id, a.level, a.ancestor_id, dv.period, dv.category_option_combo_id""",
            [*element_ids, "%W%"],
        )
        inserted = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO stats_analytics_aggregate {_COLUMNS}
                SELECT dv.data_element_id, dv.category_option_combo_id, w.month, a.ancestor_id, a.level, {_STATS}
                FROM stats_datavalue dv JOIN stats_analytics_weekmonth w ON w.week = dv.period
                  JOIN stats_analytics_unitancestor a ON a.unit_id = dv.org_unit_id
                WHERE dv.data_element_id IN ({marks}) AND dv.numeric IS NOT NULL
                GROUP BY dv.data_element_id, a.level, a.ancestor_id, w.month, dv.category_option_combo_id""",
            element_ids,
        )
        return inserted + max(cursor.rowcount, 0)


@transaction.atomic
def analytics_refresh(*, full=False) -> RefreshReport:
    """Rebuild the summary of every element marked dirty (or of all elements with `full`).

    A mark is cleared only if its version is still the one read here: a write that lands while the
    rebuild runs leaves its element dirty, and the engine keeps answering it live until the next refresh.
    """
    started = time.perf_counter()
    marks = dict(DirtyElement.objects.values_list("element_id", "version"))
    hierarchy = full or HIERARCHY_CHANGED in marks or not UnitAncestor.objects.exists()
    _ancestors_rebuild(full=hierarchy)
    if hierarchy:
        targets = list(DataElement.objects.order_by("pk").values_list("pk", flat=True))
    else:
        targets = sorted(pk for pk in marks if pk != HIERARCHY_CHANGED)
    rows = 0
    if targets:
        _weeks_map(targets)
    for start in range(0, len(targets), ELEMENTS_PER_STATEMENT):
        rows += _rebuild(targets[start:start + ELEMENTS_PER_STATEMENT])
    for element_id, version in marks.items():
        DirtyElement.objects.filter(element_id=element_id, version=version).delete()
    return RefreshReport(len(targets), rows, time.perf_counter() - started, hierarchy)
