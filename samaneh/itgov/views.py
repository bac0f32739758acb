"""IT supervision pages: profiles (fill, submit, review), score explanation, catalogue, weights, reports.
Thin: every write is in services.py, every read in selectors.py / reports.py, scope in samaneh.geo.scope."""

import jdatetime
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samaneh.accounts.decorators import staff_required
from samaneh.accounts.roles import Perm
from samaneh.cases.attachment_views import content_disposition
from samaneh.cases.attachments import accepts_uploads
from samaneh.cases.services import available_steps
from samaneh.core.exports import Sheet, xlsx_response
from samaneh.core.jalali import format_jalali, parse_jalali_date
from samaneh.core.pdf import pdf_response, render_pdf
from samaneh.core.text import localize_digits, normalize_digits
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.itgov import reports, scoring, selectors, services
from samaneh.itgov.forms import (
    SECTION_FORMS, ControlForm, NewProfileForm, ReviewForm, SoftwareForm, VersionForm, WeightsForm,
)
from samaneh.itgov.models import (
    Domain, Evidence, ITProfile, Product, ProductVersion, Requirement, RequirementKind, ScoreWeights,
    SecurityTheme, SoftwareUse, Vendor,
)
from samaneh.itgov.services import ITGovRefused


def current_year():
    return jdatetime.date.fromgregorian(date=timezone.localdate()).year


def _fa(value):
    return localize_digits(str(value))


# --- home and profiles --------------------------------------------------------------------------------


@staff_required
@require_GET
def home(request):
    user = request.user
    editable = selectors.administrations_editable(user)
    context = {
        "profiles": selectors.profiles_visible(user).order_by("-year", "administration__name")[:200],
        "new_form": NewProfileForm(administrations=editable, initial={"year": current_year()})
        if editable.exists() else None,
        "report_roots": scope.roots(user, Perm.IT_REPORTS),
        "catalogue_editor": services.may_edit_catalogue(user),
    }
    return render(request, "itgov/home.html", context)


@staff_required
@require_POST
def profile_new(request):
    form = NewProfileForm(request.POST, administrations=selectors.administrations_editable(request.user))
    if form.is_valid():
        try:
            profile = services.profile_create(user=request.user, administration=form.cleaned_data["administration"],
                                              year=form.cleaned_data["year"])
        except ITGovRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("شناسنامه سال %(year)s ساخته شد.") % {"year": _fa(profile.year)})
            return redirect("itgov:profile", pk=profile.pk)
    return render(request, "itgov/home.html", {
        "profiles": selectors.profiles_visible(request.user).order_by("-year")[:200], "new_form": form,
        "report_roots": scope.roots(request.user, Perm.IT_REPORTS),
    }, status=400)


