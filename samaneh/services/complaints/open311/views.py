"""Open311 GeoReport v2 endpoints. Each view reads its arguments, calls a selector or a service, and
renders the result in the format named by the URL's extension; refusals use the spec's error list."""
import datetime as dt
import re
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from samaneh.core.text import localize_digits, normalize_digits
from samaneh.core.tracking import normalize_tracking_code
from samaneh.services.complaints.open311 import selectors
from samaneh.services.complaints.open311.auth import count_post, optional_client, require_client
from samaneh.services.complaints.open311.formats import Open311Error, render
from samaneh.services.complaints.open311.services import open311_request_file

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Bumped by hand when the shape of services or definitions changes (the spec's cache-refresh flag).
CHANGESET = "2025-01-01T00:00:00Z"
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_IDS = 1000

# W3C profile of ISO 8601: a date, or a date and time with seconds optional and a zone required.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?")


def open311_view(view):
    """Turn an Open311Error raised by the view into the spec's error response in the requested format."""

    @wraps(view)
    def wrapper(request, fmt, **kwargs):
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return error.response(fmt)

    return wrapper


def _endpoint_url(request):
    discovery = reverse("open311:discovery", kwargs={"fmt": "xml"})
    return request.build_absolute_uri(discovery.rsplit("/", 1)[0])


@require_GET
@open311_view
def discovery(request, fmt):
    data = {
        "changeset": CHANGESET,
        # Each deployment names its own help desk in settings; the default says who runs the platform.
        "contact": getattr(settings, "OPEN311_CONTACT", "")
        or _("پرسش‌ها و گزارش خطا: دفتر فناوری اطلاعات سازمان شهرداری‌ها و دهیاری‌های کشور."),
        "key_service": _("کلید API را مدیر سامانه در بخش مدیریت («برنامه‌های Open311») صادر می‌کند."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _endpoint_url(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


@require_GET
@open311_view
def service_list(request, fmt):
    return render(fmt, "services", [selectors.service_entry(c) for c in selectors.service_categories()])


@require_GET
@open311_view
def service_definition(request, fmt, service_code):
    category = selectors.service_category(service_code)
    if category is None:
        raise Open311Error(404, _("خدمتی با کد «%(code)s» نیست.") % {"code": service_code})
    return render(fmt, "service_definition", selectors.service_definition(category))


def _parse_datetime(name, raw):
    value = normalize_digits(raw.strip())
    if not W3C_DATETIME.fullmatch(value):
        raise Open311Error(
            400,
            _("%(name)s باید تاریخ و زمان به قالب W3C با منطقه زمانی باشد، مانند 2024-03-20T00:00:00+03:30.")
            % {"name": name},
        )
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s تاریخ نادرستی است.") % {"name": name}) from None
    if timezone.is_naive(parsed):  # a bare date: the start of that day in Tehran
        parsed = timezone.make_aware(parsed)
    return parsed


def _comma_list(request, name):
    return [item.strip() for item in request.GET.get(name, "").split(",") if item.strip()]


def _filtered_requests(request, client):
    complaints = selectors.visible_complaints(client)
    ids = [normalize_tracking_code(i) for i in _comma_list(request, "service_request_id")]
    if ids:  # the spec: this overrides every other argument
        if len(ids) > MAX_IDS:
            raise Open311Error(400, _("service_request_id: در هر درخواست حداکثر %(max)s شناسه پذیرفته می‌شود.")
                               % {"max": localize_digits(MAX_IDS)})
        return complaints.filter(case__tracking_code__in=ids)

    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    end = _parse_datetime("end_date", end_raw) if end_raw.strip() else None
    start = _parse_datetime("start_date", start_raw) if start_raw.strip() else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - DEFAULT_WINDOW
    if end is None:
        end = start + DEFAULT_WINDOW
    if start > end:
        raise Open311Error(400, _("start_date باید پیش از end_date باشد."))
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("بازه start_date تا end_date نباید از ۹۰ روز بیشتر باشد."))
    complaints = complaints.filter(case__created_at__gte=start, case__created_at__lte=end)

    codes = _comma_list(request, "service_code")
    if codes:
        complaints = complaints.filter(category__service_code__in=codes)
    statuses = set(_comma_list(request, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status فقط می‌تواند open یا closed باشد."))
    if statuses == {"open"}:
        complaints = complaints.filter(case__is_closed=False)
    elif statuses == {"closed"}:
        complaints = complaints.filter(case__is_closed=True)
    return complaints


def _request_list(request, fmt):
    client = optional_client(request.GET.get("api_key"))
    complaints = _filtered_requests(request, client)[: selectors.MAX_REQUESTS]
    return render(fmt, "service_requests", [selectors.request_entry(c) for c in complaints])


def _request_create(request, fmt):
    client = require_client(request.POST.get("api_key") or request.GET.get("api_key"))
    count_post(client)
    complaint, _token = open311_request_file(
        client=client, data=request.POST, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    # The id is known at once, so no token is returned: GeoReport v2 says a token "should not" accompany it.
    entry = {
        "service_request_id": complaint.case.tracking_code,
        "service_notice": selectors.service_notice(complaint),
        "account_id": request.POST.get("account_id") or None,
    }
    return render(fmt, "service_requests", [entry])


@csrf_exempt  # authenticated by api_key, never by a browser session
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request, fmt):
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


@require_GET
@open311_view
def request_detail(request, fmt, service_request_id):
    client = optional_client(request.GET.get("api_key"))
    code = normalize_tracking_code(service_request_id)
    complaint = selectors.visible_complaints(client).filter(case__tracking_code=code).first()
    if complaint is None:
        raise Open311Error(404, _("درخواستی با شناسه «%(id)s» پیدا نشد.") % {"id": service_request_id})
    return render(fmt, "service_requests", [selectors.request_entry(complaint)])


@require_GET
@open311_view
def token_detail(request, fmt, token):
    complaint = selectors.complaint_for_token(token)
    if complaint is None:
        raise Open311Error(404, _("توکنی با این مقدار پیدا نشد."))
    return render(fmt, "service_requests", [{"service_request_id": complaint.case.tracking_code, "token": token}])
