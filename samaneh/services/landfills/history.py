"""A site's history as people read it: each change with the field's Persian name and old → new values."""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samaneh.core.templatetags.persian import fa_number
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import Site
from samaneh.services.landfills.services import BOOLEAN_FIELDS, CHOICE_FIELDS


# Whole numbers that are years are shown as they are (۱۳۹۸, not ۱٬۳۹۸).
YEAR_FIELDS = ("opening_year",)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    event: object
    changes: list = field(default_factory=list)


def _label(name):
    if name == "document":
        return _("سند یا عکس")
    return str(Site._meta.get_field(name).verbose_name)


def _show(name, value, units):
    if value in (None, "", []):
        return "—"
    if name in BOOLEAN_FIELDS:
        return _("دارد") if value else _("ندارد")
    if name in CHOICE_FIELDS:
        try:
            return str(CHOICE_FIELDS[name](value).label)
        except ValueError:
            return str(value)
    if name == "review_state":
        return str(Site.Review(value).label)
    if name == "org_unit":
        unit = units.get(value)
        return f"{unit.get_kind_display()} {unit.name}" if unit else str(value)
    if isinstance(value, list):
        return "، ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and name not in YEAR_FIELDS:
        return fa_number(value)  # 15000 → ۱۵٬۰۰۰ (15,000 in English)
    return str(value)


def timeline(site):
    events = list(site.events.select_related("actor").order_by("-at", "-id"))
    unit_ids = {
        value for event in events for name, pair in event.changes.items() if name == "org_unit" for value in pair if value
    }
    units = OrgUnit.objects.in_bulk(unit_ids)
    entries = []
    for event in events:
        changes = [
            Change(_label(name), _show(name, old, units), _show(name, new, units))
            for name, (old, new) in event.changes.items()
        ]
        entries.append(Entry(event, changes))
    return entries
