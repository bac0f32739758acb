from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import ROLE_UNIT_KINDS, Role
from samaneh.geo.models import OrgUnit


class User(AbstractUser):
    """Staff and citizens alike. Citizens sign in by mobile + SMS code and have no usable password."""

    mobile = models.CharField(_("شماره همراه"), max_length=11, unique=True, null=True, blank=True)
    national_id = models.CharField(_("کد ملی"), max_length=10, unique=True, null=True, blank=True)
    is_citizen = models.BooleanField(_("شهروند"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")

    def __str__(self):
        full = self.get_full_name()
        return full or self.username


class RoleAssignment(models.Model):
    """(user, role, org unit): the user acts in this role on the unit and its whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("کاربر"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("نقش"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="role_assignments")
    granted_by = models.ForeignKey(
        User, verbose_name=_("اعطاکننده"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("زمان اعطا"), auto_now_add=True)

    class Meta:
        verbose_name = _("نقش کاربر")
        verbose_name_plural = _("نقش‌های کاربران")
        constraints = [models.UniqueConstraint(fields=["user", "role", "org_unit"], name="role_assignment_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.org_unit.name}"

    def clean(self):
        if not self.role or not self.org_unit_id:
            return  # the form reports the missing field itself
        allowed = ROLE_UNIT_KINDS[Role(self.role)]
        if self.org_unit.kind not in allowed:
            kinds = "، ".join(str(OrgUnit.Kind(k).label) for k in sorted(allowed))
            raise ValidationError(
                {"org_unit": _("نقش «%(role)s» فقط روی این نوع واحد داده می‌شود: %(kinds)s")
                 % {"role": self.get_role_display(), "kinds": kinds}}
            )


class CitizenOtpChallenge(models.Model):
    """One SMS code sent to a mobile. Only the newest challenge of a mobile can be answered.

    The code itself is never stored: `code_hash` is an HMAC keyed with SECRET_KEY. A lock set after too
    many wrong answers lives on the challenge that was attacked and blocks the whole mobile until it ends.
    """

    mobile = models.CharField(_("شماره همراه"), max_length=11)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("زمان ارسال"), auto_now_add=True)
    expires_at = models.DateTimeField(_("زمان انقضا"))
    attempts = models.PositiveSmallIntegerField(_("تلاش‌های نادرست"), default=0)
    used_at = models.DateTimeField(_("زمان استفاده"), null=True, blank=True)
    locked_until = models.DateTimeField(_("قفل تا"), null=True, blank=True)

    class Meta:
        verbose_name = _("کد ورود شهروند")
        verbose_name_plural = _("کدهای ورود شهروندان")
        indexes = [models.Index(fields=["mobile", "created_at"], name="citizen_otp_mobile_created")]

    def __str__(self):
        return f"{self.mobile} @ {self.created_at:%Y-%m-%d %H:%M}"
