from django import forms
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import PersianFormMixin

from .models import Candidate, Scenario, SiteChoice


class BootstrapMixin:
    """Bootstrap classes; numbers as text inputs with a decimal keypad, since a browser's number input
    refuses the Persian digits and separators (۱۲٬۵۰۰) people type — PersianFormMixin normalises them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.NumberInput):
                field.widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class ScenarioForm(BootstrapMixin, PersianFormMixin, forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "unit", "waste_kg_per_person_day", "cost_per_tonne_km", "max_haul_km", "horizon_years",
                  "single_source"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
        elif units is not None:
            self.fields["unit"].queryset = units


class CandidateForm(BootstrapMixin, PersianFormMixin, forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["name", "latitude", "longitude", "capacity_tonnes", "opening_cost_million_rials"]


class SiteChoiceForm(BootstrapMixin, PersianFormMixin, forms.ModelForm):
    class Meta:
        model = SiteChoice
        fields = ["decision", "upgrade_cost_million_rials", "capacity_tonnes"]


class MatrixForm(BootstrapMixin, forms.Form):
    matrix = forms.FileField(label=_("ماتریس فاصله جاده‌ای (CSV یا اکسل: کد روستا، کد مرکز، کیلومتر)"))
