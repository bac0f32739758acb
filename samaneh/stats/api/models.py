"""API credentials and replayable POSTs for the DHIS2-compatible Web API."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiCredential(models.Model):
    """A separate password for HTTP Basic on /dhis2/api/.

    Staff sign in to the web with password + TOTP; Basic auth cannot ask for a second factor, so it never
    accepts the web password — only this one, which the user creates (and can revoke) on a web page
    they reached with both factors. Only the hash is stored.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stats_api_credential")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("گذرواژه API")
        verbose_name_plural = _("گذرواژه‌های API")

    def __str__(self):
        return f"{self.user} ({_('فعال') if self.active else _('غیرفعال')})"


class ImportReceipt(models.Model):
    """An `Idempotency-Key` seen on POST /dataValueSets: a repeated POST with the same key from the same user
    gets the first answer back instead of importing twice (the approach of cases.IdempotencyKey, which
    points at a case and so cannot hold an import summary)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="stats_api_receipt_once_per_user")]
