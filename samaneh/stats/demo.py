"""Demo statistics for the embedded trial (`make run`) and for other parts' tests and screenshots.

`create_demo_stats()` is idempotent: metadata is found by its fixed uid (so API examples, tests and
saved pivots can name it), and values are written only for periods that have none yet. Values go
through the one write path, `datavalues.datavalues_import` (trusted: no user, no lock).
"""
import datetime as dt
import math
import random

from django.db import transaction
from django.utils import timezone

from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.models import (
    AggregationType,
    CategoryCombo,
    CompleteRegistration,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    ValidationRule,
    ValueType,
)
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
from samaneh.stats.uids import org_unit_uid
from samaneh.web.demo import demo_province

GENDER_COMBO_CODE = "GENDER"
MONTHLY_SET_UID = "HFyt342o5ri"
YEARLY_SET_UID = "bmsQOZklw0C"

V, A = ValueType, AggregationType
# (uid, code, Persian name, English name, value type, aggregation, gender-disaggregated)
ELEMENTS = [
    ("WJRFlgXINqj", "POP_SERVED", "جمعیت تحت پوشش", "Population served", V.INTEGER_ZERO_OR_POSITIVE, A.LAST, False),
    ("CNQ2IDnnIaO", "REV_FEES", "درآمد عوارض (میلیون ریال)", "Revenue from fees (million rials)", V.NUMBER, A.SUM, False),
    ("LXJfrxmsqyF", "EXPENDITURE", "هزینه‌کرد (میلیون ریال)", "Expenditure (million rials)", V.NUMBER, A.SUM, False),
    ("Y1e0SMVLSCa", "BUDGET_SPENT_PCT", "درصد تحقق هزینه‌کرد بودجه", "Share of budget spent", V.PERCENTAGE, A.AVERAGE, False),
    ("vFJp7V3q8EM", "BUILD_PERMITS", "تعداد پروانه‌های ساختمانی صادرشده", "Building permits issued",
     V.INTEGER_ZERO_OR_POSITIVE, A.SUM, False),
    # Same codes as the complaints service's automatic feed, so the feed takes these elements over.
    ("LQu8D5otj7Q", "CMP_RECEIVED", "شکایات و درخواست‌های دریافتی", "Complaints and requests received",
     V.INTEGER_ZERO_OR_POSITIVE, A.SUM, False),
    ("VYRmaFBwI3B", "CMP_ANSWERED", "شکایات و درخواست‌های پاسخ‌داده‌شده", "Complaints and requests answered",
     V.INTEGER_ZERO_OR_POSITIVE, A.SUM, False),
    ("pCSn8Y622pF", "WASTE_TONNES", "پسماند جمع‌آوری‌شده (تن)", "Solid waste collected (tonnes)", V.NUMBER, A.SUM, False),
    ("tqNGhlzDPda", "BUDGET_APPROVED", "بودجه مصوب (میلیون ریال)", "Approved budget (million rials)", V.NUMBER, A.SUM, False),
    ("tJGWWuKTSfA", "STAFF_PERMANENT", "کارکنان رسمی و پیمانی", "Permanent staff", V.INTEGER_ZERO_OR_POSITIVE, A.SUM, True),
    ("jqaJ7UmzeH4", "STAFF_CONTRACT", "کارکنان قراردادی", "Contract staff", V.INTEGER_ZERO_OR_POSITIVE, A.SUM, True),
    ("BCfhR0wu4EQ", "GREEN_PER_CAPITA", "سرانه فضای سبز (مترمربع)", "Green space per capita (m²)", V.NUMBER, A.AVERAGE, False),
    ("dDSM7tNKXqZ", "HAS_IT_UNIT", "واحد فناوری اطلاعات دارد", "Has an IT unit", V.BOOLEAN, A.SUM, False),
]
UID = {code: uid for uid, code, *_ in ELEMENTS}

MONTHLY_SECTIONS = [
    ("جمعیت و مالی", ["POP_SERVED", "REV_FEES", "EXPENDITURE", "BUDGET_SPENT_PCT"]),
    ("شهرسازی", ["BUILD_PERMITS"]),
    ("پاسخ‌گویی به مردم", ["CMP_RECEIVED", "CMP_ANSWERED"]),
    ("خدمات شهری", ["WASTE_TONNES"]),
]
YEARLY_SECTIONS = [
    ("بودجه", ["BUDGET_APPROVED"]),
    ("نیروی انسانی", ["STAFF_PERMANENT", "STAFF_CONTRACT"]),
    ("فضای سبز و فناوری", ["GREEN_PER_CAPITA", "HAS_IT_UNIT"]),
]

