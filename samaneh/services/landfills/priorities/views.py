"""Funding priorities: the ranked list with each score explained, the budget allocation, the weights.
Thin: numbers come from `selectors`, writes from `services`; exports share the page's query."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samaneh.accounts.roles import Perm
from samaneh.core.exports import Sheet, xlsx_response
from samaneh.core.forms import LocalizedNumberInput, PersianFormMixin
from samaneh.core.pdf import PdfUnavailable, pdf_response, render_pdf
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.priorities import selectors, services
from samaneh.services.landfills.priorities.models import WeightSet
from samaneh.services.landfills.priorities.scoring import CRITERIA, WeightsError, score_site
from samaneh.services.landfills.selectors import with_complaints

AREA_KINDS = (OrgUnit.Kind.COUNTRY, OrgUnit.Kind.PROVINCE, OrgUnit.Kind.COUNTY)
MAX_BUDGET_MILLIONS = 100_000_000  # 100,000 billion rials: far above any remediation budget


class AreaForm(PersianFormMixin, forms.Form):
    unit = forms.IntegerField(label=_lazy("محدوده"), required=False, min_value=1)

    def __init__(self, *args, user, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.permission = user, permission
        areas = scope.units(user, permission).filter(kind__in=AREA_KINDS).order_by("level", "name")[:600]
        self.fields["unit"].widget = forms.Select(
            choices=[("", _lazy("همه واحدهای در دسترس"))] + [(u.pk, str(u)) for u in areas],
            attrs={"class": "form-select"},
        )

    def clean_unit(self):
        pk = self.cleaned_data.get("unit")
        if not pk:
            return None
        unit = OrgUnit.objects.filter(pk=pk).first()
        if unit is None or not scope.can_act(self.user, self.permission, unit):
            raise forms.ValidationError(_lazy("این محدوده در حوزه دسترسی شما نیست."))
        return unit


class BudgetForm(AreaForm):
    budget = forms.FloatField(
        label=_lazy("بودجه (میلیون ریال)"), min_value=0, max_value=MAX_BUDGET_MILLIONS,
        widget=LocalizedNumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": _lazy("بودجه را وارد کنید."), "invalid": _lazy("بودجه باید عدد باشد."),
            "min_value": _lazy("بودجه نمی‌تواند منفی باشد."),
            "max_value": _lazy("بودجه بیش از حد بزرگ است."),
        },
    )


def _area(request, permission, form_class=AreaForm):
    form = form_class(request.GET or None, user=request.user, permission=permission)
    if not scope.roots(request.user, permission):
        raise Http404
    valid = form.is_valid() if request.GET else False
    return form, (form.cleaned_data.get("unit") if valid else None), valid


def _fmt(value, digits=1):
    return round(value, digits) if value is not None else None


def _ranking_rows(scores):
    for rank, s in enumerate(scores, start=1):
        site = s.site
        yield [rank, site.code, site.name, str(site.org_unit), site.get_kind_display(), site.get_status_display(),
               _fmt(s.score), site.remediation_cost_million_rials,
               *[_fmt(row.points, 2) for row in s.rows]]


def _ranking_headers():
    return [_("رتبه"), _("کد"), _("نام مرکز"), _("محل"), _("نوع"), _("وضعیت"), _("امتیاز اولویت"),
            _("هزینه ساماندهی (میلیون ریال)"), *[str(c.label) for c in CRITERIA]]


@login_required
def ranking(request, fmt="html"):
    form, unit, _valid = _area(request, Perm.LANDFILL_VIEW)
    scores, weight_set = selectors.site_scores(user=request.user, permission=Perm.LANDFILL_VIEW, within=unit)
    if fmt == "xlsx":
        return xlsx_response("landfill-priorities.xlsx", [Sheet(_("اولویت‌ها"), _ranking_headers(), _ranking_rows(scores))])
    context = {"form": form, "unit": unit, "scores": scores, "weight_set": weight_set, "criteria": CRITERIA,
               "query": urlencode({"unit": unit.pk}) if unit else ""}
    if fmt == "pdf":
        return _pdf("landfills_priorities/ranking_pdf.html", context, "landfill-priorities.pdf")
    return render(request, "landfills_priorities/ranking.html", context)


def _pdf(template, context, filename):
    try:
        return pdf_response(render_pdf(template, context), filename)
    except PdfUnavailable:
        raise Http404(_("ساخت PDF روی این کارگزار ممکن نیست.")) from None


@login_required
def site_detail(request, pk):
    site = scope.get_or_404(Site.objects.select_related("org_unit"), request.user, Perm.LANDFILL_VIEW, pk=pk)
    site = with_complaints([site])[0]
    weight_set = services.weights_current()
    return render(request, "landfills_priorities/site.html",
                  {"site": site, "score": score_site(site, weight_set.weights), "weight_set": weight_set})


@login_required
def allocate(request, fmt="html"):
    form, unit, valid = _area(request, Perm.LANDFILL_PLAN, BudgetForm)
    result = weight_set = None
    if valid:
        result, weight_set = selectors.allocation_plan(
            user=request.user, permission=Perm.LANDFILL_PLAN, budget_millions=form.cleaned_data["budget"], within=unit
        )
    elif fmt != "html":
        return redirect(f"{request.path.rsplit('.', 1)[0]}?{request.GET.urlencode()}")
    context = {"form": form, "unit": unit, "result": result, "weight_set": weight_set,
               "query": request.GET.urlencode()}
    if fmt == "xlsx":
        chosen = [[s.site.code, s.site.name, str(s.site.org_unit), _fmt(s.score),
                   s.site.remediation_cost_million_rials] for s in result.chosen]
        rest = [[s.site.code, s.site.name, str(s.site.org_unit), _fmt(s.score),
                 s.site.remediation_cost_million_rials] for s in result.not_chosen + result.uncosted]
        headers = [_("کد"), _("نام مرکز"), _("محل"), _("امتیاز اولویت"), _("هزینه ساماندهی (میلیون ریال)")]
        return xlsx_response("landfill-allocation.xlsx", [
            Sheet(_("انتخاب‌شده"), headers, chosen), Sheet(_("انتخاب‌نشده"), headers, rest),
        ])
    if fmt == "pdf":
        return _pdf("landfills_priorities/allocation_pdf.html", context, "landfill-allocation.pdf")
    return render(request, "landfills_priorities/allocate.html", context)


class WeightsForm(PersianFormMixin, forms.Form):
    note = forms.CharField(label=_lazy("توضیح این نسخه"), max_length=500, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, initial_weights, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.key] = forms.FloatField(
                label=criterion.label, min_value=0, max_value=1, initial=initial_weights.get(criterion.key),
                widget=LocalizedNumberInput(attrs={"class": "form-control"}),
                error_messages={"required": _lazy("وزن را وارد کنید."), "invalid": _lazy("وزن باید عدد باشد."),
                                "min_value": _lazy("وزن نمی‌تواند منفی باشد."),
                                "max_value": _lazy("وزن نمی‌تواند بیش از ۱ باشد.")},
            )

    def weight_fields(self):
        return [self[c.key] for c in CRITERIA]


@login_required
def weights(request):
    if not scope.roots(request.user, Perm.LANDFILL_VIEW) and not scope.roots(request.user, Perm.LANDFILL_WEIGHTS):
        raise Http404
    current = services.weights_current()
    country = OrgUnit.objects.filter(parent__isnull=True).first()
    can_edit = country is not None and scope.can_act(request.user, Perm.LANDFILL_WEIGHTS, country)
    form = WeightsForm(request.POST or None, initial_weights=current.weights)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            values = {c.key: form.cleaned_data[c.key] for c in CRITERIA}
            try:
                created = services.weights_create(user=request.user, weights=values, note=form.cleaned_data["note"])
            except WeightsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("نسخه {version} وزن‌ها ثبت شد.").format(version=created.version))
                return redirect("landfills_priorities:weights")
    versions = WeightSet.objects.select_related("created_by")[:20]
    rows = [(c, [v.weights.get(c.key) for v in versions]) for c in CRITERIA]
    return render(request, "landfills_priorities/weights.html",
                  {"form": form, "current": current, "versions": versions, "rows": rows, "can_edit": can_edit})
