"""Labelled demo data for the landfill bank: villages with a location and a population (the planner's
demand points) and about thirty sites in each of Tehran and Kohgiluyeh and Boyer-Ahmad provinces.

The country-division data has no coordinates. Each village is placed at random (seeded by its code, so
every run gives the same point) around its county seat, and kept only inside its own province's
shipped boundary (`samaneh.geo.boundaries`). The county-seat coordinates below are the cities' approximate
positions (rounded to 0.01°, as on OpenStreetMap / the cities' Wikipedia articles); a test checks each
against the shipped province boundaries. Populations are drawn between 200 and 3,000. Everything is
marked `is_demo`, and site names carry the demo label.
"""
import math
import random

from django.db import transaction
from shapely.geometry import Point
from shapely.prepared import prep

from samaneh.geo import boundaries
from samaneh.geo.demo import DEMO_LABEL
from samaneh.geo.distance import distance_m
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import ServedPlace, Site, SiteEvent

K = OrgUnit.Kind

# Province name (as in the country-division data, matched by boundaries.province_key) → county name →
# (latitude, longitude) of the county seat, and how far (degrees, one standard deviation) villages spread.
COUNTY_SEATS = {
    "تهران": {
        "spread": 0.12,
        "seats": {
            "تهران": (35.78, 51.45), "اسلامشهر": (35.55, 51.23), "بهارستان": (35.56, 51.16),
            "پاکدشت": (35.48, 51.68), "پردیس": (35.74, 51.81), "پیشوا": (35.31, 51.73),
            "دماوند": (35.72, 52.06), "رباط کریم": (35.48, 51.08), "ری": (35.45, 51.50),
            "شمیرانات": (35.85, 51.55), "شهریار": (35.66, 51.06), "فیروزکوه": (35.76, 52.77),
            "قدس": (35.72, 51.11), "قرچک": (35.43, 51.57), "ملارد": (35.67, 50.98), "ورامین": (35.33, 51.65),
        },
    },
    "کهگیلویه و بویراحمد": {
        "spread": 0.16,
        "seats": {
            "بویراحمد": (30.67, 51.59), "کهگیلویه": (30.79, 50.56), "گچساران": (30.36, 50.80),
            "دنا": (30.86, 51.46), "باشت": (30.36, 51.16), "بهمیی": (30.89, 50.09),
            "چرام": (30.75, 50.74), "لنده": (30.98, 50.42), "مارگون": (30.99, 51.08),
        },
    },
}
SITES_PER_PROVINCE = 30
POPULATION_RANGE = (200, 3000)


def _rng(*parts):
    return random.Random("landfills-demo:" + ":".join(str(p) for p in parts))


def province_shape(province):
    """The province's boundary from the shipped data, prepared for fast point tests (None if not shipped)."""
    key = boundaries.province_key(province.name)
    for english, persian in boundaries.PROVINCE_NAMES.items():
        if boundaries.province_key(persian) == key:
            return prep(boundaries.source_geometries()[english])
    return None


def _point_near(seat, spread, shape, seed):
    """A point around `seat` inside the province `shape` (None when 50 draws all fall outside)."""
    rng = _rng(seed)
    for _attempt in range(50):
        lat = seat[0] + rng.gauss(0, spread)
        lon = seat[1] + rng.gauss(0, spread)
        if shape.contains(Point(lon, lat)):
            return round(lat, 5), round(lon, 5)
    return None


def _province(name):
    key = boundaries.province_key(name)
    for unit in OrgUnit.objects.filter(kind=K.PROVINCE):
        if boundaries.province_key(unit.name) == key:
            return unit
    return None


def _counties(province, seats):
    by_key = {boundaries.province_key(name): seat for name, seat in seats.items()}
    for county in province.subtree().filter(kind=K.COUNTY).order_by("code", "pk"):
        seat = by_key.get(boundaries.province_key(county.name))
        if seat is not None:
            yield county, seat


