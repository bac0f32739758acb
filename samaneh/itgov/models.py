"""IT maturity and software supervision: the shared catalogue, municipal IT profiles and the score weights.

Versioning of the catalogue is per object, by Jalali year (`valid_from_year`, `retired_year`), not by
whole-catalogue editions. Why: items change on their own clocks (a vendor ships a version in spring, a
control is added after an incident) and a profile of year Y must be read against the catalogue as it stood
in Y, while year-on-year reports (concentration change, product churn) need the *same* product row in both
years. Copying the whole catalogue into each edition would break that identity and multiply rows; an
effective year keeps one row per thing and still answers "what was in force in 1403". Every catalogue write
goes to the audit chain, which keeps who changed what and when.
"""
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samaneh.geo.models import Administration

YEAR_VALIDATORS = [MinValueValidator(1350), MaxValueValidator(1500)]


class YearValidQuerySet(models.QuerySet):
    def in_force(self, year):
        """Rows in force during Jalali `year`."""
        return self.filter(valid_from_year__lte=year).filter(Q(retired_year__isnull=True) | Q(retired_year__gt=year))


class YearValid(models.Model):
    valid_from_year = models.PositiveSmallIntegerField(_("معتبر از سال"), default=1400, validators=YEAR_VALIDATORS)
    retired_year = models.PositiveSmallIntegerField(
        _("کنار گذاشته از سال"), null=True, blank=True, validators=YEAR_VALIDATORS,
        help_text=_("از این سال به بعد در فهرست‌ها و شناسنامه‌ها نمی‌آید؛ سابقه سال‌های پیش می‌ماند."),
    )

    objects = YearValidQuerySet.as_manager()

    class Meta:
        abstract = True


class Applies(models.TextChoices):
    MUNICIPALITY = "municipality", _("شهرداری")
    DEHYARI = "dehyari", _("دهیاری")
    BOTH = "both", _("هر دو")


class Domain(YearValid):
    """A software domain a municipality (or, for rural equivalents, a dehyari) runs."""

    code = models.CharField(_("کد"), max_length=30, unique=True)
    name = models.CharField(_("نام"), max_length=120)
    name_en = models.CharField(_("نام انگلیسی"), max_length=120, blank=True)
    applies_to = models.CharField(_("ویژه"), max_length=20, choices=Applies.choices, default=Applies.MUNICIPALITY)
    urban_equivalent = models.ForeignKey(
        "self", verbose_name=_("معادل شهری"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="rural_equivalents",
    )
    # What the domain's software must be able to export to the statistical system (element codes and names).
    exports = models.JSONField(_("داده‌های لازم برای سامانه آماری"), default=list, blank=True)
    sort = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("حوزه نرم‌افزاری")
        verbose_name_plural = _("حوزه‌های نرم‌افزاری")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name

    def applies(self, administration_kind):
        return self.applies_to in (Applies.BOTH, administration_kind)


class Vendor(models.Model):
    name = models.CharField(_("نام"), max_length=150, unique=True)
    website = models.CharField(_("وبگاه"), max_length=200, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("تأمین‌کننده")
        verbose_name_plural = _("تأمین‌کنندگان")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Hosting(models.TextChoices):
    ON_PREMISE = "on_premise", _("در محل (سرور خود شهرداری)")
    PROVINCIAL_DC = "provincial_dc", _("مرکز داده استانی")
    VENDOR_CLOUD = "vendor_cloud", _("ابر تأمین‌کننده")


class Interface(models.TextChoices):
    REST = "rest", _("REST API")
    SOAP = "soap", _("SOAP")
    DHIS2 = "dhis2", _("ارسال به سامانه آماری (dataValueSets)")
    FILE = "file", _("خروجی فایل (Excel/CSV)")
    DB = "db", _("دسترسی مستقیم پایگاه داده")
    SSO = "sso", _("ورود یکپارچه (SSO)")
    GSB = "gsb", _("گذرگاه خدمات دولت")


class Product(YearValid):
    vendor = models.ForeignKey(Vendor, verbose_name=_("تأمین‌کننده"), on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("نام"), max_length=150)
    domains = models.ManyToManyField(Domain, verbose_name=_("حوزه‌ها"), related_name="products")
    hosting_models = models.JSONField(_("مدل‌های میزبانی"), default=list, blank=True)
    interfaces = models.JSONField(_("واسط‌های یکپارچه‌سازی"), default=list, blank=True)
    # The standards the catalogue's reviewers found the product to meet (checked against its domains' items).
    requirements_met = models.ManyToManyField(
        "Requirement", verbose_name=_("استانداردهای رعایت‌شده"), blank=True, related_name="products_meeting",
    )

    class Meta:
        verbose_name = _("محصول نرم‌افزاری")
        verbose_name_plural = _("محصولات نرم‌افزاری")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "name"], name="itgov_product_unique_per_vendor")]

    def __str__(self):
        return f"{self.name} ({self.vendor})"


