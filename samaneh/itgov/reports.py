"""The heterogeneity report and the integrated supervisory report on software, for one unit's subtree.

Both read approved profiles only (what the province signed off) and run a fixed number of queries whatever
the number of municipalities: every per-municipality fact comes from one grouped query, and the grouping
into counties (drill-down) is done on the materialised path, not by a query per unit.

Concentration: for one domain, with s_i the share of administrations running product i,
  Herfindahl–Hirschman index HHI = Σ s_i²  (1 = everyone on one product; 1/n = evenly spread over n products)
  Shannon entropy           H   = −Σ s_i ln s_i  (0 = one product; ln n = evenly spread)
A product outside the catalogue counts as its own product by the name typed (normalised).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.geo.models import OrgUnit
from samaneh.itgov import places, scoring
from samaneh.itgov.models import (
    Answer, ControlAnswer, Domain, ITProfile, Level, Product, ProfileStatus, Requirement, RequirementKind,
    SoftwareUse, SupportStatus,
)

MATURITY_BANDS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100.01)]


def hhi(counts):
    total = sum(counts)
    if not total:
        return None
    return sum((c / total) ** 2 for c in counts)


def shannon(counts):
    total = sum(counts)
    if not total:
        return None
    return -sum((c / total) * math.log(c / total) for c in counts if c)


def band_of(score):
    for index, (low, high) in enumerate(MATURITY_BANDS):
        if low <= score < high:
            return index
    return len(MATURITY_BANDS) - 1


def _approved(root, year):
    return ITProfile.objects.filter(org_unit__path__startswith=root.path, year=year, status=ProfileStatus.APPROVED)


def latest_year(root):
    """The latest Jalali year with approved profiles under `root`, or None."""
    return (ITProfile.objects.filter(org_unit__path__startswith=root.path, status=ProfileStatus.APPROVED)
            .order_by("-year").values_list("year", flat=True).first())


def _group_key(root, path):
    """The drill-down unit of a profile on `path`: the county (or province) directly below a province (or the
    country); below a county, the municipality's own unit — districts would only add a step."""
    ids = [int(p) for p in path.strip(".").split(".")]
    if root.level >= 2:
        return ids[-1]
    depth = root.level + 1
    return ids[depth] if len(ids) > depth else None


def _product_key(row):
    if row["version__product_id"]:
        return ("p", row["version__product_id"])
    return ("o", (row["other_product"] or "").strip())


def _product_name(row):
    if row["version__product_id"]:
        return row["version__product__name"]
    return _("%(name)s (خارج از فهرست)") % {"name": row["other_product"]}


# --- heterogeneity -------------------------------------------------------------------------------------


@dataclass
class DomainSpread:
    domain: Domain
    administrations: int = 0
    products: int = 0
    versions: int = 0
    hhi: float | None = None
    shannon: float | None = None
    hhi_previous: float | None = None
    shannon_previous: float | None = None
    leaders: list = field(default_factory=list)  # (product name, count), most used first

    @property
    def hhi_change(self):
        if self.hhi is None or self.hhi_previous is None:
            return None
        return self.hhi - self.hhi_previous


def heterogeneity(root: OrgUnit, year: int):
    domains = list(Domain.objects.in_force(year))
    spread = {d.pk: DomainSpread(d) for d in domains}
    per_year = {year: defaultdict(Counter), year - 1: defaultdict(Counter)}
    versions = defaultdict(set)
    names = {}
    rows = (SoftwareUse.objects.filter(profile__org_unit__path__startswith=root.path,
                                       profile__status=ProfileStatus.APPROVED, profile__year__in=[year, year - 1])
            .values("profile__year", "domain_id", "version_id", "version__product_id", "version__product__name",
                    "other_product", "other_version"))
    for row in rows:
        key = _product_key(row)
        names[key] = _product_name(row)
        per_year[row["profile__year"]][row["domain_id"]][key] += 1
        if row["profile__year"] == year:
            versions[row["domain_id"]].add(row["version_id"] or (key, row["other_version"]))
    for pk, item in spread.items():
        now = per_year[year].get(pk, Counter())
        before = per_year[year - 1].get(pk, Counter())
        item.administrations = sum(now.values())
        item.products = len(now)
        item.versions = len(versions[pk])
        item.hhi, item.shannon = hhi(now.values()), shannon(now.values())
        item.hhi_previous, item.shannon_previous = hhi(before.values()), shannon(before.values())
        item.leaders = [(names[key], count) for key, count in now.most_common(3)]

    profiles = list(_approved(root, year).values("pk", "org_unit__path", "administration__name",
                                                 *[f"score_{d}" for d in scoring.DIMENSIONS], "score_overall"))
    distribution = {d: [0] * len(MATURITY_BANDS) for d in (*scoring.DIMENSIONS, "overall")}
    for p in profiles:
        for d in (*scoring.DIMENSIONS, "overall"):
            value = p[f"score_{d}"]
            if value is not None:
                distribution[d][band_of(value)] += 1
    return {
        "root": root, "year": year, "domains": [spread[d.pk] for d in domains],
        "profiles": len(profiles), "distribution": distribution, "map": maturity_map(root, profiles),
        "bands": [f"{low:g}–{min(high, 100):g}" for low, high in MATURITY_BANDS],
        "dimensions": [(d, scoring.DIMENSION_LABELS[d]) for d in scoring.DIMENSIONS] + [("overall", _("کل"))],
    }


