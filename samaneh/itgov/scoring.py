"""The IT maturity model: five dimension scores (0–100) and an overall score, item by item.

Each dimension is a weighted sum of items, each item a value between 0 and 1; the dimension score is
100 × Σ(item weight × item value). The item weights below are part of the shared definition and fixed in
code (a change is a reviewed code change); the *dimension* weights are configured by the national IT office
(`ScoreWeights`, in force from a Jalali year, summing to exactly 1). Overall = Σ(dimension weight × score).

Software (over the domains in force that year for the administration's kind, municipality or dehyari)
  coverage      0.40  share of domains with some software in use
  currency      0.30  share of software in use that is a catalogued version still supported on the last day
                      of the profile's year (a version "pending catalogue review" is not counted as current)
  integration   0.15  share of software in use integrated with at least one other system
  satisfaction  0.15  mean of (satisfaction − 1) / 4
Hardware
  workstations  0.30  share of workstations under 5 years old
  servers       0.20  share of servers under 5 years old; 1 when there are no servers and nothing is hosted
                      on the premises (all software in the provincial data centre or a vendor cloud)
  bandwidth     0.20  bandwidth ÷ (2 Mbit/s × workstations), capped at 1
  backup        0.15  1 when there is backup equipment
  offsite       0.15  1 when a backup copy is kept outside the building
Management
  it_unit       0.30  1 when there is an IT unit
  position      0.20  reports to the mayor 1, to a deputy 0.6, to a department 0.3, no unit 0
  budget        0.25  IT budget share ÷ 2 %, capped at 1
  plan          0.25  1 when there is a written IT plan
People
  staffing      0.35  IT staff ÷ target, capped at 1; target = one IT person per 50 workstations, at least one
  permanent     0.20  share of IT staff employed permanently
  certified     0.25  share of IT staff holding a professional certificate, capped at 1
  retention     0.20  1 − leavers ÷ (staff now + leavers); 0 when there never was anyone
Security (over the framework controls in force that year; "not applicable" answers left out)
  controls      1.00  Σ(control weight × answer value) ÷ Σ(control weight); mandatory controls weigh 2,
                      recommended 1; implemented 1, partly 0.5, no (or unanswered) 0; 0 when none applies
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

import jdatetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

DIMENSIONS = ("software", "hardware", "management", "people", "security")
DIMENSION_LABELS = {
    "software": _lazy("نرم‌افزار"), "hardware": _lazy("سخت‌افزار"), "management": _lazy("مدیریت"),
    "people": _lazy("نیروی انسانی"), "security": _lazy("امنیت"),
}
# Used until the national IT office saves weights of its own.
DEFAULT_WEIGHTS = {"software": 0.30, "hardware": 0.15, "management": 0.15, "people": 0.15, "security": 0.25}

BANDWIDTH_PER_WORKSTATION_MBPS = 2
WORKSTATIONS_PER_IT_PERSON = 50
BUDGET_SHARE_TARGET = Decimal("2")
POSITION_VALUE = {"mayor": 1.0, "deputy": 0.6, "department": 0.3, "none": 0.0}
ANSWER_VALUE = {"implemented": 1.0, "partly": 0.5, "no": 0.0}
CONTROL_WEIGHT = {"mandatory": 2, "recommended": 1}


def year_end(year):
    """The last Gregorian day of Jalali `year` (support is judged on that day)."""
    return jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)


@dataclass
class Item:
    code: str
    label: str
    weight: float
    value: float
    explanation: str

    @property
    def points(self):
        return 100 * self.weight * self.value


@dataclass
class DimensionScore:
    dimension: str
    items: list = field(default_factory=list)

    @property
    def label(self):
        return DIMENSION_LABELS[self.dimension]

    @property
    def score(self):
        return round(sum(item.points for item in self.items), 2)


@dataclass
class Facts:
    """What the model reads about one profile, gathered by the caller (in bulk for many profiles)."""

    year: int
    applicable_domains: int
    software: list  # of SoftwareFact
    controls: list  # of (level, answer or None) for every control in force
    servers_new: int = 0
    servers_mid: int = 0
    servers_old: int = 0
    workstations_new: int = 0
    workstations_mid: int = 0
    workstations_old: int = 0
    backup_devices: int = 0
    offsite_backup: bool = False
    bandwidth_mbps: int = 0
    has_it_unit: bool = False
    it_reports_to: str = "none"
    it_budget_share: Decimal = Decimal("0")
    has_written_plan: bool = False
    staff_permanent: int = 0
    staff_contract: int = 0
    staff_outsourced: int = 0
    staff_certified: int = 0
    staff_left: int = 0


@dataclass
class SoftwareFact:
    catalogued: bool
    supported_at_year_end: bool
    integrations: int
    satisfaction: int
    on_premise: bool


def _share(part, whole):
    return part / whole if whole else 0.0


def _has(flag):
    return _("دارد") if flag else _("ندارد")


def software(f: Facts) -> DimensionScore:
    rows = f.software
    n = len(rows)
    current = sum(1 for r in rows if r.catalogued and r.supported_at_year_end)
    integrated = sum(1 for r in rows if r.integrations > 0)
    satisfaction = _share(sum((r.satisfaction - 1) / 4 for r in rows), n)
    coverage = min(1.0, _share(n, f.applicable_domains))
    return DimensionScore("software", [
        Item("coverage", _("پوشش حوزه‌ها"), 0.40, coverage,
             _("%(n)s از %(all)s حوزه نرم‌افزار دارد") % {"n": n, "all": f.applicable_domains}),
        Item("currency", _("به‌روز بودن نسخه‌ها"), 0.30, _share(current, n),
             _("%(c)s از %(n)s نرم‌افزار نسخه فهرست‌شده و پشتیبانی‌شده در پایان سال %(y)s است")
             % {"c": current, "n": n, "y": f.year}),
        Item("integration", _("یکپارچگی"), 0.15, _share(integrated, n),
             _("%(i)s از %(n)s نرم‌افزار با سامانه دیگری یکپارچه است") % {"i": integrated, "n": n}),
        Item("satisfaction", _("رضایت کاربران"), 0.15, satisfaction,
             _("میانگین رضایت به مقیاس صفر تا یک: %(s).2f") % {"s": satisfaction}),
    ])


def hardware(f: Facts) -> DimensionScore:
    workstations = f.workstations_new + f.workstations_mid + f.workstations_old
    young_workstations = f.workstations_new + f.workstations_mid
    servers = f.servers_new + f.servers_mid + f.servers_old
    hosted_elsewhere = bool(f.software) and not any(r.on_premise for r in f.software)
    if servers == 0 and hosted_elsewhere:
        server_value, server_text = 1.0, _("سرور ندارد و همه نرم‌افزارها بیرون از ساختمان میزبانی می‌شوند")
    else:
        server_value = _share(f.servers_new + f.servers_mid, servers)
        server_text = _("%(y)s از %(n)s سرور زیر ۵ سال") % {"y": f.servers_new + f.servers_mid, "n": servers}
    needed = BANDWIDTH_PER_WORKSTATION_MBPS * workstations
    bandwidth = min(1.0, _share(f.bandwidth_mbps, needed))
    return DimensionScore("hardware", [
        Item("workstations", _("عمر رایانه‌های کاربری"), 0.30, _share(young_workstations, workstations),
             _("%(y)s از %(n)s رایانه زیر ۵ سال") % {"y": young_workstations, "n": workstations}),
        Item("servers", _("عمر سرورها"), 0.20, server_value, server_text),
        Item("bandwidth", _("پهنای باند"), 0.20, bandwidth,
             _("%(b)s مگابیت در برابر نیاز %(need)s مگابیت") % {"b": f.bandwidth_mbps, "need": needed}),
        Item("backup", _("تجهیز پشتیبان‌گیری"), 0.15, 1.0 if f.backup_devices else 0.0,
             _("%(n)s تجهیز پشتیبان‌گیری") % {"n": f.backup_devices}),
        Item("offsite", _("نسخه پشتیبان بیرون از ساختمان"), 0.15, 1.0 if f.offsite_backup else 0.0,
             _has(f.offsite_backup)),
    ])


def management(f: Facts) -> DimensionScore:
    budget = min(1.0, float(Decimal(f.it_budget_share) / BUDGET_SHARE_TARGET))
    positions = {"mayor": _("زیر نظر شهردار/دهیار"), "deputy": _("زیر نظر معاون"),
                 "department": _("زیر نظر یک اداره"), "none": _("واحد مستقل ندارد")}
    return DimensionScore("management", [
        Item("it_unit", _("واحد فناوری اطلاعات"), 0.30, 1.0 if f.has_it_unit else 0.0, _has(f.has_it_unit)),
        Item("position", _("جایگاه در نمودار سازمانی"), 0.20, POSITION_VALUE.get(f.it_reports_to, 0.0),
             positions.get(f.it_reports_to, "")),
        Item("budget", _("سهم بودجه"), 0.25, budget,
             _("%(share)s٪ از بودجه، هدف %(target)s٪") % {"share": f.it_budget_share, "target": BUDGET_SHARE_TARGET}),
        Item("plan", _("برنامه مکتوب"), 0.25, 1.0 if f.has_written_plan else 0.0, _has(f.has_written_plan)),
    ])


def people(f: Facts) -> DimensionScore:
    staff = f.staff_permanent + f.staff_contract + f.staff_outsourced
    workstations = f.workstations_new + f.workstations_mid + f.workstations_old
    target = max(1, math.ceil(workstations / WORKSTATIONS_PER_IT_PERSON))
    ever = staff + f.staff_left
    return DimensionScore("people", [
        Item("staffing", _("کفایت نیرو"), 0.35, min(1.0, staff / target),
             _("%(n)s نفر در برابر هدف %(t)s نفر") % {"n": staff, "t": target}),
        Item("permanent", _("پایداری استخدام"), 0.20, _share(f.staff_permanent, staff),
             _("%(p)s از %(n)s نفر رسمی/پیمانی") % {"p": f.staff_permanent, "n": staff}),
        Item("certified", _("گواهی‌نامه تخصصی"), 0.25, min(1.0, _share(f.staff_certified, staff)),
             _("%(c)s از %(n)s نفر گواهی‌نامه دارند") % {"c": f.staff_certified, "n": staff}),
        Item("retention", _("ماندگاری"), 0.20, (1 - f.staff_left / ever) if ever else 0.0,
             _("%(n)s نفر در سال رفتند") % {"n": f.staff_left}),
    ])


def security(f: Facts) -> DimensionScore:
    total = earned = 0.0
    applicable = 0
    for level, answer in f.controls:
        if answer == "na":
            continue
        weight = CONTROL_WEIGHT[level]
        applicable += 1
        total += weight
        earned += weight * ANSWER_VALUE.get(answer, 0.0)
    value = _share(earned, total)
    return DimensionScore("security", [
        Item("controls", _("کنترل‌های چارچوب امنیت"), 1.0, value,
             _("%(n)s کنترل موضوعیت دارد؛ امتیاز وزنی %(e)g از %(t)g") % {"n": applicable, "e": earned, "t": total}),
    ])


def score(f: Facts, weights: dict | None = None):
    """({dimension: DimensionScore}, overall score) for one profile's facts."""
    weights = weights or DEFAULT_WEIGHTS
    dims = {d.dimension: d for d in (software(f), hardware(f), management(f), people(f), security(f))}
    overall = round(sum(weights[name] * dims[name].score for name in DIMENSIONS), 2)
    return dims, overall
