"""Forms of the registry: Persian digits and letters normalised at the boundary; every rule is in services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import PersianFormMixin
from samaneh.services.landfills import selectors
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.services import EDITABLE_FIELDS


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.get_kind_display()} {unit.name}"


class _VillagesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})" if unit.code else unit.name


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class SiteForm(PersianFormMixin, forms.ModelForm):
    """Create/edit. Numbers are text boxes so `۱۲٬۵۰۰` and `۳٫۵` typed on a Persian keyboard are read."""

    villages_served = _VillagesField(label=_("روستاهای تحت پوشش"), queryset=None, required=False,
                                     widget=forms.SelectMultiple(attrs={"size": 8}))

    class Meta:
        model = Site
        fields = [*EDITABLE_FIELDS, "villages_served"]
        field_classes = {"org_unit": _UnitChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.editable_units(user)
        self.fields["villages_served"].queryset = selectors.serving_villages(user)
        for name, field in list(self.fields.items()):
            if isinstance(field, (forms.FloatField, forms.IntegerField)):
                # Text boxes: the service reads Persian digits and separators and names the field when a
                # value is not a number or out of bounds (Django's own messages do not say which field).
                self.fields[name] = forms.CharField(
                    label=field.label, required=False,
                    widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
                )
            field = self.fields[name]
            field.required = False  # the service says which required value is missing, by name
            field.error_messages["invalid_choice"] = _("«%(field)s» را از فهرست انتخاب کنید.") % {"field": field.label}
        _style(self)

    def _post_clean(self):
        # The service validates and writes; the model's own validators would only repeat it in English words.
        pass

    def service_fields(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in EDITABLE_FIELDS}


class ReviewForm(PersianFormMixin, forms.Form):
    comment = forms.CharField(label=_("توضیح بازگشت یا تأیید"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("عنوان"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    file = forms.FileField(label=_("فایل (عکس JPEG/PNG یا PDF)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}))


class SiteFilterForm(PersianFormMixin, forms.Form):
    q = forms.CharField(label=_("نام یا کد"), required=False)
    kind = forms.ChoiceField(label=_("نوع"), choices=[("", _("همه"))] + list(Site.Kind.choices), required=False)
    status = forms.ChoiceField(label=_("وضعیت"), choices=[("", _("همه"))] + list(Site.Status.choices), required=False)
    review_state = forms.ChoiceField(label=_("وضعیت بررسی"), choices=[("", _("همه"))] + list(Site.Review.choices),
                                     required=False)
    capacity_min = forms.FloatField(label=_("ظرفیت طراحی از (تن)"), required=False, min_value=0)
    capacity_max = forms.FloatField(label=_("ظرفیت طراحی تا (تن)"), required=False, min_value=0)
    protected = forms.ChoiceField(label=_("منطقه حفاظت‌شده"), required=False, choices=[
        ("", _("همه")), ("any", _("داخل یا نزدیک")), (Site.Protected.INSIDE, _("داخل")), (Site.Protected.NEAR, _("نزدیک")),
    ])
    flood_high = forms.BooleanField(label=_("پهنه سیل پرخطر"), required=False)
    water_near = forms.BooleanField(label=_("کمتر از ۵۰۰ متر تا آب"), required=False)
    unit = _UnitChoiceField(label=_("استان یا شهرستان"), queryset=None, required=False, empty_label=_("همه"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.filter_units(user)
        for name in ("capacity_min", "capacity_max"):
            self.fields[name].widget = forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"})
        _style(self)
        for name in ("q", "capacity_min", "capacity_max"):
            self.fields[name].widget.attrs["class"] += " form-control-sm"

    def filters(self):
        return self.cleaned_data if self.is_valid() else {}
