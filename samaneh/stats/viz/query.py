"""The query behind every pivot, chart, map and dashboard item, and the pivot built from its answer.

A query names the three DHIS2 dimensions — data (`dx`: element and indicator uids), periods (`pe`: Jalali
period ids and relative periods) and org units (`ou`: uids, `USER_ORGUNIT`, `LEVEL-n`, `uid;CHILDREN`) —
and where each goes: rows, columns or filters. Every number comes from the one analytics engine,
`samaneh.stats.analytics.engine.analytics_query`, run as the viewing user, so each viewer sees only
their own scope. Totals follow the aggregation type: figures of SUM elements are added up; for anything
else (averages, last values, indicators) the total is asked of the engine with the collapsed dimensions
as filters, which is what the same figure would be on its own — never a sum of averages.
"""
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.core.text import localize_digits, normalize_digits, normalize_text
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.models import AggregationType, DataElement, Indicator
from samaneh.stats.uids import org_unit_id

DIMENSIONS = ("dx", "pe", "ou")
PLACES = ("rows", "columns", "filters")
USER_UNIT_KEYWORDS = ("USER_ORGUNIT", "USER_ORGUNIT_CHILDREN", "USER_ORGUNIT_GRANDCHILDREN")
MAX_ITEMS = {"dx": 50, "pe": 120, "ou": 400}
MAX_CELLS = 20_000
DEFAULT_LAYOUT = {"rows": ["ou"], "columns": ["pe"], "filters": ["dx"]}


class QueryError(ValueError):
    """The query cannot be run; `messages` are Persian and name the field at fault."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class OutOfScope(QueryError):
    """A unit named in the query lies outside the viewer's statistics scope."""


def dimension_label(dim):
    return {"dx": _("داده"), "pe": _("دوره"), "ou": _("واحد")}[dim]


@dataclass
class VizQuery:
    dx: list = field(default_factory=list)
    pe: list = field(default_factory=list)
    ou: list = field(default_factory=list)
    rows: list = field(default_factory=lambda: list(DEFAULT_LAYOUT["rows"]))
    columns: list = field(default_factory=lambda: list(DEFAULT_LAYOUT["columns"]))
    filters: list = field(default_factory=lambda: list(DEFAULT_LAYOUT["filters"]))

    def items(self, dim):
        return getattr(self, dim)

    def place_of(self, dim):
        return next(place for place in PLACES if dim in getattr(self, place))

    def as_json(self):
        return {key: list(getattr(self, key)) for key in (*DIMENSIONS, *PLACES)}

    def swapped(self):
        return VizQuery(dx=list(self.dx), pe=list(self.pe), ou=list(self.ou), rows=list(self.columns),
                        columns=list(self.rows), filters=list(self.filters))

    def params(self):
        """The query as GET parameters (the pickers' field names), for links and the Excel export."""
        pairs = [(dim, item) for dim in DIMENSIONS for item in getattr(self, dim)]
        pairs += [(f"layout_{dim}", self.place_of(dim)) for dim in DIMENSIONS]
        return pairs

    def querystring(self, **extra):
        return urlencode(self.params() + list(extra.items()))

    @classmethod
    def from_params(cls, data):
        """From the pickers' GET parameters (a QueryDict); raises QueryError with every problem found."""
        values = {dim: [normalize_text(normalize_digits(v)) for v in data.getlist(dim) if v and v.strip()]
                  for dim in DIMENSIONS}
        layout = {dim: data.get(f"layout_{dim}") or _default_place(dim) for dim in DIMENSIONS}
        query = cls(**values, rows=[d for d in DIMENSIONS if layout[d] == "rows"],
                    columns=[d for d in DIMENSIONS if layout[d] == "columns"],
                    filters=[d for d in DIMENSIONS if layout[d] == "filters"])
        errors = [_("جای «%(dim)s» در چیدمان باید سطر، ستون یا فیلتر باشد.") % {"dim": dimension_label(d)}
                  for d in DIMENSIONS if layout[d] not in PLACES]
        query.validate(extra_errors=errors)
        return query

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict):
            raise QueryError([_("پرس‌وجوی ذخیره‌شده خراب است.")])
        try:
            query = cls(**{key: [str(v) for v in data.get(key, [])] for key in (*DIMENSIONS, *PLACES)})
        except TypeError:
            raise QueryError([_("پرس‌وجوی ذخیره‌شده خراب است.")]) from None
        query.validate()
        return query

    def validate(self, extra_errors=()):
        errors = list(extra_errors)
        placed = [dim for place in PLACES for dim in getattr(self, place)]
        if sorted(placed) != sorted(DIMENSIONS):
            errors.append(_("هر یک از داده، دوره و واحد باید دقیقاً یک جا در چیدمان داشته باشد."))
        elif not self.rows:
            errors.append(_("دست‌کم یکی از داده، دوره یا واحد باید در سطرها باشد."))
        if not self.dx:
            errors.append(_("دست‌کم یک عنصر داده یا شاخص انتخاب کنید."))
        if not self.pe:
            errors.append(_("دست‌کم یک دوره انتخاب کنید."))
        if not self.ou:
            errors.append(_("دست‌کم یک واحد سازمانی انتخاب کنید."))
        for dim in DIMENSIONS:
            if len(getattr(self, dim)) > MAX_ITEMS[dim]:
                errors.append(_("حداکثر %(n)s مورد برای «%(dim)s» می‌توان انتخاب کرد.")
                              % {"n": localize_digits(MAX_ITEMS[dim]), "dim": dimension_label(dim)})
        errors += _check_dx(self.dx) + _check_pe(self.pe) + _check_ou(self.ou)
        if errors:
            raise QueryError(errors)


