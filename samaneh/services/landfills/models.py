"""The rural landfill bank: waste dump and landfill sites serving villages, with the facts that
decide their sensitivity, and the review state of each record. Every change is kept in `SiteEvent`."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import OrgUnit


class Site(models.Model):
    class Kind(models.TextChoices):
        OPEN_DUMP = "open_dump", _("محل تخلیه روباز")
        SANITARY_LANDFILL = "sanitary_landfill", _("محل دفن بهداشتی")
        TRANSFER_STATION = "transfer_station", _("ایستگاه انتقال")
        REGIONAL_LANDFILL = "regional_landfill", _("مرکز دفن منطقه‌ای")

    class Status(models.TextChoices):
        ACTIVE = "active", _("فعال")
        CLOSING = "closing", _("در حال بسته‌شدن")
        CLOSED = "closed", _("بسته")
        PLANNED = "planned", _("برنامه‌ریزی‌شده")

    class OperatorKind(models.TextChoices):
        DEHYARI = "dehyari", _("دهیاری")
        MUNICIPALITY = "municipality", _("شهرداری")
        JOINT_COMPANY = "joint_company", _("شرکت تعاونی دهیاری‌ها / مدیریت پسماند روستایی")
        OTHER = "other", _("سایر")

    class Review(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        SUBMITTED = "submitted", _("ارسال‌شده برای بررسی")
        RETURNED = "returned", _("بازگشت برای اصلاح")
        APPROVED = "approved", _("تأییدشده")

    class Permeability(models.TextChoices):
        LOW = "low", _("کم (رسی)")
        MEDIUM = "medium", _("متوسط (لومی)")
        HIGH = "high", _("زیاد (شنی/ماسه‌ای)")

    class FloodZone(models.TextChoices):
        NONE = "none", _("خارج از پهنه سیل")
        LOW = "low", _("پهنه کم‌خطر")
        HIGH = "high", _("پهنه پرخطر")

    class Protected(models.TextChoices):
        NO = "no", _("خیر")
        NEAR = "near", _("نزدیک منطقه حفاظت‌شده (کمتر از ۵ کیلومتر)")
        INSIDE = "inside", _("داخل منطقه حفاظت‌شده")

    code = models.CharField(_("کد مرکز"), max_length=20, unique=True)
    name = models.CharField(_("نام"), max_length=200)
    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("وضعیت"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The unit the site stands in (a district, rural district or village); scope follows it.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("محل (واحد تقسیماتی)"), on_delete=models.PROTECT,
                                 related_name="landfill_sites")
    latitude = models.FloatField(_("عرض جغرافیایی"), validators=[MinValueValidator(24.0), MaxValueValidator(40.0)])
    longitude = models.FloatField(_("طول جغرافیایی"), validators=[MinValueValidator(44.0), MaxValueValidator(63.5)])
    operator_kind = models.CharField(_("بهره‌بردار"), max_length=20, choices=OperatorKind.choices)
    operator_name = models.CharField(_("نام بهره‌بردار"), max_length=200, blank=True)
    design_capacity_tonnes = models.FloatField(_("ظرفیت طراحی (تن)"), validators=[MinValueValidator(0)])
    remaining_capacity_tonnes = models.FloatField(_("ظرفیت باقی‌مانده (تن)"), validators=[MinValueValidator(0)])
    design_capacity_m3 = models.FloatField(_("ظرفیت طراحی (مترمکعب)"), null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    remaining_capacity_m3 = models.FloatField(_("ظرفیت باقی‌مانده (مترمکعب)"), null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    daily_intake_tonnes = models.FloatField(_("ورودی روزانه (تن)"), default=0, validators=[MinValueValidator(0)])
    opening_year = models.PositiveSmallIntegerField(_("سال شروع بهره‌برداری (شمسی)"), null=True, blank=True)
    villages_served = models.ManyToManyField(
        OrgUnit, verbose_name=_("روستاهای تحت پوشش"), related_name="landfill_sites_serving", blank=True
    )
    # Environmental and sensitivity facts
    distance_to_water_m = models.FloatField(_("فاصله تا نزدیک‌ترین رودخانه/قنات/چاه (متر)"), null=True, blank=True,
                                            validators=[MinValueValidator(0)])
    groundwater_depth_m = models.FloatField(_("عمق آب زیرزمینی (متر)"), null=True, blank=True,
                                            validators=[MinValueValidator(0)])
    distance_to_village_m = models.FloatField(_("فاصله تا نزدیک‌ترین روستا (متر)"), null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    protected_area = models.CharField(_("منطقه حفاظت‌شده"), max_length=6, choices=Protected.choices, default=Protected.NO)
    flood_zone = models.CharField(_("پهنه سیل"), max_length=6, choices=FloodZone.choices, default=FloodZone.NONE)
    soil_permeability = models.CharField(_("نفوذپذیری خاک"), max_length=6, choices=Permeability.choices,
                                         default=Permeability.MEDIUM)
    fire_incidents_per_year = models.PositiveIntegerField(_("آتش‌سوزی در سال"), default=0)
    complaints_per_year = models.PositiveIntegerField(_("شکایت در سال"), default=0)
    has_fence = models.BooleanField(_("حصار"), default=False)
    has_lining = models.BooleanField(_("لایه عایق کف"), default=False)
    has_leachate_collection = models.BooleanField(_("جمع‌آوری شیرابه"), default=False)
    has_daily_cover = models.BooleanField(_("پوشش روزانه"), default=False)
    remediation_cost_million_rials = models.FloatField(
        _("هزینه ساماندهی (میلیون ریال)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    review_state = models.CharField(_("وضعیت بررسی"), max_length=10, choices=Review.choices, default=Review.DRAFT)
    is_demo = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("مرکز دفن یا تخلیه پسماند")
        verbose_name_plural = _("مراکز دفن و تخلیه پسماند")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remaining_capacity_tonnes__lte=models.F("design_capacity_tonnes")),
                name="landfill_remaining_within_design",
            ),
        ]

    def __str__(self):
        return self.name


class SiteEvent(models.Model):
    """One change to a site: who, when, what (the changed fields with old and new values), and any comment."""

    class Action(models.TextChoices):
        CREATED = "created", _("ثبت")
        UPDATED = "updated", _("ویرایش")
        SUBMITTED = "submitted", _("ارسال برای بررسی")
        RETURNED = "returned", _("بازگشت برای اصلاح")
        APPROVED = "approved", _("تأیید")
        IMPORTED = "imported", _("ورود از اکسل")
        DOCUMENT = "document", _("افزودن عکس یا سند")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class SiteDocument(models.Model):
    """A photo or document of a site (PDF/JPEG/PNG only, checked by the engine's attachment sniffing)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="landfills/%Y/%m/")
    title = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ServedPlace(models.Model):
    """Where waste comes from: a village (or other settlement) with a location and a population.

    The hierarchy data has no coordinates, so the planner's demand points are recorded here — entered,
    imported from Excel, or (for demo data) generated and labelled. Population comes from the
    statistical system when it has a value for the unit, else from `population`.
    """

    org_unit = models.OneToOneField(OrgUnit, verbose_name=_("روستا"), on_delete=models.CASCADE,
                                    related_name="served_place")
    latitude = models.FloatField(_("عرض جغرافیایی"), validators=[MinValueValidator(24.0), MaxValueValidator(40.0)])
    longitude = models.FloatField(_("طول جغرافیایی"), validators=[MinValueValidator(44.0), MaxValueValidator(63.5)])
    population = models.PositiveIntegerField(_("جمعیت"), default=0)
    is_demo = models.BooleanField(default=False, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("نقطه تولید پسماند (روستا)")
        verbose_name_plural = _("نقاط تولید پسماند (روستاها)")

    def __str__(self):
        return str(self.org_unit)
