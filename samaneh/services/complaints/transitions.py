"""What complaints add to the engine's transitions: answer bookkeeping, the objection window, sending
an objection to the inspection office, reopening at the unit that answered, and answering merged cases."""
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.cases.services import CaseError, deadline_after, notify
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints import workflow as wf


def inspection_unit_for(unit):
    """The county above `unit` (its inspection office), or the unit itself above county level."""
    ids = unit.ancestor_ids()
    county_ids = OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.COUNTY).values_list("pk", flat=True)
    county_id = next(iter(county_ids), None)
    return OrgUnit.objects.get(pk=county_id) if county_id else unit


def on_transition(*, case, step, user, text, data):
    complaint = case.complaint
    now = timezone.now()
    if step.action == "answer":
        if complaint.answered_at is None:  # the first answer: what "time to answer" measures
            complaint.answered_at = now
        complaint.answering_unit = case.responsible_unit
        complaint.objection_deadline = deadline_after(case.responsible_unit, settings.COMPLAINTS_OBJECTION_DAYS, now)
        complaint.save(update_fields=["answered_at", "answering_unit", "objection_deadline"])
        _answer_merged(complaint, text)
    elif step.action == "object":
        if complaint.objection_deadline is None or now > complaint.objection_deadline:
            raise CaseError(_("مهلت اعتراض به این پاسخ گذشته است."))
        complaint.objected_at = now
        complaint.save(update_fields=["objected_at"])
        case.responsible_unit = inspection_unit_for(complaint.answering_unit or case.responsible_unit)
        case.assigned_to = None
        case.save(update_fields=["responsible_unit", "assigned_to"])
    elif step.action == "reopen":
        if complaint.answering_unit_id:
            case.responsible_unit = complaint.answering_unit
            case.assigned_to = None
            case.save(update_fields=["responsible_unit", "assigned_to"])
    elif step.action == "inspection_answer":
        _answer_merged(complaint, text)


def _answer_merged(complaint, text):
    """Citizens whose duplicates were merged into this case get the same answer."""
    for merged in complaint.merged.select_related("case__applicant"):
        notify(
            user=merged.case.applicant,
            case=merged.case,
            text=_("پاسخ پرونده %(code)s: %(text)s") % {"code": merged.case.tracking_code, "text": text[:300]},
            sms=True,
        )
