"""Registry pages, the map and its GeoJSON, the review actions and documents. Thin: rules live in
services.py, reads in selectors.py, scope in samaneh.geo.scope."""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import accepts_uploads, max_size_text
from samaneh.geo import scope
from samaneh.services.landfills import history, selectors, services
from samaneh.services.landfills.forms import DocumentForm, ReviewForm, SiteFilterForm, SiteForm
from samaneh.services.landfills.models import Site, SiteDocument

PAGE_SIZE = 50


def landfill_staff(view):
    """Signed-in staff whose roles reach some unit for LANDFILL_VIEW; anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.roots(request.user, Perm.LANDFILL_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _abilities(user):
    return {
        "can_edit": bool(scope.roots(user, Perm.LANDFILL_EDIT)),
        "can_review": bool(scope.roots(user, Perm.LANDFILL_REVIEW)),
    }


def filtered_sites(request):
    form = SiteFilterForm(request.GET or None, user=request.user)
    return form, selectors.site_list(request.user, filters=form.filters())


@landfill_staff
@require_GET
def registry(request):
    form, sites = filtered_sites(request)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "landfills/registry.html", {"form": form, "page": page, **_abilities(request.user)})


@landfill_staff
@require_GET
def site_map(request):
    form, _sites = filtered_sites(request)
    return render(request, "landfills/map.html", {
        "form": form, **_map_context(), **_abilities(request.user),
    })


@landfill_staff
@require_GET
def sites_geojson(request):
    """The map's sites: the same filters as the registry, narrowed to the reader's scope."""
    _form, sites = filtered_sites(request)
    return JsonResponse(selectors.sites_geojson(sites))


def _map_context():
    # The shared, cached province outlines (public geography, no figures) that the statistics maps use too.
    return {"tile_url": settings.MAP_TILE_URL, "boundaries_url": reverse("stats_viz:boundaries", args=["province"])}


@landfill_staff
@require_GET
def detail(request, pk):
    site = selectors.with_complaints([selectors.site_get(request.user, pk)])[0]
    user = request.user
    return render(request, "landfills/detail.html", {
        "site": site,
        "events": history.timeline(site),
        "documents": site.documents.order_by("-uploaded_at"),
        "villages": selectors.site_villages(site),
        "complaint_radius_km": f"{settings.LANDFILL_COMPLAINT_RADIUS_M / 1000:g}",
        "may_edit": scope.can_act(user, Perm.LANDFILL_EDIT, site.org_unit) and site.review_state != Site.Review.SUBMITTED,
        "may_submit": scope.can_act(user, Perm.LANDFILL_EDIT, site.org_unit)
        and site.review_state in (Site.Review.DRAFT, Site.Review.RETURNED),
        "may_review": scope.can_act(user, Perm.LANDFILL_REVIEW, site.org_unit)
        and site.review_state in (Site.Review.SUBMITTED, Site.Review.APPROVED),
        "may_attach": scope.can_act(user, Perm.LANDFILL_EDIT, site.org_unit),
        "review_form": ReviewForm(),
        "document_form": DocumentForm(),
        "max_mb": max_size_text(),
    })


def _site_form_page(request, form, site=None, status=200):
    return render(request, "landfills/form.html", {"form": form, "site": site, **_map_context()}, status=status)


def _save(request, form, site=None):
    """Run the service with the form's values; show its refusals beside the fields. Returns the site or None."""
    if not form.is_valid():
        return None
    try:
        if site is None:
            return services.site_create(request.user, fields=form.service_fields(),
                                        villages_served=form.cleaned_data["villages_served"], request=request)
        return services.site_update(request.user, site=site, fields=form.service_fields(),
                                    villages_served=form.cleaned_data["villages_served"], request=request)
    except ValidationError as refusal:
        _add_errors(form, refusal)
        return None


def _add_errors(form, refusal):
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


@landfill_staff
@require_http_methods(["GET", "POST"])
def create(request):
    if not scope.roots(request.user, Perm.LANDFILL_EDIT):
        raise PermissionDenied
    form = SiteForm(request.POST or None, user=request.user)
    if request.method == "POST":
        site = _save(request, form)
        if site is not None:
            messages.success(request, _("مرکز «%(name)s» با کد %(code)s ثبت شد (پیش‌نویس).") % {"name": site.name, "code": site.code})
            return redirect("landfills:detail", pk=site.pk)
        return _site_form_page(request, form, status=400)
    return _site_form_page(request, form)


@landfill_staff
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    site = selectors.site_get(request.user, pk, perm=Perm.LANDFILL_EDIT)
    form = SiteForm(request.POST or None, instance=site, user=request.user,
                    initial=None if request.method == "POST" else _initial(site))
    if request.method == "POST":
        saved = _save(request, form, site)
        if saved is not None:
            messages.success(request, _("تغییرات مرکز ذخیره شد."))
            return redirect("landfills:detail", pk=site.pk)
        return _site_form_page(request, form, site, status=400)
    return _site_form_page(request, form, site)


def _initial(site):
    """Numbers without a trailing `.0`, as people typed them."""
    initial = {}
    for name in services.EDITABLE_FIELDS:
        value = getattr(site, name)
        if isinstance(value, float) and value.is_integer():
            initial[name] = int(value)
    return initial


@landfill_staff
@require_POST
def submit(request, pk):
    site = selectors.site_get(request.user, pk, perm=Perm.LANDFILL_EDIT)
    try:
        services.site_submit(request.user, site=site, request=request)
        messages.success(request, _("مرکز برای بررسی فرستاده شد."))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect("landfills:detail", pk=site.pk)


@landfill_staff
@require_POST
def review(request, pk):
    site = selectors.site_get(request.user, pk, perm=Perm.LANDFILL_REVIEW)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    action = request.POST.get("action")
    try:
        if action == "return":
            services.site_return(request.user, site=site, comment=comment, request=request)
            messages.success(request, _("مرکز برای اصلاح بازگردانده شد."))
        elif action == "approve":
            services.site_approve(request.user, site=site, comment=comment, request=request)
            messages.success(request, _("مرکز تأیید شد."))
        else:
            raise Http404
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect("landfills:detail", pk=site.pk)


def _document_refused(request, message):
    messages.error(request, message)
    return redirect("landfills:detail", pk=request.resolver_match.kwargs["pk"])


@landfill_staff
@accepts_uploads(on_refused=_document_refused)
@require_POST
def document_add(request, pk):
    site = selectors.site_get(request.user, pk, perm=Perm.LANDFILL_EDIT)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("«فایل» را انتخاب کنید."))
        return redirect("landfills:detail", pk=site.pk)
    try:
        services.site_document_add(request.user, site=site, upload=form.cleaned_data["file"],
                                   title=form.cleaned_data["title"], request=request)
        messages.success(request, _("فایل افزوده شد."))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect("landfills:detail", pk=site.pk)


@landfill_staff
@require_GET
def document(request, pk):
    doc = scope.get_or_404(SiteDocument.objects.select_related("site"), request.user, Perm.LANDFILL_VIEW,
                           unit_field="site__org_unit", pk=pk)
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline" if doc.content_type.startswith("image/") else "attachment"
    return response
