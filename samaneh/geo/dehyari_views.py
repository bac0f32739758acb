"""Pages for bringing dehyaris in from a CSV file: the upload with its row report, and the template."""
import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from samaneh.accounts.roles import Perm
from samaneh.geo import scope
from samaneh.geo.dehyari_import import ENGLISH_HEADER, MAX_ROWS, PERSIAN_HEADER, REPORT_LIMIT, dehyaris_import
from samaneh.geo.models import Administration, OrgUnit

TEMPLATE_FILENAME = "dehyari-template.csv"
# Shown only when the database has no village the user could import for yet.
FALLBACK_EXAMPLES = [("2102020003821098", "دهیاری نمونه یک"), ("2102020003821099", "دهیاری نمونه دو")]
CREATED_SHOWN = 100


class DehyariImportForm(forms.Form):
    file = forms.FileField(label=_("پرونده CSV"))
    dry_run = forms.BooleanField(label=_("فقط بررسی شود و چیزی ثبت نشود"), required=False)


def _import_scope_or_404(user):
    """The user's units for importing dehyaris; 404 rather than 403 so the page's existence is not confirmed."""
    units = scope.units(user, Perm.IMPORT_DEHYARIS)
    if not units.exists():
        raise Http404
    return units


@login_required
@require_http_methods(["GET", "POST"])
def import_dehyaris(request):
    _import_scope_or_404(request.user)
    result = None
    if request.method == "POST":
        form = DehyariImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = dehyaris_import(
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
    else:
        form = DehyariImportForm()
    context = {
        "form": form,
        "result": result,
        "created_shown": result.created[:CREATED_SHOWN] if result else [],
        "max_rows": MAX_ROWS,
        "report_limit": REPORT_LIMIT,
        "english_header": ",".join(ENGLISH_HEADER),
        "persian_header": ",".join(PERSIAN_HEADER),
    }
    return render(request, "geo/dehyaris/import.html", context)


@login_required
@require_GET
def download_template(request):
    units = _import_scope_or_404(request.user)
    villages = (
        units.filter(kind=OrgUnit.Kind.VILLAGE)
        .exclude(administrations__kind=Administration.Kind.DEHYARI)
        .order_by("code", "pk")[:2]
    )
    examples = [(v.code, f"دهیاری {v.name}") for v in villages] or FALLBACK_EXAMPLES
    buffer = io.StringIO()
    # The BOM is what makes Excel open the file as UTF-8 instead of the system's Arabic code page.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(PERSIAN_HEADER if get_language().startswith("fa") else ENGLISH_HEADER)
    for code, name in examples:
        writer.writerow([code, name, ""])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
