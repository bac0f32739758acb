"""The API boundary: the same Persian-in, canonical-out rules as `samaneh.core.forms`, for DRF.

`PersianSerializerMixin` normalises every incoming string, nested objects and lists included; the fields
below reuse the rules in `samaneh.core.validators` and answer with the same Persian messages.
"""
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from samaneh.core import validators
from samaneh.core.jalali import format_jalali
from samaneh.core.text import normalize_text


def _normalize_incoming(field, value):
    """Normalise `value` as received for `field` (None when the key matches no declared field)."""
    style = field.style if field is not None else {}
    # A password is a secret, not text: changing one letter of it would lock its owner out.
    if style.get("input_type") == "password":
        return value
    if isinstance(value, str):
        return normalize_text(value, keep_newlines=style.get("base_template") == "textarea.html")
    sub_fields = field.fields if isinstance(field, serializers.Serializer) else {}
    child = getattr(field, "child", None)  # ListField, DictField, ListSerializer
    if isinstance(value, MultiValueDict):  # form and multipart bodies; files pass through untouched
        normalized = MultiValueDict()
        for key, items in value.lists():
            normalized.setlist(key, [_normalize_incoming(sub_fields.get(key, child), item) for item in items])
        return normalized
    if isinstance(value, Mapping):
        return {key: _normalize_incoming(sub_fields.get(key, child), item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize_incoming(child, item) for item in value]
    return value


# Normalise every incoming string (ی/ک, ASCII digits, ZWNJ kept, spaces collapsed) before validation.
# Use as `class InputSerializer(PersianSerializerMixin, serializers.Serializer)` (or ModelSerializer).
# Fields styled as textareas keep their line breaks; password-styled fields are left exactly as sent.
# (A comment, not a docstring: drf-spectacular would publish an inherited docstring as the description
# of every serializer that uses the mixin.)
class PersianSerializerMixin:
    def to_internal_value(self, data):
        return super().to_internal_value(_normalize_incoming(self, data))


def _as_drf_error(exc):
    return serializers.ValidationError(get_error_detail(exc))


class _CodeSerializerField(serializers.CharField):
    default_label = None

    def __init__(self, **kwargs):
        kwargs.setdefault("label", self.default_label)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return self.validate_code(value)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc


class NationalIdSerializerField(_CodeSerializerField):
    """A national ID in any spelling people type; validated, stored as ten ASCII digits."""

    default_label = _("کد ملی")
    default_error_messages = {"required": _("کد ملی را وارد کنید."), "blank": _("کد ملی را وارد کنید.")}
    validate_code = staticmethod(validators.validate_national_id)


class MobileSerializerField(_CodeSerializerField):
    """An Iranian mobile number in any common spelling; validated, stored as `09xxxxxxxxx`."""

    default_label = _("شماره همراه")
    default_error_messages = {"required": _("شماره همراه را وارد کنید."), "blank": _("شماره همراه را وارد کنید.")}
    validate_code = staticmethod(validators.validate_mobile)


@extend_schema_field({"type": "string", "example": "1403/05/12", "description": "Jalali date, year/month/day"})
class JalaliDateSerializerField(serializers.Field):
    """A Jalali date as `1403/05/12` (Persian or ASCII digits) in, a Gregorian `date` internally, out again
    as `1403/05/12` in ASCII digits (API clients parse it; people see Persian digits in the UI)."""

    def __init__(
        self, *, min_year=validators.DEFAULT_MIN_JALALI_YEAR, max_year=validators.DEFAULT_MAX_JALALI_YEAR, **kwargs
    ):
        kwargs.setdefault("label", _("تاریخ"))
        self.min_year = min_year
        self.max_year = max_year
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return validators.clean_jalali_date(
                data, label=self.label, min_year=self.min_year, max_year=self.max_year
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc

    def to_representation(self, value):
        return format_jalali(value, persian_digits=False)
