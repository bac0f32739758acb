"""The statistical system's data model, in DHIS2's shapes.

A data value is (data element, period, org unit, category option combo) → value. Metadata —
elements, disaggregations, data sets, indicators, validation rules — is data, edited in the admin
and over the API, never code. Every metadata object has a DHIS2-style 11-character `uid`.
"""
import secrets
import string

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Role
from samaneh.core.text import normalize_text
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods

_UID_FIRST = string.ascii_letters
_UID_REST = string.ascii_letters + string.digits

# DHIS2's well-known uids for the default disaggregation, so DHIS2 clients that omit or send them work.
DEFAULT_CATEGORY_COMBO_UID = "bjDvmb4bfuf"
DEFAULT_COC_UID = "HllvX50cXC0"


def generate_uid():
    """An 11-character DHIS2 uid: a letter, then ten letters or digits."""
    return secrets.choice(_UID_FIRST) + "".join(secrets.choice(_UID_REST) for _ in range(10))


class MetadataObject(models.Model):
    uid = models.CharField(_("شناسه"), max_length=11, unique=True, default=generate_uid)
    code = models.CharField(_("کد"), max_length=50, unique=True, null=True, blank=True)
    name = models.CharField(_("نام"), max_length=230)
    name_en = models.CharField(_("نام انگلیسی"), max_length=230, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        super().save(*args, **kwargs)


class CategoryOption(MetadataObject):
    """One option of a disaggregation, e.g. «زن» or «۲۵ تا ۳۴ سال»."""

    class Meta(MetadataObject.Meta):
        verbose_name = _("گزینه تفکیک")
        verbose_name_plural = _("گزینه‌های تفکیک")


class Category(MetadataObject):
    """A disaggregation axis, e.g. gender, with its options in order."""

    options = models.ManyToManyField(CategoryOption, through="CategoryOptionMembership", related_name="categories")

    class Meta(MetadataObject.Meta):
        verbose_name = _("تفکیک")
        verbose_name_plural = _("تفکیک‌ها")


class CategoryOptionMembership(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    option = models.ForeignKey(CategoryOption, on_delete=models.PROTECT)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        constraints = [models.UniqueConstraint(fields=["category", "option"], name="stats_category_option_once")]


class CategoryCombo(MetadataObject):
    """Categories crossed together (gender × age band); `default` has none and one combo."""

    categories = models.ManyToManyField(Category, through="CategoryComboMembership", related_name="combos")

    class Meta(MetadataObject.Meta):
        verbose_name = _("ترکیب تفکیک")
        verbose_name_plural = _("ترکیب‌های تفکیک")

    @property
    def is_default(self):
        return self.uid == DEFAULT_CATEGORY_COMBO_UID


class CategoryComboMembership(models.Model):
    combo = models.ForeignKey(CategoryCombo, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        constraints = [models.UniqueConstraint(fields=["combo", "category"], name="stats_combo_category_once")]


class CategoryOptionCombo(MetadataObject):
    """One cell of a combo's cross product, e.g. «زن، ۲۵ تا ۳۴ سال». Built by `services.combo_generate`."""

    combo = models.ForeignKey(CategoryCombo, on_delete=models.CASCADE, related_name="option_combos")
    options = models.ManyToManyField(CategoryOption, related_name="option_combos", blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta(MetadataObject.Meta):
        ordering = ["combo", "sort_order"]
        verbose_name = _("ترکیب گزینه‌ها")
        verbose_name_plural = _("ترکیب‌های گزینه‌ها")


class ValueType(models.TextChoices):
    NUMBER = "NUMBER", _("عدد")
    INTEGER = "INTEGER", _("عدد صحیح")
    INTEGER_POSITIVE = "INTEGER_POSITIVE", _("عدد صحیح مثبت")
    INTEGER_ZERO_OR_POSITIVE = "INTEGER_ZERO_OR_POSITIVE", _("عدد صحیح نامنفی")
    PERCENTAGE = "PERCENTAGE", _("درصد")
    BOOLEAN = "BOOLEAN", _("بله/خیر")
    TEXT = "TEXT", _("متن")


NUMERIC_TYPES = {
    ValueType.NUMBER, ValueType.INTEGER, ValueType.INTEGER_POSITIVE, ValueType.INTEGER_ZERO_OR_POSITIVE,
    ValueType.PERCENTAGE,
}


class AggregationType(models.TextChoices):
    SUM = "SUM", _("جمع")
    AVERAGE = "AVERAGE", _("میانگین")
    LAST = "LAST", _("آخرین مقدار")
    MIN = "MIN", _("کمینه")
    MAX = "MAX", _("بیشینه")
    NONE = "NONE", _("بدون تجمیع")


class DataElement(MetadataObject):
    short_name = models.CharField(_("نام کوتاه"), max_length=50, blank=True)
    description = models.TextField(_("شرح"), blank=True)
    value_type = models.CharField(_("نوع مقدار"), max_length=30, choices=ValueType.choices, default=ValueType.NUMBER)
    aggregation_type = models.CharField(
        _("نوع تجمیع"), max_length=10, choices=AggregationType.choices, default=AggregationType.SUM
    )
    domain_type = models.CharField(max_length=10, default="AGGREGATE", editable=False)
    category_combo = models.ForeignKey(
        CategoryCombo, verbose_name=_("ترکیب تفکیک"), on_delete=models.PROTECT, related_name="data_elements"
    )
    zero_is_significant = models.BooleanField(_("صفر معنادار است"), default=True)
    # Set when another service computes this element (see `feeds`); people cannot type over it.
    feed = models.CharField(_("منبع خودکار"), max_length=80, blank=True)

    class Meta(MetadataObject.Meta):
        verbose_name = _("عنصر داده")
        verbose_name_plural = _("عناصر داده")

    @property
    def is_numeric(self):
        return self.value_type in NUMERIC_TYPES


class DataSet(MetadataObject):
    """A form: which elements, how often, who must report, until when, who approves."""

    period_type = models.CharField(
        _("نوع دوره"), max_length=10, choices=[(t, periods.PERIOD_TYPE_LABELS[t]) for t in periods.PERIOD_TYPES]
    )
    description = models.TextField(_("شرح"), blank=True)
    data_elements = models.ManyToManyField(DataElement, through="DataSetElement", related_name="data_sets")
    organisation_units = models.ManyToManyField(OrgUnit, related_name="data_sets", blank=True)
    # Entry is open from the period's start (never for a future period) until `expiry_days` after its end.
    expiry_days = models.PositiveSmallIntegerField(
        _("مهلت ورود (روز پس از پایان دوره)"), default=15,
        help_text=_("پس از این تعداد روز از پایان دوره، مقادیر قفل می‌شوند؛ ۰ یعنی بدون قفل."),
    )
    timely_days = models.PositiveSmallIntegerField(_("مهلت ارسال به‌موقع (روز)"), default=10)
    approver_role = models.CharField(
        _("نقش تأییدکننده"), max_length=30, choices=Role.choices, default=Role.PROVINCE_REVIEWER, blank=True
    )

    class Meta(MetadataObject.Meta):
        verbose_name = _("مجموعه داده (فرم)")
        verbose_name_plural = _("مجموعه‌های داده (فرم‌ها)")


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="set_elements")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="set_memberships")
    sort_order = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(_("بخش فرم"), max_length=120, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "data_element"], name="stats_dataset_element_once")
        ]


