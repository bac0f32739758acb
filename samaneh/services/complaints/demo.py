"""Demo data of the complaints service for the embedded trial (`make run`): a category tree that admins can
edit, and a handful of labelled complaints from the demo citizen in the demo province, in several states.

Both functions are idempotent: categories are found by their Open311 service code (an admin's edits to a
demo category are kept), and each demo complaint is filed with a fixed idempotency key, so a second run
finds the first run's cases and takes no step twice.
"""
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from samaneh.cases.services import case_transition
from samaneh.services.complaints.models import Category, CategoryAttribute
from samaneh.services.complaints.services import complaint_file, complaint_rate

DEMO_LABEL = "(نمونه آزمایشی)"

K, R = Category.Kinds, Category.Routing
# (service_code, name, kinds, routing, keywords, children)
DEMO_CATEGORIES = [
    ("urban-services", "خدمات شهری", K.BOTH, R.LOCAL, "", [
        ("street-lighting", "روشنایی معابر", K.BOTH, R.LOCAL, "چراغ لامپ تیر برق تاریک"),
        ("green-space", "فضای سبز", K.BOTH, R.LOCAL, "درخت پارک چمن آبیاری"),
        ("street-cleaning", "نظافت معابر", K.BOTH, R.LOCAL, "رفت‌وروب جارو کثیف"),
    ]),
    ("waste", "پسماند", K.BOTH, R.LOCAL, "", [
        ("waste-collection", "جمع‌آوری پسماند", K.BOTH, R.LOCAL, "زباله سطل مخزن"),
        ("illegal-dumping", "تخلیه غیرمجاز نخاله و زباله", K.COMPLAINT, R.LOCAL, "نخاله ضایعات ساختمانی"),
        ("landfill-nuisance", "بو، دود یا شیرابه محل دفن پسماند", K.COMPLAINT, R.LOCAL,
         "بو دود آتش شیرابه محل دفن زباله سوزاندن"),
    ]),
    ("roads", "معابر و راه‌ها", K.BOTH, R.LOCAL, "", [
        ("potholes", "چاله و خرابی آسفالت", K.BOTH, R.LOCAL, "آسفالت چاله دست‌انداز"),
        ("sidewalks", "پیاده‌رو", K.BOTH, R.LOCAL, "پیاده‌رو جدول سنگفرش"),
    ]),
    ("building-violations", "تخلفات ساختمانی", K.COMPLAINT, R.LOCAL, "ساخت‌وساز غیرمجاز پروانه", []),
    ("village-services", "خدمات روستایی", K.BOTH, R.LOCAL, "", [
        ("drinking-water", "آب آشامیدنی", K.BOTH, R.LOCAL, "آب لوله قطعی شبکه"),
        ("rural-roads", "راه‌های روستایی", K.BOTH, R.LOCAL, "جاده خاکی راه بین‌مزرعه"),
    ]),
    ("staff-behaviour", "رفتار کارکنان", K.COMPLAINT, R.INSPECTION, "برخورد کارمند رشوه", []),
]

SEVERITY_VALUES = [{"key": "low", "name": "کم"}, {"key": "medium", "name": "متوسط"}, {"key": "high", "name": "زیاد"}]
# (category service_code, code, question, datatype, required, values)
DEMO_ATTRIBUTES = [
    ("potholes", "severity", "شدت خرابی", CategoryAttribute.DataType.SINGLEVALUELIST, True, SEVERITY_VALUES),
    ("street-lighting", "dark-lamps", "چند چراغ خاموش است؟", CategoryAttribute.DataType.NUMBER, False, []),
    ("waste-collection", "bin-state", "وضع مخزن", CategoryAttribute.DataType.SINGLEVALUELIST, False,
     [{"key": "full", "name": "پر و سرریز"}, {"key": "broken", "name": "شکسته"}, {"key": "missing", "name": "نیست"}]),
]


@transaction.atomic
def create_demo_categories():
    """Create the demo category tree and its Open311 questions where missing; return {service_code: Category}."""
    found = {}

    def ensure(code, name, kinds, routing, keywords, parent, order):
        category, _created = Category.objects.get_or_create(
            service_code=code,
            defaults={"name": name, "kinds": kinds, "routing": routing, "keywords": keywords, "parent": parent,
                      "order": order},
        )
        found[code] = category
        return category

    for order, (code, name, kinds, routing, keywords, children) in enumerate(DEMO_CATEGORIES, start=1):
        group = ensure(code, name, kinds, routing, keywords, None, order)
        for child_order, (c_code, c_name, c_kinds, c_routing, c_keywords) in enumerate(children, start=1):
            ensure(c_code, c_name, c_kinds, c_routing, c_keywords, group, child_order)
    for order, (category_code, code, question, datatype, required, values) in enumerate(DEMO_ATTRIBUTES, start=1):
        CategoryAttribute.objects.get_or_create(
            category=found[category_code], code=code,
            defaults={"description": question, "datatype": datatype, "required": required, "values": values,
                      "order": order},
        )
    return found


