"""Back office for users and their roles, and the admin site's entry rule: an OTP-verified staff session.

The admin's own login form would let a password alone in, so it is replaced by a redirect to the staff
sign-in (password, then TOTP), and `has_permission` also asks `is_verified()`.
"""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.models import CitizenOtpChallenge, RoleAssignment, User
from samaneh.accounts.views import admin_login_redirect
from samaneh.core.admin import NormalizedSearchMixin
from samaneh.core.audit import audit_context
from samaneh.core.forms import MobileField, NationalIdField, PersianFormMixin
from samaneh.core.jalali import format_jalali


def _is_verified_staff(request):
    user = request.user
    # OTPMiddleware gives every request.user `is_verified`; a request that skipped it is not verified.
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_staff and is_verified and is_verified())


admin.site.login = admin_login_redirect
admin.site.has_permission = _is_verified_staff


# Mobile and national ID go through the shared validators; an empty one is stored as NULL so the unique
# constraints only bite on real values.


class UserChangeAdminForm(PersianFormMixin, UserChangeForm):
    mobile = MobileField(required=False, empty_value=None)
    national_id = NationalIdField(required=False, empty_value=None)


class UserCreationAdminForm(PersianFormMixin, AdminUserCreationForm):
    mobile = MobileField(required=False, empty_value=None)
    national_id = NationalIdField(required=False, empty_value=None)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "org_unit", "granted_by", "created_at")
    readonly_fields = ("granted_by", "created_at")
    autocomplete_fields = ["org_unit"]
    verbose_name = _("نقش")
    verbose_name_plural = _("نقش‌ها (هر نقش روی یک واحد و همه زیرمجموعه‌اش)")


def _record_grantor(request, assignment):
    assignment.granted_by = request.user


@admin.register(User)
class UserAdmin(NormalizedSearchMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("مشخصات"), {"fields": ("first_name", "last_name", "email", "mobile", "national_id")}),
        (
            _("دسترسی‌ها"),
            {"fields": ("is_active", "is_citizen", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("تاریخ‌ها"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("مشخصات"), {"fields": ("first_name", "last_name", "mobile", "national_id", "is_citizen")}),
    )
    list_display = ("username", "first_name", "last_name", "mobile", "national_id", "is_citizen", "is_staff")
    list_filter = ("is_citizen", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "mobile", "national_id", "first_name", "last_name")

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        with audit_context(actor=request.user, request=request):
            for assignment in formset.save(commit=False):  # new and changed rows only
                _record_grantor(request, assignment)
                assignment.save()
            for assignment in formset.deleted_objects:
                assignment.delete()
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ("user", "role", "org_unit", "granted_by", "created")
    list_filter = ("role", "org_unit__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__mobile", "org_unit__name")
    autocomplete_fields = ["user", "org_unit"]
    readonly_fields = ("granted_by", "created_at")
    fields = ("user", "role", "org_unit", "granted_by", "created_at")
    list_select_related = ("user", "org_unit", "granted_by")

    @admin.display(description=_("زمان اعطا"), ordering="created_at")
    def created(self, assignment):
        return format_jalali(assignment.created_at, with_time=True)

    # Role changes made here are credited to the admin doing them, not to whoever granted the role.
    def save_model(self, request, obj, form, change):
        _record_grantor(request, obj)
        with audit_context(actor=request.user, request=request):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with audit_context(actor=request.user, request=request):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with audit_context(actor=request.user, request=request):
            for assignment in queryset:  # one by one so each revocation is audited
                assignment.delete()


@admin.register(CitizenOtpChallenge)
class CitizenOtpChallengeAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    """Read-only: support staff see why a citizen is locked out and until when; deleting the locked
    challenge lifts the lock."""

    list_display = ("mobile", "sent", "attempts", "used_at", "locked_until")
    search_fields = ("mobile",)
    fields = ("mobile", "created_at", "expires_at", "attempts", "used_at", "locked_until")
    readonly_fields = fields

    @admin.display(description=_("زمان ارسال"), ordering="created_at")
    def sent(self, challenge):
        return format_jalali(challenge.created_at, with_time=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
