"""Every write of the case engine. Plain functions taking the acting user; each is one transaction,
writes the case history and the audit chain, and notifies whom it concerns."""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.cases import registry
from samaneh.cases.models import Case, CaseEvent, Comment, IdempotencyKey, Notification, Priority
from samaneh.cases.workflow import APPLICANT
from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits
from samaneh.core.tracking import new_tracking_code
from samaneh.core.workdays import add_working_days, working_days_between
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit


class CaseError(Exception):
    """A refused write; `message` is Persian and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    case: Case
    created: bool


def province_code(unit):
    """The code of the province the unit lies in (per-province closed days), or None at country level."""
    ids = unit.ancestor_ids()
    if len(ids) < 2:
        return None
    return OrgUnit.objects.filter(pk=ids[1]).values_list("code", flat=True).first()


def deadline_after(unit, days, start=None):
    return add_working_days(start or timezone.now(), days, province_code(unit))


def _unique_tracking_code():
    for _attempt in range(10):
        code = new_tracking_code()
        if not Case.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("could not draw a free tracking code")


def _event(case, *, actor, action, label, from_state="", to_state="", from_unit=None, to_unit=None, public=True, note=""):
    event = CaseEvent.objects.create(
        case=case, actor=actor, action=action, label=label, from_state=from_state, to_state=to_state,
        from_unit=from_unit, to_unit=to_unit, public=public, note=note,
    )
    if public:
        line = [event.at.isoformat(), action, to_state, to_unit.level if to_unit else None,
                to_unit.name if to_unit else None]
        case.public_history = [*case.public_history, line]
        Case.objects.filter(pk=case.pk).update(public_history=case.public_history)
    return event


def _case_snapshot(case):
    return {
        "state": case.state,
        "responsible_unit": case.responsible_unit_id,
        "assigned_to": case.assigned_to_id,
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "is_closed": case.is_closed,
    }


def notify(*, user, case, text, sms=False):
    """An in-app notification, and an SMS (sent by a Celery task after commit) when asked and possible."""
    from samaneh.cases.tasks import send_notification_sms

    by_sms = bool(sms and getattr(user, "mobile", None))
    notification = Notification.objects.create(user=user, case=case, text=text[:500], by_sms=by_sms)
    if by_sms:
        # robust: a dead SMS gateway must not turn a saved case into an error page (the task retries).
        transaction.on_commit(lambda: send_notification_sms.delay(notification.pk), robust=True)
    return notification


def case_open(*, service, applicant, org_unit, responsible_unit, title, priority=Priority.NORMAL, actor=None):
    """Create a case in the service's initial state with its first deadline. Call inside the service's
    own transaction so the service's detail row is written with it."""
    manifest = registry.get(service)
    workflow = manifest.workflow
    now = timezone.now()
    case = Case.objects.create(
        tracking_code=_unique_tracking_code(),
        service=service,
        applicant=applicant,
        org_unit=org_unit,
        responsible_unit=responsible_unit,
        state=workflow.initial_state,
        title=title[:200],
        priority=priority,
        deadline=deadline_after(responsible_unit, workflow.initial_sla_days, now),
        created_at=now,
    )
    actor = actor or applicant
    _event(case, actor=actor, action="open", label=_("ثبت"), to_state=case.state, to_unit=responsible_unit)
    audit_record(actor=actor, action="case.open", target=case, after=_case_snapshot(case))
    notify(
        user=applicant,
        case=case,
        text=_("درخواست شما با کد پیگیری %(code)s ثبت شد.") % {"code": case.tracking_code},
        sms=True,
    )
    return case


def case_create_once(*, user, idempotency_key, create):
    """Run `create()` (which opens a case) once per (user, key): a repeated POST gets the first case."""
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = IdempotencyKey.objects.filter(user=user, key=key).select_related("case").first()
        if existing:
            return Outcome(existing.case, False)
    try:
        with transaction.atomic():
            case = create()
            if key:
                IdempotencyKey.objects.create(user=user, key=key, case=case)
        return Outcome(case, True)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, key=key).select_related("case").first() if key else None
        if existing:
            return Outcome(existing.case, False)
        raise