def maturity_map(root, profiles):
    """Markers coloured by mean overall maturity, one per unit below `root` whose seat we know.

    The platform has province boundaries (`samaneh.geo.boundaries`) but no county boundaries and no
    municipality coordinates: at country level the provinces themselves are coloured (`areas`, by unit id);
    inside a province the province is outlined and each county is a marker at its seat (`places`), and the
    page names the units it could not place."""
    groups = defaultdict(list)
    for p in profiles:
        key = _group_key(root, p["org_unit__path"])
        if key is not None and p["score_overall"] is not None:
            groups[key].append(p["score_overall"])
    units = OrgUnit.objects.in_bulk(list(groups))
    markers, unplaced, areas = [], [], {}
    for pk, scores in groups.items():
        unit = units[pk]
        where = places.locate(unit)
        mean = sum(scores) / len(scores)
        areas[pk] = {"score": round(mean, 1), "count": len(scores), "band": band_of(mean)}
        if where is None:
            unplaced.append(unit.name)
            continue
        markers.append({"name": unit.name, "lat": where[0], "lng": where[1], "score": round(mean, 1),
                        "count": len(scores), "band": band_of(mean)})
    return {"markers": sorted(markers, key=lambda m: m["name"]), "unplaced": sorted(unplaced), "areas": areas,
            "level": "county" if root.level >= 1 else "province"}


# --- supervisory --------------------------------------------------------------------------------------


@dataclass
class Group:
    unit: OrgUnit | None
    profiles: int = 0
    unsupported: int = 0
    missing_domains: int = 0
    substandard: int = 0
    controls_not_implemented: int = 0
    pending_review: int = 0
    profile_id: int | None = None  # below a county each group is one municipality: link to its profile
    overall: list = field(default_factory=list)

    @property
    def mean_overall(self):
        return round(sum(self.overall) / len(self.overall), 1) if self.overall else None


def substandard_products(product_ids, year):
    """{product id: [mandatory standard codes it does not meet]} for the products given, in two queries."""
    mandatory = defaultdict(list)
    for code, domain_id in Requirement.objects.in_force(year).filter(
            kind=RequirementKind.STANDARD, level=Level.MANDATORY, domain__isnull=False).values_list("code", "domain_id"):
        mandatory[domain_id].append(code)
    met = defaultdict(set)
    product_domains = defaultdict(set)
    through_met = Product.requirements_met.through.objects.filter(product_id__in=product_ids)
    for product_id, code in through_met.values_list("product_id", "requirement__code"):
        met[product_id].add(code)
    for product_id, domain_id in Product.domains.through.objects.filter(product_id__in=product_ids).values_list(
            "product_id", "domain_id"):
        product_domains[product_id].add(domain_id)
    result = {}
    for product_id in product_ids:
        wanted = sorted({code for d in product_domains[product_id] for code in mandatory[d]})
        result[product_id] = [code for code in wanted if code not in met[product_id]]
    return result


def _grouped(lines, keys):
    """[{key fields…, "administrations": [names]}] — lines sharing `keys`, most administrations first."""
    groups = {}
    for line in lines:
        key = tuple(tuple(line[k]) if isinstance(line[k], list) else line[k] for k in keys)
        group = groups.setdefault(key, {**{k: line[k] for k in keys}, "administrations": []})
        group["administrations"].append(line["administration"])
    return sorted(groups.values(), key=lambda g: (-len(g["administrations"]), str(g[keys[0]])))


