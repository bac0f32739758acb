"""Writes of the priority model: a new version of the weights (national experts only)."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.priorities.models import WeightSet
from samaneh.services.landfills.priorities.scoring import DEFAULT_WEIGHTS, weights_check


def weights_current() -> WeightSet:
    """The weights in force; version 1 (the documented defaults) is created on first use."""
    current = WeightSet.objects.order_by("-version").first()
    if current is None:
        current, _ = WeightSet.objects.get_or_create(
            version=1, defaults={"weights": DEFAULT_WEIGHTS, "note": "وزن‌های پیش‌فرض مستند در مدل"}
        )
    return current


@transaction.atomic
def weights_create(*, user, weights: dict, note: str = "") -> WeightSet:
    """A new version of the weights. Only national experts (held at the country level) may set them."""
    country = OrgUnit.objects.filter(parent__isnull=True).first()
    if country is None or not scope.can_act(user, Perm.LANDFILL_WEIGHTS, country):
        raise PermissionDenied("تعیین وزن‌ها فقط با کارشناس ملی است")
    clean = weights_check(weights)
    weights_current()
    version = (WeightSet.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
    weight_set = WeightSet.objects.create(version=version, weights=clean, note=note, created_by=user)
    audit_record(actor=user, action="landfills.weights_create", target=weight_set,
                 after={"version": version, "weights": clean})
    return weight_set
