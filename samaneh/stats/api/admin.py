from django.contrib import admin

from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.stats.api.models import ApiCredential


@admin.register(ApiCredential)
class ApiCredentialAdmin(ReadOnlyAdminMixin, NormalizedSearchMixin, admin.ModelAdmin):
    """Who holds an API password and when it was last used; the owner creates and revokes it on
    /dhis2/api/account/credentials (the hash is never shown)."""

    list_display = ("user", "active", "created", "last_used")
    list_filter = ("active",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    exclude = ("password",)