def _profile_page(request, profile, *, bound=None, refusal=None, status=200):
    user = request.user
    bound = bound or {}
    can_edit = profile.editable and scope.can_act(user, Perm.IT_PROFILE_EDIT, profile.org_unit)
    domains = selectors.domains_for(profile)
    uses = {u.domain_id: u for u in selectors.profile_software(profile)}
    software_rows = []
    for domain in domains:
        use = uses.get(domain.pk)
        form = bound.get(f"software:{domain.pk}")
        if form is None and can_edit:
            initial = {"hosting": "on_premise", "licence": "perpetual", "satisfaction": 3}
            if use:
                initial = {
                    "version": str(use.version_id) if use.version_id else "other",
                    "other_product": use.other_product, "other_vendor": use.other_vendor,
                    "other_version": use.other_version, "since_year": use.since_year, "hosting": use.hosting,
                    "licence": use.licence, "satisfaction": use.satisfaction,
                    "integrates_with": [str(d.pk) for d in use.integrates_with.all()],
                }
            form = SoftwareForm(prefix=f"d{domain.pk}", initial=initial, domains=domains,
                                versions=selectors.versions_for_domain(domain, profile.year))
        software_rows.append({"domain": domain, "use": use, "form": form})
    sections = {
        name: bound.get(f"section:{name}") or (form_class(instance=profile, prefix=name) if can_edit else None)
        for name, form_class in SECTION_FORMS.items()
    }
    controls = [
        {"control": control, "answer": answer,
         "form": bound.get(f"control:{control.pk}") or (ControlForm(
             prefix=f"c{control.pk}", initial={"answer": answer.answer if answer else "", "note": answer.note if answer else ""})
             if can_edit else None)}
        for control, answer in selectors.profile_controls(profile)
    ]
    themes = []
    for control in controls:
        if not themes or themes[-1][0] != control["control"].theme:
            themes.append((control["control"].theme, SecurityTheme(control["control"].theme).label, []))
        themes[-1][2].append(control)
    steps = available_steps(user, profile.case) if profile.case_id else []
    context = {
        "profile": profile, "can_edit": can_edit, "software_rows": software_rows, "sections": sections,
        "themes": themes, "steps": [s for s in steps if s.action != "resubmit"],
        "review_form": bound.get("review") or ReviewForm(), "refusal": refusal,
        "unanswered": sum(1 for c in controls if c["answer"] is None),
        "history": profile.case.events.select_related("actor") if profile.case_id else [],
        "comments": profile.case.comments.select_related("author") if profile.case_id else [],
    }
    return render(request, "itgov/profile.html", context, status=status)


@staff_required
@require_GET
def profile_detail(request, pk):
    return _profile_page(request, selectors.profile_get(request.user, pk))


@staff_required
@require_POST
def profile_section(request, pk, section):
    profile = selectors.profile_get(request.user, pk)
    if section not in SECTION_FORMS:
        raise Http404
    form = SECTION_FORMS[section](request.POST, instance=ITProfile.objects.get(pk=profile.pk), prefix=section)
    if form.is_valid():
        try:
            services.profile_section_update(user=request.user, profile=profile, section=section, data=form.cleaned_data)
        except ITGovRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("بخش ذخیره شد."))
            return redirect(f"{profile_url(profile)}#{section}")
    return _profile_page(request, selectors.profile_get(request.user, pk), bound={f"section:{section}": form},
                         status=400)


def profile_url(profile):
    from django.urls import reverse

    return reverse("itgov:profile", args=[profile.pk])


@staff_required
@require_POST
def profile_software(request, pk, domain_pk):
    profile = selectors.profile_get(request.user, pk)
    domain = get_object_or_404(Domain, pk=domain_pk)
    if request.POST.get("remove"):
        try:
            services.software_remove(user=request.user, profile=profile, domain=domain)
        except ITGovRefused as refusal:
            return _profile_page(request, profile, refusal=refusal.message, status=400)
        return redirect(f"{profile_url(profile)}#software")
    domains = selectors.domains_for(profile)
    form = SoftwareForm(request.POST, prefix=f"d{domain.pk}", domains=domains,
                        versions=selectors.versions_for_domain(domain, profile.year))
    if form.is_valid():
        try:
            use = services.software_set(user=request.user, profile=profile, domain=domain, **form.service_kwargs())
        except ITGovRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            if use.pending_review:
                messages.warning(request, _("«%(p)s» در فهرست نیست؛ با برچسب «در انتظار بررسی فهرست» ثبت شد.")
                                 % {"p": use.other_product})
            else:
                messages.success(request, _("نرم‌افزار حوزه «%(d)s» ذخیره شد.") % {"d": domain.name})
            return redirect(f"{profile_url(profile)}#software")
    return _profile_page(request, profile, bound={f"software:{domain.pk}": form}, status=400)


def _evidence_refused(request, message):
    messages.error(request, message)
    return redirect(request.path.rsplit("/controls/", 1)[0] + "/#security")


