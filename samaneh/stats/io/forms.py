from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import PersianFormMixin
from samaneh.core.text import localize_digits
from samaneh.stats import periods
from samaneh.stats.io import selectors


class PeriodInput(forms.TextInput):
    """Shows the period in the reader's digits; what comes back is normalised by PersianFormMixin."""

    def format_value(self, value):
        value = super().format_value(value)
        return localize_digits(value) if value else value


class _DataSetAndPeriod(PersianFormMixin, forms.Form):
    data_set = forms.ModelChoiceField(
        label=_("فرم (مجموعه داده)"), queryset=None, empty_label=None,
        error_messages={"required": _("فرم را انتخاب کنید."), "invalid_choice": _("این فرم در دسترس شما نیست.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period = forms.CharField(
        label=_("دوره"), required=False, max_length=10,
        widget=PeriodInput(attrs={"class": "form-control", "dir": "ltr"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_set"].queryset = selectors.data_sets_for_entry(user)
        self.fields["period"].widget.attrs["placeholder"] = localize_digits("140307")

    def clean(self):
        cleaned = super().clean()
        data_set, text = cleaned.get("data_set"), cleaned.get("period")
        if data_set is None or not text:
            return cleaned
        try:
            period = periods.parse(text)
        except periods.PeriodError as error:
            raise ValidationError({"period": str(error)}) from None
        if period.type != data_set.period_type:
            message = _("دوره %(id)s %(type)s نیست؛ فرم «%(name)s» دوره %(wanted)s می‌خواهد.") % {
                "id": localize_digits(period.id), "type": periods.PERIOD_TYPE_LABELS[period.type],
                "name": data_set.name, "wanted": periods.PERIOD_TYPE_LABELS[data_set.period_type],
            }
            raise ValidationError({"period": message})
        cleaned["period"] = period.id
        return cleaned


class TemplateForm(_DataSetAndPeriod):
    FORMATS = (("xlsx", _("اکسل (xlsx)")), ("csv", _("CSV (ستون‌های DHIS2)")))
    file_format = forms.ChoiceField(label=_("قالب"), choices=FORMATS, initial="xlsx",
                                    widget=forms.Select(attrs={"class": "form-select"}))


class UploadForm(_DataSetAndPeriod):
    file = forms.FileField(
        label=_("فایل (xlsx یا csv)"),
        error_messages={"required": _("فایلی انتخاب نشده است."), "empty": _("فایل خالی است.")},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