def _default_place(dim):
    return next(place for place, dims in DEFAULT_LAYOUT.items() if dim in dims)


def _check_dx(items):
    element_uids = {item.split(".")[0] for item in items}
    known = set(DataElement.objects.filter(uid__in=element_uids).values_list("uid", flat=True))
    known |= set(Indicator.objects.filter(uid__in=element_uids).values_list("uid", flat=True))
    return [_("عنصر داده یا شاخص «%(uid)s» شناخته نیست.") % {"uid": item}
            for item in items if item.split(".")[0] not in known]


def _check_pe(items):
    errors = []
    for item in items:
        try:
            periods.resolve(item)
        except periods.PeriodError as error:
            errors.append(_("دوره: %(error)s") % {"error": error})
    return errors


def _unit_uid_part(item):
    """The uid in `uid`, `uid;CHILDREN`, `uid;LEVEL-n`, or None for keywords and plain levels."""
    head = item.split(";")[0]
    if head in USER_UNIT_KEYWORDS or head.startswith("LEVEL-"):
        return None
    return head


def _check_ou(items):
    errors = []
    for item in items:
        parts = item.split(";")
        for part in parts:
            if part.startswith("LEVEL-") and not part[6:].isdigit():
                errors.append(_("سطح «%(item)s» نادرست است.") % {"item": item})
        if len(parts) > 2 or (len(parts) == 2 and parts[1] != "CHILDREN" and not parts[1].startswith("LEVEL-")):
            errors.append(_("واحد «%(item)s» را نمی‌شناسیم.") % {"item": item})
        uid = _unit_uid_part(item)
        if uid is not None and (org_unit_id(uid) is None or not OrgUnit.objects.filter(pk=org_unit_id(uid)).exists()):
            errors.append(_("واحد سازمانی «%(uid)s» شناخته نیست.") % {"uid": uid})
    return errors


