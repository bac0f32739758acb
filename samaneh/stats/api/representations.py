"""Full DHIS2-shaped representations of our metadata; `query.select` narrows them to `fields=`.

Nested objects carry enough (id, name, code …) for selections like `dataSetElements[dataElement[id,name]]`;
without a selection they shrink to {"id"} as DHIS2 does. `want` (top-level keys asked for, None = all)
keeps the costly relations (children, data sets, units) out of queries nobody asked for.
"""
import datetime as dt

from django.db.models import Prefetch

from samaneh.accounts.roles import Perm
from samaneh.core.text import search_key
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats.api.query import QueryError
from samaneh.stats.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
)
from samaneh.stats.uids import dhis2_level, org_unit_id, org_unit_uid

OPENING_DATE = "1900-01-01T00:00:00.000"


def timestamp(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    return value.isoformat() + "T00:00:00.000"


def _wants(want, *keys):
    return want is None or any(k in want for k in keys)


def _identifiable(obj, href):
    short = getattr(obj, "short_name", "") or obj.name[:50]
    out = {
        "id": obj.uid, "name": obj.name, "displayName": obj.name, "shortName": short, "displayShortName": short,
        "code": obj.code, "created": timestamp(obj.created), "lastUpdated": timestamp(obj.last_updated),
        "href": f"{href}/{obj.uid}",
    }
    if obj.name_en:
        out["translations"] = [{"locale": "en", "property": "NAME", "value": obj.name_en}]
    return out


def _ref(obj, **extra):
    return {"id": obj.uid, "name": obj.name, "displayName": obj.name, "code": obj.code, **extra}


def unit_ref(unit):
    return {"id": org_unit_uid(unit.pk), "name": unit.name, "displayName": unit.name, "code": unit.code or None,
            "level": dhis2_level(unit)}


def unit_path(unit):
    return "/" + "/".join(org_unit_uid(pk) for pk in unit.ancestor_ids())


# ---- data elements -------------------------------------------------------------------------------------
def data_elements(href, want=None, qs=None):
    qs = (qs if qs is not None else DataElement.objects.all()).select_related("category_combo")
    if _wants(want, "dataSetElements", "dataSets"):
        qs = qs.prefetch_related(Prefetch("set_memberships", DataSetElement.objects.select_related("data_set")))
    out = []
    for e in qs.order_by("name", "pk"):
        item = {
            **_identifiable(e, href), "description": e.description, "valueType": e.value_type,
            "aggregationType": e.aggregation_type, "domainType": e.domain_type,
            "zeroIsSignificant": e.zero_is_significant, "categoryCombo": _ref(e.category_combo),
            "formName": e.name,
        }
        if e.feed:
            item["attributeValues"] = [{"attribute": {"id": "feed", "name": "feed"}, "value": e.feed}]
        if _wants(want, "dataSetElements", "dataSets"):
            memberships = list(e.set_memberships.all())
            item["dataSetElements"] = [
                {"dataSet": _ref(m.data_set, periodType=m.data_set.period_type), "dataElement": {"id": e.uid}}
                for m in memberships
            ]
            item["dataSets"] = [_ref(m.data_set, periodType=m.data_set.period_type) for m in memberships]
        out.append(item)
    return out


# ---- data sets ----------------------------------------------------------------------------------------
def data_sets(href, user, want=None, qs=None):
    qs = qs if qs is not None else DataSet.objects.all()
    if _wants(want, "dataSetElements"):
        qs = qs.prefetch_related(
            Prefetch("set_elements", DataSetElement.objects.select_related("data_element__category_combo"))
        )
    units_by_set = {}
    if _wants(want, "organisationUnits"):
        visible = scope.units(user, Perm.STATS_VIEW)
        through = DataSet.organisation_units.through.objects.filter(
            dataset_id__in=qs.values("pk"), orgunit_id__in=visible.values("pk")
        ).select_related("orgunit")
        for link in through:
            units_by_set.setdefault(link.dataset_id, []).append(unit_ref(link.orgunit))
    out = []
    for s in qs.order_by("name", "pk"):
        item = {
            **_identifiable(s, href), "description": s.description, "periodType": s.period_type,
            "expiryDays": s.expiry_days, "timelyDays": s.timely_days, "openFuturePeriods": 0,
            "approveData": bool(s.approver_role), "categoryCombo": {"id": "bjDvmb4bfuf", "name": "default"},
            "formType": "DEFAULT",
        }
        if _wants(want, "dataSetElements"):
            item["dataSetElements"] = [
                {
                    "dataSet": {"id": s.uid},
                    "dataElement": _ref(
                        m.data_element, valueType=m.data_element.value_type,
                        aggregationType=m.data_element.aggregation_type,
                        categoryCombo=_ref(m.data_element.category_combo),
                    ),
                }
                for m in s.set_elements.all()
            ]
        if _wants(want, "organisationUnits"):
            item["organisationUnits"] = units_by_set.get(s.pk, [])
        out.append(item)
    return out


# ---- indicators ----------------------------------------------------------------------------------------
def indicators(href, want=None, qs=None):
    qs = qs if qs is not None else Indicator.objects.all()
    out = []
    for i in qs.order_by("name", "pk"):
        factor = int(i.factor) if float(i.factor).is_integer() else i.factor
        out.append({
            **_identifiable(i, href), "description": i.description, "numerator": i.numerator,
            "numeratorDescription": i.numerator_description, "denominator": i.denominator,
            "denominatorDescription": i.denominator_description, "decimals": i.decimals, "annualized": False,
            "indicatorType": {"id": f"factor{factor}", "name": f"×{factor}", "factor": factor, "number": factor == 1},
        })
    return out


# ---- category combos and option combos ----------------------------------------------------------------
def category_combos(href, want=None, qs=None):
    qs = (qs if qs is not None else CategoryCombo.objects.all()).prefetch_related("categories", "option_combos")
    return [
        {
            **_identifiable(c, href), "dataDimensionType": "DISAGGREGATION", "isDefault": c.is_default,
            "categories": [_ref(cat) for cat in c.categories.all()],
            "categoryOptionCombos": [_ref(coc) for coc in c.option_combos.all()],
        }
        for c in qs.order_by("name", "pk")
    ]


def category_option_combos(href, want=None, qs=None):
    qs = (qs if qs is not None else CategoryOptionCombo.objects.all()).select_related("combo")
    qs = qs.prefetch_related("options")
    return [
        {
            **_identifiable(c, href), "categoryCombo": _ref(c.combo),
            "categoryOptions": [_ref(o) for o in c.options.all()], "ignoreApproval": False,
        }
        for c in qs.order_by("combo__name", "sort_order", "pk")
    ]


# ---- organisation units (queried in the database: there are ~100,000) -------------------------------
OU_FILTER_FIELDS = {
    "id": "pk", "name": "name", "displayName": "name", "shortName": "name", "code": "code", "level": "level",
    "parent.id": "parent_id", "path": "path",
}


def org_unit_filter(qs, prop, op, value):
    """One DHIS2 filter as a database filter on OrgUnit."""
    field = OU_FILTER_FIELDS.get(prop)
    if field is None:
        raise QueryError(f"فیلتر روی «{prop}» برای واحدهای سازمانی پشتیبانی نمی‌شود")

    def convert(v):
        if field in ("pk", "parent_id"):
            return org_unit_id(v) or 0
        if field == "level":
            try:
                return int(v) - 1
            except (TypeError, ValueError):
                raise QueryError(f"سطح «{v}» عدد نیست") from None
        return v

    negate = op.startswith("!") or op in ("ne", "neq")
    base = op.lstrip("!")
    if field == "name" and base in ("like", "ilike", "$like", "$ilike", "like$", "ilike$"):
        field, value = "search_name", search_key(value or "")
    lookups = {
        "eq": "exact", "ne": "exact", "neq": "exact", "like": "contains", "ilike": "icontains",
        "$like": "startswith", "$ilike": "istartswith", "like$": "endswith", "ilike$": "iendswith",
        "in": "in", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "null": "isnull",
    }
    if base not in lookups:
        raise QueryError(f"عملگر فیلتر «{op}» پشتیبانی نمی‌شود")
    if field == "search_name" and lookups[base].startswith("i"):
        lookup = lookups[base][1:]  # search keys are already folded
    else:
        lookup = lookups[base]
    if base == "in":
        arg = [convert(v) for v in value]
    elif base == "null":
        arg = True
    else:
        arg = convert(value)
    condition = {f"{field}__{lookup}": arg}
    return qs.exclude(**condition) if negate else qs.filter(**condition)


def org_units(href, user, units, want=None):
    """Representations of `units` (an already narrowed, already paged list of OrgUnit)."""
    parent_ids = {u.parent_id for u in units if u.parent_id}
    parents = {p.pk: p for p in OrgUnit.objects.filter(pk__in=parent_ids)} if _wants(want, "parent") else {}
    children = {}
    if _wants(want, "children", "leaf", "childCount"):
        for child in OrgUnit.objects.filter(parent_id__in=[u.pk for u in units]).order_by("name"):
            children.setdefault(child.parent_id, []).append(child)
    sets = {}
    if _wants(want, "dataSets"):
        for link in DataSet.organisation_units.through.objects.filter(
            orgunit_id__in=[u.pk for u in units]
        ).select_related("dataset"):
            sets.setdefault(link.orgunit_id, []).append(_ref(link.dataset, periodType=link.dataset.period_type))
    out = []
    for u in units:
        uid = org_unit_uid(u.pk)
        item = {
            "id": uid, "name": u.name, "displayName": u.name, "shortName": u.name, "displayShortName": u.name,
            "code": u.code or None, "level": dhis2_level(u), "path": unit_path(u), "openingDate": OPENING_DATE,
            "href": f"{href}/{uid}", "attributeValues": [{"attribute": {"id": "kind", "name": "kind"},
                                                           "value": u.kind}],
        }
        if u.parent_id and _wants(want, "parent"):
            parent = parents.get(u.parent_id)
            item["parent"] = unit_ref(parent) if parent else {"id": org_unit_uid(u.parent_id)}
        if _wants(want, "children", "leaf", "childCount"):
            kids = children.get(u.pk, [])
            item["children"] = [unit_ref(c) for c in kids]
            item["leaf"] = not kids
            item["childCount"] = len(kids)
        if _wants(want, "dataSets"):
            item["dataSets"] = sets.get(u.pk, [])
        out.append(item)
    return out
