"""The public status page: anyone holding a tracking code sees where the case stands — the service, the
public state and the dates of its public steps — and nothing else: no names, no texts, no comments, no
unit below county level.

A ten-digit code is not a password, so lookups are rate-limited per client address (a miss costs double,
which is what guessing produces), a code failing its check digit is refused without touching the
database, and an unknown code gets the same answer as any other miss.
"""
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samaneh.cases import registry
from samaneh.cases.models import Case, CaseEvent
from samaneh.core.audit import client_ip
from samaneh.core.forms import PersianFormMixin
from samaneh.core.tracking import MAX_LENGTH, is_valid_tracking_code, normalize_tracking_code
from samaneh.geo.models import OrgUnit

INVALID_CODE = gettext_lazy("کد پیگیری نادرست است")
NOT_FOUND = gettext_lazy("پرونده‌ای با این کد پیدا نشد")
TOO_MANY = gettext_lazy("تعداد جست‌وجوها از این نشانی بیش از حد مجاز است؛ یک دقیقه دیگر دوباره بکوشید.")

DEFAULT_LOOKUPS_PER_MINUTE = 60
HIT_COST, MISS_COST = 1, 2
PUBLIC_UNIT_MAX_LEVEL = OrgUnit.LEVELS[OrgUnit.Kind.COUNTY]


class TrackingCodeForm(PersianFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("کد پیگیری"),
        max_length=MAX_LENGTH * 2,  # room for the spaces and dashes people type between groups
        error_messages={
            "required": gettext_lazy("کد پیگیری را وارد کنید."),
            "max_length": INVALID_CODE,
        },
    )

    def clean_code(self):
        code = normalize_tracking_code(self.cleaned_data["code"])
        if not is_valid_tracking_code(code):
            raise forms.ValidationError(INVALID_CODE, code="invalid")
        return code


# --- rate limit -------------------------------------------------------------------------------------------


def _charge(request, cost):
    """Add `cost` to this address's lookups in the current minute; True while still within the limit."""
    limit = getattr(settings, "TRACKING_LOOKUPS_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE)
    minute = int(timezone.now().timestamp() // 60)
    key = f"track-lookups:{client_ip(request) or '-'}:{minute}"
    try:
        used = cache.incr(key, cost)
    except ValueError:  # first lookup this minute (or the key just expired)
        used = cost if cache.add(key, cost, timeout=120) else cache.incr(key, cost)
    return used <= limit


def _seconds_to_next_minute():
    return str(60 - int(timezone.now().timestamp()) % 60)


# --- the lookup -------------------------------------------------------------------------------------------


def _event_label(workflow, action, to_state, unit_level, unit_name):
    """What the public reads for one history line: the state's public label, or for a move between units
    the unit's name only at county level and above."""
    if action in ("refer", "escalate"):
        named = unit_level is not None and unit_level <= PUBLIC_UNIT_MAX_LEVEL
        if action == "escalate":
            if named:
                return _("ارجاع به %(unit)s به سبب پایان مهلت رسیدگی") % {"unit": unit_name}
            return _("ارجاع به مرجع بالاتر به سبب پایان مهلت رسیدگی")
        if named:
            return _("ارجاع به %(unit)s") % {"unit": unit_name}
        return _("ارجاع به واحد رسیدگی‌کننده دیگر")
    if to_state:
        return str(workflow.state(to_state).public_label)
    return _("به‌روزرسانی پرونده")


def public_status(code):
    """The public facts of the case with this (normalised, valid) code, or None: two indexed queries."""
    row = (
        Case.objects.filter(tracking_code=code)
        .values_list("pk", "service", "state", "created_at", "updated_at")[:1]
    )
    row = next(iter(row), None)
    if row is None:
        return None
    pk, service, state, created_at, updated_at = row
    manifest = registry.get(service)
    workflow = manifest.workflow
    events = CaseEvent.objects.filter(case_id=pk, public=True).values_list(
        "at", "action", "to_state", "to_unit__level", "to_unit__name"
    )
    return {
        "tracking_code": code,
        "service": str(manifest.name),
        "state": state,
        "state_label": str(workflow.state(state).public_label),
        "created_at": created_at,
        "updated_at": updated_at,
        "events": [
            {"label": _event_label(workflow, action, to_state, level, name), "at": at}
            for at, action, to_state, level, name in events
        ],
    }


# --- pages ------------------------------------------------------------------------------------------------


def _too_many_page(request):
    response = render(request, "cases/public/too_many.html", {"message": TOO_MANY}, status=429)
    response["Retry-After"] = _seconds_to_next_minute()
    return response


@require_GET
@never_cache
def status(request):
    """The lookup form; a valid code goes on to its result page (which is what is charged)."""
    if "code" not in request.GET:
        return render(request, "cases/public/status.html", {"form": TrackingCodeForm()})
    form = TrackingCodeForm(request.GET)
    if form.is_valid():
        return redirect("track:detail", code=form.cleaned_data["code"])
    if not _charge(request, MISS_COST):
        return _too_many_page(request)
    return render(request, "cases/public/status.html", {"form": form})


@require_GET
@never_cache
def detail(request, code):
    if not _charge(request, HIT_COST):
        return _too_many_page(request)
    form = TrackingCodeForm({"code": code})
    if not form.is_valid():
        _charge(request, MISS_COST - HIT_COST)
        return render(request, "cases/public/status.html", {"form": form}, status=400)
    found = public_status(form.cleaned_data["code"])
    if found is None:
        _charge(request, MISS_COST - HIT_COST)
        return render(
            request, "cases/public/not_found.html", {"message": NOT_FOUND, "form": TrackingCodeForm()}, status=404
        )
    return render(request, "cases/public/detail.html", {"status": found, "form": TrackingCodeForm()})


def _json_error(message, status):
    return JsonResponse({"error": str(message)}, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
@never_cache
def detail_json(request, code):
    if not _charge(request, HIT_COST):
        response = _json_error(TOO_MANY, 429)
        response["Retry-After"] = _seconds_to_next_minute()
        return response
    code = normalize_tracking_code(code)
    if not is_valid_tracking_code(code):
        _charge(request, MISS_COST - HIT_COST)
        return _json_error(INVALID_CODE, 400)
    found = public_status(code)
    if found is None:
        _charge(request, MISS_COST - HIT_COST)
        return _json_error(NOT_FOUND, 404)
    found["created_at"] = found["created_at"].isoformat()
    found["updated_at"] = found["updated_at"].isoformat()
    for event in found["events"]:
        event["at"] = event["at"].isoformat()
    return JsonResponse(found, json_dumps_params={"ensure_ascii": False})
