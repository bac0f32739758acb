from django.contrib import admin

from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.stats.io.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, NormalizedSearchMixin, admin.ModelAdmin):
    """Read-only: jobs are written by the import services and their task alone."""

    list_display = ("original_name", "data_set", "period", "user", "org_unit", "status", "total", "created_at")
    list_filter = ("status", "file_format", "created_at")
    search_fields = ("original_name", "sha256", "user__username", "data_set__name")
    exclude = ("file",)  # the stored file is never handed out, not even to administrators
