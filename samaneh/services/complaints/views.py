"""Citizen pages (file, my cases, one case with its actions and rating) and the expert's duplicate list
and merge. Thin: every rule is in services.py, every read in selectors.py."""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import accepts_uploads, attachment_add, max_size_text
from samaneh.cases.models import Case
from samaneh.cases.services import CaseError, case_transition
from samaneh.core.text import localize_digits
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints import routing, selectors
from samaneh.services.complaints.forms import MAX_FILES, CaseActionForm, ComplaintForm, MergeForm, RatingForm
from samaneh.services.complaints.models import Category, CategoryAttribute
from samaneh.services.complaints.services import ComplaintRefused, complaint_file, complaint_merge, complaint_rate

# Refusals on these inputs show beside them; the rest (map point, category questions) above the form.
SHOWN_FIELDS = {"kind", "category", "org_unit", "description", "address"}


def citizen_required(view):
    """Citizens only: a visitor goes to the citizen sign-in, staff to their own dashboard."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:citizen-login"))
        if not user.is_citizen:
            return redirect("web:dashboard")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@cache_control(public=True, max_age=3600)
def map_config(request):
    """What every complaint map draws: Iran's outline (Leaflet's lat, lng order) and the tile URL, empty
    where the deployment has no tile server (the map then shows the outline and the pin only)."""
    return JsonResponse({
        "outline": [[lat, lng] for lng, lat in routing.IRAN_OUTLINE],
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
    })


def _questions(form, post):
    """The chosen category's questions with what was typed, when the form comes back with an error."""
    category = form.cleaned_data.get("category") if form.is_bound and hasattr(form, "cleaned_data") else None
    if category is None:
        return []
    attributes = list(category.attributes.all())
    for attribute in attributes:
        name = f"attribute[{attribute.code}]"
        attribute.answer = post.getlist(name) if attribute.datatype == CategoryAttribute.DataType.MULTIVALUELIST \
            else post.get(name, "")
    return attributes


def _new_page(request, form, status=200, upload_error=None):
    unit = form.selected_unit()
    context = {
        "form": form,
        "selected_unit": unit,
        "selected_unit_label": selectors.unit_label(unit) if unit else "",
        "questions": _questions(form, request.POST),
        "unit_kind_labels": dict(OrgUnit.Kind.choices),
        "max_files": MAX_FILES,
        "max_mb": max_size_text(),
        "upload_error": upload_error,
    }
    return render(request, "complaints/new.html", context, status=status)


def _filing_too_large(request, message):
    return _new_page(request, ComplaintForm(), status=400, upload_error=message)


def _attach_all(case, user, uploads):
    """Attach every upload, or none: the rows roll back with the caller's transaction, and the files
    already written to storage are removed here, so a refused third file leaves no orphan behind."""
    stored = []
    try:
        for upload in uploads:
            stored.append(attachment_add(case=case, user=user, upload=upload, public=True))
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise


def _attributes_from(post, category):
    answers = {}
    for attribute in category.attributes.all():
        name = f"attribute[{attribute.code}]"
        if attribute.datatype == CategoryAttribute.DataType.MULTIVALUELIST:
            answers[attribute.code] = post.getlist(name)
        else:
            answers[attribute.code] = post.get(name, "")
    return answers


