from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.core.jalali import format_jalali
from samaneh.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