class SupportStatus(models.TextChoices):
    SUPPORTED = "supported", _("پشتیبانی کامل")
    SECURITY_ONLY = "security_only", _("فقط وصله امنیتی")
    UNSUPPORTED = "unsupported", _("بدون پشتیبانی")


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("محصول"), on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("نسخه"), max_length=40)
    released_on = models.DateField(_("تاریخ انتشار"), null=True, blank=True)
    support_status = models.CharField(_("وضعیت پشتیبانی"), max_length=20, choices=SupportStatus.choices,
                                      default=SupportStatus.SUPPORTED)
    end_of_support = models.DateField(_("پایان پشتیبانی"), null=True, blank=True)

    class Meta:
        verbose_name = _("نسخه محصول")
        verbose_name_plural = _("نسخه‌های محصول")
        ordering = ["product", "released_on", "version"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="itgov_version_unique")]

    def __str__(self):
        return f"{self.product.name} {self.version}"

    def supported_on(self, day):
        """Still supported on `day`: not marked unsupported and its end of support (if any) not passed."""
        if self.support_status == SupportStatus.UNSUPPORTED:
            return False
        return self.end_of_support is None or self.end_of_support >= day


class RequirementKind(models.TextChoices):
    STANDARD = "standard", _("استاندارد نرم‌افزار")
    CONTROL = "control", _("کنترل امنیتی")


class SecurityTheme(models.TextChoices):
    """Groups after ISO/IEC 27001:2022 Annex A themes, split finer the way the Iranian ISMS guidance does."""

    POLICY = "policy", _("خط‌مشی و سازمان امنیت")
    ASSETS = "assets", _("مدیریت دارایی‌ها")
    ACCESS = "access", _("کنترل دسترسی")
    BACKUP = "backup", _("پشتیبان‌گیری و بازیابی")
    PATCHING = "patching", _("وصله و به‌روزرسانی")
    LOGGING = "logging", _("ثبت رویداد و پایش")
    NETWORK = "network", _("امنیت شبکه")
    PHYSICAL = "physical", _("امنیت فیزیکی و محیطی")
    PEOPLE = "people", _("امنیت منابع انسانی")
    INCIDENT = "incident", _("مدیریت رخداد و تداوم کسب‌وکار")
    CRYPTO = "crypto", _("رمزنگاری")
    SUPPLIER = "supplier", _("تأمین‌کنندگان")


class Level(models.TextChoices):
    MANDATORY = "mandatory", _("الزامی")
    RECOMMENDED = "recommended", _("توصیه‌شده")


