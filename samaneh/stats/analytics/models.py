"""The analytics summary: stored values pre-aggregated to the upper levels of the hierarchy.

`Aggregate` holds, per (element, option combo, period, unit at level 0–2 — country, province, county),
the sum, count, minimum and maximum of every numeric value stored at that unit or below it for that
period. Weekly values are filed under the month they start in; yearly and seasonal values keep their own
period id, so a request for a year sums the rows of the year, its seasons and its months.

`DirtyPeriod` lists the (element, period) pairs whose summary no longer matches the stored values.
The one write path, `datavalues_import`, adds a pair (`services.dirty_mark`) in the same transaction that
inserts, updates or deletes the values — migration 0006 says why not triggers — and a database trigger adds
(0, '') when a unit moves, so the engine never answers from a stale summary: a
request touching a dirty pair reads the stored values live until `analytics_refresh` rebuilds that pair.
(0, '') marks a change of the hierarchy itself (a unit moved): the whole summary is unusable until a refresh.
"""
from django.db import models

from samaneh.stats import periods

# The summary covers these org-unit levels (country 0, province 1, county 2). Below them a unit holds
# few values, so reading the stored values directly is as fast as reading a summary.
SUMMARY_LEVELS = (0, 1, 2)
HIERARCHY_CHANGED = (0, "")


def summary_period(period_id):
    """The period a stored period is filed under in the summary (a week under its month), or None for an
    id that is no period (never asked for either)."""
    if "W" not in period_id:
        return period_id
    try:
        return periods.parse(period_id).parent(periods.MONTHLY).id
    except periods.PeriodError:
        return None


class Aggregate(models.Model):
    data_element_id = models.IntegerField()
    category_option_combo_id = models.IntegerField()
    period = models.CharField(max_length=8)
    org_unit_id = models.IntegerField()
    level = models.SmallIntegerField()
    total = models.FloatField()
    count = models.IntegerField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        # Covering: the engine's lookups read the index alone, never the table (about 3× faster on SQLite).
        indexes = [
            models.Index(
                fields=["data_element_id", "level", "org_unit_id", "period", "category_option_combo_id", "total",
                        "count", "minimum", "maximum"],
                name="stats_an_agg_covering",
            ),
        ]


class SummaryUnit(models.Model):
    """Where a value stored at `unit_id` enters the summary: its deepest ancestor-or-self at a summary level
    (a city's county, a province itself). The refresh files values there, then rolls counties up into
    provinces and provinces into the country, so each stored value is read once, not once per level."""

    unit_id = models.IntegerField(primary_key=True)
    home_id = models.IntegerField()
    level = models.SmallIntegerField()


class WeekMonth(models.Model):
    """Weekly period id → the month it rolls into (periods.Period.parent), for the weeks that hold data."""

    week = models.CharField(max_length=8, primary_key=True)
    month = models.CharField(max_length=8)


class DirtyPeriod(models.Model):
    """(element, stored period) whose values changed since the last refresh; (0, '') = the hierarchy moved."""

    element_id = models.IntegerField()
    period = models.CharField(max_length=8)
    version = models.IntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["element_id", "period"], name="stats_analytics_dirty_once")]
