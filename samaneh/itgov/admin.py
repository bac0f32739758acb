"""The catalogue in Django's admin (Persian labels, Jalali dates shown); profiles read-only: they change only
through their services and the review flow."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.core.jalali import format_jalali
from samaneh.itgov.models import Domain, ITProfile, Product, ProductVersion, Requirement, ScoreWeights, Vendor


@admin.register(Domain)
class DomainAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "applies_to", "urban_equivalent", "valid_from_year", "retired_year")
    list_filter = ("applies_to",)
    search_fields = ("code", "name", "name_en")


@admin.register(Vendor)
class VendorAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "website", "is_active")
    search_fields = ("name",)


class VersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0


@admin.register(Product)
class ProductAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "vendor", "valid_from_year", "retired_year")
    list_filter = ("vendor", "domains")
    search_fields = ("name", "vendor__name")
    filter_horizontal = ("domains", "requirements_met")
    inlines = [VersionInline]


@admin.register(ProductVersion)
class ProductVersionAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("product", "version", "support_status", "end_of_support_jalali")
    list_filter = ("support_status",)
    search_fields = ("product__name", "version")

    @admin.display(description=_("پایان پشتیبانی"), ordering="end_of_support")
    def end_of_support_jalali(self, version):
        return format_jalali(version.end_of_support)


@admin.register(Requirement)
class RequirementAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "theme", "domain", "level", "valid_from_year", "retired_year")
    list_filter = ("kind", "theme", "level")
    search_fields = ("code", "text")


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: new weights go through the weights page, which checks they sum to one and rescores."""

    list_display = ("effective_year", "software", "hardware", "management", "people", "security", "created_by")


@admin.register(ITProfile)
class ITProfileAdmin(ReadOnlyAdminMixin, NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("administration", "year", "status", "score_overall")
    list_filter = ("status", "year")
    search_fields = ("administration__name",)
