"""The form boundary of IT supervision: Persian digits and letters normalised, refusals that name the field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from samaneh.core.forms import JalaliDateField, PersianFormMixin
from samaneh.core.text import localize_digits
from samaneh.itgov.models import (
    Answer, Hosting, ITProfile, Licence, ProductVersion, ReportsTo, SupportStatus,
)
from samaneh.itgov.services import SECTION_FIELDS

SKILLS = [
    ("network", _("شبکه")), ("security", _("امنیت")), ("database", _("پایگاه داده")),
    ("development", _("برنامه‌نویسی")), ("gis", _("GIS")), ("support", _("پشتیبانی کاربران")),
]


class PersianNumberInput(forms.TextInput):
    """A number shown in Persian digits (typed either way; PersianFormMixin normalises), left to right.
    Not type=number: browsers refuse Persian digits typed into a number input."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "dir": "ltr", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        return localize_digits(value) if value is not None else value


class BootstrapMixin:
    """Bootstrap's classes on every widget, so the forms look like the rest of the site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _count_messages(label):
    return {
        "min_value": _("«%(field)s» نمی‌تواند منفی باشد.") % {"field": label},
        "invalid": _("«%(field)s» باید عدد صحیح باشد.") % {"field": label},
        "required": _("«%(field)s» را وارد کنید.") % {"field": label},
    }


class _SectionForm(PersianFormMixin, BootstrapMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The model's counts are positive integers: Django's min_value check runs with our message. A text
            # box, not type=number: browsers refuse Persian digits typed into a number input.
            if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
                field.widget = PersianNumberInput(attrs={"inputmode": "numeric", "class": "form-control form-control-sm"})
                field.error_messages.update(_count_messages(field.label))


class HardwareForm(_SectionForm):
    class Meta:
        model = ITProfile
        fields = SECTION_FIELDS["hardware"]


class ManagementForm(_SectionForm):
    it_budget_share = forms.DecimalField(
        label=_("سهم فناوری اطلاعات از بودجه (درصد)"), min_value=0, max_value=100, decimal_places=2,
        widget=PersianNumberInput(),
        error_messages={"min_value": _("«سهم فناوری اطلاعات از بودجه» نمی‌تواند منفی باشد."),
                        "max_value": _("«سهم فناوری اطلاعات از بودجه» درصد است و از ۱۰۰ بیشتر نمی‌شود."),
                        "invalid": _("«سهم فناوری اطلاعات از بودجه» باید عدد باشد.")})
    it_reports_to = forms.ChoiceField(label=_("جایگاه واحد در نمودار سازمانی"), choices=ReportsTo.choices)

    class Meta:
        model = ITProfile
        fields = SECTION_FIELDS["management"]


class PeopleForm(_SectionForm):
    skills = forms.MultipleChoiceField(label=_("مهارت‌ها"), choices=SKILLS, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ITProfile
        fields = SECTION_FIELDS["people"]
        widgets = {"certificates": forms.Textarea(attrs={"rows": 2})}


SECTION_FORMS = {"hardware": HardwareForm, "management": ManagementForm, "people": PeopleForm}


class NewProfileForm(PersianFormMixin, forms.Form):
    administration = forms.ModelChoiceField(label=_("مدیریت محلی"), queryset=None,
                                            error_messages={"required": _("«مدیریت محلی» را برگزینید.")})
    year = forms.IntegerField(label=_("سال"), min_value=1390, max_value=1500,
                              error_messages={"required": _("«سال» را وارد کنید."),
                                              "min_value": _("«سال» باید سالی جلالی مانند ۱۴۰۴ باشد."),
                                              "max_value": _("«سال» باید سالی جلالی مانند ۱۴۰۴ باشد."),
                                              "invalid": _("«سال» باید عدد باشد.")})

    def __init__(self, *args, administrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations


OTHER = "other"


class SoftwareForm(PersianFormMixin, BootstrapMixin, forms.Form):
    """One domain's software. The version list is the catalogue's; choosing «other» requires the product's
    name and stores it as pending catalogue review."""

    version = forms.ChoiceField(label=_("محصول و نسخه"))
    other_product = forms.CharField(label=_("نام محصول (خارج از فهرست)"), max_length=150, required=False)
    other_vendor = forms.CharField(label=_("تأمین‌کننده"), max_length=150, required=False)
    other_version = forms.CharField(label=_("نسخه"), max_length=40, required=False)
    since_year = forms.IntegerField(label=_("در کار از سال"), min_value=1350, max_value=1500, required=False,
                                    widget=PersianNumberInput(),
                                    error_messages={"min_value": _("«در کار از سال» باید سالی جلالی باشد."),
                                                    "max_value": _("«در کار از سال» باید سالی جلالی باشد."),
                                                    "invalid": _("«در کار از سال» باید عدد باشد.")})
    hosting = forms.ChoiceField(label=_("میزبانی"), choices=Hosting.choices)
    licence = forms.ChoiceField(label=_("وضعیت مجوز"), choices=Licence.choices)
    satisfaction = forms.TypedChoiceField(label=_("رضایت (۱ تا ۵)"), coerce=int,
                                          choices=[(i, str(i)) for i in range(1, 6)],
                                          error_messages={"invalid_choice": _("«رضایت» باید عددی از ۱ تا ۵ باشد."),
                                                          "required": _("«رضایت» را برگزینید.")})
    integrates_with = forms.MultipleChoiceField(label=_("یکپارچه با سامانه‌های"), required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, versions, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in versions}
        self.fields["version"].choices = [("", "—")] + [
            (str(v.pk), f"{v.product.name} {v.version} — {v.product.vendor.name}") for v in versions
        ] + [(OTHER, _("سایر — در انتظار بررسی فهرست"))]
        self.fields["version"].error_messages.update({
            "required": _("«محصول و نسخه» را برگزینید."),
            "invalid_choice": _("نسخه برگزیده در فهرست این حوزه نیست؛ اگر محصول شما در فهرست نیست «سایر» را برگزینید."),
        })
        self.domains = {str(d.pk): d for d in domains}
        self.fields["integrates_with"].choices = [(str(d.pk), d.name) for d in domains]

    def clean(self):
        data = super().clean()
        if data.get("version") == OTHER and not data.get("other_product"):
            self.add_error("other_product", _("برای محصول خارج از فهرست «نام محصول» را بنویسید."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        version = self.versions.get(data["version"])
        return {
            "version": version,
            "other_product": data["other_product"] if version is None else "",
            "other_vendor": data["other_vendor"] if version is None else "",
            "other_version": data["other_version"] if version is None else "",
            "since_year": data["since_year"], "hosting": data["hosting"], "licence": data["licence"],
            "satisfaction": data["satisfaction"],
            "integrates_with": [self.domains[pk] for pk in data["integrates_with"]],
        }


class ControlForm(PersianFormMixin, forms.Form):
    answer = forms.ChoiceField(label=_("پاسخ"), choices=Answer.choices,
                               error_messages={"required": _("«پاسخ» را برگزینید."),
                                               "invalid_choice": _("«پاسخ» را از گزینه‌ها برگزینید.")})
    note = forms.CharField(label=_("توضیح"), max_length=500, required=False)


class ReviewForm(PersianFormMixin, forms.Form):
    text = forms.CharField(label=_("نظر بررسی‌کننده"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(PersianFormMixin, BootstrapMixin, forms.ModelForm):
    released_on = JalaliDateField(label=_("تاریخ انتشار"), required=False)
    end_of_support = JalaliDateField(label=_("پایان پشتیبانی"), required=False)
    support_status = forms.ChoiceField(label=_("وضعیت پشتیبانی"), choices=SupportStatus.choices)

    class Meta:
        model = ProductVersion
        fields = ["version", "released_on", "support_status", "end_of_support"]


class WeightsForm(PersianFormMixin, BootstrapMixin, forms.Form):
    effective_year = forms.IntegerField(label=_("از سال"), min_value=1390, max_value=1500, widget=PersianNumberInput())
    software = forms.CharField(label=_("وزن نرم‌افزار"))
    hardware = forms.CharField(label=_("وزن سخت‌افزار"))
    management = forms.CharField(label=_("وزن مدیریت"))
    people = forms.CharField(label=_("وزن نیروی انسانی"))
    security = forms.CharField(label=_("وزن امنیت"))
    note = forms.CharField(label=_("توضیح"), max_length=300, required=False)
