"""The catalogue in Django's admin (Persian labels, Jalali dates shown); profiles read-only: they change only
through their services and the review flow."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.core.audit import audit_record, model_snapshot
from samaneh.core.jalali import format_jalali
from samaneh.itgov.models import Domain, ITProfile, Product, ProductVersion, Requirement, ScoreWeights, Vendor


class AuditedCatalogueAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    """Catalogue edits in the admin go to the audit chain like every other write."""

    def save_model(self, request, obj, form, change):
        before = model_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="itgov.catalogue_admin_save", target=obj, before=before,
                     after=model_snapshot(obj))

    def delete_model(self, request, obj):
        before = model_snapshot(obj)
        audit_record(actor=request.user, action="itgov.catalogue_admin_delete", target=obj, before=before)
        super().delete_model(request, obj)


@admin.register(Domain)
class DomainAdmin(AuditedCatalogueAdmin):
    list_display = ("code", "name", "applies_to", "urban_equivalent", "valid_from_year", "retired_year")
    list_filter = ("applies_to",)
    search_fields = ("code", "name", "name_en")


@admin.register(Vendor)
class VendorAdmin(AuditedCatalogueAdmin):
    list_display = ("name", "website", "is_active")
    search_fields = ("name",)


class VersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0


@admin.register(Product)
class ProductAdmin(AuditedCatalogueAdmin):
    list_display = ("name", "vendor", "valid_from_year", "retired_year")
    list_filter = ("vendor", "domains")
    search_fields = ("name", "vendor__name")
    filter_horizontal = ("domains", "requirements_met")
    inlines = [VersionInline]


@admin.register(ProductVersion)
class ProductVersionAdmin(AuditedCatalogueAdmin):
    list_display = ("product", "version", "support_status", "end_of_support_jalali")
    list_filter = ("support_status",)
    search_fields = ("product__name", "version")

    @admin.display(description=_("پایان پشتیبانی"), ordering="end_of_support")
    def end_of_support_jalali(self, version):
        return format_jalali(version.end_of_support)


@admin.register(Requirement)
class RequirementAdmin(AuditedCatalogueAdmin):
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