class Requirement(YearValid):
    code = models.CharField(_("شناسه"), max_length=20, unique=True, help_text=_("مانند SEC-AC-01"))
    kind = models.CharField(_("نوع"), max_length=10, choices=RequirementKind.choices)
    text = models.TextField(_("متن"))
    domain = models.ForeignKey(Domain, verbose_name=_("حوزه"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="requirements")
    theme = models.CharField(_("گروه امنیتی"), max_length=20, choices=SecurityTheme.choices, blank=True)
    level = models.CharField(_("سطح"), max_length=12, choices=Level.choices, default=Level.MANDATORY)
    iso_reference = models.CharField(_("ارجاع ISO/IEC 27001:2022"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("الزام")
        verbose_name_plural = _("الزامات و کنترل‌ها")
        ordering = ["kind", "theme", "code"]
        constraints = [
            models.CheckConstraint(
                name="itgov_requirement_control_has_theme",
                condition=~Q(kind="control") | ~Q(theme=""),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.text[:60]}"


# --- The municipal IT profile -------------------------------------------------------------------------


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("پیش‌نویس")
    SUBMITTED = "submitted", _("ارسال‌شده، در بررسی شهرستان")
    COUNTY_APPROVED = "county_approved", _("تأیید شهرستان، در بررسی استان")
    RETURNED = "returned", _("بازگشت برای اصلاح")
    APPROVED = "approved", _("تأیید نهایی استان")


class ReportsTo(models.TextChoices):
    MAYOR = "mayor", _("مستقیم زیر نظر شهردار/دهیار")
    DEPUTY = "deputy", _("زیر نظر یکی از معاونان")
    DEPARTMENT = "department", _("زیر نظر یک اداره")
    NONE = "none", _("واحد مستقل ندارد")


class ITProfile(models.Model):
    """One administration's IT as it stood in one Jalali year. Earlier years stay: that is the history."""

    administration = models.ForeignKey(Administration, verbose_name=_("مدیریت محلی"), on_delete=models.PROTECT,
                                       related_name="it_profiles")
    # Copied from the administration: every scope narrowing is then one path prefix on a direct join.
    org_unit = models.ForeignKey("geo.OrgUnit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("سال"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("وضعیت"), max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT,
                              db_index=True)
    case = models.OneToOneField("cases.Case", verbose_name=_("پرونده"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="it_profile")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("زمان ایجاد"), default=timezone.now)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)
    submitted_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    approved_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)

    # Hardware: counts by age band (under 3 years, 3–5, over 5).
    servers_new = models.PositiveIntegerField(_("سرور زیر ۳ سال"), default=0)
    servers_mid = models.PositiveIntegerField(_("سرور ۳ تا ۵ سال"), default=0)
    servers_old = models.PositiveIntegerField(_("سرور بالای ۵ سال"), default=0)
    workstations_new = models.PositiveIntegerField(_("رایانه کاربری زیر ۳ سال"), default=0)
    workstations_mid = models.PositiveIntegerField(_("رایانه کاربری ۳ تا ۵ سال"), default=0)
    workstations_old = models.PositiveIntegerField(_("رایانه کاربری بالای ۵ سال"), default=0)
    backup_new = models.PositiveIntegerField(_("تجهیز پشتیبان‌گیری زیر ۳ سال"), default=0)
    backup_mid = models.PositiveIntegerField(_("تجهیز پشتیبان‌گیری ۳ تا ۵ سال"), default=0)
    backup_old = models.PositiveIntegerField(_("تجهیز پشتیبان‌گیری بالای ۵ سال"), default=0)
    network_links = models.PositiveIntegerField(_("تعداد خطوط ارتباطی"), default=0)
    bandwidth_mbps = models.PositiveIntegerField(_("پهنای باند کل (مگابیت بر ثانیه)"), default=0)
    offsite_backup = models.BooleanField(_("نسخه پشتیبان بیرون از ساختمان نگه داشته می‌شود"), default=False)

    # Management
    has_it_unit = models.BooleanField(_("واحد فناوری اطلاعات دارد"), default=False)
    it_reports_to = models.CharField(_("جایگاه واحد در نمودار سازمانی"), max_length=20, choices=ReportsTo.choices,
                                     default=ReportsTo.NONE)
    it_budget_share = models.DecimalField(_("سهم فناوری اطلاعات از بودجه (درصد)"), max_digits=5, decimal_places=2,
                                          default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    has_written_plan = models.BooleanField(_("برنامه مکتوب فناوری اطلاعات دارد"), default=False)

    # People
    staff_permanent = models.PositiveIntegerField(_("کارکنان فناوری اطلاعات رسمی/پیمانی"), default=0)
    staff_contract = models.PositiveIntegerField(_("کارکنان فناوری اطلاعات قراردادی"), default=0)
    staff_outsourced = models.PositiveIntegerField(_("کارکنان فناوری اطلاعات برون‌سپاری‌شده"), default=0)
    staff_certified = models.PositiveIntegerField(_("کارکنان دارای گواهی‌نامه تخصصی"), default=0)
    staff_left = models.PositiveIntegerField(_("کارکنان فناوری اطلاعات که در سال رفتند"), default=0)
    skills = models.JSONField(_("مهارت‌ها"), default=list, blank=True)
    certificates = models.TextField(_("گواهی‌نامه‌ها"), blank=True)

    # Scores, computed when the province approves (and again when the weights of that year change).
    weights = models.ForeignKey("ScoreWeights", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    score_software = models.FloatField(_("امتیاز نرم‌افزار"), null=True, blank=True)
    score_hardware = models.FloatField(_("امتیاز سخت‌افزار"), null=True, blank=True)
    score_management = models.FloatField(_("امتیاز مدیریت"), null=True, blank=True)
    score_people = models.FloatField(_("امتیاز نیروی انسانی"), null=True, blank=True)
    score_security = models.FloatField(_("امتیاز امنیت"), null=True, blank=True)
    score_overall = models.FloatField(_("امتیاز کل بلوغ"), null=True, blank=True)

    class Meta:
        verbose_name = _("شناسنامه فناوری اطلاعات")
        verbose_name_plural = _("شناسنامه‌های فناوری اطلاعات")
        ordering = ["-year", "administration__name"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "year"], name="itgov_profile_one_per_year"),
            models.CheckConstraint(name="itgov_budget_share_percent",
                                   condition=Q(it_budget_share__gte=0) & Q(it_budget_share__lte=100)),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.administration} — {self.year}"

    @property
    def editable(self):
        return self.status in (ProfileStatus.DRAFT, ProfileStatus.RETURNED)

    @property
    def staff_total(self):
        return self.staff_permanent + self.staff_contract + self.staff_outsourced

    @property
    def servers(self):
        return self.servers_new + self.servers_mid + self.servers_old

    @property
    def workstations(self):
        return self.workstations_new + self.workstations_mid + self.workstations_old

    @property
    def backup_devices(self):
        return self.backup_new + self.backup_mid + self.backup_old


class Licence(models.TextChoices):
    PERPETUAL = "perpetual", _("مجوز دائمی")
    SUBSCRIPTION = "subscription", _("اشتراک سالانه")
    OPEN_SOURCE = "open_source", _("متن‌باز")
    EXPIRED = "expired", _("مجوز منقضی")
    NONE = "none", _("بدون مجوز")


class SoftwareUse(models.Model):
    """What one administration runs in one domain. Either a catalogued product version, or free text marked
    pending catalogue review — never both, never silently taken as catalogued."""

    profile = models.ForeignKey(ITProfile, on_delete=models.CASCADE, related_name="software")
    domain = models.ForeignKey(Domain, verbose_name=_("حوزه"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ProductVersion, verbose_name=_("محصول و نسخه"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="uses")
    other_product = models.CharField(_("نام محصول (خارج از فهرست)"), max_length=150, blank=True)
    other_vendor = models.CharField(_("تأمین‌کننده (خارج از فهرست)"), max_length=150, blank=True)
    other_version = models.CharField(_("نسخه (خارج از فهرست)"), max_length=40, blank=True)
    pending_review = models.BooleanField(_("در انتظار بررسی فهرست"), default=False)
    since_year = models.PositiveSmallIntegerField(_("در کار از سال"), null=True, blank=True, validators=YEAR_VALIDATORS)
    hosting = models.CharField(_("میزبانی"), max_length=20, choices=Hosting.choices, default=Hosting.ON_PREMISE)
    integrates_with = models.ManyToManyField(Domain, verbose_name=_("یکپارچه با سامانه‌های"), blank=True,
                                             related_name="+")
    licence = models.CharField(_("وضعیت مجوز"), max_length=20, choices=Licence.choices, default=Licence.PERPETUAL)
    satisfaction = models.PositiveSmallIntegerField(_("رضایت (۱ تا ۵)"),
                                                    validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("نرم‌افزار در کار")
        verbose_name_plural = _("نرم‌افزارهای در کار")
        constraints = [
            models.UniqueConstraint(fields=["profile", "domain"], name="itgov_software_one_per_domain"),
            models.CheckConstraint(
                name="itgov_software_catalogued_xor_pending",
                condition=(Q(version__isnull=False, pending_review=False, other_product="")
                           | Q(version__isnull=True, pending_review=True) & ~Q(other_product="")),
            ),
            models.CheckConstraint(name="itgov_satisfaction_1_5", condition=Q(satisfaction__gte=1, satisfaction__lte=5)),
        ]

    def __str__(self):
        return f"{self.domain}: {self.product_label}"

    @property
    def product_label(self):
        if self.version_id:
            return str(self.version)
        return f"{self.other_product} {self.other_version}".strip()


class Answer(models.TextChoices):
    IMPLEMENTED = "implemented", _("پیاده‌سازی شده")
    PARTLY = "partly", _("تا حدی")
    NO = "no", _("خیر")
    NOT_APPLICABLE = "na", _("موضوعیت ندارد")


class ControlAnswer(models.Model):
    profile = models.ForeignKey(ITProfile, on_delete=models.CASCADE, related_name="controls")
    requirement = models.ForeignKey(Requirement, verbose_name=_("کنترل"), on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("پاسخ"), max_length=12, choices=Answer.choices)
    note = models.CharField(_("توضیح"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("پاسخ کنترل امنیتی")
        verbose_name_plural = _("پاسخ‌های کنترل امنیتی")
        constraints = [models.UniqueConstraint(fields=["profile", "requirement"], name="itgov_control_answer_once")]


def evidence_path(instance, filename):
    # Random names: the stored path says nothing about the municipality or the uploader's file name.
    return f"itgov/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Evidence(models.Model):
    answer = models.ForeignKey(ControlAnswer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("نام فایل"), max_length=200)
    content_type = models.CharField(_("نوع"), max_length=50)
    size = models.PositiveIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("مستند شاهد")
        verbose_name_plural = _("مستندات شاهد")
        ordering = ["created_at", "pk"]


# --- Score weights ------------------------------------------------------------------------------------


class ScoreWeights(models.Model):
    """The national IT office's weights of the five dimensions, in force from a Jalali year on. A new row
    per change (never edited in place), so a score can always say which weights made it. That the five sum
    to exactly 1 is checked in `services.weights_create` with Decimal arithmetic: SQLite keeps decimals as
    floating point, where a CHECK on the sum would refuse valid rows."""

    effective_year = models.PositiveSmallIntegerField(_("از سال"), validators=YEAR_VALIDATORS)
    software = models.DecimalField(_("وزن نرم‌افزار"), max_digits=4, decimal_places=3)
    hardware = models.DecimalField(_("وزن سخت‌افزار"), max_digits=4, decimal_places=3)
    management = models.DecimalField(_("وزن مدیریت"), max_digits=4, decimal_places=3)
    people = models.DecimalField(_("وزن نیروی انسانی"), max_digits=4, decimal_places=3)
    security = models.DecimalField(_("وزن امنیت"), max_digits=4, decimal_places=3)
    note = models.CharField(_("توضیح"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("وزن‌های مدل بلوغ")
        verbose_name_plural = _("نسخه‌های وزن مدل بلوغ")
        ordering = ["-effective_year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="itgov_weights_non_negative",
                condition=Q(software__gte=0, hardware__gte=0, management__gte=0, people__gte=0, security__gte=0),
            ),

        ]

    def __str__(self):
        return f"{self.effective_year} — {self.created_at:%Y-%m-%d}"

    def as_dict(self):
        return {d: float(getattr(self, d)) for d in ("software", "hardware", "management", "people", "security")}
