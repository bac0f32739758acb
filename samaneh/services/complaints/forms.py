"""The citizen's forms: filing, acting on an own case, rating; and the expert's merge form.

Forms check shape and normalise Persian input; the rules themselves (kind per category, point inside
Iran, description length…) live in services.py, whose refusals the views put back on these forms.
"""
import secrets

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import PersianFormMixin
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints import selectors
from samaneh.services.complaints.models import Category, Complaint
from samaneh.services.complaints.services import DESCRIPTION_MAX_CHARS, RATING_COMMENT_MAX_CHARS

MAX_FILES = 5
FILING_UNIT_KINDS = (OrgUnit.Kind.CITY, OrgUnit.Kind.VILLAGE)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked (type by content, size) by the engine's attachment_add."""

    def __init__(self, *, max_files, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f]
        if len(files) > self.max_files:
            raise forms.ValidationError(
                _("حداکثر %(n)s فایل پیوست کنید.") % {"n": self.max_files}, code="too_many"
            )
        field_clean = super().clean
        return [field_clean(f, initial) for f in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return getattr(category, "label", category.name)


class ComplaintForm(PersianFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("نوع"), choices=Complaint.Kind.choices, widget=forms.RadioSelect, initial=Complaint.Kind.COMPLAINT,
        error_messages={"required": _("نوع را «شکایت» یا «درخواست» انتخاب کنید."),
                        "invalid_choice": _("نوع را «شکایت» یا «درخواست» انتخاب کنید.")},
    )
    category = CategoryChoiceField(
        label=_("موضوع"), queryset=Category.objects.filter(is_active=True), empty_label=_("— موضوع را انتخاب کنید —"),
        error_messages={"required": _("موضوع شکایت یا درخواست را انتخاب کنید."),
                        "invalid_choice": _("موضوع انتخاب‌شده در فهرست نیست.")},
    )
    org_unit = forms.ModelChoiceField(
        label=_("شهر یا روستا"), queryset=OrgUnit.objects.filter(kind__in=FILING_UNIT_KINDS), widget=forms.HiddenInput,
        error_messages={"required": _("شهر یا روستای محل را انتخاب کنید."),
                        "invalid_choice": _("شهر یا روستای انتخاب‌شده پیدا نشد؛ دوباره جستجو کنید.")},
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("نشانی یا نشانه محل"), required=False, max_length=300,
        error_messages={"max_length": _("نشانی نباید بیش از ۳۰۰ نویسه باشد.")},
    )
    description = forms.CharField(
        label=_("شرح"), widget=forms.Textarea(attrs={"rows": 6}), max_length=DESCRIPTION_MAX_CHARS,
        error_messages={"required": _("شرح شکایت یا درخواست را بنویسید."),
                        "max_length": _("شرح نباید بیش از ۵۰۰۰ نویسه باشد؛ آن را کوتاه‌تر کنید.")},
    )
    is_public = forms.BooleanField(
        label=_("دیگران هم بتوانند این مورد را (بدون نام و مشخصات من) ببینند"), required=False,
    )
    files = MultipleFileField(
        label=_("عکس یا PDF (اختیاری)"), max_files=MAX_FILES,
        help_text=_("تا ۵ فایل JPEG، PNG یا PDF."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    persian_normalize_exclude = ("idempotency_key", "latitude", "longitude")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = self._grouped_categories()
        if not self.is_bound:
            # One key per rendered form: a double-clicked submit sends it twice and gets one case.
            self.initial["idempotency_key"] = secrets.token_urlsafe(24)
        for name in ("category", "address", "description"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        # htmx fetches the chosen category's extra questions (Open311 attributes) under the select.
        self.fields["category"].widget.attrs.update({
            "class": "form-select", "hx-get": reverse("complaints:questions"), "hx-target": "#category-questions",
            "hx-trigger": "change",
        })
        self.fields["files"].widget.attrs["class"] = "form-control"

    def _grouped_categories(self):
        choices = [("", self.fields["category"].empty_label)]
        for group, leaves in selectors.category_groups():
            options = [(leaf.pk, leaf.label) for leaf in leaves]
            if group is None:
                choices.extend(options)
            else:
                choices.append((group.name, options))
        return choices

    def selected_unit(self):
        """The unit picked so far (to show its name again when the form comes back with an error)."""
        value = self.data.get(self.add_prefix("org_unit")) if self.is_bound else None
        if not value or not str(value).isdigit():
            return None
        return OrgUnit.objects.filter(pk=value, kind__in=FILING_UNIT_KINDS).first()


class CaseActionForm(PersianFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("متن"), required=False, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        max_length=DESCRIPTION_MAX_CHARS,
        error_messages={"max_length": _("متن نباید بیش از ۵۰۰۰ نویسه باشد.")},
    )
    files = MultipleFileField(label=_("پیوست (اختیاری)"), max_files=MAX_FILES)


class RatingForm(PersianFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("امتیاز شما به پاسخ"), coerce=int, widget=forms.RadioSelect,
        choices=[(i, str(i)) for i in range(1, 6)],
        error_messages={"required": _("امتیاز را از ۱ تا ۵ انتخاب کنید."),
                        "invalid_choice": _("امتیاز را از ۱ تا ۵ انتخاب کنید.")},
    )
    comment = forms.CharField(
        label=_("نظر شما (اختیاری)"), required=False, max_length=RATING_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"max_length": _("نظر نباید بیش از ۵۰۰ نویسه باشد.")},
    )


class MergeForm(PersianFormMixin, forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    into = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("دلیل ادغام"), max_length=500,
        error_messages={"required": _("دلیل ادغام را بنویسید."),
                        "max_length": _("دلیل ادغام نباید بیش از ۵۰۰ نویسه باشد.")},
    )
