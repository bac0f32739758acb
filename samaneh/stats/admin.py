"""Back office of the statistical system: metadata (disaggregations, elements, data sets, indicators,
validation rules) is edited here; values, completions, lock exceptions and approvals are only read — they
are written by the data-value write path and the entry services alone.

Expressions are checked on save against the elements and option combos that exist, so a rule that names
`__import__` or an unknown uid is refused on its field and nothing is stored.
"""
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samaneh.accounts.roles import Perm
from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.core.audit import audit_record, model_snapshot
from samaneh.core.jalali import format_jalali
from samaneh.core.text import localize_digits, search_key
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.expressions import ExpressionError, validate_expression
from samaneh.stats.models import (
    Category,
    CategoryCombo,
    CategoryComboMembership,
    CategoryOption,
    CategoryOptionCombo,
    CategoryOptionMembership,
    CompleteRegistration,
    DataApproval,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    LockException,
    ValidationRule,
)
from samaneh.stats.services import combo_create

METADATA_SEARCH = ("name", "name_en", "code", "=uid")


class AuditedAdminMixin:
    """Metadata changes shape every number reported after them: each save and delete is on the audit chain."""

    def save_model(self, request, obj, form, change):
        before = model_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"stats.{obj._meta.model_name}_{'change' if change else 'create'}",
                     target=obj, request=request, before=before, after=model_snapshot(obj))

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"stats.{obj._meta.model_name}_delete", target=obj, request=request,
                     before=model_snapshot(obj))
        super().delete_model(request, obj)


def _check_expression(form, field, text):
    """Refuse an expression that does not parse, names an unknown element or option combo, or pairs an element
    with an option combo outside the element's own disaggregation — as an error on `field`."""
    if not text:
        return
    try:
        expression = validate_expression(
            text,
            known_elements=set(DataElement.objects.values_list("uid", flat=True)),
            known_combos=set(CategoryOptionCombo.objects.values_list("uid", flat=True)),
        )
    except ExpressionError as error:
        form.add_error(field, str(error))
        return
    for element_uid, coc_uid in expression.operands:
        if coc_uid and not CategoryOptionCombo.objects.filter(
            uid=coc_uid, combo__data_elements__uid=element_uid
        ).exists():
            form.add_error(field, _("ترکیب گزینه «%(coc)s» از تفکیک‌های عنصر «%(element)s» نیست.")
                           % {"coc": coc_uid, "element": element_uid})
            return


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ("name", "name_en", "short_name", "code", "description", "numerator", "numerator_description",
                  "denominator", "denominator_description", "factor", "decimals")

    def clean(self):
        cleaned = super().clean()
        _check_expression(self, "numerator", cleaned.get("numerator"))
        _check_expression(self, "denominator", cleaned.get("denominator"))
        return cleaned


class ValidationRuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ("name", "name_en", "code", "description", "instruction", "left_side", "operator", "right_side",
                  "importance", "period_type")

    def clean(self):
        cleaned = super().clean()
        _check_expression(self, "left_side", cleaned.get("left_side"))
        _check_expression(self, "right_side", cleaned.get("right_side"))
        return cleaned


class MetadataAdmin(AuditedAdminMixin, NormalizedSearchMixin, admin.ModelAdmin):
    search_fields = METADATA_SEARCH
    readonly_fields = ("uid", "last_updated_jalali")

    @admin.display(description=gettext_lazy("آخرین تغییر"), ordering="last_updated")
    def last_updated_jalali(self, obj):
        return format_jalali(obj.last_updated, with_time=True) if obj.last_updated else ""


@admin.register(CategoryOption)
class CategoryOptionAdmin(MetadataAdmin):
    list_display = ("name", "name_en", "code", "uid")
    fields = ("uid", "name", "name_en", "code", "last_updated_jalali")


class CategoryOptionMembershipInline(admin.TabularInline):
    model = CategoryOptionMembership
    extra = 0
    autocomplete_fields = ("option",)
    verbose_name = gettext_lazy("گزینه")
    verbose_name_plural = gettext_lazy("گزینه‌ها (به ترتیب)")


@admin.register(Category)
class CategoryAdmin(MetadataAdmin):
    list_display = ("name", "name_en", "code", "uid")
    fields = ("uid", "name", "name_en", "code", "last_updated_jalali")
    inlines = [CategoryOptionMembershipInline]


class CategoryComboAddForm(forms.ModelForm):
    categories_in_order = forms.ModelMultipleChoiceField(
        label=gettext_lazy("تفکیک‌ها"), queryset=Category.objects.all(),
        help_text=gettext_lazy("ترکیب‌های گزینه (حاصل‌ضرب گزینه‌های این تفکیک‌ها) هنگام ذخیره ساخته می‌شوند."),
    )

    class Meta:
        model = CategoryCombo
        fields = ("name", "name_en", "code")

    def clean_code(self):
        code = self.cleaned_data.get("code")
        if not code:
            raise forms.ValidationError(_("کد ترکیب تفکیک لازم است؛ کد ترکیب‌های گزینه از آن ساخته می‌شود."))
        return code


