"""`/dhis2/api/analytics` — DHIS2's analytics resource (JSON, and CSV for spreadsheets)."""
import csv
import datetime as dt
import io

from django.http import HttpResponse, JsonResponse

from samaneh.stats.analytics.engine import AnalyticsError, analytics_query
from samaneh.stats.api.auth import api_view, error

TRUE_WORDS = {"true", "1", "yes"}


def _flag(request, name):
    return request.GET.get(name, "").strip().lower() in TRUE_WORDS


def _request_query(request):
    dims, filters = {}, {}
    for text in request.GET.getlist("dimension"):
        name, sep, items = text.partition(":")
        if not sep or not items.strip():
            raise AnalyticsError(f"بعد «{text}» باید به شکل نام:مقدارها باشد (مثل pe:LAST_12_MONTHS)")
        dims.setdefault(name.strip(), []).append(items)
    for text in request.GET.getlist("filter"):
        name, sep, items = text.partition(":")
        if not sep or not items.strip():
            raise AnalyticsError(f"فیلتر «{text}» باید به شکل نام:مقدارها باشد (مثل ou:USER_ORGUNIT)")
        filters.setdefault(name.strip(), []).append(items)
    unknown = [name for name in (*dims, *filters) if name not in ("dx", "pe", "ou")]
    if unknown:
        raise AnalyticsError(f"بعد «{unknown[0]}» پشتیبانی نمی‌شود؛ فقط dx، pe و ou")
    today = None
    if request.GET.get("relativePeriodDate"):
        try:
            today = dt.date.fromisoformat(request.GET["relativePeriodDate"].strip())
        except ValueError:
            raise AnalyticsError("relativePeriodDate باید تاریخ میلادی به شکل ۲۰۲۴-۰۳-۲۰ باشد") from None
    display = request.GET.get("displayProperty", "NAME").strip().upper()
    if display not in ("NAME", "SHORTNAME"):
        raise AnalyticsError("displayProperty باید NAME یا SHORTNAME باشد")
    return dict(
        dx=dims.get("dx"), pe=dims.get("pe"), ou=dims.get("ou"), filters=filters, today=today,
        rows=[r for r in request.GET.get("rows", "").split(";") if r],
        columns=[c for c in request.GET.get("columns", "").split(";") if c],
        aggregation=request.GET.get("aggregationType", "").strip().upper() or None,
        display_property=display, include_num_den=_flag(request, "includeNumDen"),
    )


@api_view(["GET"])
def analytics(request, fmt="json"):
    try:
        result = analytics_query(user=request.user, **_request_query(request))
    except AnalyticsError as refusal:
        return error(409, str(refusal))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([h["name"] for h in result.headers])
        writer.writerows(result.rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="analytics.csv"'
        return response
    return JsonResponse(result.as_dhis2(skip_meta=_flag(request, "skipMeta")),
                        json_dumps_params={"ensure_ascii": False})