@citizen_required
@accepts_uploads(on_refused=_filing_too_large, files=MAX_FILES)
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method != "POST":
        return _new_page(request, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _new_page(request, form, status=400)
    data = form.cleaned_data
    try:
        # The case and its files stand or fall together: a refused file leaves no case behind.
        with transaction.atomic():
            outcome = complaint_file(
                applicant=request.user, kind=data["kind"], category=data["category"],
                description=data["description"], org_unit=data["org_unit"], latitude=data["latitude"] or None,
                longitude=data["longitude"] or None, address=data["address"], is_public=data["is_public"],
                attributes=_attributes_from(request.POST, data["category"]), channel="web",
                idempotency_key=data["idempotency_key"],
            )
            if outcome.created:
                _attach_all(outcome.case, request.user, data["files"])
    except ComplaintRefused as refusal:
        form.add_error(refusal.field if refusal.field in SHOWN_FIELDS else None, refusal.message)
        return _new_page(request, form, status=400)
    except CaseError as refusal:
        form.add_error("files", refusal.message)
        return _new_page(request, form, status=400)
    return redirect("complaints:filed", pk=outcome.case.pk)


@citizen_required
@require_GET
def category_questions(request):
    """The chosen category's extra questions (htmx fragment under the category select)."""
    category_id = request.GET.get("category", "")
    category = Category.objects.filter(pk=category_id, is_active=True).first() if category_id.isdigit() else None
    attributes = list(category.attributes.all()) if category else []
    return render(request, "complaints/_category_questions.html", {"attributes": attributes})


@citizen_required
@require_GET
def filed(request, pk):
    case = selectors.citizen_case(user=request.user, pk=pk)
    return render(request, "complaints/filed.html", {"case": case})


@citizen_required
@require_GET
def mine(request):
    return render(request, "complaints/mine.html", {"cases": selectors.citizen_cases(user=request.user)})


def _case_page(request, case, *, action_form=None, rating_form=None, refusal=None, status=200):
    page = selectors.citizen_case_page(user=request.user, case=case)
    complaint = case.complaint
    objection_expired = complaint.objection_deadline is not None and timezone.now() > complaint.objection_deadline
    # The table still lists «object» after the window closes (the engine refuses it); don't offer it.
    steps = [s for s in page["steps"] if not (s.action == "object" and objection_expired)]
    step_forms = []
    for step in steps:
        bound = action_form is not None and action_form.data.get("action") == step.action
        step_forms.append((step, action_form if bound else CaseActionForm(initial={"action": step.action})))
    may_rate = complaint.answered_at is not None and complaint.rated_at is None
    context = {
        "case": case,
        "complaint": complaint,
        **page,
        "step_forms": step_forms,
        "objection_expired": objection_expired and case.state == "answered",
        "rating_form": rating_form or (RatingForm() if may_rate else None),
        "place_label": selectors.unit_label(case.org_unit),
        "refusal": refusal,
    }
    return render(request, "complaints/case.html", context, status=status)


@citizen_required
@require_GET
def case_detail(request, pk):
    return _case_page(request, selectors.citizen_case(user=request.user, pk=pk))


def _action_too_large(request, message):
    messages.error(request, message)
    return redirect("complaints:case", pk=request.resolver_match.kwargs["pk"])


@citizen_required
@accepts_uploads(on_refused=_action_too_large, files=MAX_FILES)
@require_POST
def case_act(request, pk):
    """The applicant takes a step the workflow leaves to them (send information, object, accept)."""
    case = selectors.citizen_case(user=request.user, pk=pk)
    form = CaseActionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, action_form=form, status=400)
    try:
        with transaction.atomic():
            case = case_transition(case=case, action=form.cleaned_data["action"], user=request.user,
                                   text=form.cleaned_data["text"])
            _attach_all(case, request.user, form.cleaned_data["files"])
    except CaseError as refusal:
        # Shown at the top: a refused step may have no form on the page (no longer, or never, the citizen's).
        return _case_page(request, selectors.citizen_case(user=request.user, pk=pk), action_form=form,
                          refusal=refusal.message, status=400)
    messages.success(request, _("انجام شد."))
    return redirect("complaints:case", pk=case.pk)


@citizen_required
@require_POST
def case_rate(request, pk):
    case = selectors.citizen_case(user=request.user, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, rating_form=form, status=400)
    try:
        complaint_rate(case=case, user=request.user, rating=form.cleaned_data["rating"],
                       comment=form.cleaned_data["comment"])
    except ComplaintRefused as refusal:
        # At the top of the page: once rated, or before an answer, there is no rating form to put it on.
        return _case_page(request, case, refusal=refusal.message, status=400)
    messages.success(request, _("امتیاز شما ثبت شد. سپاس از شما."))
    return redirect("complaints:case", pk=case.pk)


def _staff_case(user, pk):
    return scope.get_or_404(Case.objects.select_related("complaint", "responsible_unit"), user, Perm.CASE_VIEW,
                            unit_field="responsible_unit", pk=pk, service="complaints")


@login_required
@require_GET
def duplicates(request, pk):
    """Duplicate suggestions for the expert's case page (htmx fragment), limited to what the expert sees."""
    case = _staff_case(request.user, pk)
    return render(request, "complaints/_duplicates.html", {
        "case": case,
        "duplicates": selectors.duplicates_for(case.complaint, user=request.user),
        "next": request.GET.get("next", ""),
    })


def _safe_next(request, url):
    allowed = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed, require_https=request.is_secure()):
        return url
    return None


@login_required
@require_POST
def merge(request):
    """The expert merges a duplicate into the main case, then goes back to the page they came from."""
    form = MergeForm(request.POST)
    back = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back or "web:dashboard")
    data = form.cleaned_data
    duplicate_case = _staff_case(request.user, data["duplicate"])
    into_case = _staff_case(request.user, data["into"])
    try:
        complaint_merge(user=request.user, duplicate_case=duplicate_case, into_case=into_case, reason=data["reason"])
    except ComplaintRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("پرونده %(dup)s در پرونده %(main)s ادغام شد.") % {
            "dup": localize_digits(duplicate_case.tracking_code), "main": localize_digits(into_case.tracking_code)})
    return redirect(back or reverse("cases:detail", kwargs={"pk": into_case.pk}))
