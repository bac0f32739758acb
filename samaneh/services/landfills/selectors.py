"""Every read of the landfill bank, already narrowed to the reader's scope (a site belongs to its unit)."""
import datetime as dt

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samaneh.accounts.roles import Perm
from samaneh.core.text import normalize_text
from samaneh.geo import scope
from samaneh.geo.distance import box, distance_km_matrix
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import ServedPlace, Site
from samaneh.stats.selectors import latest_numbers

# The statistical system's element read as a village's population (a dehyari reports it like a municipality).
POPULATION_ELEMENT = "POP_SERVED"

# A site this close to a river, qanat or well is a sensitive one.
WATER_NEAR_METERS = 500


def site_list(user, *, filters=None, perm=Perm.LANDFILL_VIEW):
    """Sites in `user`'s scope matching `filters` (the cleaned data of `SiteFilterForm`; empty values ignored).

    Filters: kind, status, review_state, capacity_min/capacity_max (design tonnes), protected ("inside",
    "near" or "any"), flood_high, water_near (< 500 m), unit (a province/county in scope), q (name or code).
    """
    sites = scope.narrow(Site.objects.select_related("org_unit"), user, perm)
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", False)}
    for name in ("kind", "status", "review_state"):
        if name in filters:
            sites = sites.filter(**{name: filters[name]})
    if "capacity_min" in filters:
        sites = sites.filter(design_capacity_tonnes__gte=filters["capacity_min"])
    if "capacity_max" in filters:
        sites = sites.filter(design_capacity_tonnes__lte=filters["capacity_max"])
    protected = filters.get("protected")
    if protected == "any":
        sites = sites.exclude(protected_area=Site.Protected.NO)
    elif protected:
        sites = sites.filter(protected_area=protected)
    if filters.get("flood_high"):
        sites = sites.filter(flood_zone=Site.FloodZone.HIGH)
    if filters.get("water_near"):
        sites = sites.filter(distance_to_water_m__lt=WATER_NEAR_METERS)
    unit = filters.get("unit")
    if unit is not None:
        sites = sites.filter(org_unit__path__startswith=unit.path)
    text = normalize_text(filters.get("q") or "")
    if text:
        sites = sites.filter(Q(name__icontains=text) | Q(code__iexact=text))
    return sites.order_by("name", "pk")


def site_get(user, pk, *, perm=Perm.LANDFILL_VIEW):
    """One site in scope for `perm`, or 404."""
    return scope.get_or_404(Site.objects.select_related("org_unit"), user, perm, pk=pk)


def site_history(site):
    return site.events.select_related("actor").order_by("-at", "-id")


def filter_units(user):
    """Provinces and counties a reader may narrow the registry to."""
    return scope.units(user, Perm.LANDFILL_VIEW).filter(
        kind__in=[OrgUnit.Kind.PROVINCE, OrgUnit.Kind.COUNTY]
    ).order_by("path")


def editable_units(user):
    """Units a site of this user may stand in (district and below, within the edit scope)."""
    from samaneh.services.landfills.services import SITE_UNIT_KINDS

    return scope.units(user, Perm.LANDFILL_EDIT).filter(kind__in=SITE_UNIT_KINDS).order_by("path")


def _edit_county_paths(user):
    ids = {pk for root in scope.roots(user, Perm.LANDFILL_EDIT) for pk in root.ancestor_ids()}
    return set(OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.COUNTY).values_list("path", flat=True))


def place_scope_paths(user):
    """Subtrees whose villages' locations and populations this user may record: the counties their edit
    scope touches (a dehyari knows its neighbours) and their review scope."""
    paths = _edit_county_paths(user) | {root.path for root in scope.roots(user, Perm.LANDFILL_REVIEW)}
    return sorted(paths)


def serving_villages(user):
    """Villages a site of this user may serve: every village of the counties the user's edit scope touches."""
    counties = _edit_county_paths(user)
    if not counties:
        return OrgUnit.objects.none()
    q = Q()
    for path in counties:
        q |= Q(path__startswith=path)
    return OrgUnit.objects.filter(q, kind=OrgUnit.Kind.VILLAGE).order_by("name", "pk")


