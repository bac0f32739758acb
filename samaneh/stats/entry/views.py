"""Data-entry form, validation-rule analysis and completeness report. Thin: reads come from `selectors`
(narrowed to scope), writes from `services`, which hand values to the one write path."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samaneh.accounts.roles import Perm
from samaneh.core.exports import Sheet, xlsx_response
from samaneh.core.text import localize_digits, normalize_digits, normalize_text, persian_sort_key
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.entry import completeness as completeness_report
from samaneh.stats.entry import selectors, services, validation
from samaneh.stats.expressions import compile_expression
from samaneh.stats.models import DataSet, ValidationRule
from samaneh.stats.uids import org_unit_id, org_unit_uid


def _require_any(user, *perms):
    if not any(scope.roots(user, perm) for perm in perms):
        raise PermissionDenied


def unit_label(unit):
    """«کرج (شهرستان کرج)» — city names repeat across provinces; the county tells them apart."""
    county = unit.parent.parent if unit.parent_id and unit.parent.parent_id else None
    if county is not None and county.kind == OrgUnit.Kind.COUNTY:
        return f"{unit.name} ({county.get_kind_display()} {county.name})"
    return unit.name


@login_required
@require_GET
def home(request):
    """Pick a form, a unit and a period; with all three chosen, go to the form."""
    _require_any(request.user, *selectors.FORM_PERMS)
    today = timezone.localdate()
    data_sets = list(selectors.entry_data_sets(request.user))
    chosen = next((d for d in data_sets if d.uid == request.GET.get("data_set")), None)
    if chosen is None and len(data_sets) == 1:
        chosen = data_sets[0]
    units, offered = [], []
    if chosen is not None:
        units = [(org_unit_uid(u), unit_label(u)) for u in selectors.entry_units(request.user, chosen)]
        offered = selectors.offered_periods(chosen, today)
        unit_uid, period_id = request.GET.get("org_unit"), request.GET.get("period")
        if unit_uid in dict(units) and period_id in {p.id for p in offered}:
            return redirect("stats_entry:form", chosen.uid, unit_uid, period_id)
    return render(request, "stats_entry/home.html", {
        "data_sets": data_sets, "chosen": chosen, "units": units, "offered": offered,
        "selected_unit": request.GET.get("org_unit"), "selected_period": request.GET.get("period"),
    })


def _state_or_refusal(request, data_set_uid, unit_uid, period_id):
    """(state, None) for a form the user may open, or (None, a 400 page) for a period it cannot have.
    A form or unit outside the user's reach is a 404."""
    data_set = selectors.entry_data_set_or_404(request.user, data_set_uid)
    unit = selectors.entry_unit_or_404(request.user, data_set, unit_uid)
    today = timezone.localdate()
    try:
        period = selectors.entry_period(data_set, period_id, today)
    except selectors.PeriodRefused as refusal:
        page = render(request, "stats_entry/refused.html", {"message": str(refusal), "data_set": data_set},
                      status=400)
        return None, page
    return selectors.form_state(data_set, unit, period, today), None


def _form_rules(data_set):
    """Rules of the form's period type whose every operand is one of the form's elements."""
    uids = set(data_set.data_elements.values_list("uid", flat=True))
    chosen = []
    for rule in ValidationRule.objects.filter(period_type=data_set.period_type):
        try:
            operands = compile_expression(rule.left_side).operands | compile_expression(rule.right_side).operands
        except ValueError:
            continue
        if operands and {uid for uid, _ in operands} <= uids:
            chosen.append(rule)
    return chosen


def _fix_links(user, violations):
    """For each violation, the entry form where it can be fixed — a form of the rule's period type that holds
    all the rule's elements and that the unit reports — when the user may open it; else None."""
    if not violations:
        return []
    form_of_rule, assigned = {}, {}
    for data_set in DataSet.objects.order_by("name"):
        for rule in _form_rules(data_set):
            form_of_rule.setdefault(rule.pk, data_set)
    links = []
    for violation in violations:
        data_set = form_of_rule.get(violation.rule.pk)
        if data_set is not None and data_set.pk not in assigned:
            assigned[data_set.pk] = set(data_set.organisation_units.values_list("pk", flat=True))
        unit = violation.unit
        if data_set is None or unit.pk not in assigned[data_set.pk] or not (
                selectors.can_enter(user, unit) or selectors.can_review(user, unit)):
            links.append(None)
            continue
        links.append(reverse("stats_entry:form", args=[data_set.uid, org_unit_uid(unit), violation.period.id]))
    return links


