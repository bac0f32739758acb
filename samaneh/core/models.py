"""The tamper-evident audit chain.

Every entry carries the SHA-256 of its own content and of the entry before it, so changing, removing or
reordering a stored entry breaks the chain at that point. Entries are written only through
`samaneh.core.audit.audit_record`; `samaneh.core.audit.verify_chain` walks the chain.
"""
import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


def canonical_json(value):
    """The one byte-exact JSON form that hashes are computed over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_payload(
    *, sequence, created_at, actor_id, actor_repr, action, object_type, object_id, object_repr, before, after,
    ip_address, prev_hash,
):
    """The bytes an entry's hash is computed over: its content and its predecessor's hash.

    The fields form one canonical JSON object rather than being joined with a separator, so no value can
    be shifted into a neighbouring field without changing the bytes.
    """
    payload = {
        "sequence": sequence,
        "created_at": created_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_repr": actor_repr,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "ip_address": ip_address,
        "prev_hash": prev_hash,
    }
    return canonical_json(payload).encode("utf-8")


def chain_hash(**fields):
    """SHA-256 (hex) of `chain_payload(**fields)`."""
    return hashlib.sha256(chain_payload(**fields)).hexdigest()


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries are append-only; they cannot be updated.")

    def delete(self):
        raise PermissionError("Audit entries are append-only; they cannot be deleted.")


class AuditEntry(models.Model):
    """One append-only link of the audit chain."""

    sequence = models.PositiveBigIntegerField(_("شماره ترتیب"), unique=True, editable=False)
    created_at = models.DateTimeField(_("زمان"), editable=False, db_index=True)
    # DO_NOTHING without a database constraint: deleting a user must not rewrite audit rows (SET_NULL would
    # issue an UPDATE on them), and the stored actor id stays as evidence of who acted even after the user
    # is gone. `actor_repr` keeps the name readable then; code reads `actor_id`, never trusts `actor` to load.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_entries",
        editable=False,
    )
    actor_repr = models.CharField(_("نام کاربر"), max_length=255, blank=True, editable=False)
    action = models.CharField(_("عمل"), max_length=64, db_index=True, editable=False)
    object_type = models.CharField(_("نوع شیء"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("شناسه شیء"), max_length=64, blank=True, editable=False)
    object_repr = models.CharField(_("شرح شیء"), max_length=255, blank=True, editable=False)
    before = models.JSONField(_("پیش از تغییر"), null=True, blank=True, editable=False)
    after = models.JSONField(_("پس از تغییر"), null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("نشانی IP"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("درهم‌ساز پیشین"), max_length=64, editable=False)
    hash = models.CharField(_("درهم‌ساز"), max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("رویداد ممیزی")
        verbose_name_plural = _("رویدادهای ممیزی")
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self):
        return f"#{self.sequence} {self.action}"

    def compute_hash(self):
        return chain_hash(
            sequence=self.sequence,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor_repr=self.actor_repr,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            object_repr=self.object_repr,
            before=self.before,
            after=self.after,
            ip_address=self.ip_address,
            prev_hash=self.prev_hash,
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only; a stored entry cannot be changed.")
        # A plain save() would bypass the head lock that keeps the chain from forking.
        raise PermissionError("Audit entries are written only through samaneh.core.audit.audit_record().")

    def _append(self):
        """Insert this new entry; called by audit_record() while it holds the chain head lock."""
        super().save(force_insert=True)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only; they cannot be deleted.")


class AuditHead(models.Model):
    """The single row that names the chain's last entry.

    Appends lock this row, which serialises writers on PostgreSQL; comparing it with the last stored entry is
    how verification notices that entries were cut off the end of the chain.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    last_sequence = models.PositiveBigIntegerField(_("آخرین شماره ترتیب"), default=0)
    last_hash = models.CharField(_("آخرین درهم‌ساز"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("سر زنجیره ممیزی")
        verbose_name_plural = _("سر زنجیره ممیزی")

    def __str__(self):
        return f"#{self.last_sequence} {self.last_hash[:12]}"