# Points in Karaj (35.83 N, 50.99 E). The first two street-lighting reports are ~70 m apart, so the
# expert sees one suggested as a duplicate of the other.
KARAJ = (Decimal("35.832700"), Decimal("50.991500"))
KARAJ_NEAR = (Decimal("35.833300"), Decimal("50.991700"))
KARAJ_EAST = (Decimal("35.826000"), Decimal("51.004000"))

# (key, unit key, category, kind, description, point, address, attributes, steps)
# A step is (actor key, action, text); "rate" is the citizen's rating. "local" is whoever answers in the
# village: its dehyari where the demo village has one, else the district governorate.
DEMO_COMPLAINTS = [
    ("lighting-1", "city", "street-lighting", "complaint",
     "چراغ‌های کوچه سوم خیابان بهار از یک هفته پیش خاموش است و شب‌ها کوچه کاملاً تاریک است.",
     KARAJ, "خیابان بهار، کوچه سوم", {"dark-lamps": "3"}, []),
    ("lighting-2", "city", "street-lighting", "complaint",
     "تیر چراغ برق سر کوچه بهار روشن نمی‌شود.", KARAJ_NEAR, "سر کوچه سوم بهار", {}, []),
    ("pothole-1", "city", "potholes", "complaint",
     "چاله بزرگی وسط خیابان ایجاد شده که به خودروها آسیب می‌زند.", KARAJ_EAST, "بلوار اصلی، روبه‌روی پارک",
     {"severity": "high"}, [("municipality", "answer", "چاله روز شنبه با آسفالت گرم ترمیم شد.")]),
    ("cleaning-1", "city", "street-cleaning", "complaint",
     "جوی آب کنار خیابان پر از برگ و زباله است و آب راه نمی‌رود.", None, "خیابان شهید بهشتی", {},
     [("municipality", "answer", "نظافت جوی در برنامه هفته آینده است."),
      ("citizen", "object", "دو هفته گذشته و هنوز کاری انجام نشده است.")]),
    ("green-1", "city", "green-space", "request",
     "درخواست کاشت درخت در باغچه‌های کنار پیاده‌رو محله را دارم.", None, "محله گلشهر", {},
     [("municipality", "accept", ""), ("municipality", "answer", "کاشت ۲۰ اصله درخت در فصل پاییز انجام می‌شود."),
      ("citizen", "accept_answer", ""), ("citizen", "rate", "4")]),
    ("water-1", "village", "drinking-water", "complaint",
     "فشار آب لوله‌کشی روستا از هفته گذشته بسیار کم شده است.", None, "", {},
     [("local", "accept", "")]),
    ("staff-1", "city", "staff-behaviour", "complaint",
     "کارمند باجه پاسخ‌گویی با مراجعان برخورد نامناسب داشت.", None, "ساختمان مرکزی شهرداری", {}, []),
]


def create_demo_complaints(*, citizen=None, municipality_staff=None, dehyari_staff=None, district_staff=None):
    """File the demo complaints (labelled «(نمونه آزمایشی)») and move them to their demo states.

    Defaults are the accounts `samaneh.web.demo.demo_accounts_create()` makes: the demo citizen and the
    demo municipality, dehyari and district experts. Returns the demo cases, created this run or found.
    """
    from samaneh.web.demo import DEMO_CITIZEN_MOBILE, _demo_units

    User = get_user_model()
    citizen = citizen or User.objects.get(username=DEMO_CITIZEN_MOBILE)
    actors = {
        "citizen": citizen,
        "municipality": municipality_staff or User.objects.get(username="demo-municipality"),
        "dehyari": dehyari_staff or User.objects.get(username="demo-dehyari"),
        "district": district_staff or User.objects.get(username="demo-district"),
    }
    units = _demo_units()
    categories = create_demo_categories()
    cases = []
    for key, unit_key, category_code, kind, description, point, address, attributes, steps in DEMO_COMPLAINTS:
        latitude, longitude = point or (None, None)
        with transaction.atomic():
            outcome = complaint_file(
                applicant=citizen, kind=kind, category=categories[category_code],
                description=f"{DEMO_LABEL} {description}", org_unit=units[unit_key], latitude=latitude,
                longitude=longitude, address=address, is_public=True, attributes=attributes,
                idempotency_key=f"demo-complaint-{key}",
            )
            case = outcome.case
            if outcome.created:
                for actor_key, action, text in steps:
                    if action == "rate":
                        complaint_rate(case=case, user=actors[actor_key], rating=int(text), comment="")
                    else:
                        if actor_key == "local":
                            actor_key = "dehyari" if case.responsible_unit_id == units["village"].pk else "district"
                        case = case_transition(case=case, action=action, user=actors[actor_key], text=text)
        cases.append(case)
    return cases