def may_take(user, case, step):
    if APPLICANT in step.actors and user.pk == case.applicant_id:
        return True
    return bool(scope.roles_reaching(user, case.responsible_unit) & step.actors)


def available_steps(user, case):
    """The steps this user may take on this case now, in table order."""
    workflow = registry.get(case.service).workflow
    return [step for step in workflow.steps_from(case.state) if may_take(user, case, step)]


@transaction.atomic
def case_transition(*, case, action, user, text="", internal_note="", data=None):
    """Take `action` on `case` as `user`, per the service's workflow table; return the updated case."""
    case = Case.objects.select_for_update().select_related("responsible_unit").get(pk=case.pk)
    manifest = registry.get(case.service)
    workflow = manifest.workflow
    step = workflow.step(case.state, action)
    if step is None:
        raise CaseError(_("این اقدام در وضعیت کنونی پرونده ممکن نیست."))
    if not may_take(user, case, step):
        raise CaseError(_("شما اجازه این اقدام را روی این پرونده ندارید."))
    text = (text or "").strip()
    if step.needs_text and not text:
        raise CaseError(_("برای «%(action)s» نوشتن متن پاسخ یا دلیل لازم است.") % {"action": step.label})

    before = _case_snapshot(case)
    now = timezone.now()
    leaving = workflow.state(case.state)
    entering = workflow.state(step.next_state)
    if entering.closed:
        case.is_closed, case.closed_at, case.deadline = True, now, None
        case.sla_paused_at = case.sla_days_left = None
    elif entering.sla_paused and not leaving.sla_paused:
        # An already overdue case keeps 0 days: the clock restarts at the minimum when the applicant replies.
        case.sla_days_left = (
            max(0, working_days_between(now, case.deadline, province_code(case.responsible_unit)))
            if case.deadline else None
        )
        case.sla_paused_at = now
    elif leaving.sla_paused and not entering.sla_paused:
        days = case.sla_days_left if case.sla_days_left is not None else (step.sla_days or workflow.initial_sla_days)
        case.deadline = deadline_after(case.responsible_unit, max(days, 1), now)
        case.sla_paused_at = case.sla_days_left = None
    elif step.sla_days is not None:
        case.deadline = deadline_after(case.responsible_unit, step.sla_days, now)
    if not entering.closed and case.is_closed:
        case.is_closed, case.closed_at = False, None
    from_state, case.state = case.state, step.next_state
    case.save()

    if text:
        visibility = Comment.Visibility.PUBLIC if step.public else Comment.Visibility.INTERNAL
        Comment.objects.create(case=case, author=user, visibility=visibility, body=text)
    if internal_note.strip():
        Comment.objects.create(case=case, author=user, visibility=Comment.Visibility.INTERNAL, body=internal_note.strip())
    _event(case, actor=user, action=action, label=step.label, from_state=from_state, to_state=case.state,
           public=step.public, note=text if step.public else "")
    if manifest.on_transition:
        manifest.on_transition(case=case, step=step, user=user, text=text, data=data or {})
    audit_record(actor=user, action=f"case.{action}", target=case, before=before, after=_case_snapshot(case))
    if step.public and user.pk != case.applicant_id:
        notify(
            user=case.applicant,
            case=case,
            text=_("پرونده %(code)s: %(state)s") % {"code": case.tracking_code, "state": entering.public_label},
            sms=True,
        )
    return case


