"""Audit entries written on Django's own events: sign-in, failed sign-in, sign-out, role grants."""
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from samaneh.accounts.models import RoleAssignment
from samaneh.core.audit import audit_record, current_audit_context, model_snapshot

# Identity fields a sign-in form may send; anything else in the credentials (password, one-time code)
# must never reach the log.
LOGIN_IDENTITY_KEYS = ("username", "mobile", "national_id")
ATTEMPTED_IDENTITY_MAX_LENGTH = 150

ROLE_FIELDS = ("user", "role", "org_unit")


@receiver(user_logged_in, dispatch_uid="samaneh.core.audit.login")
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", target=user, request=request)


@receiver(user_logged_out, dispatch_uid="samaneh.core.audit.logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None:  # an anonymous visitor's logout ends no session
        return
    audit_record(actor=user, action="auth.logout", target=user, request=request)


@receiver(user_login_failed, dispatch_uid="samaneh.core.audit.login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    keys = dict.fromkeys((get_user_model().USERNAME_FIELD, *LOGIN_IDENTITY_KEYS))
    attempted = {
        key: str(credentials[key])[:ATTEMPTED_IDENTITY_MAX_LENGTH]
        for key in keys
        if credentials.get(key) not in (None, "")
    }
    audit_record(actor=None, action="auth.login_failed", after=attempted, request=request)


def _role_actor_and_request(assignment):
    context = current_audit_context()
    if context is not None:
        return context.actor, context.request
    if assignment.granted_by_id is None:
        return None, None
    # filter().first(): during a cascade the granting user may already be on its way out.
    return get_user_model().objects.filter(pk=assignment.granted_by_id).first(), None


@receiver(pre_save, sender=RoleAssignment, dispatch_uid="samaneh.core.audit.role_before")
def remember_role_before_save(sender, instance, **kwargs):
    stored = None if instance._state.adding else sender.objects.filter(pk=instance.pk).first()
    instance._audit_before = model_snapshot(stored, ROLE_FIELDS) if stored is not None else None


@receiver(post_save, sender=RoleAssignment, dispatch_uid="samaneh.core.audit.role_saved")
def audit_role_saved(sender, instance, created, **kwargs):
    after = model_snapshot(instance, ROLE_FIELDS)
    before = getattr(instance, "_audit_before", None)
    if not created and before == after:  # saved without changing who holds which role where
        return
    actor, request = _role_actor_and_request(instance)
    audit_record(
        actor=actor,
        action="role.grant" if created else "role.change",
        target=instance,
        before=None if created else before,
        after=after,
        request=request,
    )


@receiver(post_delete, sender=RoleAssignment, dispatch_uid="samaneh.core.audit.role_deleted")
def audit_role_deleted(sender, instance, **kwargs):
    actor, request = _role_actor_and_request(instance)
    audit_record(
        actor=actor, action="role.revoke", target=instance, before=model_snapshot(instance, ROLE_FIELDS),
        request=request,
    )
