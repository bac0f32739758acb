"""The analytics engine: DHIS2's `analytics` resource over our stored values, Jalali periods and org units.

    result = analytics_query(user=officer, dx=["FTRrcoaog83", "ReUHfIn0pTQ"], pe=["LAST_12_MONTHS"],
                             ou=["USER_ORGUNIT", "LEVEL-3"], filters={"pe": ["1403"]})
    result.rows            # [["FTRrcoaog83", "140301", "O0000000A1b", "1234"], …]  (dx, pe, ou, value)
    result.value("FTRrcoaog83", "140301", "O0000000A1b")   # 1234.0
    result.as_dhis2()      # {"headers": …, "rows": …, "metaData": …, "width": …, "height": …}

Aggregation. A unit's value aggregates every value stored at it and below it; a season aggregates its
months, a year its seasons and months, a month the weeks that start in it (`periods` docstring), each
element by its aggregation type: SUM sums; AVERAGE is the mean of the underlying stored values (so a
parent's average is its children's averages weighted by how many values each holds); MIN / MAX; LAST takes,
per unit that stores values, the value of the latest period inside the requested one and sums those over
the units (DHIS2's "last value, sum over org units"); NONE takes only values stored at exactly the
requested unit and period. Booleans are stored as 1/0, so SUM counts the «yes» answers and AVERAGE gives
their share. Text is never aggregated: a cell shows a text value only when exactly one is stored at the
exact unit and period. Indicators are evaluated per cell: numerator and denominator over the aggregated
operands, × factor, rounded to `decimals`; a zero or empty denominator gives no value.

Where the numbers come from — measured, then chosen (bench/analytics.py: 10,069,920 values = 1,554 city
units × 60 Jalali months × 108 elements; 2 cores shared with other jobs; best of 5, DuckDB in the same run):
  * Live, from the stored values, "sum by province × month for one element" reads the element's 93,240
    rows and files each under its province: 0.45 s on SQLite (26× DuckDB over Parquet, 0.017 s) and
    0.33 s on PostgreSQL 15 (28× DuckDB, 0.012 s) — far off the goals (5× and 3×).
  * So a summary table (`models.Aggregate`, like DHIS2's analytics tables) holds sum/count/min/max per
    (element, option combo, period, unit) for the units at levels 0–2 (country, province, county), read
    through one covering index. Province × month: SQLite 0.031 s = 1.8× DuckDB, PostgreSQL 0.013 s =
    1.1×; county × month for Tehran's 12 months of 1403: SQLite 0.006 s = 0.39×, PostgreSQL 0.007 s =
    0.56×. `analytics_refresh` (a Celery task) builds it: each value is filed once at its county, then
    counties roll up into provinces and the country — 3,110,400 rows in 73 s on SQLite, 84 s on
    PostgreSQL for all 10 million values; a refresh after an import rebuilds only the changed periods.
  * Below the county (district, city, rural district, village), LAST, NONE, text, weekly requests, and
    every (element, period) whose values changed since the last refresh are answered live from the stored
    values. The one write path (`datavalues_import`) marks the (element, period) dirty inside its own
    transaction (migration 0006 explains why not triggers), so a value imported a moment ago is in the very next answer, refresh or no refresh, and
    only the requests that touch that period of that element leave the summary.
  * DuckDB as the engine would need every value copied out of the database on each change (no DuckDB
    scanner for SQLite or PostgreSQL is installed here), a second store that is stale between copies; the
    summary lives in the same database and the same transactions as the values.

Scope: every unit named, used as a boundary or filtered on must lie in the user's STATS_VIEW scope; a unit
outside it (or unknown) is refused with a Persian error that never tells which of the two it was.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.core.text import localize_digits, normalize_digits, persian_sort_key
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.analytics.models import HIERARCHY_CHANGED, SUMMARY_LEVELS, summary_period
from samaneh.stats.expressions import ExpressionError, compile_expression
from samaneh.stats.models import (
    AggregationType,
    CategoryOptionCombo,
    DataElement,
    Indicator,
    ValueType,
)
from samaneh.stats.uids import dhis2_level, org_unit_id, org_unit_uid

DIMENSIONS = ("dx", "pe", "ou")
DIMENSION_NAMES = {"dx": "داده", "pe": "دوره", "ou": "واحد سازمانی"}
HEADER_COLUMNS = {"dx": "Data", "pe": "Period", "ou": "Organisation unit"}
ELEMENT_DECIMALS = 2
IN_CHUNK = 500
MAX_LIVE_ROOTS = 30


class AnalyticsError(ValueError):
    """A request the engine refuses; the message is Persian and names the offending item."""


# ----------------------------------------------------------------------------------------- result
@dataclass
class AnalyticsResult:
    headers: list[dict]
    rows: list[list[str]]
    meta_data: dict
    layout: dict
    _cells: dict = field(default_factory=dict, repr=False)

    def value(self, dx=None, pe=None, ou=None):
        """The cell's value (float, or str for text) or None; pass None for a dimension given as filter."""
        return self._cells.get((dx, pe, ou))

    def as_dhis2(self, skip_meta=False) -> dict:
        body = {
            "headers": self.headers,
            "rows": self.rows,
            "width": len(self.headers),
            "height": len(self.rows),
            "headerWidth": len(self.headers),
        }
        if not skip_meta:
            body["metaData"] = self.meta_data
        return body


