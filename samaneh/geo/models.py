"""The org-unit spine: Iran's administrative hierarchy as one tree, and the administrations on it."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.core.text import normalize_text, search_key


class OrgUnit(models.Model):
    """One node of country → province → county → district → city | rural district → village.

    `path` is the materialised path of primary keys ("1.5.300.") so a subtree is one indexed
    prefix query on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", _("کشور")
        PROVINCE = "province", _("استان")
        COUNTY = "county", _("شهرستان")
        DISTRICT = "district", _("بخش")
        CITY = "city", _("شهر")
        RURAL_DISTRICT = "rural_district", _("دهستان")
        VILLAGE = "village", _("روستا")

    LEVELS = {
        Kind.COUNTRY: 0,
        Kind.PROVINCE: 1,
        Kind.COUNTY: 2,
        Kind.DISTRICT: 3,
        Kind.CITY: 4,
        Kind.RURAL_DISTRICT: 4,
        Kind.VILLAGE: 5,
    }

    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices, db_index=True)
    level = models.PositiveSmallIntegerField(_("سطح"), db_index=True)
    name = models.CharField(_("نام"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    code = models.CharField(_("کد تقسیمات کشوری"), max_length=32, blank=True, db_index=True)
    source_id = models.PositiveIntegerField(_("شناسه در داده منبع"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("واحد بالادست"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=64, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("واحد تقسیمات کشوری")
        verbose_name_plural = _("واحدهای تقسیمات کشوری")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="orgunit_unique_source"),
        ]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.search_name = search_key(self.name)
        self.level = self.LEVELS[self.kind]
        super().save(*args, **kwargs)
        expected = f"{self.parent.path if self.parent_id else ''}{self.pk}."
        if self.path != expected:
            self.path = expected
            super().save(update_fields=["path"])

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip(".").split(".") if part]

    def ancestors(self):
        """Units from the country down to this one, inclusive, in order."""
        ids = self.ancestor_ids()
        by_id = OrgUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)

    def is_within(self, other):
        return self.path.startswith(other.path)


class Administration(models.Model):
    """A body that runs a unit: a municipality (شهرداری) for a city, a dehyari (دهیاری) for a village."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("شهرداری")
        DEHYARI = "dehyari", _("دهیاری")

    UNIT_KIND = {Kind.MUNICIPALITY: OrgUnit.Kind.CITY, Kind.DEHYARI: OrgUnit.Kind.VILLAGE}

    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices, db_index=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="administrations")
    name = models.CharField(_("نام"), max_length=200)
    national_legal_id = models.CharField(_("شناسه ملی"), max_length=11, blank=True)
    is_demo = models.BooleanField(_("نمونه آزمایشی"), default=False, db_index=True)
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("مدیریت محلی")
        verbose_name_plural = _("مدیریت‌های محلی")
        constraints = [models.UniqueConstraint(fields=["kind", "org_unit"], name="administration_one_per_unit")]

    def __str__(self):
        return self.name
