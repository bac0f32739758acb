"""The form and serializer boundary: what people and API clients send, and what comes out."""
import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from rest_framework import serializers

from samaneh.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    MobileField,
    NationalIdField,
    PersianFormMixin,
    PostalCodeField,
)
from samaneh.core.serializers import (
    JalaliDateSerializerField,
    MobileSerializerField,
    NationalIdSerializerField,
    PersianSerializerMixin,
)
from samaneh.geo.models import Administration

ZWNJ = "\u200c"


def valid_national_id(first_nine):
    s = sum(int(first_nine[i]) * (10 - i) for i in range(9)) % 11
    return first_nine + str(s if s < 2 else 11 - s)


NATIONAL_ID = valid_national_id("001234567")
PERSIAN_NATIONAL_ID = NATIONAL_ID.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def errors_text(form, field):
    return " ".join(str(message) for message in form.errors[field])


# PersianFormMixin -----------------------------------------------------------------------------------


class RequestForm(PersianFormMixin, forms.Form):
    city = forms.CharField()
    description = forms.CharField(widget=forms.Textarea)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    count = forms.IntegerField(required=False)
    area = forms.DecimalField(required=False)
    raw_note = forms.CharField(required=False)

    persian_normalize_exclude = ("raw_note",)


def test_text_fields_are_normalised_before_validation():
    form = RequestForm(
        data={
            "city": "  كرج  ۱۲۳ ",
            "description": "جاده   خراب است\r\n\r\n\r\nلطفاً رسيدگي كنيد",
            "password": " رمزِ كاربر ",
            "count": "۱۲۳",
            "area": "۱٬۲۵۰٫۵",
            "raw_note": "كرج",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["city"] == "کرج 123"
    assert form.cleaned_data["description"] == "جاده خراب است\n\nلطفاً رسیدگی کنید"
    assert form.cleaned_data["count"] == 123
    assert form.cleaned_data["area"] == Decimal("1250.5")
    # A password is compared byte for byte later; it must reach the hasher exactly as typed.
    assert form.cleaned_data["password"] == " رمزِ كاربر "
    assert form.cleaned_data["raw_note"] == "كرج"


def test_zwnj_inside_words_is_kept():
    form = RequestForm(data={"city": f"کمال{ZWNJ}آباد", "description": f"می{ZWNJ}خواهم", "password": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["city"] == f"کمال{ZWNJ}آباد"


def test_query_dicts_with_prefixes_are_normalised_without_touching_the_original():
    data = QueryDict(mutable=True)
    data.update({"r-city": "كرج", "r-description": "ي", "r-password": "p"})
    form = RequestForm(data=data, prefix="r")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["city"] == "کرج"
    assert data["r-city"] == "كرج"
    assert form["city"].value() == "کرج"


def test_fields_added_in_a_subclass_init_are_covered():
    class DynamicForm(PersianFormMixin, forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["village"] = forms.CharField()

    form = DynamicForm(data={"village": "كلاك"})
    assert form.is_valid()
    assert form.cleaned_data["village"] == "کلاک"


def test_an_unbound_form_stays_unbound():
    form = RequestForm()
    assert not form.is_bound and not form.is_valid()


class AdministrationForm(PersianFormMixin, forms.ModelForm):
    class Meta:
        model = Administration
        fields = ["kind", "org_unit", "name"]


def test_model_form_stores_persian_letters(tree):
    form = AdministrationForm(data={"kind": "dehyari", "org_unit": tree["v1"].pk, "name": "دهياري  كلاك\u200f"})
    assert form.is_valid(), form.errors
    administration = form.save()
    administration.refresh_from_db()
    assert administration.name == "دهیاری کلاک"


# Code fields ----------------------------------------------------------------------------------------


class ApplicantForm(PersianFormMixin, forms.Form):
    national_id = NationalIdField()
    mobile = MobileField(widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    postal_code = PostalCodeField(required=False)
    guardian_national_id = NationalIdField(label="کد ملی سرپرست", required=False, empty_value=None)


def test_code_fields_clean_to_their_stored_form():
    form = ApplicantForm(
        data={"national_id": f" {PERSIAN_NATIONAL_ID[:3]}-{PERSIAN_NATIONAL_ID[3:]} ", "mobile": "+98 912 345 6789",
              "postal_code": "۱۳۱۴۶-۶۷۸۹۰", "guardian_national_id": ""}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "national_id": NATIONAL_ID,
        "mobile": "09123456789",
        "postal_code": "1314667890",
        "guardian_national_id": None,
    }


def test_code_fields_refuse_in_persian_naming_the_field():
    form = ApplicantForm(
        data={"national_id": "1111111111", "mobile": "0912345678", "postal_code": "12345", "guardian_national_id": "12a"}
    )
    assert not form.is_valid()
    assert "کد ملی" in errors_text(form, "national_id")
    assert "شماره همراه" in errors_text(form, "mobile")
    assert "کد پستی" in errors_text(form, "postal_code")
    assert "کد ملی" in errors_text(form, "guardian_national_id")


def test_required_messages_name_the_field():
    form = ApplicantForm(data={})
    assert not form.is_valid()
    assert errors_text(form, "national_id") == "کد ملی را وارد کنید."
    assert errors_text(form, "mobile") == "شماره همراه را وارد کنید."
    assert "postal_code" not in form.errors


def test_code_inputs_are_left_to_right_and_keep_the_authors_attributes():
    html = str(ApplicantForm()["mobile"])
    assert 'dir="ltr"' in html and 'inputmode="tel"' in html and 'class="form-control"' in html
    assert 'autocomplete="off"' in html
    assert 'inputmode="numeric"' in str(ApplicantForm()["national_id"])


# Jalali date field ----------------------------------------------------------------------------------


class PermitForm(PersianFormMixin, forms.Form):
    issued_on = JalaliDateField(label="تاریخ صدور")
    expires_on = JalaliDateField(label="تاریخ انقضا", required=False)


@pytest.mark.parametrize("typed", ["۱۴۰۳/۰۵/۱۲", "1403/05/12", "١٤٠٣/٥/١٢", "1403-05-12"])
def test_jalali_date_field_returns_a_gregorian_date(typed):
    form = PermitForm(data={"issued_on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"issued_on": dt.date(2024, 8, 2), "expires_on": None}


def test_a_date_missing_from_the_calendar_is_refused_naming_the_field():
    form = PermitForm(data={"issued_on": "1403/12/31", "expires_on": "۱۴۰۴/۱۲/۳۰"})
    assert not form.is_valid()
    assert "تاریخ صدور" in errors_text(form, "issued_on") and "اسفند ۱۴۰۳" in errors_text(form, "issued_on")
    assert "تاریخ انقضا" in errors_text(form, "expires_on") and "۲۹ روز" in errors_text(form, "expires_on")


def test_the_last_day_of_a_leap_esfand_is_accepted():
    form = PermitForm(data={"issued_on": "۱۴۰۳/۱۲/۳۰"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["issued_on"] == dt.date(2025, 3, 20)


@pytest.mark.parametrize("typed", ["2025/03/21", "12/05/1403", "دیروز", "1403/05"])
def test_wrong_shapes_and_gregorian_years_are_refused_naming_the_field(typed):
    form = PermitForm(data={"issued_on": typed})
    assert not form.is_valid()
    assert "تاریخ صدور" in errors_text(form, "issued_on")


def test_required_jalali_date_names_the_field():
    form = PermitForm(data={"issued_on": ""})
    assert not form.is_valid()
    assert errors_text(form, "issued_on") == "تاریخ صدور را وارد کنید."


def test_jalali_input_shows_an_initial_gregorian_date_in_jalali_with_persian_digits():
    html = str(PermitForm(initial={"issued_on": dt.date(2024, 8, 2)})["issued_on"])
    assert 'value="۱۴۰۳/۰۵/۱۲"' in html
    assert 'dir="ltr"' in html and 'placeholder="۱۴۰۳/۰۵/۱۲"' in html and 'type="text"' in html


def test_jalali_input_redisplays_what_was_typed_after_an_error():
    form = PermitForm(data={"issued_on": "1403/12/31"})
    assert not form.is_valid()
    assert 'value="1403/12/31"' in str(form["issued_on"])


def test_jalali_input_format_value():
    widget = JalaliDateInput(attrs={"class": "form-control"})
    assert widget.format_value(dt.datetime(2025, 3, 20, 21, 0, tzinfo=dt.timezone.utc)) == "۱۴۰۴/۰۱/۰۱"
    assert widget.format_value(None) is None
    assert widget.attrs["class"] == "form-control" and widget.attrs["dir"] == "ltr"


def test_an_unchanged_date_is_not_a_change():
    form = PermitForm(initial={"issued_on": dt.date(2024, 8, 2)}, data={"issued_on": "۱۴۰۳/۰۵/۱۲"})
    assert not form.has_changed()
    form = PermitForm(initial={"issued_on": dt.date(2024, 8, 2)}, data={"issued_on": "۱۴۰۳/۰۵/۱۳"})
    assert form.changed_data == ["issued_on"]


# Serializers ----------------------------------------------------------------------------------------


class AddressSerializer(PersianSerializerMixin, serializers.Serializer):
    village = serializers.CharField()
    postal_code = serializers.CharField(required=False)


class ComplaintInputSerializer(PersianSerializerMixin, serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField(style={"base_template": "textarea.html"})
    pin = serializers.CharField(style={"input_type": "password"}, required=False, trim_whitespace=False)
    count = serializers.IntegerField(required=False)
    address = AddressSerializer()
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    extra = serializers.JSONField(required=False)
    national_id = NationalIdSerializerField()
    mobile = MobileSerializerField()
    filed_on = JalaliDateSerializerField(label="تاریخ ثبت")


def complaint_payload(**changes):
    payload = {
        "title": " خرابي  جاده ",
        "body": "جاده خراب است.  \n\n\n\nلطفاً رسيدگي كنيد.",
        "pin": " كد ",
        "count": "۱۲",
        "address": {"village": "كلاك  بالا", "postal_code": "۱۳۱۴۶۶۷۸۹۰"},
        "tags": ["آسفالت", "جاده\u200cی روستايي"],
        "extra": {"notes": [{"text": "يك  دو"}], "n": 3},
        "national_id": PERSIAN_NATIONAL_ID,
        "mobile": "۰۰۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹",
        "filed_on": "۱۴۰۳/۰۵/۱۲",
    }
    payload.update(changes)
    return payload


def test_serializer_normalises_every_incoming_string_nested_too():
    serializer = ComplaintInputSerializer(data=complaint_payload())
    assert serializer.is_valid(), serializer.errors
    data = serializer.validated_data
    assert data["title"] == "خرابی جاده"
    assert data["body"] == "جاده خراب است.\n\nلطفاً رسیدگی کنید."
    assert data["pin"] == " كد "
    assert data["count"] == 12
    assert data["address"] == {"village": "کلاک بالا", "postal_code": "1314667890"}
    assert data["tags"] == ["آسفالت", "جاده\u200cی روستایی"]
    assert data["extra"] == {"notes": [{"text": "یک دو"}], "n": 3}
    assert data["national_id"] == NATIONAL_ID
    assert data["mobile"] == "09123456789"
    assert data["filed_on"] == dt.date(2024, 8, 2)


def test_serializer_normalises_form_encoded_bodies_with_repeated_keys():
    data = QueryDict(mutable=True)
    data.setlist("tags", ["كرج", "۱۲"])

    class TagsSerializer(PersianSerializerMixin, serializers.Serializer):
        tags = serializers.ListField(child=serializers.CharField())

    serializer = TagsSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["tags"] == ["کرج", "12"]


def test_serializer_fields_refuse_in_persian_naming_the_field():
    serializer = ComplaintInputSerializer(
        data=complaint_payload(national_id="0000000000", mobile="0912abc", filed_on="1404/12/30")
    )
    assert not serializer.is_valid()
    errors = serializer.errors
    assert "کد ملی" in str(errors["national_id"][0])
    assert "شماره همراه" in str(errors["mobile"][0])
    assert "تاریخ ثبت" in str(errors["filed_on"][0]) and "اسفند ۱۴۰۴" in str(errors["filed_on"][0])
    assert set(errors) == {"national_id", "mobile", "filed_on"}


def test_serializer_required_code_fields_name_the_field():
    serializer = ComplaintInputSerializer(data=complaint_payload(national_id="  "))
    assert not serializer.is_valid()
    assert str(serializer.errors["national_id"][0]) == "کد ملی را وارد کنید."
    payload = complaint_payload()
    del payload["mobile"]
    serializer = ComplaintInputSerializer(data=payload)
    assert not serializer.is_valid()
    assert str(serializer.errors["mobile"][0]) == "شماره همراه را وارد کنید."


def test_jalali_serializer_field_writes_ascii_jalali():
    field = JalaliDateSerializerField()
    assert field.to_representation(dt.date(2024, 8, 2)) == "1403/05/12"
    assert field.to_internal_value("1403/05/12") == dt.date(2024, 8, 2)
    with pytest.raises(serializers.ValidationError) as excinfo:
        field.to_internal_value("2024-08-02")
    assert "تاریخ" in str(excinfo.value.detail[0])


def test_number_boxes_show_the_readers_digits():
    from samaneh.core.forms import LocalizedNumberInput

    html = LocalizedNumberInput().render("budget", 200000)
    assert 'value="۲۰۰۰۰۰"' in html and 'inputmode="decimal"' in html