def _places(province, spec, shape):
    """ServedPlaces for the province's villages that have none (real ones are never overwritten)."""
    have = set(ServedPlace.objects.filter(org_unit__path__startswith=province.path).values_list("org_unit_id", flat=True))
    new = []
    for county, seat in _counties(province, spec["seats"]):
        for village in county.subtree().filter(kind=K.VILLAGE).exclude(pk__in=have).order_by("code", "pk"):
            point = _point_near(seat, spec["spread"], shape, f"village:{village.code or village.pk}")
            if point is None:
                continue
            population = int(math.exp(_rng("population", village.pk).uniform(*map(math.log, POPULATION_RANGE))))
            new.append(ServedPlace(org_unit=village, latitude=point[0], longitude=point[1], population=population,
                                   is_demo=True))
    ServedPlace.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _site_plan(province, spec):
    """(kind, county, anchor village place) for each demo site: open dumps mostly, a sanitary landfill in
    a few counties, one transfer station and one regional landfill for the province."""
    counties = list(_counties(province, spec["seats"]))
    places_by_county = {}
    for county, _seat in counties:
        places = list(ServedPlace.objects.filter(org_unit__path__startswith=county.path)
                      .select_related("org_unit").order_by("org_unit__code", "pk"))
        if places:
            places_by_county[county.pk] = places
    counties = [(c, s) for c, s in counties if c.pk in places_by_county]
    if not counties:
        return []
    # The counties with most villages get the regional landfill and the sanitary landfills.
    counties.sort(key=lambda item: -len(places_by_county[item[0].pk]))
    kinds = [Site.Kind.REGIONAL_LANDFILL, Site.Kind.TRANSFER_STATION] + [Site.Kind.SANITARY_LANDFILL] * 3
    kinds += [Site.Kind.OPEN_DUMP] * (SITES_PER_PROVINCE - len(kinds))
    plan = []
    for index, kind in enumerate(kinds):
        county, _seat = counties[index % len(counties)]
        places = places_by_county[county.pk]
        anchor = places[_rng("anchor", province.pk, index).randrange(len(places))]
        plan.append((kind, county, anchor, places))
    return plan


def _facts(kind, rng):
    """Capacities, sensitivity facts, equipment and remediation cost that look like the kind of site."""
    if kind == Site.Kind.REGIONAL_LANDFILL:
        design = rng.randrange(600_000, 1_500_000, 10_000)
        intake = rng.randrange(150, 400)
        equipped = True
    elif kind == Site.Kind.SANITARY_LANDFILL:
        design = rng.randrange(60_000, 300_000, 5_000)
        intake = rng.randrange(20, 80)
        equipped = True
    elif kind == Site.Kind.TRANSFER_STATION:
        design = rng.randrange(2_000, 8_000, 500)
        intake = rng.randrange(30, 90)
        equipped = True
    else:
        design = rng.randrange(5_000, 60_000, 1_000)
        intake = rng.randrange(2, 40)
        equipped = False
    remaining = round(design * rng.uniform(0.0, 0.7 if kind == Site.Kind.OPEN_DUMP else 0.9))
    roll = rng.random()
    protected = Site.Protected.INSIDE if roll < 0.08 else Site.Protected.NEAR if roll < 0.22 else Site.Protected.NO
    roll = rng.random()
    flood = Site.FloodZone.HIGH if roll < 0.15 else Site.FloodZone.LOW if roll < 0.4 else Site.FloodZone.NONE
    return {
        "design_capacity_tonnes": design,
        "remaining_capacity_tonnes": remaining,
        "design_capacity_m3": round(design * 1.4),
        "remaining_capacity_m3": round(remaining * 1.4),
        "daily_intake_tonnes": intake,
        "opening_year": rng.randrange(1375, 1402),
        "distance_to_water_m": rng.choice([rng.randrange(80, 500), rng.randrange(500, 6000), rng.randrange(500, 6000)]),
        "groundwater_depth_m": rng.randrange(3, 90),
        "distance_to_village_m": rng.randrange(300, 5000),
        "protected_area": protected,
        "flood_zone": flood,
        "soil_permeability": rng.choice(list(Site.Permeability.values)),
        "fire_incidents_per_year": 0 if equipped else rng.randrange(0, 7),
        "complaints_per_year": rng.randrange(0, 5) if equipped else rng.randrange(0, 30),
        "has_fence": equipped or rng.random() < 0.2,
        "has_lining": equipped and kind != Site.Kind.TRANSFER_STATION,
        "has_leachate_collection": equipped and kind != Site.Kind.TRANSFER_STATION,
        "has_daily_cover": equipped and kind != Site.Kind.TRANSFER_STATION,
        "remediation_cost_million_rials": (rng.randrange(2_000, 40_000, 500) if not equipped
                                           else rng.randrange(5_000, 25_000, 500)),
    }


NAME_PATTERNS = {
    Site.Kind.OPEN_DUMP: "محل تخلیه پسماند {place}",
    Site.Kind.SANITARY_LANDFILL: "محل دفن بهداشتی {county}",
    Site.Kind.TRANSFER_STATION: "ایستگاه انتقال پسماند {county}",
    Site.Kind.REGIONAL_LANDFILL: "مرکز دفن منطقه‌ای {province}",
}


