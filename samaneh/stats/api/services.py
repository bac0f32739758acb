"""Writes of the API app: API credentials and replayable imports."""
import secrets

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from samaneh.core.audit import audit_record
from samaneh.stats.api.models import ApiCredential, ImportReceipt


@transaction.atomic
def api_credential_create(user, *, password=None):
    """A new API password for `user` (replacing any earlier one); returns it — shown once, stored hashed."""
    password = password or secrets.token_urlsafe(18)
    credential, _created = ApiCredential.objects.update_or_create(
        user=user, defaults={"password": make_password(password), "active": True, "created": timezone.now(),
                             "last_used": None},
    )
    audit_record(actor=user, action="stats_api.credential_create", target=credential,
                 after={"user": user.pk, "active": True})
    return password


@transaction.atomic
def api_credential_revoke(user):
    """Switch off the user's API password; Basic auth stops working for them at once."""
    changed = ApiCredential.objects.filter(user=user, active=True).update(active=False)
    if changed:
        credential = ApiCredential.objects.get(user=user)
        audit_record(actor=user, action="stats_api.credential_revoke", target=credential,
                     before={"active": True}, after={"active": False})
    return bool(changed)


def import_once(*, user, key, run):
    """`run()` → (status_code, body) once per (user, key); a repeat gets the first answer back.

    Same approach as cases.case_create_once: look first, then record the key in the import's own
    transaction, and on a race (IntegrityError) answer with what the other request recorded."""
    key = (key or "").strip()[:100]
    if not key:
        return run()
    existing = ImportReceipt.objects.filter(user=user, key=key).first()
    if existing:
        return existing.status_code, existing.response
    try:
        with transaction.atomic():
            status, body = run()
            ImportReceipt.objects.create(user=user, key=key, status_code=status, response=body)
        return status, body
    except IntegrityError:
        existing = ImportReceipt.objects.filter(user=user, key=key).first()
        if existing:
            return existing.status_code, existing.response
        raise
