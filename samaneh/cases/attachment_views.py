"""Attachments over HTTP: adding one to a case (a form on the staff or citizen case page posts here) and
downloading one, only to those who may see it; everyone else gets the same 404 as for a missing file."""
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import EXTENSIONS, accepts_uploads, attachment_add
from samaneh.cases.models import Attachment, Case
from samaneh.cases.services import CaseError
from samaneh.core.forms import PersianFormMixin
from samaneh.geo import scope


class AttachmentForm(PersianFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("فایل پیوست"),
        error_messages={
            "required": gettext_lazy("فایل پیوست را انتخاب کنید."),
            "empty": gettext_lazy("فایل پیوست خالی است."),
            "invalid": gettext_lazy("فایل پیوست درست فرستاده نشد؛ دوباره بفرستید."),
        },
    )
    public = forms.BooleanField(label=gettext_lazy("متقاضی هم ببیند"), required=False)


def _back(request):
    """Where the form came from: `?next=` (the body of a refused upload is never read), else the referrer,
    else home — only ever on this site."""
    for candidate in (request.GET.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(candidate)
    return HttpResponseRedirect(reverse("web:home"))


def _refuse_upload(request, message):
    messages.error(request, message)
    return _back(request)


def _case_for(user, pk):
    """The case if the user is its applicant or staff whose scope reaches its responsible unit; else 404."""
    own = Case.objects.select_related("responsible_unit").filter(pk=pk, applicant=user).first()
    if own is not None:
        return own
    return scope.get_or_404(
        Case.objects.select_related("responsible_unit"), user, Perm.CASE_VIEW, unit_field="responsible_unit", pk=pk
    )


@login_required
@require_POST
@accepts_uploads(on_refused=_refuse_upload)
def add(request, case_pk):
    case = _case_for(request.user, case_pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request)
    try:
        attachment = attachment_add(
            case=case, user=request.user, upload=form.cleaned_data["file"], public=form.cleaned_data["public"]
        )
    except CaseError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("پیوست «%(name)s» افزوده شد.") % {"name": attachment.original_name})
    return _back(request)


def _visible_attachment(user, pk):
    own = Attachment.objects.filter(pk=pk, public=True, case__applicant=user).first()
    if own is not None:
        return own
    return scope.get_or_404(Attachment.objects.all(), user, Perm.CASE_VIEW, unit_field="case__responsible_unit", pk=pk)


def content_disposition(original_name, content_type):
    """`attachment` with the original name for every browser (RFC 6266: an ASCII fallback, then the UTF-8
    name), so a Persian file name survives and nothing in it can break the header."""
    fallback = f"attachment.{EXTENSIONS.get(content_type, 'bin')}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(original_name, safe='')}"


@login_required
@require_GET
@never_cache
def download(request, pk):
    attachment = _visible_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name, attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
