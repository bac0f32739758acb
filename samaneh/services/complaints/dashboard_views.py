"""The supervisors' complaints dashboard and its Excel export. Thin: the figures come from `dashboards`."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import PersianFormMixin
from samaneh.core.text import localize_digits
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints import dashboards

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodInput(forms.TextInput):
    """Shows the period in the reader's digits; what comes back is normalised by PersianFormMixin."""

    def format_value(self, value):
        value = super().format_value(value)
        return localize_digits(value) if value else value


class DashboardForm(PersianFormMixin, forms.Form):
    unit = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput,
        error_messages={"invalid": _("شناسه واحد باید عدد باشد."), "min_value": _("شناسه واحد نادرست است.")},
    )
    period = forms.CharField(
        label=_("دوره"), required=False, max_length=20,
        error_messages={"max_length": dashboards.PERIOD_FORMAT_MESSAGE},
        widget=PeriodInput(attrs={"placeholder": _("مثلاً ۱۴۰۳/۰۵ یا ۱۴۰۳"), "class": "form-control"}),
    )

    def clean_period(self):
        try:
            return dashboards.parse_period(self.cleaned_data["period"])
        except dashboards.PeriodError as error:
            raise ValidationError(error.message) from None


def _query(unit, period):
    return urlencode({"unit": unit.pk, "period": period.value} if unit else {"period": period.value})


def _resolve(request):
    """(form, roots, unit, period); unit and period are None when the form was refused.

    Someone with no supervision scope, or asking for a unit outside it, gets 404 — never a 403 that
    confirms the unit is watched by someone else.
    """
    roots = dashboards.supervised_roots(request.user)
    if not roots:
        raise Http404
    form = DashboardForm(request.GET)
    if not form.is_valid():
        return form, roots, None, None
    unit_pk = form.cleaned_data["unit"]
    unit = (
        scope.get_or_404(OrgUnit.objects.all(), request.user, dashboards.PERMISSION, unit_field=None, pk=unit_pk)
        if unit_pk else roots[0]
    )
    return form, roots, unit, form.cleaned_data["period"]


def _quick_periods(unit):
    today = dashboards.jalali_today()
    return [
        (_("ماه جاری"), _query(unit, dashboards.current_month(today))),
        (_("ماه گذشته"), _query(unit, dashboards.previous_month(today))),
        (_("سال جاری"), _query(unit, dashboards.year_period(today.year))),
        (_("دوازده ماه اخیر"), _query(unit, dashboards.last_12_months(today))),
    ]


def _refused(request, form, roots):
    return render(request, "complaints/dashboard/index.html", {
        "form": form, "roots": roots, "quick_periods": _quick_periods(None),
    }, status=400)


@login_required
def dashboard(request):
    form, roots, unit, period = _resolve(request)
    if unit is None:
        return _refused(request, form, roots)
    report = dashboards.complaints_dashboard(user=request.user, unit=unit, period=period)
    # The form shown again holds what is on screen; "last 12 months" has no typed form, so it shows empty.
    shown = "" if period.kind == period.LAST_12 else period.value
    return render(request, "complaints/dashboard/index.html", {
        "form": DashboardForm(initial={"unit": unit.pk, "period": shown}),
        "roots": roots,
        "report": report,
        "period_query": urlencode({"period": period.value}),
        "export_query": _query(unit, period),
        "quick_periods": _quick_periods(unit),
        "refresh_minutes": dashboards.CACHE_SECONDS // 60,
    })


@login_required
def export(request):
    form, roots, unit, period = _resolve(request)
    if unit is None:
        return _refused(request, form, roots)
    report = dashboards.complaints_dashboard(user=request.user, unit=unit, period=period)
    filename = "complaints-%s-%s.xlsx" % (unit.code or unit.pk, period.value.replace("/", "-"))
    return HttpResponse(
        dashboards.report_workbook(report), content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
