"""Load Iran's administrative hierarchy from the django-iranian-cities CSVs into one OrgUnit tree.

The tree is country → provinces → counties → districts → cities | rural districts → villages, plus a
municipality (Administration) for every city. About 104,000 rows: primary keys and materialised paths
are computed here in Python and written with `bulk_create` inside one transaction, because
`OrgUnit.save()` costs two statements per row.
"""
import csv
import itertools
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from samaneh.core.text import normalize_text, search_key
from samaneh.geo.models import Administration, OrgUnit

K = OrgUnit.Kind

COUNTRY_NAME = "ایران"
COUNTRY_CODE = "IR"
MUNICIPALITY_PREFIX = "شهرداری "

# Each kind's file and the columns naming its ancestors, nearest first. The first column is the real
# parent; the rest are where a row goes when that parent is missing from the data.
SOURCES = (
    (K.PROVINCE, "province.csv", ()),
    (K.COUNTY, "county.csv", ("province",)),
    (K.DISTRICT, "district.csv", ("county", "province")),
    (K.CITY, "city.csv", ("district", "county", "province")),
    (K.RURAL_DISTRICT, "rural_district.csv", ("district", "county", "province")),
    (K.VILLAGE, "village.csv", ("rural_district", "district", "county", "province")),
)
COLUMN_KIND = {"province": K.PROVINCE, "county": K.COUNTY, "district": K.DISTRICT, "rural_district": K.RURAL_DISTRICT}

_NAME_MAX = OrgUnit._meta.get_field("name").max_length
_CODE_MAX = OrgUnit._meta.get_field("code").max_length


class HierarchyError(Exception):
    """The data or the database is not in a state we can load into; the message is for the operator."""


@dataclass
class SourceRow:
    source_id: int
    name: str
    code: str
    ancestors: dict  # column → source id or None


@dataclass
class LoadReport:
    loaded: bool  # False when the tree was already there and nothing was written
    counts: dict = field(default_factory=dict)  # kind → units in the database afterwards
    reattached: dict = field(default_factory=dict)  # kind → rows hung on an ancestor above their missing parent
    municipalities_created: int = 0
    seconds: float = 0.0


def default_data_dir():
    return files("iranian_cities") / "data"


def _data_dir(data_dir):
    return default_data_dir() if data_dir is None else Path(data_dir)


def read_sources(data_dir=None):
    """Every CSV row as a SourceRow, by kind, sorted by source id (so primary keys are reproducible)."""
    data_dir = _data_dir(data_dir)
    return {kind: _read_file(data_dir, filename, columns) for kind, filename, columns in SOURCES}


def expected_counts(data_dir=None):
    """Units per kind the data makes, counted without parsing: deciding "already loaded" stays cheap."""
    data_dir = _data_dir(data_dir)
    counts = {K.COUNTRY.value: 1}
    for kind, filename, _columns in SOURCES:
        with _open(data_dir, filename) as handle:
            reader = csv.reader(handle)
            next(reader, None)
            counts[kind.value] = sum(1 for row in reader if row)
    return counts


def _open(data_dir, filename):
    try:
        return data_dir.joinpath(filename).open("r", encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise HierarchyError(_("پرونده %(file)s در %(dir)s پیدا نشد.") % {"file": filename, "dir": data_dir}) from None


def _read_file(data_dir, filename, ancestor_columns):
    with _open(data_dir, filename) as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "name", "code", *ancestor_columns} - set(reader.fieldnames or ())
        if missing:
            raise HierarchyError(
                _("ستون‌های %(cols)s در پرونده %(file)s نیست.") % {"cols": "، ".join(sorted(missing)), "file": filename}
            )
        rows = {}
        for line, raw in enumerate(reader, start=2):
            row = _parse_row(raw, ancestor_columns, filename, line)
            if row.source_id in rows:
                raise HierarchyError(
                    _("شناسه %(id)s در پرونده %(file)s تکراری است (سطر %(line)s).")
                    % {"id": row.source_id, "file": filename, "line": line}
                )
            rows[row.source_id] = row
    return [rows[key] for key in sorted(rows)]


def _parse_row(raw, ancestor_columns, filename, line):
    where = {"file": filename, "line": line}
    source_id = _integer(raw["id"])
    if source_id is None:
        raise HierarchyError(_("شناسه سطر %(line)s پرونده %(file)s عدد نیست.") % where)
    name = normalize_text(raw["name"] or "")
    if not name:
        raise HierarchyError(_("نام در سطر %(line)s پرونده %(file)s خالی است.") % where)
    if len(name) > _NAME_MAX:
        raise HierarchyError(_("نام در سطر %(line)s پرونده %(file)s بیش از حد بلند است.") % where)
    code = normalize_text(raw["code"] or "")
    if len(code) > _CODE_MAX:
        raise HierarchyError(_("کد در سطر %(line)s پرونده %(file)s بیش از حد بلند است.") % where)
    # An ancestor id that is blank or not a number is treated like one that is not in the data.
    ancestors = {column: _integer(raw[column]) for column in ancestor_columns}
    return SourceRow(source_id, name, code, ancestors)


def _integer(text):
    try:
        return int((text or "").strip())
    except ValueError:
        return None


@dataclass
class _Plan:
    units: list
    municipalities: list
    reattached: dict


