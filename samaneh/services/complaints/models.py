"""What a complaint or request adds to the engine's case: its category, place, text, visibility,
the citizen's rating and objection, duplicates merged into it, and where it came from (web or Open311)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samaneh.cases.models import Case


class Category(models.Model):
    """A node of the category tree (configured in admin). Leaves are what citizens pick and what
    Open311 calls a service; `service_code` is the Open311 code."""

    class Routing(models.TextChoices):
        LOCAL = "local", _("واحد محل (شهرداری، دهیاری یا بخشداری)")
        INSPECTION = "inspection", _("دفتر بازرسی شهرستان")

    class Kinds(models.TextChoices):
        BOTH = "both", _("شکایت و درخواست")
        COMPLAINT = "complaint", _("فقط شکایت")
        REQUEST = "request", _("فقط درخواست")

    parent = models.ForeignKey("self", verbose_name=_("گروه بالادست"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("نام"), max_length=120)
    service_code = models.SlugField(_("کد خدمت (Open311)"), max_length=60, unique=True)
    description = models.TextField(_("توضیح"), blank=True)
    kinds = models.CharField(_("نوع‌های مجاز"), max_length=10, choices=Kinds.choices, default=Kinds.BOTH)
    routing = models.CharField(_("مسیر رسیدگی"), max_length=12, choices=Routing.choices, default=Routing.LOCAL)
    keywords = models.CharField(_("کلیدواژه‌ها"), max_length=200, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("دسته شکایت و درخواست")
        verbose_name_plural = _("دسته‌های شکایت و درخواست")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class CategoryAttribute(models.Model):
    """An extra question of a category (Open311 service definition attribute)."""

    class DataType(models.TextChoices):
        STRING = "string", "string"
        NUMBER = "number", "number"
        DATETIME = "datetime", "datetime"
        TEXT = "text", "text"
        SINGLEVALUELIST = "singlevaluelist", "singlevaluelist"
        MULTIVALUELIST = "multivaluelist", "multivaluelist"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("کد"), max_length=60)
    description = models.CharField(_("پرسش"), max_length=200)
    datatype = models.CharField(_("نوع داده"), max_length=20, choices=DataType.choices, default=DataType.STRING)
    required = models.BooleanField(_("الزامی"), default=False)
    values = models.JSONField(_("گزینه‌ها"), default=list, blank=True, help_text=_("فهرست {key, name} برای فهرست‌های انتخابی"))
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("پرسش دسته")
        verbose_name_plural = _("پرسش‌های دسته")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_attribute_code_unique")]


class Open311Client(models.Model):
    """An outside application allowed to POST requests; its key is shown once and stored hashed."""

    name = models.CharField(_("نام برنامه"), max_length=120)
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=128)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_client")
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(_("زمان ساخت"), default=timezone.now)

    class Meta:
        verbose_name = _("برنامه Open311")
        verbose_name_plural = _("برنامه‌های Open311")

    def __str__(self):
        return self.name


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("شکایت")
        REQUEST = "request", _("درخواست")

    class Channel(models.TextChoices):
        WEB = "web", _("وبگاه")
        OPEN311 = "open311", _("Open311")

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="complaint")
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(Category, verbose_name=_("دسته"), on_delete=models.PROTECT, related_name="complaints")
    description = models.TextField(_("شرح"))
    latitude = models.DecimalField(_("عرض جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("طول جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("نشانی"), max_length=300, blank=True)
    is_public = models.BooleanField(_("نمایش عمومی"), default=False)
    attributes = models.JSONField(_("پاسخ پرسش‌های دسته"), default=dict, blank=True)
    channel = models.CharField(_("مسیر ثبت"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    open311_client = models.ForeignKey(Open311Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)
    contact = models.JSONField(_("اطلاعات تماس"), default=dict, blank=True)
    answered_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)
    objection_deadline = models.DateTimeField(_("مهلت اعتراض"), null=True, blank=True)
    objected_at = models.DateTimeField(_("زمان اعتراض"), null=True, blank=True)
    answering_unit = models.ForeignKey("geo.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       help_text=_("واحدی که پاسخ داد؛ بازگشایی پرونده به همین واحد برمی‌گردد"))
    rating = models.PositiveSmallIntegerField(_("امتیاز رضایت"), null=True, blank=True)
    rating_comment = models.CharField(_("نظر درباره پاسخ"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("زمان امتیازدهی"), null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    verbose_name=_("ادغام‌شده در"))

    class Meta:
        verbose_name = _("شکایت یا درخواست")
        verbose_name_plural = _("شکایات و درخواست‌ها")
        indexes = [models.Index(fields=["category", "latitude", "longitude"])]

    def __str__(self):
        return str(self.case)