class CategoryComboMembershipInline(admin.TabularInline):
    model = CategoryComboMembership
    extra = 0
    can_delete = False
    readonly_fields = ("category", "sort_order")
    verbose_name = gettext_lazy("تفکیک")
    verbose_name_plural = gettext_lazy("تفکیک‌ها")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CategoryCombo)
class CategoryComboAdmin(MetadataAdmin):
    """Categories are fixed once the combo exists: changing them would orphan the option combos that values
    are stored against."""

    list_display = ("name", "name_en", "code", "uid", "option_combo_count")
    fields = ("uid", "name", "name_en", "code", "option_combo_names", "last_updated_jalali")
    readonly_fields = ("uid", "option_combo_names", "last_updated_jalali")
    inlines = [CategoryComboMembershipInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CategoryComboAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("name", "name_en", "code", "categories_in_order") if obj is None else self.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        combo = combo_create(code=obj.code, name=obj.name, name_en=obj.name_en,
                             categories=list(form.cleaned_data["categories_in_order"]))
        obj.pk, obj.uid = combo.pk, combo.uid
        obj._state.adding = False
        audit_record(actor=request.user, action="stats.categorycombo_create", target=combo, request=request,
                     after=model_snapshot(combo))

    @admin.display(description=gettext_lazy("تعداد ترکیب گزینه"))
    def option_combo_count(self, obj):
        return localize_digits(str(obj.option_combos.count()))

    @admin.display(description=gettext_lazy("ترکیب‌های گزینه"))
    def option_combo_names(self, obj):
        return " | ".join(f"{c.name} ({c.uid})" for c in obj.option_combos.all())


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(ReadOnlyAdminMixin, NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "combo", "code", "uid")
    list_filter = ("combo",)
    search_fields = METADATA_SEARCH
    list_select_related = ("combo",)


@admin.register(DataElement)
class DataElementAdmin(MetadataAdmin):
    list_display = ("name", "code", "uid", "value_type", "aggregation_type", "category_combo", "feed")
    list_filter = ("value_type", "aggregation_type", "category_combo")
    list_select_related = ("category_combo",)
    fields = ("uid", "name", "name_en", "short_name", "code", "description", "value_type", "aggregation_type",
              "category_combo", "zero_is_significant", "feed", "last_updated_jalali")
    # A feed is declared by the service that computes it (feeds.register), never typed here.
    readonly_fields = ("uid", "feed", "last_updated_jalali")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.values.exists():
            # Stored values were checked against this type and disaggregation; changing them would strand them.
            return (*self.readonly_fields, "value_type", "category_combo")
        return self.readonly_fields


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 1
    autocomplete_fields = ("data_element",)
    fields = ("data_element", "section", "sort_order")
    verbose_name = gettext_lazy("عنصر فرم")
    verbose_name_plural = gettext_lazy("عناصر فرم (به ترتیب، با بخش)")


class AssignUnitsForm(forms.Form):
    within = forms.ModelChoiceField(label=gettext_lazy("درون واحد"), queryset=OrgUnit.objects.none(),
                                    help_text=gettext_lazy("واحد بالادست، مثلاً یک استان"))
    kind = forms.ChoiceField(label=gettext_lazy("نوع واحدهای گزارش‌دهنده"),
                             choices=[(OrgUnit.Kind.CITY, gettext_lazy("همه شهرها (شهرداری‌ها)")),
                                      (OrgUnit.Kind.VILLAGE, gettext_lazy("همه روستاها (دهیاری‌ها)")),
                                      (OrgUnit.Kind.COUNTY, gettext_lazy("همه شهرستان‌ها")),
                                      (OrgUnit.Kind.PROVINCE, gettext_lazy("همه استان‌ها"))])
    administered_only = forms.BooleanField(
        label=gettext_lazy("فقط واحدهایی که شهرداری یا دهیاری ثبت‌شده دارند"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].queryset = scope.units(user, Perm.STATS_MANAGE).exclude(
            kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.CITY, OrgUnit.Kind.RURAL_DISTRICT]).order_by("level", "name")


@admin.register(DataSet)
class DataSetAdmin(MetadataAdmin):
    list_display = ("name", "code", "uid", "period_type", "element_count", "unit_count", "expiry_days", "timely_days")
    list_filter = ("period_type",)
    fields = ("uid", "name", "name_en", "code", "description", "period_type", "expiry_days", "timely_days",
              "approver_role", "organisation_units", "last_updated_jalali")
    autocomplete_fields = ("organisation_units",)
    inlines = [DataSetElementInline]
    actions = ["assign_units"]

    @admin.display(description=gettext_lazy("عناصر"))
    def element_count(self, obj):
        return localize_digits(str(obj.set_elements.count()))

    @admin.display(description=gettext_lazy("واحدهای گزارش‌دهنده"))
    def unit_count(self, obj):
        return localize_digits(str(obj.organisation_units.count()))

    @admin.action(description=gettext_lazy("افزودن واحدهای گزارش‌دهنده بر اساس نوع، درون یک واحد"))
    def assign_units(self, request, queryset):
        """All municipalities (or villages, counties, provinces) of one unit — e.g. a province — join the
        selected data sets' reporting units. An intermediate page asks for the unit and the kind."""
        form = AssignUnitsForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" in request.POST and form.is_valid():
            within, kind = form.cleaned_data["within"], form.cleaned_data["kind"]
            units = within.subtree().filter(kind=kind)
            if form.cleaned_data["administered_only"] and kind in (OrgUnit.Kind.CITY, OrgUnit.Kind.VILLAGE):
                units = units.filter(administrations__isnull=False)
            unit_ids = list(units.values_list("pk", flat=True).distinct())
            with transaction.atomic():
                for data_set in queryset:
                    data_set.organisation_units.add(*unit_ids)
                    audit_record(actor=request.user, action="stats.dataset_units_assign", target=data_set,
                                 request=request, after={"within": within.pk, "kind": kind, "count": len(unit_ids)})
            self.message_user(request, _("%(count)s واحد از «%(within)s» به %(sets)s فرم افزوده شد.") % {
                "count": localize_digits(str(len(unit_ids))), "within": within.name,
                "sets": localize_digits(str(queryset.count()))}, messages.SUCCESS)
            return None
        return render(request, "stats_entry/admin_assign_units.html", {
            **self.admin_site.each_context(request), "title": _("افزودن واحدهای گزارش‌دهنده"), "form": form,
            "data_sets": queryset, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Indicator)
class IndicatorAdmin(MetadataAdmin):
    form = IndicatorForm
    list_display = ("name", "code", "uid", "numerator", "denominator", "factor")
    fields = ("uid", *IndicatorForm.Meta.fields, "last_updated_jalali")


@admin.register(ValidationRule)
class ValidationRuleAdmin(MetadataAdmin):
    form = ValidationRuleForm
    list_display = ("name", "code", "uid", "left_side", "operator", "right_side", "importance", "period_type")
    list_filter = ("importance", "period_type")
    fields = ("uid", *ValidationRuleForm.Meta.fields, "last_updated_jalali")


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the stats services alone; listed here to answer "who, when"."""

    list_select_related = ("data_set", "org_unit")
    list_filter = ("data_set",)
    search_fields = ("=period", "org_unit__name", "org_unit__search_name", "org_unit__code")
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))

    @admin.display(description=gettext_lazy("فرم"), ordering="data_set__name")
    def data_set_name(self, obj):
        return obj.data_set.name

    @admin.display(description=gettext_lazy("دوره"), ordering="period")
    def period_label(self, obj):
        try:
            return periods.parse(obj.period).label
        except periods.PeriodError:
            return obj.period

    @admin.display(description=gettext_lazy("واحد"), ordering="org_unit__path")
    def unit_name(self, obj):
        return f"{obj.org_unit.get_kind_display()} {obj.org_unit.name}"


@admin.register(DataValue)
class DataValueAdmin(RecordAdmin):
    list_display = ("element_name", "period_label", "unit_name", "option_combo_name", "value", "stored_by",
                    "last_updated_jalali")
    list_select_related = ("data_element", "org_unit", "category_option_combo")
    list_filter = ("data_element",)

    @admin.display(description=gettext_lazy("عنصر داده"), ordering="data_element__name")
    def element_name(self, obj):
        return obj.data_element.name

    @admin.display(description=gettext_lazy("تفکیک"))
    def option_combo_name(self, obj):
        return obj.category_option_combo.name

    @admin.display(description=gettext_lazy("آخرین تغییر"), ordering="last_updated")
    def last_updated_jalali(self, obj):
        return format_jalali(obj.last_updated, with_time=True)


@admin.register(CompleteRegistration)
class CompleteRegistrationAdmin(RecordAdmin):
    list_display = ("data_set_name", "period_label", "unit_name", "completed_by", "completed_jalali")

    @admin.display(description=gettext_lazy("زمان تکمیل"), ordering="completed_at")
    def completed_jalali(self, obj):
        return format_jalali(obj.completed_at, with_time=True)


@admin.register(LockException)
class LockExceptionAdmin(RecordAdmin):
    list_display = ("data_set_name", "period_label", "unit_name", "created_by", "reason", "created_jalali")

    @admin.display(description=gettext_lazy("زمان بازگشایی"), ordering="created")
    def created_jalali(self, obj):
        return format_jalali(obj.created, with_time=True)


@admin.register(DataApproval)
class DataApprovalAdmin(RecordAdmin):
    list_display = ("data_set_name", "period_label", "unit_name", "approved_by", "approved_jalali")

    @admin.display(description=gettext_lazy("زمان تأیید"), ordering="approved_at")
    def approved_jalali(self, obj):
        return format_jalali(obj.approved_at, with_time=True)
