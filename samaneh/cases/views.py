"""The staff side of the case engine: the reviewer queue (filters, bulk assignment, Excel), one case's page
with its actions, and each user's notifications. Views only read through selectors and write through
services; a refusal from the engine reaches the person as its Persian message and changes nothing."""
import datetime as dt
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samaneh.accounts.roles import Perm
from samaneh.cases import exports, registry, selectors
from samaneh.cases.attachments import accepts_uploads
from samaneh.cases.comments import comment_add
from samaneh.cases.forms import AssignForm, BulkAssignForm, CommentForm, QueueFilterForm, ReferForm, TransitionForm
from samaneh.cases.models import Attachment, CaseEvent, Comment
from samaneh.cases.services import CaseError, available_steps, case_assign, case_refer, case_transition
from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits
from samaneh.geo import scope
from samaneh.geo import selectors as geo_selectors
from samaneh.geo.models import OrgUnit

PAGE_SIZE = 50
NOTIFICATIONS_PAGE_SIZE = 50
UNIT_PICKER_LIMIT = 20
# A second click on the same button arrives within this window; the first one's event proves it was done.
REPEAT_WINDOW = dt.timedelta(minutes=2)
UNIT_PICKER_FIELDS = {"unit", "to_unit"}


def _require_case_staff(user):
    # Outside the staff side the pages do not exist for the user: 404, never a 403 that confirms them.
    if not scope.units(user, Perm.CASE_VIEW).exists():
        raise Http404


def _page_number(request):
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


# --- the queue -------------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    user = request.user
    _require_case_staff(user)
    form = QueueFilterForm(request.GET, user=user)
    number = _page_number(request)
    cases, has_next = [], False
    if form.is_valid():
        # No COUNT: on a national queue of a million cases the count would cost more than the page.
        start = (number - 1) * PAGE_SIZE
        rows = list(selectors.case_queue(user=user, filters=form.cleaned_data)[start:start + PAGE_SIZE + 1])
        has_next = len(rows) > PAGE_SIZE
        cases = selectors.describe_cases(rows[:PAGE_SIZE])
    return render(request, "cases/queue.html", {
        "form": form,
        "cases": cases,
        "page_number": number,
        "has_next": has_next,
        "has_previous": number > 1,
        "selected_unit": form.cleaned_data.get("unit") if form.is_valid() else None,
        "colleagues": selectors.case_colleagues(units={case.responsible_unit for case in cases}),
        "now": timezone.now(),
    })


def _queue_url(request):
    target = request.POST.get("next", "")
    if target.startswith(reverse("cases:queue")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("cases:queue")


@login_required
@require_POST
def queue_assign(request):
    user = request.user
    _require_case_staff(user)
    form = BulkAssignForm(request.POST, user=user)
    if form.is_valid():
        cases, to_user = form.cleaned_data["cases"], form.cleaned_data["to_user"]
        try:
            case_assign(cases=cases, user=user, to_user=to_user)
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s پرونده به %(user)s واگذار شد.")
                             % {"count": localize_digits(len(cases)), "user": to_user})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_queue_url(request))


