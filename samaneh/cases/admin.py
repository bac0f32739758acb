"""Back-office view of cases: look up and read, never edit. Every change to a case goes through the engine
(`samaneh.cases.services`), which checks the workflow and scope and writes the history and audit chain;
an admin form would bypass all three."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.cases import registry
from samaneh.cases.models import Case, CaseEvent
from samaneh.cases.selectors import state_label
from samaneh.core.admin import ReadOnlyAdminMixin
from samaneh.core.jalali import format_jalali
from samaneh.core.tracking import normalize_tracking_code


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("at_jalali", "action", "label", "actor", "from_state", "to_state", "from_unit", "to_unit", "public", "note")
    readonly_fields = fields
    ordering = ("at", "pk")

    @admin.display(description=_("زمان"))
    def at_jalali(self, event):
        return format_jalali(event.at, with_time=True)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "from_unit", "to_unit")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("tracking_code", "title", "service", "state_display", "responsible_unit", "is_closed",
                    "deadline_jalali", "created_jalali")
    list_filter = ("service", "state", "is_closed")
    search_fields = ("=tracking_code",)
    list_select_related = ("responsible_unit",)
    inlines = [CaseEventInline]
    # The table grows to millions of rows: counting all of it on every search page buys nothing.
    show_full_result_count = False
    readonly_fields = [field.name for field in Case._meta.fields]

    @admin.display(description=_("وضعیت"), ordering="state")
    def state_display(self, case):
        try:
            return state_label(registry.get(case.service), case.state)
        except LookupError:
            return case.state

    @admin.display(description=_("مهلت"), ordering="deadline")
    def deadline_jalali(self, case):
        return format_jalali(case.deadline, with_time=True)

    @admin.display(description=_("زمان ثبت"), ordering="created_at")
    def created_jalali(self, case):
        return format_jalali(case.created_at, with_time=True)

    def get_search_results(self, request, queryset, search_term):
        # A code read from an SMS arrives in Persian digits, often with spaces or dashes.
        code = normalize_tracking_code(search_term)
        return super().get_search_results(request, queryset, code if code.isdigit() else search_term)