@transaction.atomic
def case_refer(*, case, user, to_unit, reason):
    """Send the case to another unit (a wrong address, another body's remit), with the reason recorded."""
    case = Case.objects.select_for_update().select_related("responsible_unit").get(pk=case.pk)
    if not scope.can_act(user, Perm.CASE_ASSIGN, case.responsible_unit):
        raise CaseError(_("شما اجازه ارجاع این پرونده را ندارید."))
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("دلیل ارجاع را بنویسید."))
    if to_unit.pk == case.responsible_unit_id:
        raise CaseError(_("پرونده هم‌اکنون در همین واحد است."))
    if case.is_closed:
        raise CaseError(_("پرونده بسته است و ارجاع نمی‌شود."))
    before = _case_snapshot(case)
    from_unit = case.responsible_unit
    case.responsible_unit = to_unit
    case.assigned_to = None
    if case.sla_paused_at is None:
        case.deadline = deadline_after(to_unit, registry.get(case.service).workflow.initial_sla_days)
    case.save()
    _event(case, actor=user, action="refer", label=_("ارجاع به %(unit)s") % {"unit": to_unit.name},
           from_unit=from_unit, to_unit=to_unit, public=True, note=reason)
    Comment.objects.create(case=case, author=user, visibility=Comment.Visibility.INTERNAL, body=reason)
    audit_record(actor=user, action="case.refer", target=case, before=before, after=_case_snapshot(case))
    notify(user=case.applicant, case=case,
           text=_("پرونده %(code)s به %(unit)s ارجاع شد.") % {"code": case.tracking_code, "unit": to_unit.name})
    return case


@transaction.atomic
def case_assign(*, cases, user, to_user):
    """Assign cases (bulk) to a colleague who can see them; all or nothing."""
    ids = [c.pk for c in cases]
    locked = list(Case.objects.select_for_update().select_related("responsible_unit").filter(pk__in=ids))
    if len(locked) != len(set(ids)):
        raise CaseError(_("برخی پرونده‌ها پیدا نشد."))
    for case in locked:
        if not scope.can_act(user, Perm.CASE_ASSIGN, case.responsible_unit):
            raise CaseError(_("پرونده %(code)s در حوزه دسترسی شما نیست.") % {"code": localize_digits(case.tracking_code)})
        if not scope.can_act(to_user, Perm.CASE_VIEW, case.responsible_unit):
            raise CaseError(
                _("%(user)s به پرونده %(code)s دسترسی ندارد.") % {"user": to_user, "code": localize_digits(case.tracking_code)}
            )
    for case in locked:
        before = _case_snapshot(case)
        case.assigned_to = to_user
        case.save(update_fields=["assigned_to", "updated_at"])
        _event(case, actor=user, action="assign", label=_("واگذاری به %(user)s") % {"user": to_user}, public=False)
        audit_record(actor=user, action="case.assign", target=case, before=before, after=_case_snapshot(case))
        notify(user=to_user, case=case, text=_("پرونده %(code)s به شما واگذار شد.") % {"code": case.tracking_code})
    return locked


def case_escalate_overdue(*, now=None):
    """Move every overdue open case up to the parent of its responsible unit, with a fresh deadline.

    Runs from Celery beat (and `manage.py escalate_overdue_cases`); each case in its own transaction so
    one failure never blocks the rest. Returns the number escalated.
    """
    now = now or timezone.now()
    overdue_ids = list(
        Case.objects.filter(is_closed=False, sla_paused_at__isnull=True, deadline__lt=now,
                            responsible_unit__parent__isnull=False).values_list("pk", flat=True)
    )
    escalated = 0
    for pk in overdue_ids:
        with transaction.atomic():
            # Lock only the case row: PostgreSQL refuses FOR UPDATE on the nullable side of the parent join.
            case = Case.objects.select_for_update(of=("self",)).select_related("responsible_unit__parent").get(pk=pk)
            if case.is_closed or case.sla_paused_at or not case.deadline or case.deadline >= now:
                continue
            parent = case.responsible_unit.parent
            if parent is None:
                continue
            before = _case_snapshot(case)
            from_unit = case.responsible_unit
            case.responsible_unit = parent
            case.assigned_to = None
            case.escalations += 1
            case.deadline = deadline_after(parent, registry.get(case.service).workflow.initial_sla_days, now)
            case.save()
            _event(case, actor=None, action="escalate",
                   label=_("ارجاع خودکار به %(unit)s به سبب پایان مهلت") % {"unit": parent.name},
                   from_unit=from_unit, to_unit=parent, public=True)
            audit_record(actor=None, action="case.escalate", target=case, before=before, after=_case_snapshot(case))
            escalated += 1
    return escalated
