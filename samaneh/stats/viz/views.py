"""Statistics home, the explorer (pivot, charts, map), saved visualisations, dashboards, boundaries."""
import hashlib
import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from samaneh.accounts.roles import Perm
from samaneh.core.exports import Sheet, xlsx_response
from samaneh.core.text import normalize_digits
from samaneh.geo import boundaries, scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.uids import org_unit_id, org_unit_uid
from samaneh.stats.viz import selectors, services
from samaneh.stats.viz.models import CHART_KINDS, DashboardItem, Kind, SavedVisualization
from samaneh.stats.viz.query import (
    DIMENSIONS,
    QueryError,
    VizQuery,
    build_pivot,
    chart_data,
    dimension_label,
    format_number,
    map_data,
)


def stats_view_required(view):
    """Signed in, with a statistics role somewhere; anyone else gets 403 (there is nothing to narrow)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.has_stats_scope(request.user):
            raise PermissionDenied(_("شما به آمار دسترسی ندارید."))
        return view(request, *args, **kwargs)

    return wrapper


@stats_view_required
def home(request):
    roots = selectors.scope_roots(request.user)
    actions = [
        (_("ورود داده"), _("فرم‌های ماهانه و سالانه را برای واحدهای خود پر کنید و کامل اعلام کنید."),
         reverse("stats_entry:home")),
        (_("بارگذاری از اکسل یا CSV"), _("قالب هر فرم را بگیرید، پر کنید و بارگذاری کنید؛ اول پیش‌نمایش."),
         reverse("stats_io:index")),
        (_("جدول محوری"), _("داده و شاخص، دوره و واحد را برگزینید؛ سطر و ستون را جابه‌جا کنید؛ خروجی اکسل."),
         reverse("stats_viz:pivot")),
        (_("نمودار"), _("ستونی، خطی یا دایره‌ای از همان پرس‌وجو."), reverse("stats_viz:chart")),
        (_("نقشه استان‌ها"), _("نقشه رنگی استان‌ها با راهنمای طبقه‌ها."), reverse("stats_viz:map")),
        (_("داشبوردها"), _("نماهای ذخیره‌شده را کنار هم بچینید."), reverse("stats_viz:dashboards")),
        (_("گزارش کامل بودن"), _("چه کسانی فرم‌ها را به‌موقع فرستاده‌اند و چه کسانی نه."),
         reverse("stats_entry:completeness")),
        (_("قواعد اعتبارسنجی"), _("ناسازگاری‌های داده‌های واحدها را بیابید."), reverse("stats_entry:validation")),
    ]
    return render(request, "stats_viz/home.html", {
        "roots": roots,
        "actions": actions,
        "recent": selectors.recent_data_sets(request.user),
        "saved": selectors.saved_visualizations(request.user)[:6],
        "dashboards": selectors.visible_dashboards(request.user)[:6],
    })


# ---- the explorer -----------------------------------------------------------------------------------------

def _picker_context(request, query):
    current = periods.current(periods.YEARLY)
    period_type = request.GET.get("pt") or periods.MONTHLY
    if period_type not in periods.PERIOD_TYPES:
        period_type = periods.MONTHLY
    try:
        year = int(normalize_digits(request.GET.get("py") or current.year))
    except ValueError:
        year = current.year
    year = min(max(year, periods.MIN_YEAR + 10), periods.MAX_YEAR)
    selected_pe = set(query.pe)
    choices = selectors.period_choices(period_type, year)
    listed = {p.id for p in choices}
    selected_elsewhere = []
    for item in query.pe:
        if item in listed or item in selectors.RELATIVE_NAMES:
            continue
        try:
            selected_elsewhere.append(periods.parse(item))
        except periods.PeriodError:
            continue
    selected_ou = set(query.ou)
    roots = selectors.scope_roots(request.user)
    ou_names = {}
    ids = [org_unit_id(item.split(";")[0]) for item in query.ou]
    for unit in OrgUnit.objects.filter(pk__in=[i for i in ids if i]):
        ou_names[org_unit_uid(unit)] = unit.name
    return {
        "data_items": selectors.data_items(),
        "selected_dx": set(query.dx),
        "period_types": [(t, periods.PERIOD_TYPE_LABELS[t]) for t in periods.PERIOD_TYPES],
        "period_type": period_type,
        "years": list(range(current.year - 9, current.year + 1)),
        "year": year,
        "period_choices": choices,
        "selected_elsewhere": selected_elsewhere,
        "relative_periods": selectors.RELATIVE_PERIODS,
        "selected_pe": selected_pe,
        "roots": [(org_unit_uid(r), r) for r in roots],
        "selected_ou": selected_ou,
        "ou_chosen": [(item, ou_names.get(item.split(";")[0], item)) for item in query.ou
                      if item.split(";")[0] in ou_names and item.split(";")[0] not in {org_unit_uid(r) for r in roots}],
        "levels": [(f"LEVEL-{level}", label) for level, label in selectors.LEVELS],
        "places": [("rows", _("سطرها")), ("columns", _("ستون‌ها")), ("filters", _("فیلتر"))],
        "layout": {dim: query.place_of(dim) for dim in DIMENSIONS},
        "dimensions": [(dim, dimension_label(dim)) for dim in DIMENSIONS],
    }


def _empty_query(request):
    return VizQuery(ou=["USER_ORGUNIT"], pe=["LAST_12_MONTHS"])


def _read_query(request):
    """(query, errors): the query in the URL, or a starting one when nothing was asked yet."""
    if not any(request.GET.getlist(dim) for dim in DIMENSIONS):
        return _empty_query(request), [], False
    try:
        return VizQuery.from_params(request.GET), [], True
    except QueryError as error:
        query = VizQuery(**{dim: request.GET.getlist(dim) for dim in DIMENSIONS})
        layout = {dim: request.GET.get(f"layout_{dim}") for dim in DIMENSIONS}
        if sorted(d for d in DIMENSIONS if layout[d] in ("rows", "columns", "filters")) == sorted(DIMENSIONS):
            query.rows = [d for d in DIMENSIONS if layout[d] == "rows"]
            query.columns = [d for d in DIMENSIONS if layout[d] == "columns"]
            query.filters = [d for d in DIMENSIONS if layout[d] == "filters"]
        return query, error.messages, False


def _pivot_rows(pivot):
    """Table rows for the template: labels, formatted cells and the row total."""
    rows = []
    for row_key in pivot.row_keys:
        cells = [format_number(pivot.value(row_key, c)) for c in pivot.column_keys]
        total = pivot.row_totals.get(row_key) if pivot.row_totals is not None else None
        rows.append({"labels": [pivot.names.get(i, i) for i in row_key], "cells": cells,
                     "total": format_number(total)})
    return rows


def _column_header_rows(pivot):
    """One header row per column dimension, with colspans (the outer dimension spans the inner)."""
    rows = []
    for depth, _dim in enumerate(pivot.query.columns):
        cells, previous = [], None
        for key in pivot.column_keys:
            prefix = key[: depth + 1]
            if prefix == previous:
                cells[-1]["span"] += 1
            else:
                cells.append({"label": pivot.names.get(key[depth], key[depth]), "span": 1})
                previous = prefix
        rows.append(cells)
    return rows


def _explore(request, kind):
    query, errors, asked = _read_query(request)
    context = {"kind": kind, "query": query, "errors": errors, "asked": asked, "chart_kinds": CHART_KINDS,
               "tile_url": getattr(settings, "MAP_TILE_URL", "")}
    context.update(_picker_context(request, query))
    if asked and not errors:
        try:
            if kind == Kind.MAP:
                context["map"] = map_data(user=request.user, query=query)
                context["province_note"] = _province_note(request.user)
            else:
                pivot = build_pivot(user=request.user, query=query)
                context["pivot"] = pivot
                if kind == Kind.PIVOT:
                    context["pivot_rows"] = _pivot_rows(pivot)
                    context["column_header_rows"] = _column_header_rows(pivot)
                    context["column_totals"] = (
                        [format_number(pivot.column_totals.get(c)) for c in pivot.column_keys]
                        if pivot.column_totals is not None else None)
                    context["grand_total"] = format_number(pivot.grand_total) if pivot.has_grand_total else None
                    context["row_dimension_labels"] = [dimension_label(d) for d in query.rows]
                    context["filter_text"] = _filter_text(pivot)
                else:
                    context["chart"] = chart_data(pivot, kind)
        except QueryError as error:
            context["errors"] = error.messages
        context["swap_url"] = f"{request.path}?{query.swapped().querystring()}"
        context["export_url"] = f"{reverse('stats_viz:pivot_export')}?{query.querystring()}"
        context["querystring"] = query.querystring()
        context["query_json"] = json.dumps(query.as_json(), ensure_ascii=False)
    return render(request, "stats_viz/explore.html", context)


def _filter_text(pivot):
    parts = []
    for dim in pivot.query.filters:
        names = [pivot.names.get(item, selectors.RELATIVE_NAMES.get(item, item)) for item in pivot.query.items(dim)]
        parts.append(f"{dimension_label(dim)}: {'، '.join(names)}")
    return " — ".join(parts)


def _province_note(user):
    roots = selectors.scope_roots(user)
    if roots and all(root.level > OrgUnit.LEVELS[OrgUnit.Kind.PROVINCE] for root in roots):
        return _("نقشه در سطح استان است و محدوده شما (%(names)s) کوچک‌تر از یک استان است؛ "
                 "مرز شهرستان‌ها با مجوز انتشار در دسترس نیست. ارقام را در جدول محوری ببینید.") % {
            "names": "، ".join(r.name for r in roots)}
    return ""


@stats_view_required
def pivot(request):
    return _explore(request, Kind.PIVOT)


@stats_view_required
def chart(request):
    kind = request.GET.get("type") or Kind.COLUMN
    if kind not in CHART_KINDS:
        kind = Kind.COLUMN
    return _explore(request, kind)


@stats_view_required
def map_view(request):
    return _explore(request, Kind.MAP)


@stats_view_required
def pivot_export(request):
    try:
        query = VizQuery.from_params(request.GET)
        pivot = build_pivot(user=request.user, query=query)
    except QueryError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('stats_viz:pivot')}?{request.GET.urlencode()}")
    return xlsx_response("pivot.xlsx", [pivot_sheet(pivot)])


def pivot_sheet(pivot):
    """The pivot as one sheet: row labels, one column per column key, totals; numbers stay numbers."""
    headers = [dimension_label(d) for d in pivot.query.rows]
    headers += [pivot.label(c) for c in pivot.column_keys]
    if pivot.row_totals is not None:
        headers.append(_("جمع"))
    rows = []
    for row_key in pivot.row_keys:
        row = [pivot.names.get(i, i) for i in row_key]
        row += [pivot.value(row_key, c) for c in pivot.column_keys]
        if pivot.row_totals is not None:
            row.append(pivot.row_totals.get(row_key))
        rows.append(row)
    if pivot.column_totals is not None:
        total = [_("جمع")] + [""] * (len(pivot.query.rows) - 1)
        total += [pivot.column_totals.get(c) for c in pivot.column_keys]
        if pivot.row_totals is not None:
            total.append(pivot.grand_total if pivot.has_grand_total else None)
        rows.append(total)
    filters = _filter_text(pivot)
    if filters:
        rows.append([filters])
    return Sheet(_("جدول محوری"), headers, rows)


@stats_view_required
@require_GET
def period_list(request):
    """The fixed-period checkboxes for one period type and year (htmx swaps them into the picker)."""
    query = VizQuery(pe=request.GET.getlist("pe"))
    return render(request, "stats_viz/_periods.html", _picker_context(request, query))


@stats_view_required
@require_GET
def unit_children(request, uid):
    unit = get_object_or_404(OrgUnit, pk=org_unit_id(uid) or 0)
    if not scope.can_act(request.user, Perm.STATS_VIEW, unit):
        raise Http404
    children = [(org_unit_uid(c), c) for c in selectors.unit_children_in_scope(request.user, unit)]
    return render(request, "stats_viz/_units.html", {"children": children, "selected_ou": set(request.GET.getlist("ou"))})


# ---- saved visualisations and dashboards -------------------------------------------------------------------

def _viz_url(visualization):
    query = VizQuery.from_json(visualization.query)
    if visualization.kind == Kind.PIVOT:
        return f"{reverse('stats_viz:pivot')}?{query.querystring()}"
    if visualization.kind == Kind.MAP:
        return f"{reverse('stats_viz:map')}?{query.querystring()}"
    return f"{reverse('stats_viz:chart')}?{query.querystring(type=visualization.kind)}"


def _back(request):
    """Where to return after a refused save: the page it came from, never another site."""
    back = request.POST.get("back") or ""
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("stats_viz:pivot")


@stats_view_required
@require_POST
def visualization_save(request):
    try:
        query = VizQuery.from_json(json.loads(request.POST.get("query") or "null"))
        visualization = services.visualization_save(request.user, name=request.POST.get("name"),
                                                    kind=request.POST.get("kind"), query=query)
    except (QueryError, json.JSONDecodeError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("پرس‌وجو خراب است.")])))
        return redirect(_back(request))
    except ValidationError as error:
        for field_errors in error.message_dict.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(_back(request))
    messages.success(request, _("«%(name)s» ذخیره شد.") % {"name": visualization.name})
    return redirect(_viz_url(visualization))


@stats_view_required
def visualization_list(request):
    saved = [(v, _viz_url(v)) for v in selectors.saved_visualizations(request.user)]
    return render(request, "stats_viz/saved.html", {"saved": saved})


@stats_view_required
def visualization_open(request, pk):
    visualization = get_object_or_404(SavedVisualization, pk=pk, owner=request.user)
    return redirect(_viz_url(visualization))


@stats_view_required
@require_POST
def visualization_delete(request, pk):
    visualization = get_object_or_404(SavedVisualization, pk=pk, owner=request.user)
    services.visualization_delete(request.user, visualization=visualization)
    messages.success(request, _("نما حذف شد."))
    return redirect("stats_viz:saved")


@stats_view_required
def dashboards(request):
    if request.method == "POST":
        try:
            dashboard = services.dashboard_create(request.user, name=request.POST.get("name"),
                                                  shared=request.POST.get("shared") == "on")
        except ValidationError as error:
            for message in error.message_dict.get("name", []):
                messages.error(request, message)
            return redirect("stats_viz:dashboards")
        return redirect("stats_viz:dashboard", pk=dashboard.pk)
    return render(request, "stats_viz/dashboards.html", {"dashboards": selectors.visible_dashboards(request.user)})


def render_item(user, visualization):
    """One dashboard item, run as the viewer: its table/chart/map data, or a Persian notice."""
    item = {"visualization": visualization, "url": None, "error": None}
    try:
        query = VizQuery.from_json(visualization.query)
        item["url"] = _viz_url(visualization)
        if visualization.kind == Kind.MAP:
            item["map"] = map_data(user=user, query=query)
        else:
            pivot = build_pivot(user=user, query=query)
            if visualization.kind == Kind.PIVOT:
                item["pivot"] = pivot
                item["pivot_rows"] = _pivot_rows(pivot)
                item["column_header_rows"] = _column_header_rows(pivot)
                item["row_dimension_labels"] = [dimension_label(d) for d in query.rows]
                item["column_totals"] = ([format_number(pivot.column_totals.get(c)) for c in pivot.column_keys]
                                         if pivot.column_totals is not None else None)
                item["grand_total"] = format_number(pivot.grand_total) if pivot.has_grand_total else None
            else:
                item["chart"] = chart_data(pivot, visualization.kind)
    except QueryError as error:
        item["error"] = " ".join(error.messages)
    return item


@stats_view_required
def dashboard(request, pk):
    board = get_object_or_404(selectors.visible_dashboards(request.user), pk=pk)
    owner = board.owner_id == request.user.pk
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        _dashboard_post(request, board)
        return redirect("stats_viz:dashboard", pk=board.pk)
    items = [{"item": i, "width": i.width, "data_id": f"viz-item-{i.pk}", **render_item(request.user, i.visualization)}
             for i in selectors.dashboard_items(board)]
    return render(request, "stats_viz/dashboard.html", {
        "dashboard": board, "items": items, "owner": owner, "widths": DashboardItem.Width.choices,
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "available": selectors.saved_visualizations(request.user) if owner else [],
    })


def _dashboard_post(request, board):
    action = request.POST.get("action")
    if action == "add":
        visualization = get_object_or_404(SavedVisualization, pk=request.POST.get("visualization") or 0,
                                          owner=request.user)
        try:
            width = int(request.POST.get("width") or DashboardItem.Width.HALF)
            services.dashboard_item_add(request.user, dashboard=board, visualization=visualization, width=width)
        except (ValueError, ValidationError):
            messages.error(request, _("عرض باید یک‌سوم، نیمه یا تمام عرض باشد."))
        return
    item = get_object_or_404(DashboardItem, pk=request.POST.get("item") or 0, dashboard=board)
    if action == "remove":
        services.dashboard_item_remove(request.user, item=item)
    elif action in ("up", "down"):
        services.dashboard_item_move(request.user, item=item, step=-1 if action == "up" else 1)


# ---- boundaries --------------------------------------------------------------------------------------------

_GEOJSON_CACHE = {}


@require_GET
@gzip_page
def boundaries_geojson(request, kind):
    """Public: boundaries are public geography and carry no figures, so the landfill bank's public pages
    and any viewer can draw them. The body depends only on the province units, so it is built once per
    set of units and served with an ETag and a day's caching."""
    if kind not in boundaries.KINDS:
        raise Http404
    units = tuple(OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE).order_by("pk").values_list("pk", "name"))
    key = (kind, units)
    if key not in _GEOJSON_CACHE:
        body = json.dumps(boundaries.boundaries_geojson(kind), ensure_ascii=False, separators=(",", ":")).encode()
        _GEOJSON_CACHE.clear()
        _GEOJSON_CACHE[key] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    body, etag = _GEOJSON_CACHE[key]
    # gzip_page weakens the tag (W/"…") on compressed answers; a weak match is enough for a GET.
    presented = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in presented:
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response