def served_place_list(user, *, perm=Perm.LANDFILL_VIEW, within=None):
    places = scope.narrow(ServedPlace.objects.select_related("org_unit"), user, perm)
    if within is not None:
        places = places.filter(org_unit__path__startswith=within.path)
    return places.order_by("org_unit__code", "pk")


def sites_geojson(sites):
    """A GeoJSON FeatureCollection of `sites` (already narrowed) for the map; [lon, lat] order."""
    features = []
    for site in sites.values(
        "pk", "code", "name", "kind", "status", "review_state", "latitude", "longitude", "design_capacity_tonnes",
        "remaining_capacity_tonnes", "protected_area", "flood_zone", "distance_to_water_m", "org_unit__name",
    ):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site["longitude"], site["latitude"]]},
            "properties": {
                "id": site["pk"],
                "code": site["code"],
                "name": site["name"],
                "kind": site["kind"],
                "kind_label": str(Site.Kind(site["kind"]).label),
                "status_label": str(Site.Status(site["status"]).label),
                "review_label": str(Site.Review(site["review_state"]).label),
                "unit": site["org_unit__name"],
                "design_t": site["design_capacity_tonnes"],
                "remaining_t": site["remaining_capacity_tonnes"],
                "sensitive": site["protected_area"] != Site.Protected.NO or site["flood_zone"] == Site.FloodZone.HIGH
                or (site["distance_to_water_m"] is not None and site["distance_to_water_m"] < WATER_NEAR_METERS),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def populations(places):
    """{org unit id: (population, from_stats)}: the statistical system's latest figure for the place where it
    has one, else the population recorded with the place."""
    places = list(places)
    reported = latest_numbers(element_code=POPULATION_ELEMENT, unit_ids=[p.org_unit_id for p in places])
    return {p.org_unit_id: _population(reported.get(p.org_unit_id), p.population) for p in places}


def _population(reported, recorded):
    return (int(round(reported)), True) if reported is not None else (recorded, False)


def site_villages(site):
    """The villages a site serves, each with `population` and `population_from_stats` set (population None
    when the village has neither a figure in the statistical system nor a recorded place)."""
    villages = list(site.villages_served.order_by("name").select_related("served_place"))
    reported = latest_numbers(element_code=POPULATION_ELEMENT, unit_ids=[v.pk for v in villages])
    for village in villages:
        place = getattr(village, "served_place", None)
        village.population, village.population_from_stats = _population(
            reported.get(village.pk), place.population if place else None)
    return villages


def complaints_near(sites, *, now=None):
    """{site id: complaints}: how many complaints the complaints service received in the last 365 days within
    `LANDFILL_COMPLAINT_RADIUS_M` of each site, in `LANDFILL_COMPLAINT_CATEGORIES` (smell, smoke, leachate,
    illegal dumping). One database read for all the sites (their common box), then exact distances."""
    from samaneh.services.complaints.selectors import located_points

    sites = list(sites)
    counts = {site.pk: 0 for site in sites}
    if not sites:
        return counts
    radius = settings.LANDFILL_COMPLAINT_RADIUS_M
    boxes = np.array([box(site.latitude, site.longitude, radius) for site in sites])
    within = (boxes[:, 0].min(), boxes[:, 1].max(), boxes[:, 2].min(), boxes[:, 3].max())
    since = (now or timezone.now()) - dt.timedelta(days=365)
    points = located_points(category_codes=settings.LANDFILL_COMPLAINT_CATEGORIES, since=since, within=within)
    if not points:
        return counts
    points = np.array(sorted(points))
    for site, (lat_min, lat_max, _lon_min, _lon_max) in zip(sites, boxes):
        near = points[np.searchsorted(points[:, 0], lat_min):np.searchsorted(points[:, 0], lat_max, side="right")]
        if len(near):
            km = distance_km_matrix([site.latitude], [site.longitude], near[:, 0], near[:, 1])[0]
            counts[site.pk] = int((km * 1000 <= radius).sum())
    return counts


def with_complaints(sites, *, now=None):
    """`sites` as a list, each with `complaints_from_service` set (see `complaints_near`)."""
    sites = list(sites)
    counts = complaints_near(sites, now=now)
    for site in sites:
        site.complaints_from_service = counts[site.pk]
    return sites
