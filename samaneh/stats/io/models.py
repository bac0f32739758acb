"""An uploaded statistics file on its way in: checked (dry run), then imported by a Celery task."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import OrgUnit
from samaneh.stats.models import DataSet


def import_file_path(instance, filename):
    # A random name: the uploader's file name is kept in `original_name` only, never on disk.
    extension = "csv" if instance.file_format == ImportJob.Format.CSV else "xlsx"
    return f"stats-imports/{secrets.token_hex(16)}.{extension}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        CHECKED = "checked", _("بررسی‌شده، در انتظار تأیید")
        QUEUED = "queued", _("در صف")
        RUNNING = "running", _("در حال ورود")
        DONE = "done", _("انجام شد")
        FAILED = "failed", _("ناموفق")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stats_import_jobs")
    # The smallest unit whose subtree holds every unit the file writes to: managers see jobs through it.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("حوزه"))
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("فرم"))
    period = models.CharField(_("دوره"), max_length=8, blank=True)
    file = models.FileField(upload_to=import_file_path, max_length=200)
    file_format = models.CharField(_("قالب"), max_length=4, choices=Format.choices)
    original_name = models.CharField(_("نام فایل"), max_length=200)
    size = models.PositiveIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("وضعیت"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    total = models.PositiveIntegerField(_("تعداد مقدار"), default=0)
    done = models.PositiveIntegerField(_("انجام‌شده"), default=0)
    dry_run_summary = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("خطا"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("زمان بارگذاری"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)
    started_at = models.DateTimeField(_("زمان شروع"), null=True, blank=True)
    finished_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)

    class Meta:
        verbose_name = _("ورود فایل آماری")
        verbose_name_plural = _("ورود فایل‌های آماری")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="stats_io_job_user_created")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
