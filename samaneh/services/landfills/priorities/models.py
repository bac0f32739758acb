"""Versioned weights of the funding-priority model (see `scoring`). The newest version is in force;
older ones stay so every published ranking can say which weights produced it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeightSet(models.Model):
    version = models.PositiveIntegerField(_("نسخه"), unique=True)
    weights = models.JSONField(_("وزن‌ها"))
    note = models.CharField(_("توضیح"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("وزن‌های اولویت‌بندی")
        verbose_name_plural = _("نسخه‌های وزن اولویت‌بندی")

    def __str__(self):
        return f"v{self.version}"