def _header(name, column, value_type="TEXT", meta=True):
    java = "java.lang.String" if value_type == "TEXT" else "java.lang.Double"
    return {"name": name, "column": column, "valueType": value_type, "type": java, "hidden": False, "meta": meta}


def _format(number, decimals):
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    rounded = round(number, decimals)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return str(int(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


# ----------------------------------------------------------------------------------- dimensions
@dataclass
class _DxItem:
    id: str  # as requested: element uid, element uid.coc uid, or indicator uid
    name: str
    element: DataElement | None = None
    coc: CategoryOptionCombo | None = None
    indicator: Indicator | None = None


def _split(items):
    out = []
    for item in items or []:
        for part in str(item).split(";"):
            part = normalize_digits(part.strip())
            if part:
                out.append(part)
    return out


def _normalise_filters(filters):
    """`{"pe": ["1403"]}` or `["pe:1403", "ou:O…;O…"]` → {dimension: [items]}."""
    if not filters:
        return {}
    if isinstance(filters, dict):
        pairs = filters.items()
    else:
        pairs = []
        for text in filters:
            name, sep, items = str(text).partition(":")
            if not sep:
                raise AnalyticsError(f"فیلتر «{text}» باید به شکل بعد:مقدارها باشد (مثل pe:1403)")
            pairs.append((name, [items]))
    out = {}
    for name, items in pairs:
        name = name.strip()
        if name not in DIMENSIONS:
            raise AnalyticsError(f"بعد «{name}» شناخته نیست؛ فقط dx، pe و ou")
        out.setdefault(name, []).extend(_split(items))
    return out


def _resolve_dx(items, display_property):
    wanted = []
    element_uids, coc_uids = set(), set()
    for item in items:
        uid, _, coc = item.partition(".")
        wanted.append((item, uid, coc or None))
        element_uids.add(uid)
        if coc:
            coc_uids.add(coc)
    elements = {e.uid: e for e in DataElement.objects.filter(uid__in=element_uids).order_by()}
    missing = element_uids - elements.keys()
    indicators = {i.uid: i for i in Indicator.objects.filter(uid__in=missing).order_by()} if missing else {}
    cocs = {c.uid: c for c in CategoryOptionCombo.objects.filter(uid__in=coc_uids).order_by()} if coc_uids else {}
    short = display_property == "SHORTNAME"
    out = []
    for item, uid, coc_uid in wanted:
        if uid in indicators and not coc_uid:
            ind = indicators[uid]
            out.append(_DxItem(item, (short and ind.short_name) or ind.name, indicator=ind))
            continue
        element = elements.get(uid)
        if element is None:
            raise AnalyticsError(f"عنصر داده یا شاخص «{item}» یافت نشد")
        name = (short and element.short_name) or element.name
        coc = None
        if coc_uid:
            coc = cocs.get(coc_uid)
            if coc is None or coc.combo_id != element.category_combo_id:
                raise AnalyticsError(f"ترکیب گزینه «{coc_uid}» از تفکیک‌های عنصر «{element.name}» نیست")
            name = f"{name} {coc.name}"
        out.append(_DxItem(item, name, element=element, coc=coc))
    return out


def _resolve_pe(items, today):
    out, seen = [], set()
    for item in items:
        try:
            resolved = periods.resolve(item, today)
        except periods.PeriodError as error:
            raise AnalyticsError(str(error)) from None
        for period in resolved:
            if period.id not in seen:
                seen.add(period.id)
                out.append(period)
    return out


def _refuse_unit(text):
    return AnalyticsError(f"واحد سازمانی «{text}» یافت نشد یا خارج از محدوده دسترسی شماست")


def _resolve_ou(items, user):
    roots = scope.roots(user, Perm.STATS_VIEW)
    if not roots:
        raise AnalyticsError("شما به داده‌های آماری دسترسی ندارید")
    levels, children, explicit, boundaries, expanded = [], False, [], [], []
    uid_items = {}
    for item in items:
        upper = item.upper()
        if upper == "USER_ORGUNIT":
            explicit.extend(roots)
            boundaries.extend(roots)
        elif upper in ("USER_ORGUNIT_CHILDREN", "USER_ORGUNIT_GRANDCHILDREN"):
            depth = 1 if upper == "USER_ORGUNIT_CHILDREN" else 2
            for root in roots:
                expanded.extend(OrgUnit.objects.filter(path__startswith=root.path, level=root.level + depth))
        elif upper.startswith("LEVEL-"):
            number = upper[len("LEVEL-"):]
            if not number.isdigit() or not 1 <= int(number) <= 6:
                raise AnalyticsError(f"سطح «{item}» معتبر نیست؛ سطح‌ها از ۱ (کشور) تا ۶ (روستا) هستند")
            levels.append(int(number) - 1)
        elif upper == "CHILDREN":
            children = True
        else:
            pk = org_unit_id(item)
            if pk is None:
                raise _refuse_unit(item)
            uid_items[item] = pk
    if uid_items:
        found = OrgUnit.objects.in_bulk(list(uid_items.values()))
        for text, pk in uid_items.items():
            unit = found.get(pk)
            if unit is None or not scope.can_act(user, Perm.STATS_VIEW, unit):
                raise _refuse_unit(text)
            explicit.append(unit)
            boundaries.append(unit)
    if levels or children:
        bounds = boundaries or roots
        picked = list(expanded)
        cover = Q(pk__in=[])
        for unit in bounds:
            cover |= Q(path__startswith=unit.path)
        if levels:
            picked.extend(OrgUnit.objects.filter(cover, level__in=levels))
        if children:
            picked.extend(OrgUnit.objects.filter(parent__in=bounds))
        picked.sort(key=lambda u: (u.level, persian_sort_key(u.name)))
        result = picked
        if not result:
            wanted = _("، ").join(localize_digits(str(n + 1)) for n in levels)
            raise AnalyticsError(
                _("در محدوده خواسته‌شده واحدی در سطح %(levels)s نیست") % {"levels": wanted} if levels
                else _("واحدهای خواسته‌شده زیرمجموعه ندارند")
            )
    else:
        result = explicit + expanded
    out, seen = [], set()
    for unit in result:
        if unit.pk not in seen:
            seen.add(unit.pk)
            out.append(unit)
    if not out:
        raise AnalyticsError(_("واحد سازمانی را مشخص کنید"))
    return out


def _minimal_units(units):
    """Drop units inside another one of the list, so a filter never counts a subtree twice."""
    ordered = sorted(units, key=lambda u: len(u.path))
    kept = []
    for unit in ordered:
        if not any(unit.path.startswith(k.path) for k in kept):
            kept.append(unit)
    return kept


# ------------------------------------------------------------------------------- period covering
def _covering(period, with_weeks):
    """Stored period ids that aggregate into `period`: itself and every finer period inside it."""
    ids = {period.id}
    for finer in (periods.QUARTERLY, periods.MONTHLY) + ((periods.WEEKLY,) if with_weeks else ()):
        if periods.ORDER[finer] > periods.ORDER[period.type]:
            ids.update(p.id for p in period.children(finer))
    return ids


# ------------------------------------------------------------------------------------- fetching
def _in(values):
    return ", ".join(["%s"] * len(values))


def _chunks(items, size=IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _dirty(element_ids):
    """{element: summary periods changed since the last refresh}, or None for "everything" (a unit moved)."""
    element_ids = list(element_ids)
    ids = element_ids + [HIERARCHY_CHANGED[0]]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT element_id, period FROM stats_analytics_dirtyperiod WHERE element_id IN ({_in(ids)})",
                       ids)
        found = cursor.fetchall()
    if HIERARCHY_CHANGED in {tuple(row) for row in found}:
        return {pk: None for pk in element_ids}
    out = defaultdict(set)
    for element_id, period in found:
        out[element_id].add(summary_period(period))
    return out


def _live_roots(units):
    """At most MAX_LIVE_ROOTS path prefixes covering `units` (coarser prefixes fetch a little more)."""
    paths = {u.path for u in units}
    while True:
        kept = set()
        for path in sorted(paths, key=len):
            if not any(path.startswith(k) for k in kept):
                kept.add(path)
        if len(kept) <= MAX_LIVE_ROOTS:
            return sorted(kept)
        paths = {p.rsplit(".", 2)[0] + "." if p.count(".") > 1 else p for p in kept}


def _fetch_live(element_ids, period_ids, units):
    """(element, unit, path, period, coc, numeric, text) for values stored in the subtrees of `units`."""
    roots = _live_roots(units)
    like = " OR ".join(["u.path LIKE %s"] * len(roots))
    rows = []
    with connection.cursor() as cursor:
        for period_chunk in _chunks(sorted(period_ids)):
            cursor.execute(
                f"""SELECT dv.data_element_id, dv.org_unit_id, u.path, dv.period, dv.category_option_combo_id,
                           dv.numeric, dv.value
                    FROM stats_datavalue dv JOIN geo_orgunit u ON u.id = dv.org_unit_id
                    WHERE dv.data_element_id IN ({_in(element_ids)}) AND dv.period IN ({_in(period_chunk)})
                      AND ({like})""",
                [*element_ids, *period_chunk, *[r + "%" for r in roots]],
            )
            rows.extend(cursor.fetchall())
    return rows


def _fetch_summary(element_ids, period_ids, units_by_level):
    rows = []
    with connection.cursor() as cursor:
        for level, units in units_by_level.items():
            for unit_chunk in _chunks(units):
                cursor.execute(
                    f"""SELECT data_element_id, org_unit_id, period, category_option_combo_id,
                               total, count, minimum, maximum
                        FROM stats_analytics_aggregate
                        WHERE data_element_id IN ({_in(element_ids)}) AND level = %s
                          AND org_unit_id IN ({_in(unit_chunk)}) AND period IN ({_in(period_ids)})""",
                    [*element_ids, level, *unit_chunk, *period_ids],
                )
                rows.extend(cursor.fetchall())
    return rows


# ----------------------------------------------------------------------------------- aggregation
def _merge(acc, key, total, count, minimum, maximum):
    """acc[key] = [total, count, minimum, maximum], merged (plain lists: this runs once per summary row)."""
    stats = acc.get(key)
    if stats is None:
        acc[key] = [total, count, minimum, maximum]
        return
    stats[0] += total
    stats[1] += count
    if minimum < stats[2]:
        stats[2] = minimum
    if maximum > stats[3]:
        stats[3] = maximum


# Which slot of [total, count, minimum, maximum] answers each aggregation type (AVERAGE divides 0 by 1).
_SLOT = {AggregationType.SUM: 0, AggregationType.MIN: 2, AggregationType.MAX: 3, AggregationType.AVERAGE: 0}


@dataclass
class _Group:
    key: str | None
    periods: list
    units: list


def _aggregate(operands, pe_groups, ou_groups, aggregation):
    """{(element_id, coc_id or None, pe_key, ou_key): value} for every operand (element, coc or None)."""
    by_element = defaultdict(set)
    for element, coc_id in operands:
        by_element[element].add(coc_id)
    if not by_element:
        return {}
    dirty = _dirty(e.pk for e in by_element)
    out = {}
    stat_elements, last_elements, exact_elements = [], [], []
    kinds = {}
    for element in by_element:
        kind = aggregation or element.aggregation_type
        kinds[element.pk] = kind
        if element.value_type == ValueType.TEXT or kind == AggregationType.NONE:
            exact_elements.append(element)
        elif kind == AggregationType.LAST:
            last_elements.append(element)
        else:
            stat_elements.append(element)
    wanted_cocs = {e.pk: by_element[e] for e in by_element}
    if stat_elements:
        _stat(stat_elements, dirty, kinds, wanted_cocs, pe_groups, ou_groups, out)
    if last_elements:
        _last(last_elements, wanted_cocs, pe_groups, ou_groups, out)
    if exact_elements:
        _exact(exact_elements, wanted_cocs, pe_groups, ou_groups, out)
    return out


def _unit_keys(ou_groups):
    keys = defaultdict(list)
    for group in ou_groups:
        for unit in group.units:
            keys[unit.pk].append(group.key)
    return keys


def _period_keys(pe_groups, with_weeks):
    keys = defaultdict(set)
    for group in pe_groups:
        for period in group.periods:
            for pid in _covering(period, with_weeks):
                keys[pid].add(group.key)
    return keys


def _stat(elements, dirty, kinds, wanted_cocs, pe_groups, ou_groups, out):
    acc = {}
    unit_keys = _unit_keys(ou_groups)
    all_units = {u.pk: u for g in ou_groups for u in g.units}
    summary_units = {pk: u for pk, u in all_units.items() if u.level in SUMMARY_LEVELS}
    below_units = {pk: u for pk, u in all_units.items() if u.level not in SUMMARY_LEVELS}
    # A period group can come from the summary for an element unless it asks for weeks (the summary files
    # them under months) or covers a period of that element written since the last refresh.
    covers = [
        None if any(p.type == periods.WEEKLY for p in g.periods)
        else set().union(*(_covering(p, with_weeks=False) for p in g.periods))
        for g in pe_groups
    ]
    plans = defaultdict(list)
    for element in elements:
        changed = dirty.get(element.pk, set())
        clean = frozenset(
            i for i, cover in enumerate(covers) if cover is not None and changed is not None and not cover & changed
        )
        plans[clean].append(element.pk)
    targets = {}

    def add(element_id, coc_id, pe_keys, ou_keys, total, count, minimum, maximum):
        combos = targets.get((element_id, coc_id))
        if combos is None:
            cocs = wanted_cocs[element_id]
            combos = targets[(element_id, coc_id)] = [c for c in (None, coc_id) if c in cocs]
        for pe_key in pe_keys:
            for ou_key in ou_keys:
                for target in combos:
                    _merge(acc, (element_id, target, pe_key, ou_key), total, count, minimum, maximum)

    def live(element_ids, groups, units):
        pkeys = _period_keys(groups, with_weeks=True)
        reach = {}
        for element_id, unit_pk, path, period, coc_id, numeric, _text in _fetch_live(
            element_ids, list(pkeys), units.values()
        ):
            if numeric is None:
                continue
            ou_keys = reach.get(unit_pk)
            if ou_keys is None:
                ou_keys = [k for a in path.strip(".").split(".") if int(a) in units for k in unit_keys[int(a)]]
                reach[unit_pk] = ou_keys
            add(element_id, coc_id, pkeys[period], ou_keys, numeric, 1, numeric, numeric)

    for clean, element_ids in plans.items():
        clean_groups = [g for i, g in enumerate(pe_groups) if i in clean]
        stale_groups = [g for i, g in enumerate(pe_groups) if i not in clean]
        if clean_groups and summary_units:
            pkeys = _period_keys(clean_groups, with_weeks=False)
            by_level = defaultdict(list)
            for unit in summary_units.values():
                by_level[unit.level].append(unit.pk)
            for element_id, unit_pk, period, coc_id, total, count, minimum, maximum in _fetch_summary(
                element_ids, sorted(pkeys), by_level
            ):
                add(element_id, coc_id, pkeys[period], unit_keys[unit_pk], total, count, minimum, maximum)
        if clean_groups and below_units:
            live(element_ids, clean_groups, below_units)
        if stale_groups:
            live(element_ids, stale_groups, all_units)
    slots = {e.pk: (_SLOT[kinds[e.pk]], kinds[e.pk] == AggregationType.AVERAGE) for e in elements}
    for key, stats in acc.items():
        if stats[1]:
            slot, average = slots[key[0]]
            out[key] = stats[0] / stats[1] if average else stats[slot]


def _last(elements, wanted_cocs, pe_groups, ou_groups, out):
    pkeys = _period_keys(pe_groups, with_weeks=True)
    unit_keys = _unit_keys(ou_groups)
    units = {u.pk: u for g in ou_groups for u in g.units}
    # latest[(element, pe_key, stored unit, coc)] = (period sort key, value, ou keys)
    latest = {}
    for element_id, unit_pk, path, period, coc_id, numeric, _text in _fetch_live(
        [e.pk for e in elements], list(pkeys), units.values()
    ):
        if numeric is None:
            continue
        parsed = periods.parse(period)
        rank = (parsed.end, parsed.start)
        ou_keys = [k for a in path.strip(".").split(".") if int(a) in units for k in unit_keys[int(a)]]
        for pe_key in pkeys[period]:
            slot = (element_id, pe_key, unit_pk, coc_id)
            if slot not in latest or latest[slot][0] < rank:
                latest[slot] = (rank, numeric, ou_keys)
    for (element_id, pe_key, _unit, coc_id), (_rank, numeric, ou_keys) in latest.items():
        cocs = wanted_cocs[element_id]
        for ou_key in ou_keys:
            for target in ([None] if None in cocs else []) + ([coc_id] if coc_id in cocs else []):
                key = (element_id, target, pe_key, ou_key)
                out[key] = out.get(key, 0.0) + numeric


def _exact(elements, wanted_cocs, pe_groups, ou_groups, out):
    period_keys = defaultdict(list)
    for group in pe_groups:
        for period in group.periods:
            period_keys[period.id].append(group.key)
    unit_keys = _unit_keys(ou_groups)
    found = defaultdict(list)
    with connection.cursor() as cursor:
        for unit_chunk in _chunks(unit_keys):
            ids = [e.pk for e in elements]
            cursor.execute(
                f"""SELECT data_element_id, org_unit_id, period, category_option_combo_id, numeric, value
                    FROM stats_datavalue WHERE data_element_id IN ({_in(ids)})
                      AND org_unit_id IN ({_in(unit_chunk)}) AND period IN ({_in(period_keys)})""",
                [*ids, *unit_chunk, *period_keys],
            )
            for element_id, unit_pk, period, coc_id, numeric, text in cursor.fetchall():
                cocs = wanted_cocs[element_id]
                for pe_key in period_keys[period]:
                    for ou_key in unit_keys[unit_pk]:
                        for target in ([None] if None in cocs else []) + ([coc_id] if coc_id in cocs else []):
                            found[(element_id, target, pe_key, ou_key)].append((numeric, text))
    text_elements = {e.pk for e in elements if e.value_type == ValueType.TEXT}
    for key, values in found.items():
        if key[0] in text_elements:
            if len(values) == 1:
                out[key] = values[0][1]
        else:
            numbers = [n for n, _t in values if n is not None]
            if numbers:
                out[key] = sum(numbers)


# ---------------------------------------------------------------------------------------- query
def analytics_query(*, user, dx, pe, ou, filters=None, rows=None, columns=None, today=None, aggregation=None,
                    display_property="NAME", include_num_den=False) -> AnalyticsResult:
    """Aggregated values for data elements and indicators by period and org unit, in DHIS2's shape.

    `dx`, `pe`, `ou`: the items of each dimension (None or [] when the dimension is given in `filters`);
    `filters`: {"pe": [...]} or ["pe:1403;1404", …] — aggregated over, not listed; `rows` / `columns`: the
    pivot layout the caller wants, kept on the result; `today`: the date relative periods count from;
    `aggregation`: one aggregation type for every element instead of each element's own.
    """
    filter_items = _normalise_filters(filters)
    given = {"dx": _split(dx), "pe": _split(pe), "ou": _split(ou)}
    for name in DIMENSIONS:
        if given[name] and name in filter_items:
            raise AnalyticsError(f"بعد «{name}» هم به‌عنوان بعد و هم به‌عنوان فیلتر آمده است")
    if not given["dx"] and not filter_items.get("dx"):
        raise AnalyticsError("داده یا شاخصی (dx) خواسته نشده است")
    if not given["pe"] and not filter_items.get("pe"):
        raise AnalyticsError("دوره‌ای (pe) خواسته نشده است")
    if not given["ou"] and not filter_items.get("ou"):
        filter_items["ou"] = ["USER_ORGUNIT"]
    if aggregation is not None and aggregation not in AggregationType.values:
        raise AnalyticsError(f"نوع تجمیع «{aggregation}» شناخته نیست")
    for layout_name, layout in (("rows", rows), ("columns", columns)):
        for name in layout or []:
            if name not in DIMENSIONS:
                raise AnalyticsError(f"در چیدمان «{layout_name}» بعد «{name}» شناخته نیست")

    dims = [name for name in DIMENSIONS if given[name]]
    items = {name: given[name] or filter_items[name] for name in DIMENSIONS}
    dx_items = _resolve_dx(items["dx"], display_property)
    pe_list = _resolve_pe(items["pe"], today)
    ou_list = _resolve_ou(items["ou"], user)
    if "dx" not in dims and any(i.element and i.element.value_type == ValueType.TEXT for i in dx_items):
        raise AnalyticsError("عنصر متنی را نمی‌توان فیلتر کرد؛ آن را به‌عنوان بعد بخواهید")

    pe_groups = [_Group(p.id, [p], []) for p in pe_list] if "pe" in dims else [_Group(None, pe_list, [])]
    if "ou" in dims:
        ou_groups = [_Group(org_unit_uid(u), [], [u]) for u in ou_list]
    else:
        ou_groups = [_Group(None, [], _minimal_units(ou_list))]

    # Every (element, coc) whose aggregate any dx item needs, indicators' operands included.
    operands = set()
    indicator_parts = {}
    operand_elements = {}
    for item in dx_items:
        if item.element:
            operands.add((item.element, item.coc.pk if item.coc else None))
        else:
            try:
                parts = (compile_expression(item.indicator.numerator), compile_expression(item.indicator.denominator))
            except ExpressionError as error:
                raise AnalyticsError(f"شاخص «{item.indicator.name}»: {error}") from None
            indicator_parts[item.id] = parts
            for expr in parts:
                operand_elements.update({uid: None for uid, _c in expr.operands})
    coc_by_uid = {}
    if operand_elements:
        elements = {e.uid: e for e in DataElement.objects.filter(uid__in=operand_elements)}
        coc_uids = {c for p in indicator_parts.values() for e in p for _u, c in e.operands if c}
        coc_by_uid = {c.uid: c for c in CategoryOptionCombo.objects.filter(uid__in=coc_uids)}
        for parts in indicator_parts.values():
            for expr in parts:
                for uid, coc_uid in expr.operands:
                    if uid in elements and (coc_uid is None or coc_uid in coc_by_uid):
                        operands.add((elements[uid], coc_by_uid[coc_uid].pk if coc_uid else None))
        operand_elements = elements
    values = _aggregate(operands, pe_groups, ou_groups, aggregation)

    def element_value(element, coc_id, pe_key, ou_key):
        return values.get((element.pk, coc_id, pe_key, ou_key))

    def item_value(item, pe_key, ou_key):
        """(value, numerator, denominator, factor) of one dx item in one cell."""
        if item.element:
            raw = element_value(item.element, item.coc.pk if item.coc else None, pe_key, ou_key)
            if raw is None or isinstance(raw, str):
                return raw, None, None, None
            return round(raw, ELEMENT_DECIMALS), None, None, None
        numerator_expr, denominator_expr = indicator_parts[item.id]
        operand_values = {}
        for expr in (numerator_expr, denominator_expr):
            for uid, coc_uid in expr.operands:
                element = operand_elements.get(uid)
                if element is not None and (coc_uid is None or coc_uid in coc_by_uid):
                    coc_id = coc_by_uid[coc_uid].pk if coc_uid else None
                    operand_values[(uid, coc_uid)] = element_value(element, coc_id, pe_key, ou_key)
        numerator = numerator_expr.evaluate(operand_values)
        denominator = denominator_expr.evaluate(operand_values)
        if numerator is None or not denominator:
            return None, numerator, denominator, item.indicator.factor
        value = numerator / denominator * item.indicator.factor
        return round(value, item.indicator.decimals), numerator, denominator, item.indicator.factor

    def decimals_of(item):
        return item.indicator.decimals if item.indicator else ELEMENT_DECIMALS

    headers = [_header(name, HEADER_COLUMNS[name]) for name in dims]
    headers.append(_header("value", "Value", "NUMBER", meta=False))
    if include_num_den:
        headers += [_header(n, c, "NUMBER", meta=False)
                    for n, c in (("numerator", "Numerator"), ("denominator", "Denominator"), ("factor", "Factor"))]
    dx_groups = [(item.id, [item]) for item in dx_items] if "dx" in dims else [(None, dx_items)]
    dx_in, pe_in, ou_in = ("dx" in dims), ("pe" in dims), ("ou" in dims)
    result_rows, cells = [], {}
    for dx_key, group_items in dx_groups:
        # One plain element (the common case, and the big one): a dict lookup per cell, nothing more.
        plain = group_items[0].element if len(group_items) == 1 and not include_num_den else None
        plain_coc = group_items[0].coc.pk if plain and group_items[0].coc else None
        for pe_group in pe_groups:
            pe_key = pe_group.key
            for ou_group in ou_groups:
                ou_key = ou_group.key
                if plain is not None:
                    value = values.get((plain.pk, plain_coc, pe_key, ou_key))
                    if value is None:
                        continue
                    if not isinstance(value, str):
                        value = round(value, ELEMENT_DECIMALS)
                    extra = ()
                    decimals = ELEMENT_DECIMALS
                else:
                    parts = [item_value(item, pe_key, ou_key) for item in group_items]
                    present = [p for p in parts if p[0] is not None]
                    if not present:
                        continue
                    if len(group_items) == 1:
                        value, numerator, denominator, factor = present[0]
                        decimals = decimals_of(group_items[0])
                    else:  # dx as a filter over several items: their values add up
                        numbers = [p[0] for p in present if not isinstance(p[0], str)]
                        if not numbers:
                            continue
                        value, numerator, denominator, factor = sum(numbers), None, None, None
                        decimals = max(decimals_of(i) for i in group_items)
                    extra = (numerator, denominator, factor) if include_num_den else ()
                cells[(dx_key, pe_key, ou_key)] = value
                row = [dx_key] if dx_in else []
                if pe_in:
                    row.append(pe_key)
                if ou_in:
                    row.append(ou_key)
                row.append(value if isinstance(value, str) else _format(value, decimals))
                if extra:
                    row += ["" if x is None else _format(x, 10) for x in extra]
                result_rows.append(row)

    meta_items = {name: {"name": DIMENSION_NAMES[name]} for name in DIMENSIONS}
    meta_items.update({item.id: {"name": item.name} for item in dx_items})
    meta_items.update({p.id: {"name": p.label} for p in pe_list})
    meta_items.update({org_unit_uid(u): {"name": u.name, "level": dhis2_level(u)} for u in ou_list})
    meta_data = {
        "items": meta_items,
        "dimensions": {
            "dx": [item.id for item in dx_items],
            "pe": [p.id for p in pe_list],
            "ou": [org_unit_uid(u) for u in ou_list],
            "co": [],
        },
    }
    layout = {
        "rows": list(rows or []),
        "columns": list(columns or []),
        "filters": [name for name in DIMENSIONS if name not in dims],
    }
    return AnalyticsResult(headers, result_rows, meta_data, layout, cells)