INDICATORS = [
    ("GLwfL4GdkZy", "IND_REV_PER_CAPITA", "درآمد عوارض سرانه (هزار ریال)", "Fee revenue per capita (thousand rials)",
     f"#{{{UID['REV_FEES']}}}", f"#{{{UID['POP_SERVED']}}}", 1000, 1),
    ("TJY7Re5Pveo", "IND_CMP_ANSWERED_PCT", "درصد شکایات پاسخ‌داده‌شده", "Share of complaints answered",
     f"#{{{UID['CMP_ANSWERED']}}}", f"#{{{UID['CMP_RECEIVED']}}}", 100, 1),
    ("PkXcwun9X3r", "IND_WASTE_PER_CAPITA", "پسماند سرانه ماهانه (کیلوگرم)", "Monthly waste per capita (kg)",
     f"#{{{UID['WASTE_TONNES']}}}", f"#{{{UID['POP_SERVED']}}}", 1000, 1),
]

OP = ValidationRule.Operator
RULES = [
    ("KuTtjJmlziS", "VR_CMP_ANSWERED", "پاسخ‌ها بیش از شکایات دریافتی نیست", "Answered ≤ received",
     f"#{{{UID['CMP_ANSWERED']}}}", OP.LESS_THAN_OR_EQUAL_TO, f"#{{{UID['CMP_RECEIVED']}}}",
     ValidationRule.Importance.HIGH, periods.MONTHLY),
    ("olAAnyCUxep", "VR_EXPENDITURE", "هزینه‌کرد ماه از دو برابر درآمد عوارض بیشتر نیست", "Expenditure ≤ 2 × fee revenue",
     f"#{{{UID['EXPENDITURE']}}}", OP.LESS_THAN_OR_EQUAL_TO, f"#{{{UID['REV_FEES']}}} * 2",
     ValidationRule.Importance.MEDIUM, periods.MONTHLY),
    ("n0MI8nGAHPq", "VR_CONTRACT_STAFF", "کارکنان قراردادی از سه برابر کارکنان رسمی بیشتر نیست",
     "Contract staff ≤ 3 × permanent staff",
     f"#{{{UID['STAFF_CONTRACT']}}}", OP.LESS_THAN_OR_EQUAL_TO, f"#{{{UID['STAFF_PERMANENT']}}} * 3",
     ValidationRule.Importance.LOW, periods.YEARLY),
]


def _gender_combo():
    combo = CategoryCombo.objects.filter(code=GENDER_COMBO_CODE).first()
    if combo:
        return combo
    gender = category_create(
        code="GENDER_CAT", name="جنسیت", name_en="Gender", options=[("FEMALE", "زن", "Female"), ("MALE", "مرد", "Male")]
    )
    return combo_create(code=GENDER_COMBO_CODE, name="جنسیت", name_en="Gender", categories=[gender])


def demo_units():
    """Every municipality (city unit) of the demo province and of Tehran; without Tehran — a test tree —
    every city unit there is."""
    K = OrgUnit.Kind
    tehran = OrgUnit.objects.filter(kind=K.PROVINCE, name="تهران").first()
    cities = OrgUnit.objects.filter(kind=K.CITY)
    province = demo_province()
    if tehran is not None and province is not None:
        from django.db.models import Q

        cities = cities.filter(Q(path__startswith=province.path) | Q(path__startswith=tehran.path))
    return list(cities.select_related("parent").order_by("path"))


