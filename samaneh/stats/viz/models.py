"""Saved pivots, charts and maps, and the dashboards composed of them.

A saved visualisation stores the query (dimensions and layout), never numbers: whoever opens it later
runs it again with their own scope, so a dashboard shared with a county officer shows that county's
figures only.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PIVOT = "pivot", _("جدول محوری")
    COLUMN = "column", _("نمودار ستونی")
    LINE = "line", _("نمودار خطی")
    PIE = "pie", _("نمودار دایره‌ای")
    MAP = "map", _("نقشه استان‌ها")


CHART_KINDS = (Kind.COLUMN, Kind.LINE, Kind.PIE)


class SavedVisualization(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("مالک"), on_delete=models.CASCADE,
                              related_name="saved_visualizations")
    name = models.CharField(_("نام"), max_length=200)
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices)
    query = models.JSONField(_("پرس‌وجو"))
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("نمای ذخیره‌شده")
        verbose_name_plural = _("نماهای ذخیره‌شده")
        ordering = ["-updated"]

    def __str__(self):
        return self.name


class Dashboard(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("مالک"), on_delete=models.CASCADE,
                              related_name="stats_dashboards")
    name = models.CharField(_("نام"), max_length=200)
    shared = models.BooleanField(
        _("اشتراک با همکاران"), default=False,
        help_text=_("هر کاربر آماری آن را می‌بیند، و هر کس فقط ارقام محدوده خود را."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("داشبورد آماری")
        verbose_name_plural = _("داشبوردهای آماری")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DashboardItem(models.Model):
    class Width(models.IntegerChoices):
        THIRD = 4, _("یک‌سوم")
        HALF = 6, _("نیمه")
        FULL = 12, _("تمام عرض")

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="items")
    visualization = models.ForeignKey(SavedVisualization, verbose_name=_("نما"), on_delete=models.CASCADE,
                                      related_name="dashboard_items")
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    width = models.PositiveSmallIntegerField(_("عرض"), choices=Width.choices, default=Width.HALF)

    class Meta:
        verbose_name = _("جزء داشبورد")
        verbose_name_plural = _("اجزای داشبورد")
        ordering = ["order", "pk"]