def _sites(province, spec, shape):
    prefix = f"DEMO-{province.code or province.pk}-"
    if Site.objects.filter(code__startswith=prefix).exists():
        return 0
    created = 0
    for index, (kind, county, anchor, places) in enumerate(_site_plan(province, spec), start=1):
        rng = _rng("site", province.pk, index)
        facts = _facts(kind, rng)
        # A site lies 1–4 km from the village it is named after, still inside the province.
        point = _point_near((anchor.latitude, anchor.longitude), 0.02, shape, f"site:{province.pk}:{index}")
        if point is None:
            continue
        state_roll = rng.random()
        review = (Site.Review.APPROVED if state_roll < 0.6 else Site.Review.SUBMITTED if state_roll < 0.85
                  else Site.Review.RETURNED if state_roll < 0.92 else Site.Review.DRAFT)
        status_roll = rng.random()
        status = (Site.Status.CLOSED if status_roll < 0.06 else Site.Status.CLOSING if status_roll < 0.14
                  else Site.Status.ACTIVE)
        if kind == Site.Kind.TRANSFER_STATION and index % 2:
            status = Site.Status.PLANNED
        name = NAME_PATTERNS[kind].format(place=anchor.org_unit.name, county=county.name, province=province.name)
        site = Site.objects.create(
            code=f"{prefix}{index:03d}", name=f"{name} ({DEMO_LABEL})", kind=kind, status=status,
            org_unit=anchor.org_unit, latitude=point[0], longitude=point[1],
            operator_kind=(Site.OperatorKind.JOINT_COMPANY if kind != Site.Kind.OPEN_DUMP else Site.OperatorKind.DEHYARI),
            review_state=review, is_demo=True, **facts,
        )
        served_count = {Site.Kind.REGIONAL_LANDFILL: 40, Site.Kind.SANITARY_LANDFILL: 20}.get(kind, 8)
        nearest = sorted(places, key=lambda p: distance_m(p.latitude, p.longitude, *point))[:served_count]
        site.villages_served.set([p.org_unit_id for p in nearest])
        SiteEvent.objects.create(site=site, action=SiteEvent.Action.CREATED, comment=DEMO_LABEL)
        created += 1
    return created


@transaction.atomic
def create_demo_landfills(provinces=None):
    """Create the demo villages' locations and the demo sites; returns {province name: (places, sites)}
    created by this call. Idempotent: a second call creates nothing. Provinces missing from the loaded
    hierarchy (as in tests with a small tree) are passed over."""
    summary = {}
    for name in provinces or COUNTY_SEATS:
        province = _province(name)
        shape = province_shape(province) if province is not None else None
        if shape is None:
            continue
        spec = COUNTY_SEATS[name]
        summary[province.name] = (_places(province, spec, shape), _sites(province, spec, shape))
    return summary


# Demo complaints about three open dumps of the first demo province, so that the site pages and the funding
# priorities show the complaints service as a source: (offset north in metres, text).
SITE_COMPLAINTS = [
    (250, "بوی تند زباله از محل تخلیه تا خانه‌های روستا می‌رسد، به‌ویژه عصرها."),
    (600, "شب گذشته زباله‌ها را آتش زدند و دود به روستا آمد."),
    (900, "شیرابه زباله به جوی کنار مزرعه راه پیدا کرده است."),
]


def create_demo_site_complaints(citizen=None):
    """File the demo citizen's complaints (category `landfill-nuisance`) near three demo open dumps: 1, 2
    and 3 of them. Idempotent (fixed idempotency keys); returns how many cases exist for them."""
    from django.contrib.auth import get_user_model

    from samaneh.services.complaints.demo import create_demo_categories
    from samaneh.services.complaints.services import complaint_file
    from samaneh.web.demo import DEMO_CITIZEN_MOBILE

    citizen = citizen or get_user_model().objects.get(username=DEMO_CITIZEN_MOBILE)
    category = create_demo_categories()["landfill-nuisance"]
    dumps = Site.objects.filter(is_demo=True, kind=Site.Kind.OPEN_DUMP, status=Site.Status.ACTIVE).order_by("code")
    count = 0
    for number, site in enumerate(dumps[:3], start=1):
        for meters, text in SITE_COMPLAINTS[:number]:
            with transaction.atomic():
                complaint_file(
                    applicant=citizen, kind="complaint", category=category,
                    description=f"{DEMO_LABEL} {text}", org_unit=site.org_unit,
                    latitude=round(site.latitude + meters / 111_000, 6), longitude=round(site.longitude, 6),
                    address=site.name, idempotency_key=f"demo-landfill-{site.code}-{meters}",
                )
            count += 1
    return count