@transaction.atomic
def create_demo_metadata(units):
    default = default_combo_ensure()
    gender = _gender_combo()
    elements = {}
    for uid, code, name, name_en, value_type, aggregation, by_gender in ELEMENTS:
        element, _ = DataElement.objects.get_or_create(
            uid=uid,
            defaults={"code": code, "name": name, "name_en": name_en, "short_name": name[:50],
                      "value_type": value_type, "aggregation_type": aggregation,
                      "category_combo": gender if by_gender else default},
        )
        elements[code] = element
    sets = {}
    for uid, code, name, name_en, period_type, sections, expiry, timely in (
        (MONTHLY_SET_UID, "MUN_MONTHLY", "فرم ماهانه عملکرد شهرداری", "Municipal monthly performance",
         periods.MONTHLY, MONTHLY_SECTIONS, 15, 10),
        (YEARLY_SET_UID, "MUN_YEARLY_HR", "فرم سالانه بودجه و نیروی انسانی شهرداری", "Municipal yearly budget and HR",
         periods.YEARLY, YEARLY_SECTIONS, 60, 30),
    ):
        data_set, created = DataSet.objects.get_or_create(
            uid=uid, defaults={"code": code, "name": name, "name_en": name_en, "period_type": period_type,
                               "expiry_days": expiry, "timely_days": timely},
        )
        if created:
            order = 0
            links = []
            for section, codes in sections:
                for element_code in codes:
                    links.append(DataSetElement(data_set=data_set, data_element=elements[element_code],
                                                section=section, sort_order=order))
                    order += 1
            DataSetElement.objects.bulk_create(links)
        data_set.organisation_units.add(*units)
        sets[period_type] = data_set
    for uid, code, name, name_en, numerator, denominator, factor, decimals in INDICATORS:
        Indicator.objects.get_or_create(
            uid=uid, defaults={"code": code, "name": name, "name_en": name_en, "numerator": numerator,
                               "denominator": denominator, "factor": factor, "decimals": decimals},
        )
    for uid, code, name, name_en, left, operator, right, importance, period_type in RULES:
        ValidationRule.objects.get_or_create(
            uid=uid, defaults={"code": code, "name": name, "name_en": name_en, "left_side": left,
                               "operator": operator, "right_side": right, "importance": importance,
                               "period_type": period_type},
        )
    return sets


# The two provincial capitals at their 1395 (2016) census size; other towns are drawn below.
CENSUS_1395 = {"تهران": 8_693_706, "کرج": 1_592_492}


def _population(unit, county_name):
    """A steady size per municipality: the capitals as counted, county seats (the town named like its
    county) 30k–400k, other towns 3k–60k (log-uniform)."""
    if unit.name in CENSUS_1395 and unit.name == county_name:
        return CENSUS_1395[unit.name]
    rng = random.Random(f"pop-{unit.pk}")
    low, high = (30_000, 400_000) if unit.name == county_name else (3_000, 60_000)
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _monthly_rows(unit, period, population):
    rng = random.Random(f"{unit.pk}-{period.id}")
    uid = org_unit_uid(unit)
    months_since = (period.year - 1400) * 12 + period.number
    population = int(population * (1 + 0.001 * months_since))
    # Fees peak in spring (building season) and at year end (collection drives).
    season = {1: 1.2, 2: 1.25, 3: 1.15, 12: 1.3}.get(period.number, 1.0)
    revenue = round(population * rng.uniform(2.0, 5.0) * season, 1)
    expenditure = round(revenue * rng.uniform(0.7, 1.2), 1)
    if rng.random() < 0.03:  # a few months spent far beyond income: the expenditure rule fires
        expenditure = round(revenue * rng.uniform(2.2, 3.0), 1)
    received = max(1, int(population / 1000 * rng.uniform(0.5, 2.0)))
    answered = int(received * rng.uniform(0.7, 1.0))
    if rng.random() < 0.03:  # typed the wrong way round now and then: the answered ≤ received rule fires
        answered = received + rng.randint(1, 9)
    values = {
        "POP_SERVED": population,
        "REV_FEES": revenue,
        "EXPENDITURE": expenditure,
        "BUDGET_SPENT_PCT": round(min(100.0, period.number / 12 * 100 * rng.uniform(0.7, 1.05)), 1),
        "BUILD_PERMITS": int(population / 2000 * rng.uniform(0.4, 1.6) * season),
        "CMP_RECEIVED": received,
        "CMP_ANSWERED": answered,
        "WASTE_TONNES": round(population * 0.024 * rng.uniform(0.9, 1.1), 1),
    }
    return [{"dataElement": UID[code], "period": period.id, "orgUnit": uid, "value": str(value)}
            for code, value in values.items()]


