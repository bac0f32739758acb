from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samaneh.accounts.roles import Perm
from samaneh.core.exports import Sheet, xlsx_response
from samaneh.geo import scope
from samaneh.geo.boundaries import boundaries_geojson

from . import selectors, services
from .forms import CandidateForm, MatrixForm, ScenarioForm, SiteChoiceForm
from .planner import villages_of
from .tasks import run_scenario

ACTION_LABELS = {"keep": _("می‌ماند"), "close": _("بسته می‌شود"), "open": _("احداث می‌شود"),
                 "unused": _("احداث نمی‌شود")}


def planner(view):
    """Signed-in staff whose roles reach some unit for LANDFILL_PLAN; anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.roots(request.user, Perm.LANDFILL_PLAN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _errors_to_messages(request, error):
    for field_errors in error.message_dict.values() if hasattr(error, "message_dict") else [error.messages]:
        for message in field_errors:
            messages.error(request, message)


@planner
def index(request):
    units = selectors.plan_units(request.user)
    form = ScenarioForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.scenario_create(request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("landfills_planning:detail", scenario.pk)
    scenarios = list(selectors.scenario_list(request.user))
    for s in scenarios:
        s.last_run = selectors.latest_done_run(s)
    return render(request, "landfills_planning/index.html", {"form": form, "scenarios": scenarios})


@planner
def detail(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    form = ScenarioForm(request.POST or None, instance=scenario, prefix="s")
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(request.user, scenario=scenario, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("پارامترهای سناریو ذخیره شد."))
            return redirect("landfills_planning:detail", scenario.pk)
    return _detail_page(request, scenario, form=form)


def _detail_page(request, scenario, *, form=None, candidate_form=None, matrix_form=None, choice_forms=None,
                 status=200):
    choices = list(scenario.site_choices.select_related("site").order_by("site__code"))
    if choice_forms is None:
        choice_forms = [(c, SiteChoiceForm(instance=c, prefix=f"c{c.pk}")) for c in choices]
    context = {
        "scenario": scenario,
        "form": form or ScenarioForm(instance=scenario, prefix="s"),
        "candidate_form": candidate_form or CandidateForm(prefix="n"),
        "matrix_form": matrix_form or MatrixForm(),
        "choice_forms": choice_forms,
        "candidates": scenario.candidates.all(),
        "run": selectors.latest_run(scenario),
        "done_run": selectors.latest_done_run(scenario),
        "villages": villages_of(scenario),
        "map_json": _scenario_map_data(scenario, choices),
        "boundaries": boundaries_geojson("province", within=scenario.unit),
        "tile_url": settings.MAP_TILE_URL,
    }
    return render(request, "landfills_planning/detail.html", context, status=status)


def _scenario_map_data(scenario, choices):
    return {
        "sites": [{"code": c.site.code, "name": c.site.name, "lat": c.site.latitude, "lon": c.site.longitude,
                   "action": c.decision} for c in choices],
        "candidates": [{"code": c.code, "name": c.name, "lat": c.latitude, "lon": c.longitude}
                       for c in scenario.candidates.all()],
    }


@planner
@require_POST
def sites_save(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    choices = list(scenario.site_choices.select_related("site").order_by("site__code"))
    forms = [(c, SiteChoiceForm(request.POST, instance=c, prefix=f"c{c.pk}")) for c in choices]
    if not all(f.is_valid() for _c, f in forms):
        messages.error(request, _("برخی ردیف‌های مراکز موجود خطا دارند؛ چیزی ذخیره نشد."))
        return _detail_page(request, scenario, choice_forms=forms, status=400)
    services.site_choices_update(request.user, scenario=scenario, choices={
        c.pk: (f.cleaned_data["decision"], f.cleaned_data["upgrade_cost_million_rials"], f.cleaned_data["capacity_tonnes"])
        for c, f in forms})
    messages.success(request, _("تصمیم‌های مراکز موجود ذخیره شد."))
    return redirect("landfills_planning:detail", scenario.pk)


@planner
@require_POST
def candidate_add(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    form = CandidateForm(request.POST, prefix="n")
    if not form.is_valid():
        return _detail_page(request, scenario, candidate_form=form, status=400)
    services.candidate_add(request.user, scenario=scenario, **form.cleaned_data)
    messages.success(request, _("گزینه مرکز منطقه‌ای تازه افزوده شد."))
    return redirect("landfills_planning:detail", scenario.pk)


@planner
@require_POST
def candidate_remove(request, pk, candidate_id):
    scenario = selectors.scenario_get(request.user, pk)
    services.candidate_remove(request.user, scenario=scenario, candidate_id=candidate_id)
    return redirect("landfills_planning:detail", scenario.pk)


@planner
@require_POST
def matrix_upload(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    form = MatrixForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.road_matrix_upload(request.user, scenario=scenario, upload=form.cleaned_data["matrix"])
        except ValidationError as error:
            for message in error.message_dict.get("matrix", error.messages):
                form.add_error("matrix", message)
        else:
            messages.success(request, _("ماتریس فاصله جاده‌ای پذیرفته شد؛ اجرای بعدی با آن حساب می‌شود."))
            return redirect("landfills_planning:detail", scenario.pk)
    return _detail_page(request, scenario, matrix_form=form, status=400)


@planner
@require_POST
def matrix_clear(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    services.road_matrix_clear(request.user, scenario=scenario)
    return redirect("landfills_planning:detail", scenario.pk)


@planner
@require_POST
def run_start(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    run = services.run_create(request.user, scenario=scenario)
    transaction.on_commit(lambda: run_scenario.delay(run.pk))
    if request.headers.get("HX-Request"):
        return render(request, "landfills_planning/_run.html", {"run": run, "scenario": scenario})
    return redirect("landfills_planning:detail", scenario.pk)


@planner
@require_GET
def run_status(request, pk):
    run = selectors.run_get(request.user, pk)
    return render(request, "landfills_planning/_run.html", {"run": run, "scenario": run.scenario})


@planner
@require_GET
def results(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    run = selectors.latest_done_run(scenario)
    if run is None:
        messages.info(request, _("این سناریو هنوز اجرای کاملی ندارد."))
        return redirect("landfills_planning:detail", scenario.pk)
    return render(request, "landfills_planning/results.html", {
        "scenario": scenario, "run": run, "r": run.results, "labels": ACTION_LABELS,
        "sites": _sites_with_labels(run.results),
        "boundaries": boundaries_geojson("province", within=scenario.unit), "tile_url": settings.MAP_TILE_URL,
    })


def _sites_with_labels(results):
    return [{**s, "label": ACTION_LABELS[s["action"]]} for s in results.get("sites", [])]


@planner
@require_GET
def export(request, pk):
    scenario = selectors.scenario_get(request.user, pk)
    run = selectors.latest_done_run(scenario)
    if run is None:
        messages.info(request, _("این سناریو هنوز اجرای کاملی ندارد."))
        return redirect("landfills_planning:detail", scenario.pk)
    r = run.results
    summary = [
        (_("سناریو"), scenario.name), (_("محدوده"), scenario.unit.name),
        (_("هزینه کل (میلیون ریال)"), round(r["objective"], 2)),
        (_("هزینه احداث و ارتقا (میلیون ریال)"), round(r["fixed_cost"], 2)),
        (_("هزینه حمل (میلیون ریال)"), round(r["transport_cost"], 2)),
        (_("تن-کیلومتر پیش از برنامه"), r["before"]["tonne_km"]), (_("تن-کیلومتر پس از برنامه"), r["after"]["tonne_km"]),
        (_("نقاط آلاینده حذف‌شده"), r["removed"]), (_("جواب بهینه اثبات‌شده"), _("بله") if r["optimal"] else _("خیر")),
    ]
    sites = [(s["code"], s["name"], _("موجود") if s["existing"] else _("گزینه تازه"), ACTION_LABELS[s["action"]],
              s["capacity"], s["load"], s["fixed_cost"], s["lat"], s["lon"]) for s in r["sites"]]
    names = {s["code"]: s["name"] for s in r["sites"]}
    assignments = [(a["village"], a["name"], a["population"], a["tonnes"], a["site"], names.get(a["site"], ""),
                    a["share"], a["km"]) for a in r["assignments"]]
    return xlsx_response(f"landfill-plan-{scenario.pk}.xlsx", [
        Sheet(_("خلاصه"), [_("شاخص"), _("مقدار")], summary, [36, 30]),
        Sheet(_("مراکز"), [_("کد"), _("نام"), _("نوع"), _("نتیجه"), _("ظرفیت (تن)"), _("بار (تن)"),
                           _("هزینه ثابت (میلیون ریال)"), _("عرض"), _("طول")], sites),
        Sheet(_("تخصیص روستاها"), [_("کد روستا"), _("روستا"), _("جمعیت"), _("پسماند (تن)"), _("کد مرکز"),
                                   _("مرکز"), _("سهم"), _("فاصله (کیلومتر)")], assignments),
    ])


@planner
@require_GET
def compare(request):
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()][:4]
    columns = []
    for scenario in selectors.scenario_list(request.user).filter(pk__in=ids):
        run = selectors.latest_done_run(scenario)
        if run is not None:
            columns.append({"scenario": scenario, "r": run.results, "run": run})
    if len(columns) < 2:
        messages.error(request, _("برای مقایسه دست‌کم دو سناریوی اجراشده را انتخاب کنید."))
        return redirect("landfills_planning:index")
    return render(request, "landfills_planning/compare.html", {"columns": columns})
