"""Excel pages: export of the (filtered, scoped) registry, the import templates, the all-or-nothing imports
with their row-level reports, and the served places (villages with location and population)."""
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import accepts_uploads
from samaneh.core.exports import xlsx_response
from samaneh.geo import scope
from samaneh.services.landfills import excel, selectors
from samaneh.services.landfills.views import filtered_sites, landfill_staff


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("فایل اکسل (xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))


@landfill_staff
@require_GET
def sites_export(request):
    _form, sites = filtered_sites(request)
    return xlsx_response("landfill-sites.xlsx", [excel.sites_sheet(sites)])


@landfill_staff
@require_GET
def sites_template(request):
    return xlsx_response("landfill-sites-template.xlsx", excel.template_sheets())


def _import_page(request, *, template, report=None, form=None, status=200):
    return render(request, template, {"form": form or UploadForm(), "report": report, "max_rows": excel.MAX_ROWS},
                  status=status)


def _sites_refused(request, message):
    return _import_page(request, template="landfills/import.html",
                        report=excel.ImportReport(file_error=message), status=400)


@landfill_staff
@accepts_uploads(on_refused=_sites_refused)
@require_http_methods(["GET", "POST"])
def sites_import(request):
    if not scope.roots(request.user, Perm.LANDFILL_EDIT):
        raise PermissionDenied
    if request.method == "GET":
        return _import_page(request, template="landfills/import.html")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, template="landfills/import.html", form=form, status=400)
    report = excel.sites_import(request.user, upload=form.cleaned_data["file"], request=request)
    return _import_page(request, template="landfills/import.html", report=report, status=200 if report.ok else 400)


def _places_refused(request, message):
    return _places_page(request, report=excel.ImportReport(file_error=message), status=400)


def _places_page(request, *, report=None, form=None, status=200):
    places = selectors.served_place_list(request.user)
    return render(request, "landfills/places.html", {
        "form": form or UploadForm(), "report": report, "count": places.count(), "max_rows": excel.PLACES_MAX_ROWS,
        "may_import": bool(selectors.place_scope_paths(request.user)),
    }, status=status)


@landfill_staff
@accepts_uploads(on_refused=_places_refused)
@require_http_methods(["GET", "POST"])
def places(request):
    if request.method == "GET":
        return _places_page(request)
    if not selectors.place_scope_paths(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _places_page(request, form=form, status=400)
    report = excel.places_import(request.user, upload=form.cleaned_data["file"], request=request)
    return _places_page(request, report=report, status=200 if report.ok else 400)


@landfill_staff
@require_GET
def places_export(request):
    return xlsx_response("landfill-villages.xlsx", [excel.places_sheet(selectors.served_place_list(request.user))])


@landfill_staff
@require_GET
def places_template(request):
    return xlsx_response("landfill-villages-template.xlsx", [excel.places_sheet([])])