class DataValue(models.Model):
    """The fact: element × period × unit × disaggregation → value (stored as text, like DHIS2)."""

    # No index of their own on the element and the unit: the unique key's index and stats_dv_unit_period lead
    # with them and serve every lookup by either, and each index more slows every imported value.
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values", db_index=False)
    period = models.CharField(max_length=8)  # a periods id: 1403, 1403Q1, 140301, 1403W1
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="data_values", db_index=False)
    category_option_combo = models.ForeignKey(CategoryOptionCombo, on_delete=models.PROTECT, related_name="values")
    value = models.CharField(max_length=50000)
    # The value as a number for numeric elements (NULL otherwise): analytics aggregates this column.
    numeric = models.FloatField(null=True, blank=True)
    comment = models.CharField(max_length=5000, blank=True)
    follow_up = models.BooleanField(default=False)
    stored_by = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("مقدار داده")
        verbose_name_plural = _("مقادیر داده")
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "period", "org_unit", "category_option_combo"], name="stats_datavalue_key"
            )
        ]
        # (data_element, period, …) lookups use the unique key's index, whose leading columns they are; a
        # separate index on them only slowed every write.
        indexes = [models.Index(fields=["org_unit", "period"], name="stats_dv_unit_period")]

    def __str__(self):
        return f"{self.data_element_id}/{self.period}/{self.org_unit_id}={self.value}"


