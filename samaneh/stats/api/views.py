"""The DHIS2-compatible Web API under /dhis2/api/ — thin views over datavalues_import, the selectors and
the representations. Shapes follow DHIS2 2.40 so DHIS2 clients work with base URL http://host/dhis2."""
import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samaneh.accounts.roles import Perm, Role
from samaneh.core.text import normalize_digits
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats.api import representations as rep
from samaneh.stats.api.auth import api_view, error
from samaneh.stats.api.models import ApiCredential
from samaneh.stats.api.query import Paging, QueryError, matches, parse_fields, parse_filters, select
from samaneh.stats.api.selectors import ExportRefused, export_values, has_stats_access
from samaneh.stats.api.services import api_credential_create, api_credential_revoke, import_once
from samaneh.stats.datavalues import ImportRefused, datavalues_import
from samaneh.stats.models import CategoryCombo, CategoryOptionCombo, DataElement, DataSet, Indicator
from samaneh.stats.uids import org_unit_id, org_unit_uid

SYSTEM_NAME = "سامانه جامع آماری سامانه"
VERSION = "2.40.0-samaneh"
CSV_COLUMNS = ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
               "storedby", "lastupdated", "comment", "followup"]
CSV_TYPES = ("application/csv", "text/csv")
METADATA_MODELS = {"dataElements": DataElement, "dataSets": DataSet, "indicators": Indicator,
                   "categoryCombos": CategoryCombo, "categoryOptionCombos": CategoryOptionCombo}


def _json(body, status=200):
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _base_url(request):
    return request.build_absolute_uri("/dhis2").rstrip("/")


def _multi(request, name):
    """A DHIS2 parameter given repeated (`?orgUnit=a&orgUnit=b`) or comma-separated (`?orgUnit=a,b`)."""
    out = []
    for value in request.GET.getlist(name):
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _flag(request, name, default=False):
    value = request.GET.get(name)
    return default if value is None else value.strip().lower() in ("true", "1", "yes")


def _scheme(request, name):
    value = (request.GET.get(name) or request.GET.get("idScheme") or "").strip().upper()
    if value in ("", "UID", "CODE"):
        return value or None
    raise ImportRefused(f"طرح شناسه «{value}» در {name} پشتیبانی نمی‌شود؛ UID یا CODE")


# ---- system ---------------------------------------------------------------------------------------------
@api_view(["GET"])
def system_info(request):
    now = timezone.now()
    return _json({
        "contextPath": _base_url(request),
        "instanceBaseUrl": _base_url(request),
        "userAgent": request.META.get("HTTP_USER_AGENT", ""),
        "calendar": "persian",
        "dateFormat": "yyyy-mm-dd",
        "serverDate": rep.timestamp(now),
        "serverTimeZoneId": settings.TIME_ZONE,
        "serverTimeZoneDisplayName": settings.TIME_ZONE,
        "version": VERSION,
        "revision": "samaneh",
        "systemName": SYSTEM_NAME,
        "systemId": "samaneh-stats",
        "isMetadataVersionEnabled": False,
        "emailConfigured": False,
        "encryption": False,
    })


@api_view(["GET"])
def me(request):
    user = request.user

    def roots(perm):
        return [rep.unit_ref(u) for u in scope.roots(user, perm)]

    roles = sorted({Role(r) for r in user.role_assignments.values_list("role", flat=True)}) if user.pk else []
    authorities = [perm for perm in (Perm.STATS_VIEW, Perm.STATS_ENTER, Perm.STATS_APPROVE, Perm.STATS_MANAGE)
                   if has_stats_access(user, perm)]
    name = user.get_full_name() or user.get_username()
    body = {
        "id": "U" + org_unit_uid(user.pk)[1:], "username": user.get_username(), "name": name, "displayName": name,
        "firstName": user.first_name, "surname": user.last_name, "email": user.email or None,
        "userCredentials": {"username": user.get_username()},
        "organisationUnits": roots(Perm.STATS_ENTER), "dataViewOrganisationUnits": roots(Perm.STATS_VIEW),
        "teiSearchOrganisationUnits": [],
        "userRoles": [{"id": r.value, "name": str(r.label), "displayName": str(r.label)} for r in roles],
        "authorities": authorities,
        "settings": {"keyUiLocale": "fa", "keyDbLocale": "fa"},
    }
    fields = request.GET.get("fields")
    return _json(select(body, parse_fields(fields)) if fields else body)


# ---- dataValueSets --------------------------------------------------------------------------------------
@api_view(["GET", "POST"])
def data_value_sets(request, fmt=None):
    if request.method == "GET":
        return _export(request, fmt)
    return _import(request, fmt)


