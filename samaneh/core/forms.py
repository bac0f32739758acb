"""The form boundary: Persian in, canonical out.

`PersianFormMixin` normalises what people typed before any field sees it; the fields below turn national
IDs, mobile numbers, postal codes and Jalali dates into their stored form, or refuse them with a Persian
message naming the field. Every rule itself lives in `samaneh.core.validators`.
"""
import datetime as dt
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from samaneh.core import validators
from samaneh.core.jalali import format_jalali
from samaneh.core.text import localize_digits, normalize_digits, normalize_text

_ARABIC_DECIMAL_SEPARATOR = "\u066b"
_ARABIC_THOUSANDS_SEPARATOR = "\u066c"


def _normalize_number(value):
    """`۱٬۲۵۰٫۵` as typed on a Persian keyboard → `1250.5`."""
    if not isinstance(value, str):
        return value
    value = normalize_digits(value).replace(_ARABIC_THOUSANDS_SEPARATOR, "")
    return value.replace(_ARABIC_DECIMAL_SEPARATOR, ".")


def _normalizer_for(field):
    # A password is a secret, not text: changing one letter of it would lock its owner out.
    if isinstance(field.widget, forms.PasswordInput):
        return None
    if isinstance(field, forms.CharField):
        return partial(normalize_text, keep_newlines=isinstance(field.widget, forms.Textarea))
    if isinstance(field, forms.IntegerField):  # DecimalField and FloatField too
        return _normalize_number
    return None


class PersianFormMixin:
    """Normalise every typed text value (ی/ک, ASCII digits, ZWNJ kept, spaces collapsed) before validation.

    Use as `class MyForm(PersianFormMixin, forms.Form)` or with `forms.ModelForm`. Text fields get
    `normalize_text` (line breaks kept in textareas), number fields Persian digits and separators; password
    fields and names listed in `persian_normalize_exclude` are left exactly as typed.
    """

    persian_normalize_exclude = ()

    def full_clean(self):
        # Done here rather than in __init__ so fields a subclass adds after super().__init__() are covered.
        if self.is_bound and not getattr(self, "_persian_normalized", False):
            self.data = self._persian_normalized_data()
            self._persian_normalized = True
        super().full_clean()

    def _persian_normalized_data(self):
        data = self.data.copy()
        for name, field in self.fields.items():
            normalize = None if name in self.persian_normalize_exclude else _normalizer_for(field)
            key = self.add_prefix(name)
            if normalize is None or key not in data:
                continue
            if isinstance(data, MultiValueDict):
                data.setlist(key, [normalize(item) for item in data.getlist(key)])
            elif isinstance(data[key], (list, tuple)):
                data[key] = [normalize(item) for item in data[key]]
            else:
                data[key] = normalize(data[key])
        return data


class _NamedRequiredMixin:
    """Django's "This field is required." does not say which field; ours does."""

    default_error_messages = {"required": _("%(field)s را وارد کنید.")}

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(self.error_messages["required"], code="required", params={"field": self.label})
        super().validate(value)


class _CodeField(_NamedRequiredMixin, forms.CharField):
    """A code people type in digits: normalised by `normalize`, checked by `validate`, stored canonical."""

    default_label = None
    input_attrs = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", self.default_label)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self.validate_code(value)

    def widget_attrs(self, widget):
        ours = {"dir": "ltr", "autocomplete": "off", **self.input_attrs}
        # Attributes the form author set on the widget win over these defaults.
        return {**super().widget_attrs(widget), **{k: v for k, v in ours.items() if k not in widget.attrs}}


class NationalIdField(_CodeField):
    default_label = _("کد ملی")
    input_attrs = {"inputmode": "numeric"}
    validate_code = staticmethod(validators.validate_national_id)


class MobileField(_CodeField):
    default_label = _("شماره همراه")
    input_attrs = {"inputmode": "tel", "autocomplete": "tel", "placeholder": "۰۹۱۲۳۴۵۶۷۸۹"}
    validate_code = staticmethod(validators.validate_mobile)


class PostalCodeField(_CodeField):
    default_label = _("کد پستی")
    input_attrs = {"inputmode": "numeric", "autocomplete": "postal-code"}
    validate_code = staticmethod(validators.validate_postal_code)


class LocalizedNumberInput(forms.TextInput):
    """A number box that shows what it holds in the reader's digits (۲۰۰۰۰۰, not 200000) after the form
    normalised it; what comes back is normalised again by PersianFormMixin."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        return localize_digits(value) if value else value


class JalaliDateInput(forms.TextInput):
    """A text box for `۱۴۰۳/۰۵/۱۲`; left-to-right so the digits keep their order while typing."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "ltr", "placeholder": "۱۴۰۳/۰۵/۱۲", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):  # datetimes too
            return format_jalali(value)
        return super().format_value(value)


class JalaliDateField(_NamedRequiredMixin, forms.Field):
    """A Jalali date typed as `1403/05/12` (Persian or ASCII digits), cleaned to a Gregorian `date`."""

    widget = JalaliDateInput

    def __init__(
        self, *, min_year=validators.DEFAULT_MIN_JALALI_YEAR, max_year=validators.DEFAULT_MAX_JALALI_YEAR, **kwargs
    ):
        kwargs.setdefault("label", _("تاریخ"))
        self.min_year = min_year
        self.max_year = max_year
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
        if isinstance(value, dt.date):
            return value
        return validators.clean_jalali_date(value, label=self.label, min_year=self.min_year, max_year=self.max_year)
