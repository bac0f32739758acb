"""Comments on a case: public ones the applicant reads, internal ones only staff read."""
from django.db import transaction
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import attachment_add
from samaneh.cases.models import Comment
from samaneh.cases.services import CaseError, notify
from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits
from samaneh.geo import scope

BODY_MAX_LENGTH = 5000


@transaction.atomic
def comment_add(*, case, user, body, visibility, upload=None):
    """Add a comment (and, with `upload`, its attachment) to `case` as `user`; return the comment.

    Staff who may see the case write public or internal comments; its applicant writes public ones on
    their own case. A public staff comment tells the applicant. A refused attachment refuses the comment.
    """
    if visibility not in Comment.Visibility.values:
        raise CaseError(_("بگویید یادداشت عمومی است یا داخلی."))
    is_staff = scope.can_act(user, Perm.CASE_VIEW, case.responsible_unit)
    if not is_staff:
        if user.pk != case.applicant_id:
            raise CaseError(_("شما به این پرونده دسترسی ندارید."))
        if visibility != Comment.Visibility.PUBLIC:
            raise CaseError(_("متقاضی فقط یادداشت عمومی می‌نویسد."))
    body = (body or "").strip()
    if not body:
        raise CaseError(_("متن یادداشت را بنویسید."))
    if len(body) > BODY_MAX_LENGTH:
        raise CaseError(_("متن یادداشت نباید بیش از %(limit)s نویسه باشد؛ آن را کوتاه‌تر کنید.")
                        % {"limit": localize_digits(BODY_MAX_LENGTH)})

    comment = Comment.objects.create(case=case, author=user, visibility=visibility, body=body)
    if upload is not None:
        attachment = attachment_add(case=case, user=user, upload=upload,
                                    public=visibility == Comment.Visibility.PUBLIC)
        attachment.comment = comment
        attachment.save(update_fields=["comment"])
    audit_record(actor=user, action="case.comment", target=case,
                 after={"comment": comment.pk, "visibility": visibility, "attachment": upload is not None})
    if is_staff and visibility == Comment.Visibility.PUBLIC and user.pk != case.applicant_id:
        notify(user=case.applicant, case=case,
               text=_("یادداشت تازه در پرونده %(code)s: %(body)s") % {"code": case.tracking_code, "body": body[:300]})
    return comment