def _yearly_rows(unit, period, population, female, male):
    rng = random.Random(f"{unit.pk}-{period.id}")
    uid = org_unit_uid(unit)
    permanent = max(4, int(population / 1500 * rng.uniform(0.6, 1.4)))
    contract = int(permanent * rng.uniform(0.8, 2.6))
    if rng.random() < 0.1:
        contract = permanent * 3 + rng.randint(1, 20)
    rows = [
        {"dataElement": UID["BUDGET_APPROVED"], "period": period.id, "orgUnit": uid,
         "value": str(round(population * rng.uniform(30, 70), 1))},
        {"dataElement": UID["GREEN_PER_CAPITA"], "period": period.id, "orgUnit": uid,
         "value": str(round(rng.uniform(3, 18), 1))},
        {"dataElement": UID["HAS_IT_UNIT"], "period": period.id, "orgUnit": uid,
         "value": "true" if population > 40_000 or rng.random() < 0.3 else "false"},
    ]
    for code, total in (("STAFF_PERMANENT", permanent), ("STAFF_CONTRACT", contract)):
        women = int(total * rng.uniform(0.1, 0.35))
        rows.append({"dataElement": UID[code], "period": period.id, "orgUnit": uid,
                     "categoryOptionCombo": female.uid, "value": str(women)})
        rows.append({"dataElement": UID[code], "period": period.id, "orgUnit": uid,
                     "categoryOptionCombo": male.uid, "value": str(total - women)})
    return rows


def _completions(data_set, units, period_list, today):
    """Most units mark their forms complete, most on time; the latest period is still coming in."""
    have = set(
        CompleteRegistration.objects.filter(data_set=data_set, period__in=[p.id for p in period_list])
        .values_list("period", "org_unit_id")
    )
    latest = period_list[-1].id if period_list else None
    new = []
    for period in period_list:
        for unit in units:
            if (period.id, unit.pk) in have:
                continue
            rng = random.Random(f"done-{data_set.uid}-{unit.pk}-{period.id}")
            if rng.random() > (0.55 if period.id == latest else 0.9):
                continue
            late = rng.random() < 0.15
            days = rng.randint(data_set.timely_days + 1, data_set.timely_days + 25) if late else rng.randint(
                1, data_set.timely_days)
            day = min(period.end + dt.timedelta(days=days), today)
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59))))
            new.append(CompleteRegistration(data_set=data_set, period=period.id, org_unit=unit, completed_at=moment))
    CompleteRegistration.objects.bulk_create(new)


def create_demo_stats(today=None):
    """Demo metadata, 24 past months (and two past years) of values and completions; returns the data sets
    by period type. The current month and year stay empty for the demo officers to fill in."""
    from samaneh.stats.datavalues import datavalues_import

    today = today or timezone.localdate()
    units = demo_units()
    sets = create_demo_metadata(units)
    counties = dict(OrgUnit.objects.filter(pk__in=[u.parent.parent_id for u in units if u.parent_id]).values_list(
        "pk", "name"))
    population = {u.pk: _population(u, counties.get(u.parent.parent_id) if u.parent_id else None) for u in units}
    female, male = _gender_combo().option_combos.order_by("sort_order")
    this_month = periods.current(periods.MONTHLY, today)
    months = [this_month.previous(i) for i in range(24, 0, -1)]
    this_year = periods.current(periods.YEARLY, today)
    years = [this_year.previous(2), this_year.previous(1)]
    for data_set, period_list, build in (
        (sets[periods.MONTHLY], months, lambda u, p: _monthly_rows(u, p, population[u.pk])),
        (sets[periods.YEARLY], years, lambda u, p: _yearly_rows(u, p, population[u.pk], female, male)),
    ):
        probe = data_set.set_elements.order_by("sort_order").first().data_element
        done = set(DataValue.objects.filter(data_element=probe, period__in=[p.id for p in period_list])
                   .values_list("period", flat=True).distinct())
        rows = [row for p in period_list if p.id not in done for u in units for row in build(u, p)]
        if rows:
            summary = datavalues_import(user=None, rows=rows, trusted=True, stored_by="demo")
            if summary.conflicts:
                raise RuntimeError(f"demo values refused: {summary.conflicts[:3]}")
        _completions(data_set, units, period_list, today)
    return sets
