"""The staff side's forms: the queue's filters, bulk assignment, and the actions on one case.

Each form only normalises and names what is missing; the rules themselves (who may act, when) are the
engine's, and its refusals reach the person as its own Persian message.
"""
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Perm
from samaneh.cases import registry, selectors
from samaneh.cases.models import Comment
from samaneh.core.forms import JalaliDateField, PersianFormMixin
from samaneh.core.text import localize_digits
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit


def _choice_errors(label):
    # Lazy all the way: the message is built in the reader's language, not the one active at import.
    return {"invalid_choice": format_lazy("{}: {}", label, _("گزینه «%(value)s» شناخته نیست."))}


def _search_length(value):
    limit = settings.SEARCH_MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(
            _("عبارت جستجو نباید بیش از %(limit)s نویسه باشد؛ آن را کوتاه‌تر کنید."),
            params={"limit": localize_digits(limit)},
        )


class BootstrapMixin:
    """Bootstrap's classes on every widget, so templates render `{{ field }}` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class QueueFilterForm(BootstrapMixin, PersianFormMixin, forms.Form):
    """The queue's filters, read from the query string; an empty query string is a valid, default queue."""

    STATUS_CHOICES = [("open", _("باز")), ("closed", _("بسته")), ("all", _("همه"))]
    ASSIGNED_CHOICES = [("", _("همه")), ("me", _("واگذارشده به من")), ("none", _("واگذارنشده"))]
    SORT_CHOICES = [
        ("deadline", _("مهلت، نزدیک‌ترین نخست")),
        ("-deadline", _("مهلت، دورترین نخست")),
        ("-created", _("تازه‌ترین ثبت نخست")),
        ("created", _("قدیمی‌ترین ثبت نخست")),
        ("-priority", _("اولویت، فوری نخست")),
        ("priority", _("اولویت، کم نخست")),
    ]

    q = forms.CharField(label=_("جستجو"), required=False, validators=[_search_length],
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("کد پیگیری یا عنوان")}))
    service = forms.ChoiceField(label=_("خدمت"), required=False, error_messages=_choice_errors(_("خدمت")))
    state = forms.ChoiceField(label=_("وضعیت"), required=False, error_messages=_choice_errors(_("وضعیت")))
    status = forms.ChoiceField(label=_("باز یا بسته"), required=False, choices=STATUS_CHOICES,
                               error_messages=_choice_errors(_("باز یا بسته")))
    overdue = forms.BooleanField(label=_("فقط پرونده‌های دیرکرد"), required=False)
    unit = forms.ModelChoiceField(
        # Rendered by the unit picker (a search), never as a select of every unit in scope.
        label=_("واحد مسئول"), required=False, queryset=OrgUnit.objects.none(), widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("واحد مسئول: این واحد در حوزه دسترسی شما نیست.")},
    )
    category = forms.ModelChoiceField(
        label=_("دسته"), required=False, queryset=apps.get_model("complaints", "Category").objects.none(),
        empty_label=_("همه دسته‌ها"), error_messages={"invalid_choice": _("دسته: این دسته شناخته نیست.")},
    )
    assigned = forms.ChoiceField(label=_("کارشناس"), required=False, choices=ASSIGNED_CHOICES,
                                 error_messages=_choice_errors(_("کارشناس")))
    date_from = JalaliDateField(label=_("ثبت از تاریخ"), required=False)
    date_to = JalaliDateField(label=_("ثبت تا تاریخ"), required=False)
    sort = forms.ChoiceField(label=_("ترتیب"), required=False, choices=SORT_CHOICES,
                             error_messages=_choice_errors(_("ترتیب")))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        services = registry.all_services()
        self.fields["service"].choices = [("", _("همه خدمت‌ها"))] + [(m.slug, m.name) for m in services]
        states = [("", _("همه وضعیت‌ها"))]
        for manifest in services:
            states.append((manifest.name, [(s.code, s.label) for s in manifest.workflow.states]))
        self.fields["state"].choices = states
        self.fields["unit"].queryset = scope.units(user, Perm.CASE_VIEW)
        self.fields["category"].queryset = apps.get_model("complaints", "Category").objects.select_related("parent")
        self.fields["q"].widget.attrs["maxlength"] = settings.SEARCH_MAX_LENGTH

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("«ثبت تا تاریخ» نباید پیش از «ثبت از تاریخ» باشد."))
        return cleaned


class BulkAssignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("پرونده‌ها"), queryset=None,
        error_messages={
            "required": _("دست‌کم یک پرونده را برای واگذاری برگزینید."),
            "invalid_choice": _("برخی پرونده‌های برگزیده پیدا نشد."),
            "invalid_pk_value": _("برخی پرونده‌های برگزیده پیدا نشد."),
        },
    )
    to_user = forms.ModelChoiceField(
        label=_("واگذاری به"), queryset=None,
        error_messages={
            "required": _("کارشناسی را که پرونده‌ها به او واگذار شود برگزینید."),
            "invalid_choice": _("کارشناس برگزیده پیدا نشد."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Out-of-scope cases are "not found", never named: the form must not confirm they exist.
        self.fields["cases"].queryset = selectors.cases_in_scope(user=user).select_related("responsible_unit")
        self.fields["to_user"].queryset = scope.holders(Perm.CASE_VIEW)


class TransitionForm(BootstrapMixin, PersianFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("متن"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(
        label=_("یادداشت داخلی (فقط کارکنان می‌بینند)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, step=None, **kwargs):
        if step is not None:
            # One form per step on the same page: ids must not collide.
            kwargs.setdefault("auto_id", f"id_{step.action}_%s")
            kwargs.setdefault("initial", {"action": step.action})
        super().__init__(*args, **kwargs)
        if step is not None:
            text = self.fields["text"]
            if step.public:
                text.label = _("متن پاسخ یا دلیل (متقاضی می‌بیند)")
            else:
                text.label = _("دلیل (فقط کارکنان می‌بینند)")
            if step.needs_text:
                text.widget.attrs["required"] = True


class ReferForm(BootstrapMixin, PersianFormMixin, forms.Form):
    to_unit = forms.ModelChoiceField(
        label=_("واحد مقصد"), queryset=OrgUnit.objects.all(), widget=forms.HiddenInput,
        error_messages={
            "required": _("واحد مقصد ارجاع را جستجو کنید و برگزینید."),
            "invalid_choice": _("واحد مقصد پیدا نشد."),
        },
    )
    reason = forms.CharField(label=_("دلیل ارجاع"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(BootstrapMixin, forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("واگذاری به"), queryset=None, empty_label=_("کارشناس را برگزینید"),
        error_messages={
            "required": _("کارشناسی را که پرونده به او واگذار شود برگزینید."),
            "invalid_choice": _("این کارشناس به واحد مسئول این پرونده دسترسی ندارد."),
        },
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = selectors.case_colleagues(units=[case.responsible_unit])
        self.fields["to_user"].queryset = get_user_model().objects.filter(pk__in=[u.pk for u in colleagues])
        self.fields["to_user"].choices = [("", self.fields["to_user"].empty_label)] + [(u.pk, str(u)) for u in colleagues]


class CommentForm(BootstrapMixin, PersianFormMixin, forms.Form):
    body = forms.CharField(label=_("متن یادداشت"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label=_("چه کسی ببیند"), choices=Comment.Visibility.choices, initial=Comment.Visibility.INTERNAL,
        widget=forms.RadioSelect, error_messages={
            "required": _("بگویید یادداشت عمومی است یا داخلی."),
            **_choice_errors(_("چه کسی ببیند")),
        },
    )
    file = forms.FileField(label=_("پیوست (PDF، JPEG یا PNG)"), required=False)
