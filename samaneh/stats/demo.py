"""Demo statistics for the embedded trial (`make run`) and for other parts' tests and screenshots.

`create_demo_stats()` is idempotent: metadata is found by its fixed uid (so API examples, tests and
saved pivots can name it), and values are written only for periods that have none yet. Values go
through the one write path, `datavalues.datavalues_import` (trusted: no user, no lock).
"""

from django.db import transaction

from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.models import (
    AggregationType,
    CategoryCombo,
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    ValidationRule,
    ValueType,
)
from samaneh.stats.services import category_create, combo_create, default_combo_ensure
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
    return list(cities.order_by("path"))


@transaction.atomic
def _metadata(units):
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


def create_demo_stats(today=None):
    """Demo metadata (elements, two data sets, indicators, rules); returns the data sets by period type."""
    return _metadata(demo_units())
