"""Writes to the statistical metadata that other parts share. Data-value writes live in `datavalues`."""
import itertools

from django.db import transaction

from samaneh.stats.models import (
    DEFAULT_CATEGORY_COMBO_UID,
    DEFAULT_COC_UID,
    Category,
    CategoryCombo,
    CategoryComboMembership,
    CategoryOption,
    CategoryOptionCombo,
    CategoryOptionMembership,
)


@transaction.atomic
def default_combo_ensure():
    """The `default` category combo and its single option combo, with DHIS2's well-known uids."""
    combo, _ = CategoryCombo.objects.get_or_create(
        uid=DEFAULT_CATEGORY_COMBO_UID, defaults={"code": "default", "name": "default", "name_en": "default"}
    )
    CategoryOptionCombo.objects.get_or_create(
        uid=DEFAULT_COC_UID, defaults={"code": "default", "name": "default", "name_en": "default", "combo": combo}
    )
    return combo


def default_option_combo():
    default_combo_ensure()
    return CategoryOptionCombo.objects.get(uid=DEFAULT_COC_UID)


@transaction.atomic
def category_create(*, code, name, name_en="", options):
    """A category from `options` = [(code, name, name_en), …], reusing options that already exist by code."""
    category = Category.objects.create(code=code, name=name, name_en=name_en)
    for order, (opt_code, opt_name, opt_name_en) in enumerate(options):
        option, _ = CategoryOption.objects.get_or_create(
            code=opt_code, defaults={"name": opt_name, "name_en": opt_name_en}
        )
        CategoryOptionMembership.objects.create(category=category, option=option, sort_order=order)
    return category


@transaction.atomic
def combo_create(*, code, name, name_en="", categories):
    """A category combo crossing `categories` in order, with every option combo of the cross product."""
    combo = CategoryCombo.objects.create(code=code, name=name, name_en=name_en)
    for order, category in enumerate(categories):
        CategoryComboMembership.objects.create(combo=combo, category=category, sort_order=order)
    option_lists = [list(c.options.order_by("categoryoptionmembership__sort_order")) for c in categories]
    for order, options in enumerate(itertools.product(*option_lists)):
        coc = CategoryOptionCombo.objects.create(
            combo=combo,
            code=f"{code}_" + "_".join(o.code or o.uid for o in options),
            name="، ".join(o.name for o in options),
            name_en=", ".join(o.name_en or o.name for o in options),
            sort_order=order,
        )
        coc.options.set(options)
    return combo
