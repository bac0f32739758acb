"""Back-office pages for the org-unit tree and the administrations (municipalities, dehyaris) on it."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Perm
from samaneh.core.jalali import format_jalali
from samaneh.core.text import normalize_text, search_key
from samaneh.core.validators import validate_legal_id
from samaneh.geo import scope
from samaneh.geo.models import Administration, OrgUnit


class PersianSearchMixin:
    """Search terms are normalised like stored names, so «كرج» (Arabic kaf) or Persian digits in a code
    find what is stored in Persian letters and ASCII digits. The accounts admin's org-unit autocomplete
    goes through here too."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))


@admin.register(OrgUnit)
class OrgUnitAdmin(PersianSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "level", "parent")
    list_filter = ("kind", "level")
    search_fields = ("name", "search_name", "code")
    raw_id_fields = ("parent",)
    readonly_fields = ("level", "path")
    fields = ("kind", "name", "code", "source_id", "parent", "level", "path")
    list_select_related = ("parent",)
    # Counting the whole table (over 100,000 units) on every search page buys nothing.
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # Descendants' materialised paths and levels are derived from kind and parent; changing either
        # here would leave the subtree pointing at the old place. Moves belong to the hierarchy loader.
        return (*self.readonly_fields, "kind", "parent")


class AdministrationAdminForm(forms.ModelForm):
    # Wider than the stored 11 digits: people type the id with dashes or spaces, cleaned away below.
    national_legal_id = forms.CharField(
        label=Administration._meta.get_field("national_legal_id").verbose_name, required=False, max_length=32
    )

    class Meta:
        model = Administration
        fields = ("kind", "org_unit", "name", "national_legal_id", "is_demo")

    def clean_name(self):
        return normalize_text(self.cleaned_data["name"])

    def clean_national_legal_id(self):
        value = normalize_text(self.cleaned_data["national_legal_id"])
        return validate_legal_id(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        kind, unit = cleaned.get("kind"), cleaned.get("org_unit")
        if kind and unit:
            expected = OrgUnit.Kind(Administration.UNIT_KIND[kind])
            if unit.kind != expected:
                self.add_error(
                    "org_unit",
                    _("واحد یک %(administration)s باید از نوع «%(expected)s» باشد، نه «%(actual)s».")
                    % {
                        "administration": Administration.Kind(kind).label,
                        "expected": expected.label,
                        "actual": unit.get_kind_display(),
                    },
                )
        return cleaned


@admin.register(Administration)
class AdministrationAdmin(PersianSearchMixin, admin.ModelAdmin):
    form = AdministrationAdminForm
    change_list_template = "geo/dehyaris/admin_change_list.html"
    list_display = ("name", "kind", "org_unit", "org_unit_code", "national_legal_id", "is_demo", "created_jalali")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "national_legal_id", "org_unit__name", "org_unit__search_name", "org_unit__code")
    autocomplete_fields = ("org_unit",)
    list_select_related = ("org_unit",)

    @admin.display(description=_("کد تقسیمات کشوری"), ordering="org_unit__code")
    def org_unit_code(self, obj):
        return obj.org_unit.code

    @admin.display(description=_("زمان ثبت"), ordering="created_at")
    def created_jalali(self, obj):
        return format_jalali(obj.created_at, with_time=True)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_dehyaris": scope.units(request.user, Perm.IMPORT_DEHYARIS).exists(),
        }
        return super().changelist_view(request, extra_context=extra_context)
