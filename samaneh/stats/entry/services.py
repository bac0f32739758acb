"""Writes of the data-entry form. Values never go to DataValue here: every one passes through the one
write path, `datavalues.datavalues_import`, with the form's data set. Completion, approval and reopening
are idempotent (a double click lands on the same row) and audited."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.core.audit import audit_record
from samaneh.core.text import normalize_text
from samaneh.stats.datavalues import datavalues_import
from samaneh.stats.entry import selectors
from samaneh.stats.models import CompleteRegistration, DataApproval, LockException
from samaneh.stats.uids import org_unit_uid


class EntryError(ValueError):
    """A refused form action; the message is Persian. `field_errors` maps field names to messages."""

    def __init__(self, message, field_errors=None):
        super().__init__(message)
        self.field_errors = field_errors or {}


def _rows(state, raw_values):
    """(rows for datavalues_import, field name of each row) from {field name: raw text}."""
    rows, names = [], []
    unit_uid = org_unit_uid(state.unit)
    for name, raw in raw_values.items():
        _prefix, element_uid, coc_uid = name.split("-", 2)
        rows.append({"dataElement": element_uid, "categoryOptionCombo": coc_uid, "period": state.period.id,
                     "orgUnit": unit_uid, "value": normalize_text(raw or "").strip()})
        names.append(name)
    return rows, names


def _field_errors(summary, names):
    errors = {}
    for conflict in summary.conflicts:
        for index in conflict["indexes"]:
            errors.setdefault(names[index], conflict["value"])
    return errors


def _check_writable(user, state):
    if not selectors.can_enter(user, state.unit):
        raise EntryError(_("ورود داده برای این واحد در حوزه دسترسی شما نیست"))
    if state.approval is not None:
        raise EntryError(_("فرم %(period)s تأیید شده و قابل تغییر نیست") % {"period": state.period.label})
    if state.locked:
        raise EntryError(_("مهلت ورود داده برای %(period)s گذشته و فرم قفل است") % {"period": state.period.label})


def values_save(user, *, state, raw_values, today=None):
    """Save {field name: raw text} (empty text deletes) for the form of `state`. Returns (summary, field
    errors): good values are written, each bad one is reported on its field and changes nothing."""
    _check_writable(user, state)
    rows, names = _rows(state, raw_values)
    summary = datavalues_import(user=user, rows=rows, data_set=state.data_set, today=today or state.today)
    return summary, _field_errors(summary, names)


@transaction.atomic
def completion_mark(user, *, state, raw_values=None):
    """«Mark complete»: the posted values are checked first (dry run) — one refused value refuses the whole
    step and nothing is written — then saved, and the completion registered once."""
    _check_writable(user, state)
    if raw_values:
        rows, names = _rows(state, raw_values)
        trial = datavalues_import(user=user, rows=rows, data_set=state.data_set, dry_run=True, today=state.today)
        errors = _field_errors(trial, names)
        if errors:
            raise EntryError(_("تا خطای مقدارها رفع نشود فرم کامل اعلام نمی‌شود"), errors)
        datavalues_import(user=user, rows=rows, data_set=state.data_set, today=state.today)
    key = {"data_set": state.data_set, "org_unit": state.unit, "period": state.period.id}
    try:
        with transaction.atomic():
            completion, created = CompleteRegistration.objects.get_or_create(
                **key, defaults={"completed_by": user, "completed_at": timezone.now()})
    except IntegrityError:  # a second click raced the first; the first one's row stands
        completion, created = CompleteRegistration.objects.get(**key), False
    if created:
        audit_record(actor=user, action="stats.form_complete", target=completion,
                     object_repr=f"{state.data_set.name} — {state.unit.name} — {state.period.id}")
    state.completion = completion
    return completion


@transaction.atomic
def completion_unmark(user, *, state):
    """Allowed until the form locks or is approved."""
    _check_writable(user, state)
    deleted, _by_model = CompleteRegistration.objects.filter(
        data_set=state.data_set, org_unit=state.unit, period=state.period.id).delete()
    if deleted:
        audit_record(actor=user, action="stats.form_uncomplete", object_type="stats.completeregistration",
                     object_id=f"{state.data_set.uid}/{org_unit_uid(state.unit)}/{state.period.id}",
                     object_repr=f"{state.data_set.name} — {state.unit.name} — {state.period.id}")
    state.completion = None


@transaction.atomic
def approval_create(user, *, state):
    if not selectors.can_approve(user, state.data_set, state.unit):
        raise EntryError(_("تأیید این فرم با نقش تأییدکننده در سطح بالاتر است"))
    if state.completion is None:
        raise EntryError(_("فرمی که کامل اعلام نشده تأیید نمی‌شود"))
    key = {"data_set": state.data_set, "org_unit": state.unit, "period": state.period.id}
    try:
        with transaction.atomic():
            approval, created = DataApproval.objects.get_or_create(
                **key, defaults={"approved_by": user, "approved_at": timezone.now()})
    except IntegrityError:
        approval, created = DataApproval.objects.get(**key), False
    if created:
        audit_record(actor=user, action="stats.form_approve", target=approval,
                     object_repr=f"{state.data_set.name} — {state.unit.name} — {state.period.id}")
    state.approval = approval
    return approval


@transaction.atomic
def approval_remove(user, *, state):
    if not selectors.can_approve(user, state.data_set, state.unit):
        raise EntryError(_("لغو تأیید این فرم با نقش تأییدکننده در سطح بالاتر است"))
    deleted, _by_model = DataApproval.objects.filter(
        data_set=state.data_set, org_unit=state.unit, period=state.period.id).delete()
    if deleted:
        audit_record(actor=user, action="stats.form_unapprove", object_type="stats.dataapproval",
                     object_id=f"{state.data_set.uid}/{org_unit_uid(state.unit)}/{state.period.id}",
                     object_repr=f"{state.data_set.name} — {state.unit.name} — {state.period.id}")
    state.approval = None


@transaction.atomic
def lock_exception_create(user, *, state, reason):
    """A reviewer higher up reopens a locked form for this unit and period, saying why."""
    if not selectors.can_review(user, state.unit):
        raise EntryError(_("بازگشایی فرم با بازبین سطح بالاتر است"))
    reason = normalize_text(reason or "").strip()
    if not reason:
        raise EntryError(_("دلیل بازگشایی را بنویسید"), {"reason": _("دلیل بازگشایی لازم است")})
    if not state.expired:
        raise EntryError(_("این فرم هنوز باز است و بازگشایی لازم ندارد"))
    exception, created = LockException.objects.get_or_create(
        data_set=state.data_set, org_unit=state.unit, period=state.period.id,
        defaults={"created_by": user, "reason": reason[:500]})
    if created:
        audit_record(actor=user, action="stats.form_reopen", target=exception, after={"reason": exception.reason},
                     object_repr=f"{state.data_set.name} — {state.unit.name} — {state.period.id}")
    state.reopened = exception
    return exception
