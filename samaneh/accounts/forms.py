import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samaneh.accounts import otp
from samaneh.core.forms import MobileField, PersianFormMixin
from samaneh.core.text import localize_digits


class SixDigitCodeField(forms.CharField):
    """A one-time code typed in Persian or ASCII digits, with or without spaces; cleaned to six ASCII digits."""

    def __init__(self, *, label, required_message, **kwargs):
        self.code_label = label
        super().__init__(
            label=label,
            max_length=20,  # room for the spaces people type between digit groups
            error_messages={"required": required_message},
            widget=forms.TextInput(
                attrs={
                    "dir": "ltr",
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "pattern": "[0-9۰-۹٠-٩ ]*",
                    "class": "form-control form-control-lg text-center",
                    "placeholder": "------",
                }
            ),
            **kwargs,
        )

    def to_python(self, value):
        value = re.sub(r"\s+", "", super().to_python(value))
        if value and not re.fullmatch(r"[0-9]{%d}" % otp.CITIZEN_CODE_DIGITS, value):
            raise ValidationError(
                _("%(field)s باید %(digits)s رقم باشد.")
                % {"field": self.code_label, "digits": localize_digits(otp.CITIZEN_CODE_DIGITS)},
                code="invalid_code",
            )
        return value


class InvalidFieldMarksMixin:
    """Bootstrap shows a field's error styling only on an input marked `is-invalid`; screen readers need
    `aria-invalid` and a pointer to the message. Errors added by a view after validation are marked too."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class CitizenMobileForm(InvalidFieldMarksMixin, PersianFormMixin, forms.Form):
    mobile = MobileField(widget=forms.TextInput(attrs={"class": "form-control form-control-lg"}))


class CitizenCodeForm(InvalidFieldMarksMixin, PersianFormMixin, forms.Form):
    code = SixDigitCodeField(label=_("کد ورود"), required_message=_("کد ورود را وارد کنید."))


class StaffAuthenticationForm(InvalidFieldMarksMixin, PersianFormMixin, AuthenticationForm):
    """Username and password; refuses citizens and locked-out usernames before looking at the password."""

    error_messages = {
        "invalid_login": _("نام کاربری یا گذرواژه نادرست است."),
        "inactive": _("این حساب غیرفعال شده است."),
        "citizen": _("شهروندان با شماره همراه و کد پیامکی از «ورود شهروندان» وارد می‌شوند."),
        "locked": _(
            "به دلیل چند تلاش ناموفق پیاپی، ورود با این نام کاربری تا %(minutes)s دقیقه ممکن نیست."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("نام کاربری")
        self.fields["username"].error_messages["required"] = _("نام کاربری را وارد کنید.")
        self.fields["username"].widget.attrs.update({"class": "form-control", "dir": "ltr"})
        self.fields["password"].label = _("گذرواژه")
        self.fields["password"].error_messages["required"] = _("گذرواژه را وارد کنید.")
        self.fields["password"].widget.attrs.update({"class": "form-control", "dir": "ltr"})

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and otp.staff_password_locked(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": localize_digits(otp.STAFF_PASSWORD_LOCK_SECONDS // 60)},
            )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_citizen:
            raise ValidationError(self.error_messages["citizen"], code="citizen")


class TotpTokenForm(InvalidFieldMarksMixin, PersianFormMixin, forms.Form):
    token = SixDigitCodeField(label=_("کد تأیید"), required_message=_("کد تأیید را وارد کنید."))
