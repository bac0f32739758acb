"""A small, clearly labelled set of demo dehyaris for the embedded trial, so the services have villages
with an administration to work on before anyone imports the real list."""
from django.db import transaction
from django.db.models import Exists, OuterRef

from samaneh.geo.models import Administration, OrgUnit

DEMO_LABEL = "نمونه آزمایشی"


def demo_dehyari_name(village):
    # Stored data, not interface text: it stays Persian whatever language the person running setup uses.
    return f"دهیاری {village.name} ({DEMO_LABEL})"


@transaction.atomic
def create_demo_dehyaris(per_district=5, districts=3, within=None):
    """Create demo dehyaris on the first `per_district` villages (by code) of the first `districts` districts
    (by code) that have villages — inside the unit `within` when given; return the ones created by this call.

    The choice of villages ignores demo dehyaris already there, so it is the same on every call and a second
    call creates nothing. Villages that already have a real dehyari are passed over, never overwritten.
    """
    if per_district < 1 or districts < 1:
        raise ValueError("per_district and districts must be positive")
    villages = OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE)
    real_dehyaris = Administration.objects.filter(
        kind=Administration.Kind.DEHYARI, is_demo=False, org_unit=OuterRef("pk")
    )
    demo_dehyaris = Administration.objects.filter(
        kind=Administration.Kind.DEHYARI, is_demo=True, org_unit=OuterRef("pk")
    )
    to_create = []
    chosen_districts = 0
    # District by district in Python rather than one Exists() per district in SQL: a path prefix taken from
    # another column cannot use the path index, and the first few districts are nearly always enough.
    district_units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)
    if within is not None:
        district_units = district_units.filter(path__startswith=within.path)
    for district_path in district_units.order_by("code", "pk").values_list("path", flat=True):
        in_district = villages.filter(path__startswith=district_path)
        if not in_district.exists():
            continue
        # Names in parentheses or naming an institution are farms, camps and companies, not villages.
        chosen = (
            in_district.exclude(Exists(real_dehyaris))
            .exclude(name__contains="(")
            .exclude(name__contains="مرکز")
            .exclude(name__contains="شرکت")
            .annotate(has_demo=Exists(demo_dehyaris))
            .order_by("code", "pk")[:per_district]
        )
        to_create.extend(
            Administration(
                kind=Administration.Kind.DEHYARI, org_unit=village, name=demo_dehyari_name(village), is_demo=True
            )
            for village in chosen
            if not village.has_demo
        )
        chosen_districts += 1
        if chosen_districts == districts:
            break
    return Administration.objects.bulk_create(to_create)