@staff_required
@accepts_uploads(on_refused=_evidence_refused, files=5)
@require_POST
def profile_control(request, pk, requirement_pk):
    profile = selectors.profile_get(request.user, pk)
    requirement = get_object_or_404(Requirement, pk=requirement_pk, kind=RequirementKind.CONTROL)
    form = ControlForm(request.POST, prefix=f"c{requirement.pk}")
    if form.is_valid():
        try:
            services.control_answer_set(user=request.user, profile=profile, requirement=requirement,
                                        answer=form.cleaned_data["answer"], note=form.cleaned_data["note"],
                                        files=request.FILES.getlist(f"c{requirement.pk}-evidence"))
        except ITGovRefused as refusal:
            form.add_error("answer" if refusal.field == "answer" else None, refusal.message)
        else:
            return redirect(f"{profile_url(profile)}#control-{requirement.pk}")
    return _profile_page(request, profile, bound={f"control:{requirement.pk}": form}, status=400)


@staff_required
@require_POST
def profile_submit(request, pk):
    profile = selectors.profile_get(request.user, pk)
    try:
        services.profile_submit(user=request.user, profile=profile)
    except ITGovRefused as refusal:
        return _profile_page(request, profile, refusal=refusal.message, status=400)
    messages.success(request, _("شناسنامه برای بررسی به فرمانداری فرستاده شد."))
    return redirect("itgov:profile", pk=profile.pk)


@staff_required
@require_POST
def profile_review(request, pk, action):
    profile = selectors.profile_get(request.user, pk)
    if not profile.case_id:
        raise Http404
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.profile_review(user=request.user, profile=profile, action=action, text=form.cleaned_data.get("text", ""))
    except ITGovRefused as refusal:
        return _profile_page(request, profile, refusal=refusal.message, bound={"review": form}, status=400)
    messages.success(request, _("ثبت شد."))
    return redirect("itgov:profile", pk=profile.pk)


@staff_required
@require_GET
def profile_score(request, pk):
    profile = selectors.profile_get(request.user, pk)
    dims, overall, weights = selectors.profile_score(profile)
    weight_values = weights.as_dict() if weights else scoring.DEFAULT_WEIGHTS
    return render(request, "itgov/score.html", {
        "profile": profile, "dimensions": [(dims[d], weight_values[d]) for d in scoring.DIMENSIONS],
        "overall": overall, "weights": weights,
    })


@staff_required
@require_GET
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("answer__profile"), pk=pk)
    selectors.profile_get(request.user, evidence.answer.profile_id)  # 404 outside scope
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition(evidence.original_name, evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the model, weights and catalogue -----------------------------------------------------------------


@staff_required
@require_GET
def model_page(request):
    return render(request, "itgov/model.html", {
        "doc": scoring.__doc__, "weights": ScoreWeights.objects.select_related("created_by")[:20],
        "defaults": scoring.DEFAULT_WEIGHTS, "labels": scoring.DIMENSION_LABELS,
    })


@staff_required
def weights_page(request):
    form = WeightsForm(request.POST or None, initial={"effective_year": current_year(), **scoring.DEFAULT_WEIGHTS})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.weights_create(user=request.user, effective_year=data["effective_year"], note=data["note"],
                                    weights={d: normalize_digits(data[d]).replace("٫", ".") for d in scoring.DIMENSIONS})
        except ITGovRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("وزن‌های تازه ذخیره و امتیازها دوباره حساب شد."))
            return redirect("itgov:model")
    return render(request, "itgov/weights.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_GET
def catalogue(request):
    year = _year_param(request) or current_year()
    products = (Product.objects.in_force(year).select_related("vendor").prefetch_related("domains", "versions")
                .order_by("name"))
    requirements = Requirement.objects.in_force(year).select_related("domain")
    return render(request, "itgov/catalogue.html", {
        "year": year, "domains": Domain.objects.in_force(year).select_related("urban_equivalent"),
        "products": products, "vendors": Vendor.objects.all(),
        "standards": requirements.filter(kind=RequirementKind.STANDARD).order_by("domain__sort", "code"),
        "controls": requirements.filter(kind=RequirementKind.CONTROL).order_by("theme", "code"),
        "editor": services.may_edit_catalogue(request.user), "today": timezone.localdate(),
        "pending": SoftwareUse.objects.filter(pending_review=True).count(),
    })


@staff_required
def version_edit(request, product_pk, pk=None):
    if not services.may_edit_catalogue(request.user):
        raise Http404
    product = get_object_or_404(Product, pk=product_pk)
    version = get_object_or_404(ProductVersion, pk=pk, product=product) if pk else ProductVersion(product=product)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_save(user=request.user, version=version, data=form.cleaned_data)
        except ITGovRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("نسخه ذخیره شد."))
            return redirect("itgov:catalogue")
    return render(request, "itgov/version_form.html", {"form": form, "product": product, "version": version},
                  status=400 if form.errors else 200)