def build_plan(sources):
    """Unsaved OrgUnits with primary keys (from 1: the table is empty) and paths, and the cities' municipalities."""
    pks = itertools.count(1)
    country = _unit(next(pks), K.COUNTRY, COUNTRY_NAME, COUNTRY_CODE, None, None)
    units = [country]
    placed = {}  # (kind, source id) → unit
    reattached = {}
    for kind, _filename, ancestor_columns in SOURCES:
        for row in sources[kind]:
            parent, hops = _nearest_placed(row, ancestor_columns, placed)
            if hops:
                reattached[kind] = reattached.get(kind, 0) + 1
            parent = parent or country
            unit = _unit(next(pks), kind, row.name, row.code, row.source_id, parent)
            placed[(kind, row.source_id)] = unit
            units.append(unit)
    municipalities = [
        Administration(kind=Administration.Kind.MUNICIPALITY, org_unit_id=unit.pk, name=MUNICIPALITY_PREFIX + unit.name)
        for unit in units
        if unit.kind == K.CITY
    ]
    return _Plan(units, municipalities, reattached)


def _nearest_placed(row, ancestor_columns, placed):
    """The nearest ancestor already placed, and how many levels it sits above the real parent."""
    for hops, column in enumerate(ancestor_columns):
        found = placed.get((COLUMN_KIND[column], row.ancestors[column]))
        if found is not None:
            return found, hops
    return None, len(ancestor_columns)


def _unit(pk, kind, name, code, source_id, parent):
    return OrgUnit(
        pk=pk,
        kind=kind,
        level=OrgUnit.LEVELS[kind],
        name=name,
        search_name=search_key(name),
        code=code,
        source_id=source_id,
        parent_id=parent.pk if parent else None,
        path=f"{parent.path if parent else ''}{pk}.",
    )


def unit_counts():
    return {kind: n for kind, n in OrgUnit.objects.order_by().values_list("kind").annotate(n=Count("pk"))}


def load_hierarchy(data_dir=None, *, force=False, batch_size=5000):
    """Load the tree unless it is already there. Returns a LoadReport; raises HierarchyError (Persian)."""
    started = time.perf_counter()
    expected = expected_counts(data_dir)
    with transaction.atomic():
        existing = unit_counts()
        if existing == expected:
            created = _create_missing_municipalities(batch_size)
            return LoadReport(False, existing, {}, created, time.perf_counter() - started)
        if existing and not force:
            raise HierarchyError(
                _("جدول تقسیمات کشوری با داده منبع یکی نیست. برای پاک کردن و بارگذاری دوباره، --force را بدهید.")
            )
        # Parse (and so validate) everything before deleting anything.
        plan = build_plan(read_sources(data_dir))
        if existing:
            _delete_tree()
        OrgUnit.objects.bulk_create(plan.units, batch_size=batch_size)
        Administration.objects.bulk_create(plan.municipalities, batch_size=batch_size)
        _reset_sequences()
    return LoadReport(True, unit_counts(), plan.reattached, len(plan.municipalities), time.perf_counter() - started)


def _create_missing_municipalities(batch_size):
    """A loaded tree whose city lost its municipality gets it back without a reload."""
    cities = OrgUnit.objects.filter(kind=K.CITY).exclude(
        administrations__kind=Administration.Kind.MUNICIPALITY
    ).values_list("pk", "name")
    missing = [
        Administration(kind=Administration.Kind.MUNICIPALITY, org_unit_id=pk, name=MUNICIPALITY_PREFIX + name)
        for pk, name in cities
    ]
    Administration.objects.bulk_create(missing, batch_size=batch_size)
    return len(missing)


def _loader_municipalities():
    # A municipality someone has given a national legal id to holds data of its own and is not ours to drop.
    return Administration.objects.filter(kind=Administration.Kind.MUNICIPALITY, national_legal_id="")


def _referencing_models(model, targets, skip=()):
    """Plural names of models (other than `skip`) with rows holding a foreign key into `targets`."""
    found = []
    for rel in model._meta.related_objects:
        other = rel.related_model
        if other is model or other in skip:
            continue
        if rel.many_to_many:
            rows = rel.through._base_manager.filter(**{f"{rel.field.m2m_reverse_field_name()}__in": targets})
        else:
            rows = other._base_manager.filter(**{f"{rel.field.name}__in": targets})
        if rows.exists():
            found.append(str(other._meta.verbose_name_plural))
    return found


def _delete_tree():
    ours = _loader_municipalities()
    blockers = _referencing_models(OrgUnit, OrgUnit._base_manager.all(), skip={Administration})
    if Administration.objects.exclude(pk__in=ours.values("pk")).exists():
        blockers.append(str(Administration._meta.verbose_name_plural))
    blockers += _referencing_models(Administration, ours.values("pk"))
    if blockers:
        raise HierarchyError(
            _("تقسیمات کشوری را نمی‌توان پاک کرد، چون این داده‌ها به آن وابسته‌اند: %(models)s.")
            % {"models": "، ".join(sorted(set(blockers)))}
        )
    ours.delete()
    # One statement: the collector would refuse, since every unit PROTECTs its children's parent link.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(OrgUnit._meta.db_table)}")


def _reset_sequences():
    """PostgreSQL's id sequence does not see explicit primary keys; point it past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [OrgUnit])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