@login_required
@require_GET
def queue_export(request):
    user = request.user
    _require_case_staff(user)
    form = QueueFilterForm(request.GET, user=user)
    back = f"{reverse('cases:queue')}?{request.GET.urlencode()}"
    if not form.is_valid():
        messages.error(request, _("فیلترها نادرست است؛ پیش از گرفتن خروجی اکسل آن‌ها را درست کنید."))
        return redirect(back)
    cases = selectors.case_queue(user=user, filters=form.cleaned_data)
    if cases[exports.MAX_ROWS:exports.MAX_ROWS + 1].values_list("pk", flat=True):
        messages.error(request, _("بیش از %(limit)s پرونده با این فیلترها هست؛ فیلترها را تنگ‌تر کنید.")
                       % {"limit": localize_digits(f"{exports.MAX_ROWS:,}").replace(",", "٬")})
        return redirect(back)
    file = tempfile.TemporaryFile()
    rows = exports.queue_workbook_write(cases, file)
    audit_record(actor=user, action="case.export", object_type="cases.case", request=request,
                 after={"filters": request.GET.dict(), "rows": rows})
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=exports.queue_export_filename(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def unit_picker(request):
    """The unit search's results as radio buttons for the form that asked (`name`): htmx swaps them in.

    For the queue's filter (`unit`) only units in the user's scope; for a referral (`to_unit`) any unit.
    """
    user = request.user
    _require_case_staff(user)
    name = request.GET.get("name")
    if name not in UNIT_PICKER_FIELDS:
        raise Http404
    allowed = scope.units(user, Perm.CASE_VIEW) if name == "unit" else OrgUnit.objects.all()
    selected_pk = request.GET.get(name, "")
    selected = allowed.filter(pk=selected_pk).first() if selected_pk.isdigit() else None
    query = request.GET.get(f"{name}_search", "")[: settings.SEARCH_MAX_LENGTH]
    units = []
    if query.strip():
        found = geo_selectors.unit_search(query=query)
        if name == "unit":
            found = scope.narrow(found, user, Perm.CASE_VIEW, unit_field=None)
        if selected:
            found = found.exclude(pk=selected.pk)
        units = geo_selectors.attach_breadcrumbs(found[:UNIT_PICKER_LIMIT])
    return render(request, "cases/_unit_options.html",
                  {"units": units, "name": name, "query": query, "selected": selected})


# --- one case ---------------------------------------------------------------------------------------------


def _service_fragment(manifest):
    if not manifest.detail_template:
        return None
    try:
        return select_template([manifest.detail_template])
    except TemplateDoesNotExist:
        return None


def _render_detail(request, case, *, bound=None, refusal=None):
    """The case page; `bound` holds the one form that was just refused, keeping what the person typed;
    `refusal` is a message for the top of the page (a refused step may no longer have a form to show it)."""
    user = request.user
    bound = bound or {}
    manifest = registry.get(case.service)
    step_forms = [
        (step, bound.get(f"step:{step.action}") or TransitionForm(step=step))
        for step in available_steps(user, case)
    ]
    can_assign = not case.is_closed and scope.can_act(user, Perm.CASE_ASSIGN, case.responsible_unit)
    context = {
        "case": case,
        "manifest": manifest,
        "state_label": selectors.state_label(manifest, case.state),
        "breadcrumb": case.responsible_unit.ancestors(),
        "service_fragment": _service_fragment(manifest),
        "history": selectors.case_history(case),
        "comments": selectors.case_comments(case, include_internal=True),
        "attachments": Attachment.objects.filter(case=case).select_related("uploaded_by"),
        "step_forms": step_forms,
        "can_assign": can_assign,
        "refer_form": bound.get("refer") or ReferForm(),
        "assign_form": (bound.get("assign") or AssignForm(case=case)) if can_assign else None,
        "comment_form": bound.get("comment") or CommentForm(),
        "refusal": refusal,
        "refused": bool(refusal) or any(form.errors for form in bound.values()),
        **selectors.case_detail_rows(case),
    }
    return render(request, "cases/detail.html", context)


def _recently_done(*, case_pk, user, action):
    return CaseEvent.objects.filter(
        case_id=case_pk, actor=user, action=action, at__gte=timezone.now() - REPEAT_WINDOW
    ).exists()


def _after_write(request, case, message):
    """Back to the case, or to the queue when the write took the case out of the user's reach."""
    messages.success(request, message)
    case.refresh_from_db(fields=["responsible_unit"])
    if scope.can_act(request.user, Perm.CASE_VIEW, case.responsible_unit):
        return redirect("cases:detail", pk=case.pk)
    messages.info(request, _("پرونده %(code)s دیگر در حوزه شما نیست.") % {"code": localize_digits(case.tracking_code)})
    return redirect("cases:queue")


def _case_or_repeat(request, pk, action):
    """The case for a POST; a case the user's own first click just moved out of reach answers as done."""
    try:
        return selectors.case_for_staff(user=request.user, pk=pk), None
    except Http404:
        if _recently_done(case_pk=pk, user=request.user, action=action):
            messages.info(request, _("این اقدام پیش‌تر ثبت شده بود."))
            return None, redirect("cases:queue")
        raise


@login_required
@require_GET
def detail(request, pk):
    return _render_detail(request, selectors.case_for_staff(user=request.user, pk=pk))


@login_required
@require_POST
def transition(request, pk):
    action = request.POST.get("action", "")
    case, done = _case_or_repeat(request, pk, action)
    if done:
        return done
    form = TransitionForm(request.POST)
    form.is_valid()  # normalises the typed text; the engine decides whether the action may be taken
    step = registry.get(case.service).workflow.step(case.state, action)
    try:
        case_transition(case=case, action=action, user=request.user, text=form.cleaned_data.get("text", ""),
                        internal_note=form.cleaned_data.get("internal_note", ""))
    except CaseError as exc:
        if _recently_done(case_pk=case.pk, user=request.user, action=action):
            messages.info(request, _("این اقدام پیش‌تر ثبت شده بود."))
            return redirect("cases:detail", pk=case.pk)
        return _render_detail(request, case, bound={f"step:{action}": form}, refusal=exc.message)
    return _after_write(request, case, _("«%(action)s» ثبت شد.") % {"action": step.label})


@login_required
@require_POST
def refer(request, pk):
    case, done = _case_or_repeat(request, pk, "refer")
    if done:
        return done
    form = ReferForm(request.POST)
    if form.is_valid():
        to_unit = form.cleaned_data["to_unit"]
        try:
            case_refer(case=case, user=request.user, to_unit=to_unit, reason=form.cleaned_data["reason"])
        except CaseError as exc:
            if _recently_done(case_pk=case.pk, user=request.user, action="refer"):
                messages.info(request, _("این اقدام پیش‌تر ثبت شده بود."))
                return redirect("cases:detail", pk=case.pk)
            form.add_error(None, exc.message)
        else:
            return _after_write(request, case, _("پرونده به %(unit)s ارجاع شد.") % {"unit": to_unit})
    return _render_detail(request, case, bound={"refer": form})


@login_required
@require_POST
def assign(request, pk):
    case = selectors.case_for_staff(user=request.user, pk=pk)
    if case.is_closed or not scope.can_act(request.user, Perm.CASE_ASSIGN, case.responsible_unit):
        return _render_detail(request, case, refusal=_("شما اجازه واگذاری این پرونده را ندارید."))
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            case_assign(cases=[case], user=request.user, to_user=to_user)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            return _after_write(request, case, _("پرونده به %(user)s واگذار شد.") % {"user": to_user})
    return _render_detail(request, case, bound={"assign": form})


def _upload_refused(request, message):
    case = selectors.case_for_staff(user=request.user, pk=request.resolver_match.kwargs["pk"])
    return _render_detail(request, case, refusal=message)


@login_required
@require_POST
@accepts_uploads(on_refused=_upload_refused)
def comment(request, pk):
    case = selectors.case_for_staff(user=request.user, pk=pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment_add(case=case, user=request.user, body=form.cleaned_data["body"],
                        visibility=form.cleaned_data["visibility"], upload=form.cleaned_data["file"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            if form.cleaned_data["visibility"] == Comment.Visibility.PUBLIC:
                message = _("یادداشت عمومی ثبت شد و متقاضی آن را می‌بیند.")
            else:
                message = _("یادداشت داخلی ثبت شد.")
            return _after_write(request, case, message)
    return _render_detail(request, case, bound={"comment": form})


# --- notifications ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    user = request.user
    if request.method == "POST":
        marked = user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        if marked:
            messages.success(request, _("همه اعلان‌ها خوانده شد."))
        return redirect("cases:notifications")
    page = Paginator(selectors.notifications_for(user=user), NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        case = notification.case
        notification.case_url = (
            reverse("cases:detail", args=[case.pk])
            if case is not None and scope.can_act(user, Perm.CASE_VIEW, case.responsible_unit) else ""
        )
    return render(request, "cases/notifications.html", {
        "page": page,
        "unread": selectors.unread_notification_count(user=user),
    })