@staff_required
def pending(request):
    if not services.may_edit_catalogue(request.user):
        raise Http404
    if request.method == "POST":
        use = get_object_or_404(SoftwareUse, pk=request.POST.get("use"), pending_review=True)
        version = get_object_or_404(ProductVersion, pk=request.POST.get("version"))
        try:
            count = services.pending_accept(user=request.user, use=use, version=version)
        except ITGovRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("%(n)s مورد به نسخه فهرست پیوند خورد.") % {"n": _fa(count)})
        return redirect("itgov:pending")
    uses = (SoftwareUse.objects.filter(pending_review=True).select_related("domain", "profile__administration")
            .order_by("other_product", "domain__sort")[:300])
    versions = ProductVersion.objects.select_related("product").prefetch_related("product__domains").order_by(
        "product__name", "version")
    return render(request, "itgov/pending.html", {"uses": uses, "versions": versions})


# --- reports ------------------------------------------------------------------------------------------


def _year_param(request):
    raw = normalize_digits(request.GET.get("year", "")).strip()
    return int(raw) if raw.isdigit() and 1350 <= int(raw) <= 1500 else None


def _report_root(request):
    """The unit asked for, within the user's report scope (404 otherwise); the top of their scope by default."""
    user = request.user
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return scope.get_or_404(OrgUnit.objects.all(), user, Perm.IT_REPORTS, unit_field=None, pk=int(raw))
    roots = scope.roots(user, Perm.IT_REPORTS)
    if not roots:
        raise Http404
    return roots[0]


def _children_choices(root):
    return list(root.children.filter(kind__in=[OrgUnit.Kind.PROVINCE, OrgUnit.Kind.COUNTY]).order_by("name"))


def _report_context(request):
    root = _report_root(request)
    year = _year_param(request) or reports.latest_year(root) or current_year()
    return root, year


@staff_required
@require_GET
def heterogeneity(request):
    root, year = _report_context(request)
    data = reports.heterogeneity(root, year)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return xlsx_response(f"heterogeneity-{year}.xlsx", _heterogeneity_sheets(data))
    if fmt == "pdf":
        return pdf_response(render_pdf("itgov/heterogeneity_pdf.html", data), f"heterogeneity-{year}.pdf")
    return render(request, "itgov/heterogeneity.html", {
        **data, "breadcrumb": root.ancestors(), "children": _children_choices(root), "outline": _outline(root),
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "map_json": data["map"],
    })


def _outline(root):
    """Province boundaries inside or around `root` (GeoJSON), or None where the boundary file is missing."""
    from django.core.exceptions import ImproperlyConfigured

    from samaneh.geo.boundaries import boundaries_geojson

    try:
        return boundaries_geojson("province", within=root)
    except (ImproperlyConfigured, OSError):
        return None