def check_scope(user, query):
    """Refuse a query naming a unit outside the viewer's scope (relative units follow the viewer)."""
    ids = [org_unit_id(uid) for uid in filter(None, map(_unit_uid_part, query.ou))]
    outside = [unit for unit in OrgUnit.objects.filter(pk__in=ids) if not scope.can_act(user, Perm.STATS_VIEW, unit)]
    if outside or not scope.roots(user, Perm.STATS_VIEW):
        raise OutOfScope([_("این نما واحدی بیرون از محدوده دسترسی شما دارد (%(names)s)؛ ارقام آن نشان داده نمی‌شود.")
                          % {"names": "، ".join(u.name for u in outside) or _("بدون محدوده آماری")}])


# ---- running the engine -------------------------------------------------------------------------------

def engine_run(*, user, query, dims, filter_dims, today=None):
    """One call of the analytics engine: `dims` as dimensions, `filter_dims` folded in as filters.

    Returns {(item per dim in `dims` order): float} and the engine's metaData."""
    from samaneh.stats.analytics.engine import AnalyticsError, analytics_query

    kwargs = {dim: (query.items(dim) if dim in dims else None) for dim in DIMENSIONS}
    filters = {dim: query.items(dim) for dim in filter_dims}
    try:
        result = analytics_query(user=user, filters=filters or None, today=today, **kwargs)
    except AnalyticsError as error:
        raise QueryError([str(error)]) from None
    index = {header["name"]: position for position, header in enumerate(result.headers)}
    values = {}
    for row in result.rows:
        key = tuple(row[index[dim]] for dim in dims)
        try:
            values[key] = float(row[index["value"]])
        except ValueError:  # a text element's value, shown as it is
            values[key] = row[index["value"]]
    return values, result.meta_data


@dataclass
class Pivot:
    query: VizQuery
    row_keys: list  # tuples of item ids, one per row dimension
    column_keys: list
    cells: dict  # (row key, column key) → float or None
    names: dict  # item id → label
    decimals: dict  # dx id → decimals to show
    row_totals: dict | None = None
    column_totals: dict | None = None
    grand_total: float | None = None
    has_grand_total: bool = False

    def label(self, key):
        return " / ".join(self.names.get(item, item) for item in key) if key else self.value_name()

    def value_name(self):
        """What the single value column holds: the data named in the filter, or just «value»."""
        if "dx" in self.query.filters:
            return "، ".join(self.names.get(item, item) for item in self.query.dx)
        return _("مقدار")

    def value(self, row_key, column_key):
        return self.cells.get((row_key, column_key))

    def swapped_names(self):
        return {"rows": [dimension_label(d) for d in self.query.rows],
                "columns": [dimension_label(d) for d in self.query.columns]}


def _dimension_items(query, meta, dim):
    """The ordered item ids of `dim` as the engine resolved them (relative periods, levels)."""
    dims = (meta or {}).get("dimensions", {})
    items = dims.get(dim)
    return list(items) if items else list(query.items(dim))


def _names(meta):
    names = {}
    for key, item in (meta or {}).get("items", {}).items():
        names[key] = item.get("name", key) if isinstance(item, dict) else str(item)
    return names


def _period_label(period_id, fallback):
    try:
        return periods.parse(period_id).label
    except periods.PeriodError:
        return fallback


def _fill_names(names, items):
    """Persian labels for every item: Jalali period labels; names from the database where metaData has none."""
    for period_id in items.get("pe", ()):
        names[period_id] = _period_label(period_id, names.get(period_id, period_id))
    missing_dx = {i.split(".")[0] for i in items.get("dx", ()) if i not in names}
    for model in (DataElement, Indicator):
        for uid, name in model.objects.filter(uid__in=missing_dx).values_list("uid", "name"):
            names.setdefault(uid, name)
    missing_ou = {org_unit_id(i): i for i in items.get("ou", ()) if i not in names}
    for pk, name in OrgUnit.objects.filter(pk__in=[k for k in missing_ou if k]).values_list("pk", "name"):
        names[missing_ou[pk]] = name


