"""The funding-priority model: a weighted sum of nine criteria, each a site fact scaled to 0–1.

A criterion's scaled value says how much that fact calls for remediation money (1 = most urgent).
The score is 100 × Σ weight × scaled value, with weights set by national experts (a versioned
`WeightSet`, summing to 1). Each site's score is explained criterion by criterion, and the
contributions add up to the score exactly (rounding is applied only on screen).

Scales (linear between the two anchors, clamped; anchors chosen from common siting guidance —
e.g. minimum buffer distances of a few hundred metres to settlements and water, and deeper
groundwater being safer — and meant to be revised with the weights):

    water      distance to river/qanat/well:   ≤ 100 m → 1,   ≥ 2,000 m → 0
    groundwater depth to groundwater:          ≤ 5 m → 1,     ≥ 50 m → 0
    village    distance to nearest village:    ≤ 300 m → 1,   ≥ 3,000 m → 0
    protected  inside a protected area 1, within 5 km 0.5, no 0
    flood      high-risk flood zone 1, low-risk 0.5, none 0
    soil       permeability high 1, medium 0.5, low 0
    incidents  (2 × fires + complaints) per year: 0 → 0, ≥ 20 → 1; complaints are the larger of the
               site's recorded yearly figure and what the complaints service received near it in the last
               year (`selectors.complaints_near`), when the caller has set `complaints_from_service`
    equipment  share missing of fence, bottom lining, leachate collection, daily cover
    intake     daily intake (tonnes): 0 → 0, ≥ 50 → 1 (more people affected)

A fact that was never recorded counts as 0.5 ("unknown") and is flagged in the explanation,
so an unmeasured site is neither hidden nor pushed to the top.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

UNKNOWN = 0.5


def _falling(value, near, far):
    """1 at or below `near`, 0 at or above `far`, linear between."""
    if value <= near:
        return 1.0
    if value >= far:
        return 0.0
    return (far - value) / (far - near)


def _rising(value, low, high):
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    # scale(site) -> (scaled 0..1, shown fact text, known?) or the same with a fourth item: a note on
    # where the fact came from, shown under it
    scale: callable


def _distance(field, near, far):
    def scale(site):
        value = getattr(site, field)
        if value is None:
            return UNKNOWN, None, False
        return _falling(value, near, far), value, True

    return scale


def _choice(field, table):
    def scale(site):
        value = getattr(site, field)
        return table[value], getattr(site, f"get_{field}_display")(), True

    return scale


def _incidents(site):
    received = getattr(site, "complaints_from_service", 0)
    complaints = max(site.complaints_per_year, received)
    events = 2 * site.fire_incidents_per_year + complaints
    note = ""
    if received > site.complaints_per_year:
        note = _("شکایت‌ها از سامانه شکایات: %(received)s در ۱۲ ماه گذشته (ثبت‌شده برای مرکز: %(recorded)s)") % {
            "received": received, "recorded": site.complaints_per_year}
    return _rising(events, 0, 20), events, True, note


def _equipment(site):
    present = [site.has_fence, site.has_lining, site.has_leachate_collection, site.has_daily_cover]
    missing = present.count(False)
    return missing / len(present), missing, True


def _intake(site):
    return _rising(site.daily_intake_tonnes or 0, 0, 50), site.daily_intake_tonnes, True


CRITERIA = [
    Criterion("water", _("نزدیکی به رودخانه، قنات یا چاه"), _distance("distance_to_water_m", 100, 2000)),
    Criterion("groundwater", _("کم‌عمقی آب زیرزمینی"), _distance("groundwater_depth_m", 5, 50)),
    Criterion("village", _("نزدیکی به روستا"), _distance("distance_to_village_m", 300, 3000)),
    Criterion("protected", _("منطقه حفاظت‌شده"), _choice("protected_area", {"inside": 1.0, "near": 0.5, "no": 0.0})),
    Criterion("flood", _("پهنه سیل"), _choice("flood_zone", {"high": 1.0, "low": 0.5, "none": 0.0})),
    Criterion("soil", _("نفوذپذیری خاک"), _choice("soil_permeability", {"high": 1.0, "medium": 0.5, "low": 0.0})),
    Criterion("incidents", _("آتش‌سوزی و شکایت (۲×آتش‌سوزی + شکایت در سال)"), _incidents),
    Criterion("equipment", _("تجهیزات ناموجود از ۴ (حصار، عایق کف، شیرابه، پوشش)"), _equipment),
    Criterion("intake", _("ورودی روزانه (تن)"), _intake),
]
CRITERIA_KEYS = [c.key for c in CRITERIA]

# Version 1 of the weights, before national experts set their own.
DEFAULT_WEIGHTS = {
    "water": 0.18, "groundwater": 0.12, "village": 0.14, "protected": 0.12, "flood": 0.10,
    "soil": 0.08, "incidents": 0.10, "equipment": 0.10, "intake": 0.06,
}
WEIGHT_TOLERANCE = 1e-6


class WeightsError(ValueError):
    """Weights that are incomplete, negative or do not sum to 1 (Persian message)."""


def weights_check(weights: dict) -> dict:
    """The weights as floats, or WeightsError naming what is wrong."""
    missing = [k for k in CRITERIA_KEYS if k not in weights]
    if missing:
        raise WeightsError(f"وزن این معیارها داده نشده است: {'، '.join(missing)}")
    unknown = [k for k in weights if k not in CRITERIA_KEYS]
    if unknown:
        raise WeightsError(f"معیار ناشناخته: {'، '.join(unknown)}")
    clean = {k: float(weights[k]) for k in CRITERIA_KEYS}
    negative = [k for k, v in clean.items() if v < 0]
    if negative:
        raise WeightsError("وزن معیار نمی‌تواند منفی باشد")
    total = sum(clean.values())
    if abs(total - 1) > WEIGHT_TOLERANCE:
        from samaneh.core.text import localize_digits

        raise WeightsError(f"جمع وزن‌ها باید ۱ باشد؛ اکنون {localize_digits(f'{total:.4f}')} است")
    return clean


@dataclass
class ExplanationRow:
    key: str
    label: str
    fact: object
    known: bool
    scaled: float
    weight: float
    points: float  # 100 × weight × scaled
    note: str = ""


@dataclass
class SiteScore:
    site: object
    score: float
    rows: list[ExplanationRow]

    @property
    def unknown_facts(self):
        return [row.label for row in self.rows if not row.known]


def score_site(site, weights: dict) -> SiteScore:
    rows = []
    for criterion in CRITERIA:
        scaled, fact, known, *note = criterion.scale(site)
        weight = weights[criterion.key]
        rows.append(ExplanationRow(criterion.key, criterion.label, fact, known, scaled, weight, 100 * weight * scaled,
                                   str(note[0]) if note else ""))
    return SiteScore(site=site, score=sum(row.points for row in rows), rows=rows)