def _heterogeneity_sheets(data):
    domain_rows = [
        [s.domain.name, s.administrations, s.products, s.versions,
         None if s.hhi is None else round(s.hhi, 4), None if s.shannon is None else round(s.shannon, 4),
         None if s.hhi_change is None else round(s.hhi_change, 4), "، ".join(f"{n} ({c})" for n, c in s.leaders)]
        for s in data["domains"]
    ]
    dist_rows = [[str(label), *data["distribution"][code]] for code, label in data["dimensions"]]
    return [
        Sheet(_("ناهمگونی حوزه‌ها"), [_("حوزه"), _("مدیریت‌های دارای نرم‌افزار"), _("محصولات متمایز"),
                                      _("نسخه‌های متمایز"), _("شاخص هرفیندال"), _("آنتروپی شانون"),
                                      _("تغییر هرفیندال نسبت به سال پیش"), _("پرکاربردترین‌ها")], domain_rows),
        Sheet(_("توزیع بلوغ"), [_("بُعد"), *data["bands"]], dist_rows),
    ]


@staff_required
@require_GET
def supervisory(request):
    root, year = _report_context(request)
    raw_date = request.GET.get("date", "").strip()
    report_date = None
    date_error = None
    if raw_date:
        try:
            report_date = parse_jalali_date(raw_date)
        except ValueError:
            date_error = _("«تاریخ گزارش» تاریخ جلالی درستی نیست، مانند ۱۴۰۴/۱۲/۲۹.")
    data = reports.supervisory(root, year, report_date)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return xlsx_response(f"supervisory-{year}.xlsx", _supervisory_sheets(data))
    if fmt == "pdf":
        return pdf_response(render_pdf("itgov/supervisory_pdf.html", data), f"supervisory-{year}.pdf")
    return render(request, "itgov/supervisory.html", {
        **data, "breadcrumb": root.ancestors(), "date_error": date_error,
        # Province-wide lists run to thousands of lines: the page shows the first ones, Excel has them all.
        "rows_shown": data["rows"][:HTML_LIST_LIMIT], "missing_shown": data["missing"][:HTML_LIST_LIMIT],
        "list_limit": HTML_LIST_LIMIT,
        "date_text": format_jalali(data["report_date"]),
    }, status=400 if date_error else 200)


HTML_LIST_LIMIT = 500


def _supervisory_sheets(data):
    def line(r):
        return [r["administration"], r["domain"], r["product"], r["vendor"], r["version"],
                format_jalali(r["end_of_support"], persian_digits=False) if r["end_of_support"] else "",
                _("بله") if r["unsupported"] else "", _("بله") if r["pending_review"] else "", "، ".join(r["lacking"])]

    headers = [_("مدیریت محلی"), _("حوزه"), _("محصول"), _("تأمین‌کننده"), _("نسخه"), _("پایان پشتیبانی"),
               _("بی‌پشتیبانی در تاریخ گزارش"), _("در انتظار بررسی فهرست"), _("استانداردهای الزامی رعایت‌نشده")]
    return [
        Sheet(_("نرم‌افزارهای در کار"), headers, [line(r) for r in data["rows"]]),
        Sheet(_("بی‌پشتیبانی"), headers, [line(r) for r in data["unsupported"]]),
        Sheet(_("حوزه‌های بی‌نرم‌افزار"), [_("مدیریت محلی"), _("حوزه")],
              [[m["administration"], m["domain"]] for m in data["missing"]]),
        Sheet(_("کنترل‌های اجرانشده"), [_("شناسه"), _("کنترل"), _("سطح"), _("خیر"), _("تا حدی")],
              [[c["control"].code, c["control"].text, c["control"].get_level_display(), c["no"], c["partly"]]
               for c in data["controls"]]),
        Sheet(_("خلاصه واحدها"), [_("واحد"), _("شناسنامه‌ها"), _("میانگین بلوغ"), _("نسخه بی‌پشتیبانی"),
                                   _("حوزه بی‌نرم‌افزار"), _("محصول نارسا"), _("کنترل اجرانشده")],
              [[g.unit.name if g.unit else "", g.profiles, g.mean_overall, g.unsupported, g.missing_domains,
                g.substandard, g.controls_not_implemented] for g in data["groups"]]),
    ]