def _display(value):
    """Stored text as read on screen: «true»/«false» as بله/خیر, numbers grouped (۷٬۰۵۸٬۴۱۴٫۲)."""
    if value is None:
        return ""
    if value == "true":
        return _("بله")
    if value == "false":
        return _("خیر")
    whole, _dot, fraction = value.lstrip("-").partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return localize_digits(value)
    text = ("-" if value.startswith("-") else "") + f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    text = localize_digits(text)
    return text.replace(",", "٬").replace(".", "٫") if get_language_bidi() else text


def _input_value(value):
    """Stored text as put back in its input: digits localised (typed back in Persian, they are accepted),
    booleans as the select's option values."""
    if value is None:
        return ""
    return value if value in ("true", "false") else localize_digits(value)


def _form_context(request, state, *, posted=None, errors=None):
    user = request.user
    layout = selectors.form_layout(state.data_set)
    stored = selectors.form_values(state.data_set, state.unit, state.period.id)
    previous = selectors.form_values(state.data_set, state.unit, state.period.previous().id)
    posted, errors = posted or {}, errors or {}
    editable = selectors.can_enter(user, state.unit) and not state.read_only
    for section in layout:
        for group in section.groups:
            for row in group.rows:
                for cell in row.cells:
                    cell.value = posted[cell.name] if cell.name in posted else _input_value(stored.get(cell.name))
                    cell.raw_stored = stored.get(cell.name)
                    cell.previous = _display(previous.get(cell.name))
                    cell.error = errors.get(cell.name)
                    cell.disabled = not editable or bool(row.element.feed)
    violations = []
    if state.completion is not None:
        violations = validation.rules_run(units=OrgUnit.objects.filter(pk=state.unit.pk), period=state.period,
                                          rules=_form_rules(state.data_set))
    return {
        "state": state, "layout": layout, "editable": editable, "unit_label": unit_label(state.unit),
        "unit_uid": org_unit_uid(state.unit), "previous_period": state.period.previous(),
        "can_review": selectors.can_review(user, state.unit),
        "can_approve": selectors.can_approve(user, state.data_set, state.unit),
        "can_enter": selectors.can_enter(user, state.unit),
        "violations": violations, "error_count": len(errors),
    }


def _posted_values(request, state):
    """{field name: raw} for the form's fields present in the POST whose text differs from what is stored
    (an unchanged field is not written again)."""
    layout = selectors.form_layout(state.data_set)
    stored = selectors.form_values(state.data_set, state.unit, state.period.id)
    names = [cell.name for section in layout for group in section.groups for row in group.rows
             for cell in row.cells if not row.element.feed]
    changed = {}
    for name in names:
        if name not in request.POST:
            continue
        # normalize_text turns Persian digits ASCII, so a value shown back in Persian digits compares equal.
        raw = normalize_text(request.POST[name]).strip()
        if raw == (stored.get(name) or ""):
            continue
        changed[name] = raw
    return changed


def _form_url(state):
    return reverse("stats_entry:form", args=[state.data_set.uid, org_unit_uid(state.unit), state.period.id])


@login_required
@require_http_methods(["GET", "POST"])
def form(request, data_set_uid, unit_uid, period_id):
    state, refusal = _state_or_refusal(request, data_set_uid, unit_uid, period_id)
    if refusal:
        return refusal
    if request.method == "GET":
        return render(request, "stats_entry/form.html", _form_context(request, state))
    action = request.POST.get("action", "save")
    posted = _posted_values(request, state)
    try:
        if action == "complete":
            services.completion_mark(request.user, state=state, raw_values=posted)
            messages.success(request, _("فرم {period} کامل اعلام شد.").format(period=state.period.label))
        else:
            summary, errors = services.values_save(request.user, state=state, raw_values=posted)
            if errors:
                messages.error(request, _("برخی مقدارها پذیرفته نشد؛ خطاها کنار هر خانه آمده است."))
                context = _form_context(request, state, posted={k: request.POST[k] for k in errors}, errors=errors)
                return render(request, "stats_entry/form.html", context, status=400)
            messages.success(request, _("مقدارها ذخیره شد."))
    except services.EntryError as error:
        messages.error(request, str(error))
        posted_back = {k: request.POST[k] for k in error.field_errors if k in request.POST}
        context = _form_context(request, state, posted=posted_back, errors=error.field_errors)
        return render(request, "stats_entry/form.html", context, status=400)
    return redirect(_form_url(state))


