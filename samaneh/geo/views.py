from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Perm
from samaneh.core.text import search_key, localize_digits
from samaneh.geo import scope, selectors
from samaneh.geo.models import OrgUnit

PAGE_SIZE = 50


class UnitBrowseForm(forms.Form):
    q = forms.CharField(
        label=_("جستجو"), required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("نام یا کد واحد، مثلاً کرج")}),
    )
    kind = forms.ChoiceField(
        label=_("نوع"), required=False, choices=[("", _("همه انواع"))] + OrgUnit.Kind.choices,
        error_messages={"invalid_choice": _("نوع واحد «%(value)s» شناخته نیست.")},
    )
    parent = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput,
        error_messages={
            "invalid": _("شناسه واحد بالادست باید عدد باشد."),
            "min_value": _("شناسه واحد بالادست نادرست است."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["maxlength"] = settings.SEARCH_MAX_LENGTH

    def clean_q(self):
        query = self.cleaned_data["q"]
        # Checked before anything reaches the database: a pasted page of text is refused, not searched.
        if len(query) > settings.SEARCH_MAX_LENGTH:
            raise ValidationError(
                _("عبارت جستجو نباید بیش از %(limit)s نویسه باشد؛ آن را کوتاه‌تر کنید."),
                params={"limit": localize_digits(settings.SEARCH_MAX_LENGTH)},
            )
        return query


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _wants_partial(request):
    # On a history-cache miss htmx asks for the URL again and needs the whole page back.
    return bool(request.htmx) and not request.htmx.history_restore_request


def browse(request):
    """Provinces; a unit's children (`parent`); or a search (`q` and/or `kind`, within `parent` if given)."""
    form = UnitBrowseForm(request.GET)
    context = {"form": form}
    if form.is_valid():
        query, kind, parent_pk = (form.cleaned_data[name] for name in ("q", "kind", "parent"))
        parent = get_object_or_404(OrgUnit, pk=parent_pk) if parent_pk else None
        context["parent"] = parent
        context["breadcrumb"] = parent.ancestors() if parent else []
        if search_key(query) or kind:
            page = _page(request, selectors.unit_search(query=query, kind=kind, within=parent))
            page.object_list = selectors.attach_breadcrumbs(page.object_list)
            context.update(mode="search", page=page)
        elif parent:
            context.update(mode="children", page=_page(request, selectors.unit_children(parent)))
        else:
            context.update(mode="provinces", page=_page(request, selectors.province_list()))
    template = "geo/_unit_results.html" if _wants_partial(request) else "geo/browse.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def unit_detail(request, pk):
    unit = get_object_or_404(OrgUnit, pk=pk)
    return render(request, "geo/unit_detail.html", {
        "unit": unit,
        "breadcrumb": unit.ancestors()[:-1],
        "administrations": selectors.unit_administrations(unit),
        "page": _page(request, selectors.unit_children(unit)),
        "can_open_workspace": scope.can_act(request.user, Perm.VIEW_WORKSPACE, unit),
    })


@login_required
def workspace(request, pk):
    # Outside the user's subtree the unit does not exist for them: 404, never a 403 that confirms it.
    unit = scope.get_or_404(OrgUnit.objects.all(), request.user, Perm.VIEW_WORKSPACE, unit_field=None, pk=pk)
    return render(request, "geo/workspace.html", {
        "unit": unit,
        "breadcrumb": unit.ancestors()[:-1],
        "summary": selectors.workspace_summary(user=request.user, unit=unit),
        "first_rows": selectors.WORKSPACE_FIRST_ROWS,
    })
