"""Where an Open311 report was filed, read from what GeoReport clients send.

The org-unit tree has no coordinates (see the complaints.routing module docstring), so a unit comes from:
`address_id` or `attribute[org_unit_code]` — the unit's country-divisions code — or `address_string`,
which the spec writes from the most specific place to the most general ("street, city, county"): every
run of up to four words in it is looked up as a unit name, and the unit whose own name and ancestors'
names the address mentions most wins, the deepest one on a tie ("کرج" alone is the city, not the county).
"""
import re

from django.utils.translation import gettext as _

from samaneh.core.text import normalize_digits, search_key
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints.open311.formats import Open311Error

MAX_WORDS_IN_NAME = 4
MAX_CANDIDATES = 2000
_PARTS = re.compile(r"[,،;؛/|\n]+")


def unit_for_code(code, param):
    code = normalize_digits(code.strip())
    units = list(OrgUnit.objects.filter(code=code)[:2])
    if not units:
        message = _("%(param)s: واحدی با کد تقسیمات کشوری «%(code)s» نیست.")
        raise Open311Error(400, message % {"param": param, "code": code})
    if len(units) > 1:
        message = _("%(param)s: کد «%(code)s» به بیش از یک واحد می‌خورد.")
        raise Open311Error(400, message % {"param": param, "code": code})
    return units[0]


def _name_runs(address):
    runs = set()
    for part in _PARTS.split(address):
        words = search_key(part).split()
        for start in range(len(words)):
            for end in range(start + 1, min(start + MAX_WORDS_IN_NAME, len(words)) + 1):
                runs.add(" ".join(words[start:end]))
    return runs


def unit_for_address(address):
    """The unit an address names, or an Open311Error(400) saying why none can be chosen."""
    runs = _name_runs(address)
    named = OrgUnit.objects.filter(search_name__in=runs).only("pk", "path", "level", "name", "kind")
    candidates = list(named[:MAX_CANDIDATES])
    if not candidates:
        raise Open311Error(
            400,
            _("address_string: نام هیچ شهر، روستا یا بخشی در نشانی پیدا نشد؛ نام شهر یا روستا را بنویسید "
              "یا کد تقسیمات کشوری آن را در address_id بفرستید."),
        )
    mentioned = {unit.pk for unit in candidates}

    def score(unit):
        return sum(1 for pk in unit.ancestor_ids() if pk in mentioned), unit.level

    best = max(score(unit) for unit in candidates)
    winners = [unit for unit in candidates if score(unit) == best]
    if len(winners) > 1:
        names = "، ".join(str(unit) for unit in winners[:5])
        raise Open311Error(
            400,
            _("address_string: نشانی به چند واحد می‌خورد (%(names)s)؛ نام استان یا شهرستان را هم بنویسید "
              "یا کد تقسیمات کشوری را در address_id بفرستید.") % {"names": names},
        )
    return winners[0]


def unit_from_request(data, attributes):
    """The unit named by the request, or None when it names none (a bare point)."""
    codes = (("address_id", data.get("address_id", "")), ("attribute[org_unit_code]", attributes.get("org_unit_code")))
    for param, code in codes:
        if isinstance(code, str) and code.strip():
            return unit_for_code(code, param)
    address = data.get("address_string", "")
    if address.strip():
        return unit_for_address(address)
    return None