@login_required
@require_POST
def value(request, data_set_uid, unit_uid, period_id):
    """htmx: save one field and answer with its cell — a tick, or the Persian error beside the input."""
    state, refusal = _state_or_refusal(request, data_set_uid, unit_uid, period_id)
    if refusal:
        return refusal
    name = request.POST.get("field", "")
    layout = selectors.form_layout(state.data_set)
    cells = {cell.name: (row, cell) for section in layout for group in section.groups for row in group.rows
             for cell in row.cells}
    if name not in cells:
        raise Http404
    row, cell = cells[name]
    raw = normalize_text(request.POST.get(name, "")).strip()
    status = 200
    try:
        _summary, errors = services.values_save(request.user, state=state, raw_values={name: raw})
        cell.error = errors.get(name)
    except services.EntryError as error:
        cell.error = str(error)
    if cell.error:
        cell.value, status = raw, 422
    else:
        stored = selectors.form_values(state.data_set, state.unit, state.period.id).get(name)
        cell.value = _input_value(stored)
        cell.saved = True
    previous = selectors.form_values(state.data_set, state.unit, state.period.previous().id)
    cell.previous = _display(previous.get(name))
    cell.disabled = not selectors.can_enter(request.user, state.unit) or state.read_only or bool(row.element.feed)
    response = render(request, "stats_entry/_cell.html", {
        "cell": cell, "row": row, "state": state, "value_url": reverse(
            "stats_entry:value", args=[state.data_set.uid, org_unit_uid(state.unit), state.period.id])})
    # htmx swaps 2xx only by default; the cell with its error must replace the old one too.
    response.status_code = status if not request.headers.get("HX-Request") else 200
    return response


def _review_action(request, data_set_uid, unit_uid, period_id, act, done):
    state, refusal = _state_or_refusal(request, data_set_uid, unit_uid, period_id)
    if refusal:
        return refusal
    try:
        act(state)
        messages.success(request, done.format(period=state.period.label))
    except services.EntryError as error:
        messages.error(request, str(error))
    return redirect(_form_url(state))


@login_required
@require_POST
def complete(request, data_set_uid, unit_uid, period_id):
    return _review_action(request, data_set_uid, unit_uid, period_id,
                          lambda s: services.completion_mark(request.user, state=s),
                          _("فرم {period} کامل اعلام شد."))


@login_required
@require_POST
def uncomplete(request, data_set_uid, unit_uid, period_id):
    return _review_action(request, data_set_uid, unit_uid, period_id,
                          lambda s: services.completion_unmark(request.user, state=s),
                          _("اعلام تکمیل فرم {period} برداشته شد."))


@login_required
@require_POST
def approve(request, data_set_uid, unit_uid, period_id):
    return _review_action(request, data_set_uid, unit_uid, period_id,
                          lambda s: services.approval_create(request.user, state=s),
                          _("فرم {period} تأیید شد."))


@login_required
@require_POST
def unapprove(request, data_set_uid, unit_uid, period_id):
    return _review_action(request, data_set_uid, unit_uid, period_id,
                          lambda s: services.approval_remove(request.user, state=s),
                          _("تأیید فرم {period} لغو شد."))


@login_required
@require_POST
def reopen(request, data_set_uid, unit_uid, period_id):
    return _review_action(request, data_set_uid, unit_uid, period_id,
                          lambda s: services.lock_exception_create(request.user, state=s,
                                                                   reason=request.POST.get("reason", "")),
                          _("فرم {period} برای این واحد بازگشایی شد."))


def _view_root(request):
    """The unit the report is about: ?org_unit=<uid> within the user's STATS_VIEW scope (404 outside), else
    the top of the user's scope."""
    roots = scope.roots(request.user, Perm.STATS_VIEW)
    if not roots:
        raise PermissionDenied
    uid = request.GET.get("org_unit")
    if not uid:
        return roots[0], roots
    pk = org_unit_id(uid)
    if pk is None:
        raise Http404
    return scope.get_or_404(OrgUnit.objects.all(), request.user, Perm.STATS_VIEW, unit_field=None, pk=pk), roots


def _breadcrumb(unit, roots):
    """Ancestors of `unit` the user may see (from the top of their scope down), for drill-up links."""
    top_paths = [r.path for r in roots]
    return [(u, org_unit_uid(u)) for u in unit.ancestors() if any(u.path.startswith(p) for p in top_paths)]


