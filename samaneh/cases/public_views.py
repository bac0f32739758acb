"""The public status page: anyone holding a tracking code sees where the case stands — the service, the
public state and the dates of its public steps — and nothing else: no names, no texts, no comments, no
unit below county level.

A ten-digit code is not a password, so lookups are rate-limited per client address (a miss costs double,
which is what guessing produces), a code failing its check digit is refused without touching the
database, and an unknown code gets the same answer as any other miss.
"""
import datetime as dt
import functools
import json
import time

from django import forms
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samaneh.cases import registry
from samaneh.cases.models import Case
from samaneh.core.forms import PersianFormMixin
from samaneh.core.ratelimit import count_hit
from samaneh.core.tracking import MAX_LENGTH, is_valid_tracking_code, normalize_tracking_code
from samaneh.geo.models import OrgUnit

INVALID_CODE = gettext_lazy("کد پیگیری نادرست است")
NOT_FOUND = gettext_lazy("پرونده‌ای با این کد پیدا نشد")
TOO_MANY = gettext_lazy("تعداد جست‌وجوها از این نشانی بیش از حد مجاز است؛ یک دقیقه دیگر دوباره بکوشید.")

DEFAULT_LOOKUPS_PER_MINUTE = 60
HIT_COST, MISS_COST = 1, 2
PUBLIC_UNIT_MAX_LEVEL = OrgUnit.LEVELS[OrgUnit.Kind.COUNTY]
MOVES = ("refer", "escalate")  # history lines that name the unit the case moved to


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
    # REMOTE_ADDR as the server wrote it: the client cannot choose its spelling, so no parsing is needed.
    key = f"track-lookups:{request.META.get('REMOTE_ADDR', '-')}:{int(time.time() // 60)}"
    return count_hit(key, 120, cost) <= limit


def _seconds_to_next_minute():
    return str(60 - int(time.time()) % 60)


# --- the lookup -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _public_texts(service, language):
    """The service's name and its states' public labels in `language` (the active one): translated once
    per process, not several times on every lookup."""
    manifest = registry.get(service)
    return str(manifest.name), {state.code: str(state.public_label) for state in manifest.workflow.states}


def _event_label(state_labels, action, to_state, unit_level, unit_name):
    """What the public reads for one history line: the state's public label, or for a move between units
    the unit's name only at county level and above."""
    if action in MOVES:
        named = unit_level is not None and unit_level <= PUBLIC_UNIT_MAX_LEVEL
        if action == "escalate":
            if named:
                return _("ارجاع به %(unit)s به سبب پایان مهلت رسیدگی") % {"unit": unit_name}
            return _("ارجاع به مرجع بالاتر به سبب پایان مهلت رسیدگی")
        if named:
            return _("ارجاع به %(unit)s") % {"unit": unit_name}
        return _("ارجاع به واحد رسیدگی‌کننده دیگر")
    if to_state:
        return state_labels[to_state]
    return _("به‌روزرسانی پرونده")


@functools.cache
def _statement(vendor):
    """The lookup: one indexed row by the unique code, its public history read from the case's own column.

    Written out rather than built by the ORM on every call: compiling the queryset cost several times what
    the database spends answering it, on the path the public and the benchmark (bench/tracking_lookup.py)
    hit hardest. Table and column names still come from the model.
    """
    q = connections[DEFAULT_DB_ALIAS].ops.quote_name
    case = Case._meta
    columns = ", ".join(
        q(case.get_field(name).column) for name in ("service", "state", "created_at", "updated_at", "public_history")
    )
    return f"SELECT {columns} FROM {q(case.db_table)} WHERE {q(case.get_field('tracking_code').column)} = %s"


def _iso(value):
    """A stored datetime as ISO 8601 text. SQLite hands back naive UTC (its converter) or UTC text,
    PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return value.replace(" ", "T") + ("" if "+" in value else "+00:00")
    if value.tzinfo is None:
        return value.isoformat() + "+00:00"
    return value.isoformat()


def public_status_text(code):
    """The public facts of the case with this (normalised, valid) code with dates as ISO text, or None.

    What the JSON answer sends as it is; the page converts the dates (`public_status`).
    """
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(_statement(db.vendor), [code])
        row = cursor.fetchone()
    if row is None:
        return None
    service, state, created_at, updated_at, history = row
    if isinstance(history, str):  # SQLite returns the JSON text; PostgreSQL's driver has parsed it
        history = json.loads(history)
    service_name, state_labels = _public_texts(service, get_language())
    return {
        "tracking_code": code,
        "service": service_name,
        "state": state,
        "state_label": state_labels[state],
        "created_at": _iso(created_at),
        "updated_at": _iso(updated_at),
        "events": [
            {"label": _event_label(state_labels, action, to_state, level, name), "at": at}
            for at, action, to_state, level, name in history
        ],
    }


def public_status(code):
    """`public_status_text` with aware datetimes, for the page's Jalali dates."""
    found = public_status_text(code)
    if found is not None:
        for key in ("created_at", "updated_at"):
            found[key] = dt.datetime.fromisoformat(found[key])
        for event in found["events"]:
            event["at"] = dt.datetime.fromisoformat(event["at"])
    return found


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


def _no_store(response):
    # What never_cache amounts to for a client, set directly: its header parsing and merging showed in the
    # benchmark's profile of this path.
    response["Cache-Control"] = "no-store, private"
    return response


def _json_error(message, status):
    return _no_store(
        JsonResponse({"error": str(message)}, status=status, json_dumps_params={"ensure_ascii": False})
    )


@require_GET
def detail_json(request, code):
    if not _charge(request, HIT_COST):
        response = _json_error(TOO_MANY, 429)
        response["Retry-After"] = _seconds_to_next_minute()
        return response
    code = normalize_tracking_code(code)
    if not is_valid_tracking_code(code):
        _charge(request, MISS_COST - HIT_COST)
        return _json_error(INVALID_CODE, 400)
    found = public_status_text(code)
    if found is None:
        _charge(request, MISS_COST - HIT_COST)
        return _json_error(NOT_FOUND, 404)
    return _no_store(JsonResponse(found, json_dumps_params={"ensure_ascii": False}))