def supervisory(root: OrgUnit, year: int, report_date: dt.date | None = None):
    report_date = report_date or timezone.localdate()
    profiles = {p["pk"]: p for p in _approved(root, year).values(
        "pk", "org_unit_id", "org_unit__path", "org_unit__name", "administration__name", "administration__kind",
        "score_overall")}
    domains = list(Domain.objects.in_force(year))
    software = list(
        SoftwareUse.objects.filter(profile_id__in=_approved(root, year).values("pk"))
        .values("profile_id", "domain_id", "version_id", "version__version", "version__support_status",
                "version__end_of_support", "version__product_id", "version__product__name",
                "version__product__vendor__name", "other_product", "other_vendor", "other_version", "hosting",
                "licence", "pending_review")
    )
    product_ids = sorted({r["version__product_id"] for r in software if r["version__product_id"]})
    lacking = substandard_products(product_ids, year)
    controls = list(Requirement.objects.in_force(year).filter(kind=RequirementKind.CONTROL).order_by("theme", "code"))
    not_implemented = defaultdict(Counter)
    weak_per_profile = Counter()
    for requirement_id, answer, profile_id in ControlAnswer.objects.filter(
            profile_id__in=_approved(root, year).values("pk"), answer__in=[Answer.NO, Answer.PARTLY]).values_list(
            "requirement_id", "answer", "profile_id"):
        not_implemented[requirement_id][answer] += 1
        if answer == Answer.NO:
            weak_per_profile[profile_id] += 1

    rows, unsupported, substandard = [], [], []
    present = defaultdict(set)
    per_profile_unsupported = Counter()
    per_profile_substandard = Counter()
    pending = Counter()
    domain_names = {d.pk: d.name for d in domains}
    for r in software:
        p = profiles[r["profile_id"]]
        present[r["profile_id"]].add(r["domain_id"])
        catalogued = bool(r["version_id"])
        end = r["version__end_of_support"]
        is_unsupported = catalogued and (r["version__support_status"] == SupportStatus.UNSUPPORTED
                                         or (end is not None and end < report_date))
        line = {
            "administration": p["administration__name"], "profile": r["profile_id"], "path": p["org_unit__path"],
            "domain": domain_names.get(r["domain_id"], ""),
            "product": r["version__product__name"] if catalogued else r["other_product"],
            "vendor": r["version__product__vendor__name"] if catalogued else r["other_vendor"],
            "version": r["version__version"] if catalogued else r["other_version"],
            "end_of_support": end, "unsupported": is_unsupported, "pending_review": r["pending_review"],
            "lacking": lacking.get(r["version__product_id"], []) if catalogued else [],
            "hosting": r["hosting"], "licence": r["licence"],
        }
        rows.append(line)
        if is_unsupported:
            unsupported.append(line)
            per_profile_unsupported[r["profile_id"]] += 1
        if line["lacking"]:
            substandard.append(line)
            per_profile_substandard[r["profile_id"]] += 1
        if r["pending_review"]:
            pending[r["profile_id"]] += 1

    missing = []
    per_profile_missing = Counter()
    for pk, p in profiles.items():
        for d in domains:
            if d.applies(p["administration__kind"]) and d.pk not in present[pk]:
                missing.append({"administration": p["administration__name"], "profile": pk, "domain": d.name,
                                "path": p["org_unit__path"]})
                per_profile_missing[pk] += 1

    group_units = OrgUnit.objects.in_bulk(
        {k for k in (_group_key(root, p["org_unit__path"]) for p in profiles.values()) if k is not None})
    groups = {}
    for pk, p in profiles.items():
        key = _group_key(root, p["org_unit__path"])
        group = groups.setdefault(key, Group(group_units.get(key)))
        group.profiles += 1
        if root.level >= 2:
            group.profile_id = pk
        group.unsupported += per_profile_unsupported[pk]
        group.missing_domains += per_profile_missing[pk]
        group.substandard += per_profile_substandard[pk]
        group.controls_not_implemented += weak_per_profile[pk]
        group.pending_review += pending[pk]
        if p["score_overall"] is not None:
            group.overall.append(p["score_overall"])
    control_rows = [
        {"control": c, "no": not_implemented[c.pk][Answer.NO], "partly": not_implemented[c.pk][Answer.PARTLY]}
        for c in controls if not_implemented[c.pk]
    ]
    control_rows.sort(key=lambda r: (-(r["no"] * 2 + r["partly"]), r["control"].code))
    counts = dict(ITProfile.objects.filter(org_unit__path__startswith=root.path, year=year)
                  .values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    rows.sort(key=lambda line: (line["administration"], line["domain"]))
    missing.sort(key=lambda m: (m["administration"], m["domain"]))
    return {
        "root": root, "year": year, "report_date": report_date, "profiles": len(profiles),
        "groups": sorted(groups.values(), key=lambda g: g.unit.name if g.unit else ""),
        "rows": rows, "unsupported": unsupported, "missing": missing, "substandard": substandard,
        "controls": control_rows,
        # The council's printout reads these: one line per version, product or domain, not per municipality.
        "unsupported_by_version": _grouped(unsupported, ("product", "version", "end_of_support")),
        "substandard_by_product": _grouped(substandard, ("product", "version", "lacking")),
        "missing_by_domain": _grouped(missing, ("domain",)),
        "status_counts": [(ProfileStatus(s).label, counts.get(s, 0)) for s in ProfileStatus.values],
    }
