from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.core.jalali import format_jalali
from samaneh.core.models import AuditEntry
from samaneh.core.text import normalize_text


class ReadOnlyAdminMixin:
    """For records written only by their services (audit entries, cases): the admin reads, never writes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NormalizedSearchMixin:
    """«كرج» with an Arabic kaf, or Persian digits in a code or mobile, find what is stored in Persian
    letters and ASCII digits."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_text(search_term))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: entries are written by audit_record() alone and never changed or removed."""

    list_display = ("sequence", "created_jalali", "action", "actor_repr", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "created_at")
    search_fields = ("action", "actor_repr", "object_type", "object_id", "object_repr", "=ip_address", "=hash")
    ordering = ("-sequence",)
    # `actor` is left out on purpose: its user may have been deleted; actor_id and actor_repr survive.
    fields = (
        "sequence", "created_at", "actor_id", "actor_repr", "action", "object_type", "object_id", "object_repr",
        "before", "after", "ip_address", "prev_hash", "hash",
    )
    readonly_fields = fields
    show_full_result_count = False  # a COUNT(*) over millions of rows on every filtered page is not free

    @admin.display(description=_("زمان"), ordering="created_at")
    def created_jalali(self, entry):
        return format_jalali(entry.created_at, with_time=True)
