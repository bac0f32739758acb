"""Consolidation scenarios: the planner's choices for one province or county, and each run's answer."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import Site


class Scenario(models.Model):
    class Distance(models.TextChoices):
        GREAT_CIRCLE = "great_circle", _("فاصله مستقیم (دایره عظیمه)")
        ROAD_MATRIX = "road_matrix", _("ماتریس فاصله جاده‌ای بارگذاری‌شده")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("برنامه‌ریز"), on_delete=models.PROTECT,
                              related_name="landfill_scenarios")
    name = models.CharField(_("نام سناریو"), max_length=200)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("استان یا شهرستان"), on_delete=models.PROTECT,
                             related_name="landfill_scenarios")
    waste_kg_per_person_day = models.FloatField(_("سرانه تولید پسماند (کیلوگرم/نفر/روز)"), default=0.6,
                                                validators=[MinValueValidator(0.05), MaxValueValidator(5)])
    cost_per_tonne_km = models.FloatField(_("هزینه حمل (ریال به ازای تن-کیلومتر)"), default=150_000,
                                          validators=[MinValueValidator(0)])
    max_haul_km = models.FloatField(_("حداکثر مسافت حمل (کیلومتر)"), default=60,
                                    validators=[MinValueValidator(1), MaxValueValidator(1000)])
    single_source = models.BooleanField(_("هر روستا فقط به یک مرکز"), default=True)
    horizon_years = models.PositiveSmallIntegerField(_("افق برنامه‌ریزی (سال)"), default=10,
                                                     validators=[MinValueValidator(1), MaxValueValidator(50)])
    distance = models.CharField(_("نوع فاصله"), max_length=12, choices=Distance.choices,
                                default=Distance.GREAT_CIRCLE)
    # village code → site code (existing) or "C<candidate id>" → km, as uploaded and checked complete
    road_km = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("سناریوی تجمیع")
        verbose_name_plural = _("سناریوهای تجمیع")
        ordering = ["-updated", "-id"]

    def __str__(self):
        return self.name


class SiteChoice(models.Model):
    """What the scenario may do with one existing site."""

    class Decision(models.TextChoices):
        MAY_STAY = "may_stay", _("می‌تواند بماند")
        KEEP = "keep", _("حتماً بماند")
        CLOSE = "close", _("بسته شود")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="site_choices")
    site = models.ForeignKey(Site, verbose_name=_("مرکز"), on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("تصمیم"), max_length=10, choices=Decision.choices, default=Decision.MAY_STAY)
    # Keeping a dump means upgrading it (fence, lining, leachate) — the cost of staying open.
    upgrade_cost_million_rials = models.FloatField(_("هزینه ارتقا برای ماندن (میلیون ریال)"), default=0,
                                                   validators=[MinValueValidator(0)])
    capacity_tonnes = models.FloatField(_("ظرفیت در افق برنامه (تن)"), validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scenario", "site"], name="landfill_plan_site_once")]


class Candidate(models.Model):
    """A possible new regional site."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("نام"), max_length=200)
    latitude = models.FloatField(_("عرض جغرافیایی"), validators=[MinValueValidator(24.0), MaxValueValidator(40.0)])
    longitude = models.FloatField(_("طول جغرافیایی"), validators=[MinValueValidator(44.0), MaxValueValidator(63.5)])
    capacity_tonnes = models.FloatField(_("ظرفیت (تن)"), validators=[MinValueValidator(1)])
    opening_cost_million_rials = models.FloatField(_("هزینه احداث (میلیون ریال)"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["id"]

    @property
    def code(self):
        return f"C{self.pk}"

    def __str__(self):
        return self.name


class ScenarioRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("در صف")
        RUNNING = "running", _("در حال اجرا")
        DONE = "done", _("پایان‌یافته")
        FAILED = "failed", _("ناموفق")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("وضعیت"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
