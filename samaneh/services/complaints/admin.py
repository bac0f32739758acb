"""Back office of the complaints service: the category tree with its Open311 questions, a read-only list
of complaints, and the Open311 client applications with their keys (shown once, stored hashed)."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samaneh.cases import registry
from samaneh.core.admin import NormalizedSearchMixin, ReadOnlyAdminMixin
from samaneh.core.audit import audit_record, model_snapshot
from samaneh.core.jalali import format_jalali
from samaneh.core.text import normalize_text
from samaneh.services.complaints.models import Category, CategoryAttribute, Complaint, Open311Client
from samaneh.services.complaints.open311.services import open311_client_create, open311_client_issue_key

LIST_TYPES = (CategoryAttribute.DataType.SINGLEVALUELIST, CategoryAttribute.DataType.MULTIVALUELIST)


class CategoryAttributeForm(forms.ModelForm):
    class Meta:
        model = CategoryAttribute
        fields = ("code", "description", "datatype", "required", "values", "order")

    def clean_description(self):
        return normalize_text(self.cleaned_data["description"])

    def clean(self):
        cleaned = super().clean()
        values, datatype = cleaned.get("values"), cleaned.get("datatype")
        if values is None or datatype is None:
            return cleaned
        if not isinstance(values, list) or not all(
            isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip() for v in values
        ):
            self.add_error(
                "values",
                _('گزینه‌ها باید فهرستی از {"key": …, "name": …} باشد و هر گزینه کلید و نام داشته باشد.'),
            )
        elif datatype in LIST_TYPES and not values:
            self.add_error("values", _("پرسش از نوع فهرست انتخابی دست‌کم یک گزینه لازم دارد."))
        elif datatype not in LIST_TYPES and values:
            self.add_error("values", _("فقط پرسش‌های از نوع فهرست انتخابی گزینه دارند؛ گزینه‌ها را پاک کنید."))
        else:
            keys = [str(v["key"]).strip() for v in values]
            if len(set(keys)) != len(keys):
                self.add_error("values", _("کلید هر گزینه باید یکتا باشد."))
            cleaned["values"] = [{"key": k, "name": normalize_text(str(v["name"]))} for k, v in zip(keys, values)]
        return cleaned


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    form = CategoryAttributeForm
    extra = 0


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("parent", "name", "service_code", "description", "kinds", "routing", "keywords", "is_active", "order")

    def clean_name(self):
        return normalize_text(self.cleaned_data["name"])

    def clean_keywords(self):
        return normalize_text(self.cleaned_data["keywords"])

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("یک دسته نمی‌تواند زیرمجموعه خودش یا زیرگروه‌هایش باشد."))
            node = node.parent
        return parent


@admin.register(Category)
class CategoryAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    form = CategoryForm
    inlines = [CategoryAttributeInline]
    list_display = ("name", "parent", "service_code", "kinds", "routing", "is_active", "order")
    list_filter = ("is_active", "routing", "kinds", ("parent", admin.RelatedOnlyFieldListFilter))
    list_editable = ("is_active", "order")
    search_fields = ("name", "service_code", "keywords", "parent__name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Complaint)
class ComplaintAdmin(NormalizedSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: complaints change only through the case engine, which keeps their history."""

    list_display = ("tracking_code", "category", "kind", "channel", "state", "responsible_unit", "filed", "is_public")
    list_filter = ("channel", "kind", "is_public", "case__is_closed", "category")
    search_fields = ("case__tracking_code", "description", "address")
    list_select_related = ("case__responsible_unit", "category__parent")
    readonly_fields = (
        "tracking_code", "state", "kind", "category", "description", "latitude", "longitude", "address", "is_public",
        "attributes", "channel", "open311_client", "contact", "answered_at", "objection_deadline", "objected_at",
        "answering_unit", "rating", "rating_comment", "rated_at", "merged_into",
    )
    fields = readonly_fields
    show_full_result_count = False

    @admin.display(description=gettext_lazy("کد پیگیری"), ordering="case__tracking_code")
    def tracking_code(self, complaint):
        return complaint.case.tracking_code

    @admin.display(description=gettext_lazy("وضعیت"), ordering="case__state")
    def state(self, complaint):
        return registry.get(complaint.case.service).workflow.state(complaint.case.state).label

    @admin.display(description=gettext_lazy("واحد مسئول"))
    def responsible_unit(self, complaint):
        return complaint.case.responsible_unit

    @admin.display(description=gettext_lazy("زمان ثبت"), ordering="case__created_at")
    def filed(self, complaint):
        return format_jalali(complaint.case.created_at, with_time=True)



CLIENT_AUDITED_FIELDS = ("name", "is_active")


@admin.register(Open311Client)
class Open311ClientAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "key_prefix", "is_active", "created")
    list_filter = ("is_active",)
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "user", "created")
    actions = ["issue_new_key"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name",)
        return ("name", "is_active", "key_prefix", "user", "created")

    @admin.display(description=gettext_lazy("زمان ساخت"), ordering="created_at")
    def created(self, client):
        return format_jalali(client.created_at, with_time=True)

    def _show_key(self, request, client, raw_key):
        self.message_user(
            request,
            _("کلید API برنامه «%(name)s»: %(key)s — همین حالا آن را بردارید؛ دوباره نشان داده نمی‌شود.")
            % {"name": client.name, "key": raw_key},
            messages.WARNING,
        )

    def save_model(self, request, obj, form, change):
        if change:
            before = model_snapshot(Open311Client.objects.get(pk=obj.pk), CLIENT_AUDITED_FIELDS)
            obj.name = normalize_text(obj.name)
            obj.save()
            audit_record(actor=request.user, action="open311.client_change", target=obj, request=request,
                         before=before, after=model_snapshot(obj, CLIENT_AUDITED_FIELDS))
            return
        client, raw_key = open311_client_create(name=obj.name, actor=request.user)
        # The admin goes on with `obj` (for its message and redirect): make it the saved client.
        vars(obj).update(vars(client))
        self._show_key(request, client, raw_key)

    # Complaints keep pointing at the client that sent them: retire a client with "active" instead.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("صدور کلید تازه (کلید پیشین بی‌درنگ باطل می‌شود)"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            raw_key = open311_client_issue_key(client=client, actor=request.user)
            self._show_key(request, client, raw_key)