class CompleteRegistration(models.Model):
    """«Mark complete»: a unit declared its form for a period finished (DHIS2 completeDataSetRegistration)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="completions")
    period = models.CharField(max_length=8)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="data_set_completions")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("اعلام تکمیل فرم")
        verbose_name_plural = _("اعلام‌های تکمیل فرم")
        constraints = [
            models.UniqueConstraint(fields=["data_set", "period", "org_unit"], name="stats_completion_once")
        ]


class LockException(models.Model):
    """A reviewer higher up reopened a locked (expired) form for one unit and period (DHIS2's name)."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="lock_exceptions")
    period = models.CharField(max_length=8)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("دلیل"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("بازگشایی فرم قفل‌شده")
        verbose_name_plural = _("بازگشایی‌های فرم قفل‌شده")
        constraints = [
            models.UniqueConstraint(fields=["data_set", "period", "org_unit"], name="stats_lock_exception_once")
        ]


class DataApproval(models.Model):
    """The approver role's sign-off on a unit's form for a period; approved values cannot be edited."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="approvals")
    period = models.CharField(max_length=8)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField()

    class Meta:
        verbose_name = _("تأیید فرم")
        verbose_name_plural = _("تأییدهای فرم")
        constraints = [models.UniqueConstraint(fields=["data_set", "period", "org_unit"], name="stats_approval_once")]


class Indicator(MetadataObject):
    """numerator / denominator × factor, each an expression over `#{uid}` / `#{uid.coc}`."""

    short_name = models.CharField(_("نام کوتاه"), max_length=50, blank=True)
    description = models.TextField(_("شرح"), blank=True)
    numerator = models.TextField(_("صورت"))
    numerator_description = models.CharField(_("شرح صورت"), max_length=230, blank=True)
    denominator = models.TextField(_("مخرج"), default="1")
    denominator_description = models.CharField(_("شرح مخرج"), max_length=230, blank=True)
    factor = models.FloatField(_("ضریب"), default=1, help_text=_("مثلاً ۱۰۰ برای درصد، ۱۰۰۰ برای «در هر هزار نفر»"))
    decimals = models.PositiveSmallIntegerField(_("رقم اعشار"), default=1)

    class Meta(MetadataObject.Meta):
        verbose_name = _("شاخص")
        verbose_name_plural = _("شاخص‌ها")


class ValidationRule(MetadataObject):
    class Operator(models.TextChoices):
        EQUAL_TO = "equal_to", "="
        NOT_EQUAL_TO = "not_equal_to", "≠"
        GREATER_THAN = "greater_than", ">"
        GREATER_THAN_OR_EQUAL_TO = "greater_than_or_equal_to", "≥"
        LESS_THAN = "less_than", "<"
        LESS_THAN_OR_EQUAL_TO = "less_than_or_equal_to", "≤"

    class Importance(models.TextChoices):
        HIGH = "HIGH", _("زیاد")
        MEDIUM = "MEDIUM", _("متوسط")
        LOW = "LOW", _("کم")

    description = models.TextField(_("شرح"), blank=True)
    instruction = models.TextField(_("راهنمای رفع"), blank=True)
    left_side = models.TextField(_("عبارت سمت چپ"))
    operator = models.CharField(_("عملگر"), max_length=30, choices=Operator.choices)
    right_side = models.TextField(_("عبارت سمت راست"))
    importance = models.CharField(_("اهمیت"), max_length=6, choices=Importance.choices, default=Importance.MEDIUM)
    period_type = models.CharField(
        _("نوع دوره"), max_length=10, choices=[(t, periods.PERIOD_TYPE_LABELS[t]) for t in periods.PERIOD_TYPES],
        default=periods.MONTHLY,
    )

    class Meta(MetadataObject.Meta):
        verbose_name = _("قاعده اعتبارسنجی")
        verbose_name_plural = _("قواعد اعتبارسنجی")
