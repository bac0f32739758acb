"""Import pages: templates to download, upload with a dry run, confirm, progress. Thin: the work is in
`services`, the reads in `selectors`."""
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from samaneh.accounts.decorators import staff_required
from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import accepts_uploads
from samaneh.core.exports import XLSX_TYPE
from samaneh.core.text import localize_digits
from samaneh.geo import scope
from samaneh.stats import periods
from samaneh.stats.io import downloads, selectors, services
from samaneh.stats.io.forms import TemplateForm, UploadForm
from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.safety import FileRefused, max_upload_bytes, too_large_message


def _enterer_required(view):
    """Staff with STATS_ENTER somewhere; everyone else gets 404 (nothing here to confirm or deny)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.roots(request.user, Perm.STATS_ENTER):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _index_context(request, *, upload_form=None, template_form=None, upload_error=None):
    user = request.user
    template_form = template_form or TemplateForm(user=user)
    first = template_form.fields["data_set"].queryset.first()
    if first is not None:
        template_form.initial.setdefault("period", periods.current(first.period_type).previous().id)
    return {
        "upload_form": upload_form or UploadForm(user=user),
        "template_form": template_form,
        "upload_error": upload_error,
        "jobs": selectors.jobs_visible(user)[:20],
        "max_mb": localize_digits(str(max_upload_bytes() // (1024 * 1024))),
    }


@_enterer_required
def _upload_refused(request, message):
    return render(request, "stats_io/index.html", _index_context(request, upload_error=message), status=400)


@accepts_uploads(on_refused=_upload_refused, max_bytes=max_upload_bytes, too_large=too_large_message)
@_enterer_required
def index(request):
    if request.method != "POST":
        return render(request, "stats_io/index.html", _index_context(request))
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            job = services.import_check(
                user=request.user, upload=form.cleaned_data["file"], data_set=form.cleaned_data["data_set"],
                period=form.cleaned_data.get("period") or "",
            )
        except FileRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            return redirect("stats_io:job", pk=job.pk)
    return render(request, "stats_io/index.html", _index_context(request, upload_form=form), status=400)


@require_GET
@_enterer_required
def template(request):
    form = TemplateForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "stats_io/index.html", _index_context(request, template_form=form), status=400)
    data_set = form.cleaned_data["data_set"]
    period = periods.parse(form.cleaned_data["period"]) if form.cleaned_data.get("period") else None
    units = selectors.template_units(request.user, data_set)
    columns = selectors.template_columns(data_set)
    if form.cleaned_data["file_format"] == "csv":
        body = downloads.template_csv(units=units, columns=columns, period=period).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    else:
        body = downloads.template_xlsx(data_set=data_set, units=units, columns=columns, period=period)
        content_type = XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    filename = downloads.template_filename(data_set, period, form.cleaned_data["file_format"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def job(request, pk):
    job = selectors.job_get(request.user, pk)
    return render(request, "stats_io/job.html", _job_context(request, job))


@require_POST
@staff_required
def confirm(request, pk):
    job = selectors.job_get(request.user, pk)
    try:
        services.import_confirm(user=request.user, job=job)
    except FileRefused as refusal:
        context = _job_context(request, job)
        context["refusal"] = refusal.message
        return render(request, "stats_io/job.html", context, status=400)
    return redirect("stats_io:job", pk=job.pk)


@require_GET
@staff_required
def progress(request, pk):
    job = selectors.job_get(request.user, pk)
    return render(request, "stats_io/_progress.html", _job_context(request, job))


def _job_context(request, job):
    done, total = services.progress_get(job)
    percent = 100 if job.status == ImportJob.Status.DONE else (int(done * 100 / total) if total else 0)
    return {
        "job": job, "done": done, "total": total, "percent": percent,
        "period_label": periods.parse(job.period).label if job.period else "",
        "may_confirm": job.status == ImportJob.Status.CHECKED and job.user_id == request.user.pk,
        "dry": job.dry_run_summary, "result": job.summary,
    }