def _combinations(lists):
    keys = [()]
    for items in lists:
        keys = [key + (item,) for key in keys for item in items]
    return keys


def _all_sum(query):
    uids = {item.split(".")[0] for item in query.dx}
    aggregations = set(DataElement.objects.filter(uid__in=uids).values_list("aggregation_type", flat=True))
    elements = DataElement.objects.filter(uid__in=uids).count()
    return elements == len(uids) and aggregations == {AggregationType.SUM}


def _sum(values):
    present = [v for v in values if isinstance(v, (int, float))]
    return math.fsum(present) if present else None


def build_pivot(*, user, query, today=None):
    """Run the query as `user` and lay the answer out in rows and columns, with totals."""
    check_scope(user, query)
    dims = [*query.rows, *query.columns]
    values, meta = engine_run(user=user, query=query, dims=dims, filter_dims=query.filters, today=today)
    items = {dim: _dimension_items(query, meta, dim) for dim in dims}
    names = _names(meta)
    _fill_names(names, {"dx": query.dx, **items})
    row_keys = _combinations([items[d] for d in query.rows])
    column_keys = _combinations([items[d] for d in query.columns])
    row_width = len(query.rows)
    cells = {}
    for key, value in values.items():
        cells[(key[:row_width], key[row_width:])] = value
    pivot = Pivot(query=query, row_keys=row_keys, column_keys=column_keys, cells=cells, names=names,
                  decimals=_decimals(query))
    if len(row_keys) * max(len(column_keys), 1) > MAX_CELLS:
        raise QueryError([_("جدول بیش از %(n)s خانه دارد؛ داده، دوره یا واحد کمتری انتخاب کنید.")
                          % {"n": localize_digits(MAX_CELLS)}])
    _add_totals(pivot, user=user, today=today, items=items)
    return pivot


def _total_possible(query, collapsed, items):
    # Adding up different data elements gives a number nobody asked for, and adding a unit to a unit that
    # contains it (Karaj and Alborz) counts the same values twice.
    if "dx" in collapsed and len(query.dx) > 1:
        return False
    return not ("ou" in collapsed and _units_nest(items.get("ou", [])))


def _units_nest(uids):
    """Whether one of these org units lies inside another. Sorted materialised paths put every unit right
    before its descendants, so comparing neighbours is enough."""
    ids = [pk for pk in (org_unit_id(uid) for uid in uids) if pk]
    paths = sorted(OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True))
    return any(later.startswith(earlier) for earlier, later in zip(paths, paths[1:]))


def _add_totals(pivot, *, user, today, items):
    query = pivot.query
    additive = _all_sum(query)
    if query.columns and _total_possible(query, query.columns, items):
        if additive:
            pivot.row_totals = {r: _sum(pivot.cells.get((r, c)) for c in pivot.column_keys) for r in pivot.row_keys}
        else:
            totals, _meta = engine_run(user=user, query=query, dims=query.rows,
                                       filter_dims=[*query.filters, *query.columns], today=today)
            pivot.row_totals = {r: totals.get(r) for r in pivot.row_keys}
    if query.columns and _total_possible(query, query.rows, items):
        if additive:
            pivot.column_totals = {c: _sum(pivot.cells.get((r, c)) for r in pivot.row_keys)
                                   for c in pivot.column_keys}
        else:
            totals, _meta = engine_run(user=user, query=query, dims=query.columns,
                                       filter_dims=[*query.filters, *query.rows], today=today)
            pivot.column_totals = {c: totals.get(c) for c in pivot.column_keys}
    elif not query.columns and _total_possible(query, query.rows, items):
        # One value column: its total is the column total of the single (empty) column key.
        if additive:
            pivot.column_totals = {(): _sum(pivot.cells.get((r, ())) for r in pivot.row_keys)}
        elif len(query.dx) == 1:
            totals, _meta = engine_run(user=user, query=query, dims=["dx"],
                                       filter_dims=[d for d in DIMENSIONS if d != "dx"], today=today)
            pivot.column_totals = {(): totals.get((query.dx[0],))}
    if pivot.row_totals is not None and pivot.column_totals is not None:
        pivot.has_grand_total = True
        if additive:
            pivot.grand_total = _sum(pivot.cells.get((r, c)) for r in pivot.row_keys for c in pivot.column_keys)
        elif len(query.dx) == 1:
            totals, _meta = engine_run(user=user, query=query, dims=["dx"],
                                       filter_dims=[d for d in DIMENSIONS if d != "dx"], today=today)
            pivot.grand_total = totals.get((query.dx[0],))
        else:
            pivot.has_grand_total = False