@login_required
@require_GET
def validation_report(request):
    root, roots = _view_root(request)
    today = timezone.localdate()
    default_period = periods.current(periods.MONTHLY, today).previous()
    period_text = normalize_digits(request.GET.get("period") or default_period.id).strip()
    error, violations, period = None, [], None
    try:
        period = periods.parse(period_text)
        if periods.is_future(period, today):
            raise periods.PeriodError(_("دوره %(period)s هنوز نرسیده است") % {"period": period.label})
    except periods.PeriodError as refusal:
        error, period = str(refusal), None
    if period is not None:
        units = scope.narrow(root.subtree(), request.user, Perm.STATS_VIEW, unit_field=None)
        violations = validation.rules_run(units=units, period=period)
    if period is not None and request.GET.get("format") == "xlsx":
        headers = [_("قاعده"), _("اهمیت"), _("مقدار سمت چپ"), _("عملگر"), _("مقدار سمت راست"), _("واحد"),
                   _("کد واحد"), _("دوره")]
        rows = [[v.rule.name, v.rule.get_importance_display(), v.left, v.operator_symbol, v.right, unit_label(v.unit),
                 v.unit.code, v.period.label] for v in violations]
        return xlsx_response(f"validation-{period.id}.xlsx", [Sheet(_("تخلف از قواعد"), headers, rows)])
    return render(request, "stats_entry/validation.html", {
        "root": root, "roots": roots, "root_uid": org_unit_uid(root), "breadcrumb": _breadcrumb(root, roots),
        "period": period, "period_text": period_text, "error": error,
        "violations": list(zip(violations, _fix_links(request.user, violations))),
        "rule_count": ValidationRule.objects.count(),
    }, status=400 if error else 200)


@login_required
@require_GET
def completeness(request):
    root, roots = _view_root(request)
    today = timezone.localdate()
    data_sets = list(DataSet.objects.filter(
        pk__in=scope.narrow(DataSet.organisation_units.through.objects.all(), request.user, Perm.STATS_VIEW,
                            unit_field="orgunit").values("dataset_id")).order_by("name"))
    data_set = next((d for d in data_sets if d.uid == request.GET.get("data_set")), data_sets[0] if data_sets else None)
    context = {"root": root, "roots": roots, "root_uid": org_unit_uid(root), "data_sets": data_sets,
               "data_set": data_set, "breadcrumb": _breadcrumb(root, roots), "report": None, "error": None}
    if data_set is None:
        return render(request, "stats_entry/completeness.html", context)
    latest = periods.current(data_set.period_type, today)  # the running period too: who is done already
    first = request.GET.get("from") or latest.previous(5 if data_set.period_type != periods.YEARLY else 1).id
    last = request.GET.get("to") or latest.id
    context.update({"first": normalize_digits(first), "last": normalize_digits(last)})
    try:
        period_list = completeness_report.report_periods(data_set, first, last, today)
    except periods.PeriodError as refusal:
        context["error"] = str(refusal)
        return render(request, "stats_entry/completeness.html", context, status=400)
    report = completeness_report.completeness(user=request.user, data_set=data_set, root=root, period_list=period_list)
    missing_id = request.GET.get("missing") or (period_list[-1].id if period_list else None)
    missing_period = next((p for p in period_list if p.id == missing_id), period_list[-1] if period_list else None)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"completeness-{data_set.code or data_set.uid}.xlsx", _completeness_sheets(report))
    context.update({
        "report": report, "missing_period": missing_period,
        "periods_tallies": list(zip(report.periods, report.by_period)),
        "missing": sorted(
            [(u, unit_label(u), org_unit_uid(u), selectors.can_enter(request.user, u) or selectors.can_review(request.user, u))
             for u in report.missing.get(missing_period.id, [])], key=lambda item: persian_sort_key(item[1]),
        ) if missing_period else [],
        "children": [(row, org_unit_uid(row.unit)) for row in report.children],
    })
    return render(request, "stats_entry/completeness.html", context)


def _completeness_sheets(report):
    headers = [_("دوره"), _("واحدهای موظف"), _("تکمیل‌شده"), _("به‌موقع"), _("با تأخیر"), _("ارسال‌نشده"),
               _("درصد تکمیل"), _("درصد به‌موقع")]
    summary = [[p.label, t.expected, t.completed, t.on_time, t.late, t.missing, t.completed_pct, t.on_time_pct]
               for p, t in zip(report.periods, report.by_period)]
    unit_headers = [_("واحد")] + [f"{p.label} — {_('درصد تکمیل')}" for p in report.periods] + [_("کل")]
    by_unit = [[row.unit.name, *[t.completed_pct for t in row.by_period], row.total.completed_pct]
               for row in report.children]
    missing = [[p.label, unit_label(u), u.code] for p in report.periods for u in report.missing[p.id]]
    return [
        Sheet(_("خلاصه"), headers, summary),
        Sheet(_("به تفکیک واحد"), unit_headers, by_unit),
        Sheet(_("ارسال‌نشده"), [_("دوره"), _("واحد"), _("کد واحد")], missing),
    ]
