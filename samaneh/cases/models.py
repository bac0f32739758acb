"""The case engine's state: one Case table for every service, with its history, comments, attachments,
notifications and idempotency keys. Services add their own fields in a one-to-one model of their own."""
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import OrgUnit


class Priority(models.IntegerChoices):
    LOW = 1, _("کم")
    NORMAL = 2, _("عادی")
    HIGH = 3, _("زیاد")
    URGENT = 4, _("فوری")


class Case(models.Model):
    tracking_code = models.CharField(_("کد پیگیری"), max_length=20, unique=True)
    service = models.CharField(_("خدمت"), max_length=40, db_index=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("متقاضی"), on_delete=models.PROTECT, related_name="cases"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("محل"), on_delete=models.PROTECT, related_name="cases_located"
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("واحد مسئول"), on_delete=models.PROTECT, related_name="cases_responsible"
    )
    state = models.CharField(_("وضعیت"), max_length=40)
    title = models.CharField(_("عنوان"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("اولویت"), choices=Priority.choices, default=Priority.NORMAL)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("کارشناس"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_cases",
    )
    deadline = models.DateTimeField(_("مهلت"), null=True, blank=True, db_index=True)
    sla_paused_at = models.DateTimeField(_("توقف مهلت از"), null=True, blank=True)
    sla_days_left = models.PositiveSmallIntegerField(_("روزهای کاری باقی‌مانده هنگام توقف"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(_("دفعات ارجاع به بالادست"), default=0)
    is_closed = models.BooleanField(_("بسته"), default=False)
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)
    closed_at = models.DateTimeField(_("زمان بستن"), null=True, blank=True)
    # The public history lines, copied here as they are written ([at ISO, action, to_state, unit level,
    # unit name]) so the public tracking lookup is a single indexed row read; CaseEvent stays the record.
    public_history = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("پرونده")
        verbose_name_plural = _("پرونده‌ها")
        indexes = [
            models.Index(fields=["responsible_unit", "is_closed", "deadline"]),
            models.Index(fields=["service", "state", "created_at"]),
            models.Index(fields=["is_closed", "deadline"]),
            models.Index(fields=["is_closed", "-priority", "deadline"], name="case_open_priority_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_code} — {self.title}"

    @property
    def is_overdue(self):
        return (not self.is_closed and self.deadline is not None and self.sla_paused_at is None
                and self.deadline < timezone.now())


class CaseEvent(models.Model):
    """One line of a case's history; the same facts also go to the audit chain."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("زمان"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("اقدام"), max_length=40)
    label = models.CharField(_("شرح اقدام"), max_length=200)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    from_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(_("قابل مشاهده برای متقاضی"), default=True)
    note = models.TextField(_("توضیح"), blank=True)

    class Meta:
        verbose_name = _("رویداد پرونده")
        verbose_name_plural = _("رویدادهای پرونده")
        ordering = ["at", "pk"]


class Comment(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("عمومی (متقاضی می‌بیند)")
        INTERNAL = "internal", _("داخلی (فقط کارکنان)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(_("دیدپذیری"), max_length=10, choices=Visibility.choices)
    body = models.TextField(_("متن"))
    created_at = models.DateTimeField(_("زمان"), default=timezone.now)

    class Meta:
        verbose_name = _("یادداشت")
        verbose_name_plural = _("یادداشت‌ها")
        ordering = ["created_at", "pk"]


def attachment_path(instance, filename):
    # Random names: the stored path says nothing about the case or the uploader's file name.
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("نام فایل"), max_length=200)
    content_type = models.CharField(_("نوع"), max_length=50)
    size = models.PositiveIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(_("قابل مشاهده برای متقاضی"), default=True)
    created_at = models.DateTimeField(_("زمان"), default=timezone.now)

    class Meta:
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")
        ordering = ["created_at", "pk"]


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("متن"), max_length=500)
    created_at = models.DateTimeField(_("زمان"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("زمان خواندن"), null=True, blank=True)
    by_sms = models.BooleanField(_("پیامک شود"), default=False)
    sms_sent_at = models.DateTimeField(_("زمان ارسال پیامک"), null=True, blank=True)

    class Meta:
        verbose_name = _("اعلان")
        verbose_name_plural = _("اعلان‌ها")
        ordering = ["-created_at", "-pk"]


class IdempotencyKey(models.Model):
    """A POST seen before: the same key from the same user returns the case made the first time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]