def _rows_from_json(raw):
    try:
        body = json.loads(raw.decode("utf-8-sig") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(f"بدنه درخواست JSON معتبر نیست: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("dataValues", []), list):
        raise ImportRefused("بدنه باید شیئی با فهرست «dataValues» باشد")
    defaults = {key: body.get(key) for key in ("period", "orgUnit", "attributeOptionCombo") if body.get(key)}
    # The parsed objects are this request's own: rows are filled in place rather than copied.
    rows = body.get("dataValues", [])
    if not set(map(type, rows)) <= {dict}:
        rows = [value if isinstance(value, dict) else {} for value in rows]
    for key, default in defaults.items():
        for row in rows:
            if not row.get(key):
                row[key] = default
    return rows, body.get("dataSet") or None


def _rows_from_csv(raw):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("پرونده CSV باید با کدگذاری UTF-8 باشد") from None
    reader = csv.reader(io.StringIO(text))
    rows = []
    for number, record in enumerate(reader):
        if number == 0 and record and record[0].strip().lower() == "dataelement":
            continue  # DHIS2's header line
        if not any(cell.strip() for cell in record):
            continue
        record = record + [""] * (len(CSV_COLUMNS) + 1 - len(record))
        de, pe, ou, coc, aoc, value, _stored_by, _last_updated, comment, followup, deleted = record[:11]
        rows.append({"dataElement": de, "period": pe, "orgUnit": ou, "categoryOptionCombo": coc,
                     "attributeOptionCombo": aoc, "value": value, "comment": comment, "followup": followup.strip(),
                     "deleted": deleted.strip()})
    return rows, None


def _summary_message(summary):
    body = summary.as_dhis2()
    if summary.status == "ERROR":
        status, http, message = 409, "Conflict", "An error occurred, please check import summary."
    elif summary.conflicts:
        status, http, message = 409, "Conflict", "One more conflicts encountered, please check import summary."
    else:
        status, http, message = 200, "OK", "Import was successful."
    return status, {"httpStatus": http, "httpStatusCode": status,
                    "status": "OK" if status == 200 else summary.status, "message": message, "response": body}


def _import(request, fmt):
    if not has_stats_access(request.user, Perm.STATS_ENTER):
        return error(403, "شما اجازه ورود داده آماری ندارید. You are not allowed to enter statistical data.")
    limit = getattr(settings, "STATS_API_MAX_BODY", 200 * 1024 * 1024)
    # Read the stream directly: the size cap for ordinary forms (DATA_UPLOAD_MAX_MEMORY_SIZE) is far below
    # what a DHIS2 import carries; this endpoint has its own cap.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return error(413, f"بدنه درخواست بزرگ‌تر از {limit // (1024 * 1024)} مگابایت است؛ آن را در چند بخش بفرستید")
    content_type = (request.content_type or "").lower()
    try:
        if fmt == "csv" or content_type in CSV_TYPES:
            rows, data_set = _rows_from_csv(raw)
        elif content_type in ("", "application/json", "text/plain"):
            rows, data_set = _rows_from_json(raw)
        else:
            return error(415, f"نوع محتوای «{content_type}» پشتیبانی نمی‌شود؛ application/json یا application/csv")
        dry_run = _flag(request, "dryRun")
        strategy = request.GET.get("importStrategy") or request.GET.get("strategy") or "CREATE_AND_UPDATE"
        element_scheme = _scheme(request, "dataElementIdScheme") or "AUTO"
        unit_scheme = _scheme(request, "orgUnitIdScheme") or "AUTO"
        data_set = request.GET.get("dataSet") or data_set

        def run():
            summary = datavalues_import(
                user=request.user, rows=rows, dry_run=dry_run, strategy=strategy, data_set=data_set,
                element_id_scheme=element_scheme, unit_id_scheme=unit_scheme,
            )
            return _summary_message(summary)

        key = "" if dry_run else request.META.get("HTTP_IDEMPOTENCY_KEY", "")
        status, body = import_once(user=request.user, key=key, run=run)
    except ImportRefused as refusal:
        return error(409, str(refusal))
    except DatabaseError:
        return error(500, "ورود داده به دلیل خطای پایگاه داده انجام نشد و هیچ مقداری ثبت نشد. "
                          "The import failed in the database; nothing was written.")
    return _json(body, status=status)


def _export(request, fmt):
    wants_csv = fmt == "csv" or request.GET.get("format") == "csv" or (
        fmt is None and "csv" in request.headers.get("Accept", "") and "json" not in request.headers.get("Accept", "")
    )
    try:
        scheme = _scheme(request, "idScheme") or "UID"
        element_scheme = _scheme(request, "dataElementIdScheme") or scheme
        unit_scheme = _scheme(request, "orgUnitIdScheme") or scheme
        values = export_values(
            user=request.user, data_sets=_multi(request, "dataSet"), data_elements=_multi(request, "dataElement"),
            period_ids=_multi(request, "period"), start=request.GET.get("startDate"), end=request.GET.get("endDate"),
            org_units=_multi(request, "orgUnit"), children=_flag(request, "children"),
            element_scheme=element_scheme, unit_scheme=unit_scheme,
        )
    except (ExportRefused, ImportRefused) as refusal:
        return error(409, str(refusal))
    except Http404:
        return error(404, "واحد سازمانی پیدا نشد یا در حوزه دسترسی شما نیست. Organisation unit not found.")

    def element_id(v):
        return (v.data_element.code or v.data_element.uid) if element_scheme == "CODE" else v.data_element.uid

    def unit_id(v):
        return (v.org_unit.code or org_unit_uid(v.org_unit_id)) if unit_scheme == "CODE" else org_unit_uid(
            v.org_unit_id)

    if wants_csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for v in values.iterator(chunk_size=5000):
            writer.writerow([element_id(v), v.period, unit_id(v), v.category_option_combo.uid, "HllvX50cXC0", v.value,
                             v.stored_by, rep.timestamp(v.last_updated), v.comment, str(v.follow_up).lower()])
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type="application/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dataValueSets.csv"'
        return response
    body = {}
    for name in ("dataSet", "period", "orgUnit"):
        given = _multi(request, name)
        if len(given) == 1 and not (name == "orgUnit" and _flag(request, "children")):
            body[name] = given[0]
    body["dataValues"] = [
        {
            "dataElement": element_id(v), "period": v.period, "orgUnit": unit_id(v),
            "categoryOptionCombo": v.category_option_combo.uid, "attributeOptionCombo": "HllvX50cXC0",
            "value": v.value, "storedBy": v.stored_by, "created": rep.timestamp(v.created),
            "lastUpdated": rep.timestamp(v.last_updated), "comment": v.comment or None, "followup": v.follow_up,
        }
        for v in values.iterator(chunk_size=5000)
    ]
    return _json(body)


# ---- metadata -------------------------------------------------------------------------------------------
def _want(spec, filters):
    if "*" in spec:
        return None
    return set(spec) | {prop.split(".")[0] for prop, _op, _v in filters}


def _metadata_items(resource, request, want, uid=None):
    href = f"{_base_url(request)}/api/{resource}"
    builders = {
        "dataElements": lambda qs: rep.data_elements(href, want, qs),
        "dataSets": lambda qs: rep.data_sets(href, request.user, want, qs),
        "indicators": lambda qs: rep.indicators(href, want, qs),
        "categoryCombos": lambda qs: rep.category_combos(href, want, qs),
        "categoryOptionCombos": lambda qs: rep.category_option_combos(href, want, qs),
    }
    model = METADATA_MODELS[resource]
    qs = model.objects.all() if uid is None else model.objects.filter(uid=uid)
    return builders[resource](qs)


@api_view(["GET"])
def metadata_list(request, resource):
    if not has_stats_access(request.user):
        return error(403, "شما به داده‌های آماری دسترسی ندارید. You have no access to statistics.")
    try:
        spec = parse_fields(request.GET.get("fields") or "id,displayName")
        filters = parse_filters(request.GET.getlist("filter"))
        paging = Paging(request.GET)
        if resource == "organisationUnits":
            return _org_unit_list(request, spec, filters, paging)
        items = [i for i in _metadata_items(resource, request, _want(spec, filters)) if matches(i, filters)]
    except QueryError as refusal:
        return error(409, str(refusal))
    body = {}
    if paging.enabled:
        body["pager"] = paging.pager(request, len(items))
        start, stop = paging.window()
        items = items[start:stop]
    body[resource] = select(items, spec)
    return _json(body)


def _org_unit_list(request, spec, filters, paging):
    qs = scope.narrow(OrgUnit.objects.all(), request.user, Perm.STATS_VIEW, unit_field=None)
    level = request.GET.get("level")
    if level:
        try:
            qs = qs.filter(level=int(normalize_digits(level)) - 1)
        except ValueError:
            raise QueryError(f"سطح «{level}» عدد نیست") from None
    for prop, op, value in filters:
        qs = rep.org_unit_filter(qs, prop, op, value)
    qs = qs.order_by("level", "name", "pk")
    body = {}
    if paging.enabled:
        total = qs.count()
        body["pager"] = paging.pager(request, total)
        start, stop = paging.window()
        units = list(qs[start:stop])
    else:
        units = list(qs)
    body["organisationUnits"] = select(rep.org_units(f"{_base_url(request)}/api/organisationUnits", request.user,
                                                     units, _want(spec, [])), spec)
    return _json(body)


@api_view(["GET"])
def metadata_detail(request, resource, uid):
    if not has_stats_access(request.user):
        return error(403, "شما به داده‌های آماری دسترسی ندارید. You have no access to statistics.")
    try:
        spec = parse_fields(request.GET.get("fields") or "*")
    except QueryError as refusal:
        return error(409, str(refusal))
    want = _want(spec, [])
    if resource == "organisationUnits":
        pk = org_unit_id(uid)
        unit = scope.narrow(OrgUnit.objects.filter(pk=pk or 0), request.user, Perm.STATS_VIEW, unit_field=None).first()
        items = rep.org_units(f"{_base_url(request)}/api/organisationUnits", request.user, [unit], want) if unit else []
    else:
        items = _metadata_items(resource, request, want, uid=uid)
    if not items:
        return error(404, f"{resource} با شناسه «{uid}» پیدا نشد. Object not found: {uid}")
    return _json(select(items[0], spec))


RESOURCES = (*METADATA_MODELS, "organisationUnits")


# ---- the API password page (web, signed in with password + TOTP) ----------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def credentials(request):
    if not has_stats_access(request.user):
        raise Http404
    new_password = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_credential_revoke(request.user):
                messages.success(request, _("گذرواژه API غیرفعال شد."))
            return redirect("stats_api:credentials")
        new_password = api_credential_create(request.user)
    credential = ApiCredential.objects.filter(user=request.user).first()
    return render(request, "stats_api/credentials.html", {
        "credential": credential, "new_password": new_password, "username": request.user.get_username(),
        "base_url": _base_url(request),
    })


# ---- dataValues: one value at a time (DHIS2's /api/dataValues, used by dhis2-client's set/get/delete) ----
def _single_row(request):
    """The value's key from the query string (de, pe, ou, co) or a JSON body (dataElement, period, …)."""
    q = request.GET
    row = {"dataElement": q.get("de"), "period": q.get("pe"), "orgUnit": q.get("ou"),
           "categoryOptionCombo": q.get("co"), "value": q.get("value"), "comment": q.get("comment")}
    if request.method == "POST" and (request.content_type or "").lower() == "application/json":
        try:
            body = json.loads(request.read(1024 * 1024).decode("utf-8-sig") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportRefused(f"بدنه درخواست JSON معتبر نیست: {exc}") from None
        if not isinstance(body, dict):
            raise ImportRefused("بدنه باید یک شیء JSON باشد")
        row.update({k: v for k, v in body.items() if k in ("dataElement", "period", "orgUnit",
                                                             "categoryOptionCombo", "value", "comment", "followUp")})
    elif request.method == "POST":
        row.update({k: v for k, v in (("value", request.POST.get("value")), ("comment", request.POST.get("comment")))
                    if v is not None})
    return row


@api_view(["GET", "POST", "DELETE"])
def data_value(request):
    try:
        row = _single_row(request)
        if request.method == "GET":
            values = export_values(
                user=request.user, data_elements=[row["dataElement"] or ""], period_ids=[row["period"] or ""],
                org_units=[row["orgUnit"] or ""],
            ).filter(category_option_combo__uid=row["categoryOptionCombo"] or "HllvX50cXC0")
            found = [v.value for v in values]
            if not found:
                return error(404, "مقداری برای این عنصر، دوره و واحد ثبت نشده است. Data value does not exist.")
            return _json(found)
        if not has_stats_access(request.user, Perm.STATS_ENTER):
            return error(403, "شما اجازه ورود داده آماری ندارید. You are not allowed to enter statistical data.")
        if request.method == "DELETE":
            row["value"] = ""
        summary = datavalues_import(user=request.user, rows=[row],
                                    strategy="DELETE" if request.method == "DELETE" else "CREATE_AND_UPDATE")
    except (ImportRefused, ExportRefused) as refusal:
        return error(409, str(refusal))
    except Http404:
        return error(404, "واحد سازمانی پیدا نشد یا در حوزه دسترسی شما نیست. Organisation unit not found.")
    if summary.conflicts:
        return error(409, summary.conflicts[0]["value"], errorCode=summary.conflicts[0]["errorCode"])
    if request.method == "DELETE" and not summary.deleted:
        return error(404, "مقداری برای این عنصر، دوره و واحد ثبت نشده است. Data value does not exist.")
    return HttpResponse(status=204 if request.method == "DELETE" else 201)