def _decimals(query):
    uids = {item.split(".")[0] for item in query.dx}
    decimals = {uid: places for uid, places in Indicator.objects.filter(uid__in=uids).values_list("uid", "decimals")}
    return decimals


def format_number(value, decimals=2):
    """Persian display of a figure: thousands grouped (٬), decimal separator ٫, trailing zeros dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return localize_digits(text).replace(",", "٬").replace(".", "٫") if localize_digits("1") != "1" else text


# ---- the same answer for charts and maps -----------------------------------------------------------------

def chart_data(pivot, kind):
    """ECharts-ready data: categories are the rows, series the columns (a pie takes the first column)."""
    categories = [pivot.label(r) for r in pivot.row_keys]
    series = []
    for column in pivot.column_keys:
        series.append({
            "name": pivot.label(column),
            "data": [_plain(pivot.cells.get((r, column))) for r in pivot.row_keys],
        })
    if kind == "pie":
        first = series[0] if series else {"name": "", "data": []}
        return {"kind": "pie", "title": first["name"],
                "data": [{"name": name, "value": value} for name, value in zip(categories, first["data"])
                         if value is not None]}
    return {"kind": kind, "categories": categories, "series": series}


def _plain(value):
    return round(value, 4) if isinstance(value, (int, float)) else None


def map_query(user, query):
    """The map's own query: the first data item, periods as a filter, the provinces within scope as rows
    (the map is drawn at province level whatever units the query names; they only have to be in scope)."""
    provinces = scope.units(user, Perm.STATS_VIEW).filter(kind=OrgUnit.Kind.PROVINCE).order_by("pk")
    from samaneh.stats.uids import org_unit_uid

    return VizQuery(dx=query.dx[:1], pe=list(query.pe), ou=[org_unit_uid(p) for p in provinces],
                    rows=["ou"], columns=[], filters=["dx", "pe"])


def map_data(*, user, query, today=None, classes=5):
    """{uid: value} for the provinces in scope, equal-interval colour classes and their legend."""
    check_scope(user, query)
    mq = map_query(user, query)
    if not mq.ou:
        return {"values": {}, "names": {}, "classes": [], "title": "", "empty": True}
    values, meta = engine_run(user=user, query=mq, dims=["ou"], filter_dims=["dx", "pe"], today=today)
    by_uid = {key[0]: value for key, value in values.items()}
    names = _names(meta)
    _fill_names(names, {"dx": mq.dx, "ou": mq.ou})
    present = sorted(by_uid.values())
    breaks = []
    if present:
        low, high = present[0], present[-1]
        step = (high - low) / classes if high > low else 0
        breaks = [{"from": low + step * i, "to": (low + step * (i + 1)) if i < classes - 1 else high}
                  for i in range(classes if step else 1)]
        for b in breaks:
            b["label"] = f"{format_number(b['from'])} – {format_number(b['to'])}"
    title = names.get(mq.dx[0], mq.dx[0]) if mq.dx else ""
    return {"values": {uid: _plain(v) for uid, v in by_uid.items()},
            "labels": {uid: format_number(v) for uid, v in by_uid.items()},
            "names": {uid: names.get(uid, uid) for uid in mq.ou}, "classes": breaks, "title": title,
            "empty": not present}
