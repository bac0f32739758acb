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

DIMENSIONS = ("software", "hardware", "management", "people", "security")
DIMENSION_LABELS = {
    "software": "نرم‌افزار", "hardware": "سخت‌افزار", "management": "مدیریت", "people": "نیروی انسانی",
    "security": "امنیت",
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


def _pct(value):
    return f"{100 * value:.0f}٪"


def software(f: Facts) -> DimensionScore:
    rows = f.software
    n = len(rows)
    current = sum(1 for r in rows if r.catalogued and r.supported_at_year_end)
    integrated = sum(1 for r in rows if r.integrations > 0)
    satisfaction = _share(sum((r.satisfaction - 1) / 4 for r in rows), n)
    coverage = min(1.0, _share(n, f.applicable_domains))
    return DimensionScore("software", [
        Item("coverage", "پوشش حوزه‌ها", 0.40, coverage, f"{n} از {f.applicable_domains} حوزه نرم‌افزار دارد"),
        Item("currency", "به‌روز بودن نسخه‌ها", 0.30, _share(current, n),
             f"{current} از {n} نرم‌افزار نسخه فهرست‌شده و پشتیبانی‌شده در پایان سال {f.year} است"),
        Item("integration", "یکپارچگی", 0.15, _share(integrated, n), f"{integrated} از {n} نرم‌افزار با سامانه دیگری یکپارچه است"),
        Item("satisfaction", "رضایت کاربران", 0.15, satisfaction, f"میانگین رضایت به مقیاس صفر تا یک: {satisfaction:.2f}"),
    ])


def hardware(f: Facts) -> DimensionScore:
    workstations = f.workstations_new + f.workstations_mid + f.workstations_old
    servers = f.servers_new + f.servers_mid + f.servers_old
    hosted_elsewhere = bool(f.software) and not any(r.on_premise for r in f.software)
    if servers == 0 and hosted_elsewhere:
        server_value, server_text = 1.0, "سرور ندارد و همه نرم‌افزارها بیرون از ساختمان میزبانی می‌شوند"
    else:
        server_value = _share(f.servers_new + f.servers_mid, servers)
        server_text = f"{f.servers_new + f.servers_mid} از {servers} سرور زیر ۵ سال"
    needed = BANDWIDTH_PER_WORKSTATION_MBPS * workstations
    bandwidth = min(1.0, _share(f.bandwidth_mbps, needed))
    return DimensionScore("hardware", [
        Item("workstations", "عمر رایانه‌های کاربری", 0.30, _share(f.workstations_new + f.workstations_mid, workstations),
             f"{f.workstations_new + f.workstations_mid} از {workstations} رایانه زیر ۵ سال"),
        Item("servers", "عمر سرورها", 0.20, server_value, server_text),
        Item("bandwidth", "پهنای باند", 0.20, bandwidth, f"{f.bandwidth_mbps} مگابیت در برابر نیاز {needed} مگابیت"),
        Item("backup", "تجهیز پشتیبان‌گیری", 0.15, 1.0 if f.backup_devices else 0.0,
             f"{f.backup_devices} تجهیز پشتیبان‌گیری"),
        Item("offsite", "نسخه پشتیبان بیرون از ساختمان", 0.15, 1.0 if f.offsite_backup else 0.0,
             "دارد" if f.offsite_backup else "ندارد"),
    ])


def management(f: Facts) -> DimensionScore:
    budget = min(1.0, float(Decimal(f.it_budget_share) / BUDGET_SHARE_TARGET))
    return DimensionScore("management", [
        Item("it_unit", "واحد فناوری اطلاعات", 0.30, 1.0 if f.has_it_unit else 0.0, "دارد" if f.has_it_unit else "ندارد"),
        Item("position", "جایگاه در نمودار سازمانی", 0.20, POSITION_VALUE.get(f.it_reports_to, 0.0),
             {"mayor": "زیر نظر شهردار/دهیار", "deputy": "زیر نظر معاون", "department": "زیر نظر یک اداره",
              "none": "واحد مستقل ندارد"}.get(f.it_reports_to, "")),
        Item("budget", "سهم بودجه", 0.25, budget, f"{f.it_budget_share}٪ از بودجه، هدف {BUDGET_SHARE_TARGET}٪"),
        Item("plan", "برنامه مکتوب", 0.25, 1.0 if f.has_written_plan else 0.0, "دارد" if f.has_written_plan else "ندارد"),
    ])


def people(f: Facts) -> DimensionScore:
    staff = f.staff_permanent + f.staff_contract + f.staff_outsourced
    workstations = f.workstations_new + f.workstations_mid + f.workstations_old
    target = max(1, math.ceil(workstations / WORKSTATIONS_PER_IT_PERSON))
    ever = staff + f.staff_left
    return DimensionScore("people", [
        Item("staffing", "کفایت نیرو", 0.35, min(1.0, staff / target), f"{staff} نفر در برابر هدف {target} نفر"),
        Item("permanent", "پایداری استخدام", 0.20, _share(f.staff_permanent, staff), f"{f.staff_permanent} از {staff} نفر رسمی/پیمانی"),
        Item("certified", "گواهی‌نامه تخصصی", 0.25, min(1.0, _share(f.staff_certified, staff)),
             f"{f.staff_certified} از {staff} نفر گواهی‌نامه دارند"),
        Item("retention", "ماندگاری", 0.20, (1 - f.staff_left / ever) if ever else 0.0, f"{f.staff_left} نفر در سال رفتند"),
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
        Item("controls", "کنترل‌های چارچوب امنیت", 1.0, value,
             f"{applicable} کنترل موضوعیت دارد؛ امتیاز وزنی {earned:g} از {total:g}"),
    ])


def score(f: Facts, weights: dict | None = None):
    """({dimension: DimensionScore}, overall score) for one profile's facts."""
    weights = weights or DEFAULT_WEIGHTS
    dims = {d.dimension: d for d in (software(f), hardware(f), management(f), people(f), security(f))}
    overall = round(sum(weights[name] * dims[name].score for name in DIMENSIONS), 2)
    return dims, overall
