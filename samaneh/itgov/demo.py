"""Demo data for IT supervision: the shared catalogue and approved profiles for Tehran province.

Vendor and product names are invented (no real company is named or rated). Everything is idempotent: the
catalogue is keyed by codes and names, and profiles are only made for administrations and years that have
none. Profiles are written in bulk (a few dozen queries for a whole province).
"""
import random

import jdatetime
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samaneh.cases.models import Case
from samaneh.core.tracking import new_tracking_code
from samaneh.geo.models import Administration, OrgUnit
from samaneh.itgov.manifest import SERVICE
from samaneh.itgov.models import (
    Applies, ControlAnswer, Domain, Hosting, ITProfile, Level, Licence, Product, ProductVersion,
    ProfileStatus, Requirement, RequirementKind, ReportsTo, SecurityTheme, SoftwareUse, Vendor,
)
from samaneh.itgov.workflow import APPROVED

M, R, B = Applies.MUNICIPALITY, Applies.DEHYARI, Applies.BOTH

# code, name, English name, applies to, urban equivalent code, data exported to the statistical system
DOMAINS = [
    ("FIN", "مالی و حسابداری", "Financial & accounting", M, None,
     ["درآمد وصول‌شده ماهانه", "هزینه‌های جاری و عمرانی", "مانده حساب‌های پرداختنی"]),
    ("REV", "درآمد و عوارض", "Revenue & fees", M, None,
     ["عوارض نوسازی وصول‌شده", "عوارض صدور پروانه", "تعداد مؤدیان بدهکار"]),
    ("BUD", "بودجه", "Budget", M, None, ["بودجه مصوب به تفکیک فصل", "درصد تحقق بودجه"]),
    ("HR", "حقوق، دستمزد و منابع انسانی", "Payroll & HR", M, None,
     ["تعداد کارکنان به تفکیک نوع استخدام", "هزینه حقوق و دستمزد"]),
    ("OA", "اتوماسیون اداری و بایگانی", "Office automation & records", M, None,
     ["نامه‌های واردشده و صادرشده", "میانگین زمان پاسخ به نامه"]),
    ("URB", "شهرسازی و پروانه ساختمانی", "Urban planning & building permits", M, None,
     ["پروانه‌های صادرشده", "زیربنای مجاز صادرشده (مترمربع)", "پایان‌کارهای صادرشده"]),
    ("GIS", "سامانه اطلاعات مکانی (GIS)", "GIS", M, None, ["تعداد قطعات ثبت‌شده در لایه املاک"]),
    ("SRV", "خدمات شهری", "Urban services", M, None, ["پسماند جمع‌آوری‌شده (تن)", "فضای سبز نگهداری‌شده (مترمربع)"]),
    ("PRC", "تدارکات، مناقصه و قراردادها", "Procurement & contracts", M, None,
     ["قراردادهای منعقدشده", "مبلغ قراردادها"]),
    ("AST", "اموال و دارایی‌ها", "Asset management", M, None, ["تعداد اموال ثبت‌شده", "ارزش دفتری دارایی‌ها"]),
    ("CIT", "درگاه و خدمات الکترونیک شهروندی", "Citizen services & portal", M, None,
     ["درخواست‌های الکترونیک شهروندان", "خدمات قابل ارائه برخط"]),
    ("R-FIN", "مالی و حسابداری دهیاری", "Dehyari financial & accounting", R, "FIN",
     ["درآمد وصول‌شده دهیاری", "هزینه‌های دهیاری"]),
    ("R-REV", "عوارض دهیاری", "Dehyari fees", R, "REV", ["عوارض وصول‌شده دهیاری"]),
    ("R-OA", "دبیرخانه و اتوماسیون دهیاری", "Dehyari office & records", R, "OA", ["نامه‌های دهیاری"]),
    ("R-URB", "پروانه ساخت روستایی و طرح هادی", "Rural building permits & guide plan", R, "URB",
     ["پروانه‌های ساخت روستایی صادرشده"]),
    ("R-SRV", "خدمات روستایی و پسماند", "Rural services & waste", R, "SRV", ["پسماند جمع‌آوری‌شده روستا (تن)"]),
]

VENDORS = [
    "پارس‌افزار نوین", "داده‌پردازان سپهر", "رایان‌شهر", "نرم‌افزار آرمان", "سامان‌سیستم البرز",
    "فناوران شهر هوشمند", "نگاره‌پرداز", "مهرآیین داده", "جامعه متن‌باز شهرداری‌ها", "ژئوپارس",
]

ALL_HOSTING = [Hosting.ON_PREMISE, Hosting.PROVINCIAL_DC, Hosting.VENDOR_CLOUD]

# product, vendor index, domains, hosting models, interfaces, versions [(version, released Jalali year, EOS
# Jalali year or None, status)], meets all its domains' mandatory standards?
PRODUCTS = [
    ("حساب‌یار شهر", 0, ["FIN", "BUD"], ALL_HOSTING, ["rest", "dhis2", "file"],
     [("۷.۲", 1398, 1402, "unsupported"), ("۸.۰", 1401, 1405, "security_only"), ("۹.۱", 1403, None, "supported")], True),
    ("سپهر مالی", 1, ["FIN"], [Hosting.ON_PREMISE], ["file", "db"],
     [("۴.۵", 1396, 1401, "unsupported"), ("۵.۰", 1400, 1404, "security_only")], False),
    ("آرمان حسابداری دولتی", 3, ["FIN", "BUD", "R-FIN"], ALL_HOSTING, ["rest", "soap", "file"],
     [("۱۱", 1400, 1404, "supported"), ("۱۲", 1402, None, "supported")], True),
    ("بودجه‌نگار", 6, ["BUD"], [Hosting.PROVINCIAL_DC, Hosting.VENDOR_CLOUD], ["rest", "dhis2"],
     [("۲.۰", 1401, None, "supported")], True),
    ("عوارض‌یار", 0, ["REV", "R-REV"], ALL_HOSTING, ["rest", "gsb", "dhis2"],
     [("۵.۳", 1399, 1403, "unsupported"), ("۶.۰", 1402, None, "supported")], True),
    ("درآمد شهری سپهر", 1, ["REV"], [Hosting.ON_PREMISE], ["file"],
     [("۳.۱", 1397, 1402, "unsupported"), ("۳.۸", 1400, 1405, "security_only")], False),
    ("نوسازی‌پرداز", 2, ["REV"], [Hosting.ON_PREMISE, Hosting.PROVINCIAL_DC], ["soap", "file"],
     [("۲.۴", 1399, 1404, "security_only"), ("۲.۹", 1402, None, "supported")], True),
    ("کارگزین", 3, ["HR"], ALL_HOSTING, ["rest", "sso", "file"],
     [("۱۰.۰", 1399, 1403, "unsupported"), ("۱۱.۲", 1402, None, "supported")], True),
    ("حقوق‌یار البرز", 4, ["HR"], [Hosting.ON_PREMISE], ["file"], [("۶.۱", 1398, 1404, "security_only")], False),
    ("منابع انسانی مهرآیین", 7, ["HR"], [Hosting.VENDOR_CLOUD], ["rest", "sso"], [("۱.۵", 1402, None, "supported")], True),
    ("دبیرخانه نوین", 0, ["OA", "R-OA"], ALL_HOSTING, ["rest", "sso", "gsb"],
     [("۴.۰", 1398, 1402, "unsupported"), ("۵.۲", 1401, None, "supported")], True),
    ("نامه‌نگار سپهر", 1, ["OA"], [Hosting.ON_PREMISE], ["db"],
     [("۸", 1396, 1401, "unsupported"), ("۹", 1399, 1404, "security_only")], False),
    ("گردش‌کار آرمان", 3, ["OA"], ALL_HOSTING, ["rest", "sso"], [("۳.۰", 1400, 1405, "supported"), ("۳.۵", 1403, None, "supported")], True),
    ("بایگان متن‌باز", 8, ["OA", "R-OA"], [Hosting.ON_PREMISE, Hosting.PROVINCIAL_DC], ["rest", "file"],
     [("۲.۰", 1401, None, "supported")], True),
    ("پروانه‌ساز", 2, ["URB"], ALL_HOSTING, ["rest", "gsb", "dhis2"],
     [("۶.۰", 1399, 1403, "unsupported"), ("۷.۱", 1402, None, "supported")], True),
    ("شهرساز هوشمند", 5, ["URB", "GIS"], [Hosting.VENDOR_CLOUD, Hosting.PROVINCIAL_DC], ["rest", "sso"],
     [("۱.۰", 1401, 1405, "supported"), ("۲.۰", 1403, None, "supported")], True),
    ("کمیسیون ماده صد", 4, ["URB"], [Hosting.ON_PREMISE], ["file"], [("۳.۲", 1397, 1402, "unsupported")], False),
    ("طرح هادی روستا", 6, ["R-URB"], [Hosting.PROVINCIAL_DC], ["rest"], [("۱.۴", 1401, None, "supported")], True),
    ("ژئوشهر", 9, ["GIS"], ALL_HOSTING, ["rest", "file"], [("۱۰", 1399, 1404, "security_only"), ("۱۱", 1402, None, "supported")], True),
    ("نقشه‌نگار متن‌باز", 8, ["GIS"], [Hosting.ON_PREMISE, Hosting.PROVINCIAL_DC], ["rest", "file"],
     [("۳.۲۲", 1400, 1403, "unsupported"), ("۳.۳۴", 1402, None, "supported")], True),
    ("خدمات‌یار شهری", 5, ["SRV", "R-SRV"], [Hosting.VENDOR_CLOUD], ["rest", "dhis2"], [("۲.۱", 1401, None, "supported")], True),
    ("پسماند‌پایش", 7, ["SRV", "R-SRV"], ALL_HOSTING, ["rest", "file"], [("۱.۲", 1400, 1404, "security_only"), ("۱.۸", 1403, None, "supported")], True),
    ("ناوگان‌یار", 2, ["SRV"], [Hosting.ON_PREMISE], ["file"], [("۴.۰", 1398, 1403, "unsupported")], False),
    ("مناقصه‌یار", 6, ["PRC"], ALL_HOSTING, ["rest", "gsb"], [("۲.۵", 1400, 1405, "supported"), ("۳.۰", 1403, None, "supported")], True),
    ("قرارداد سپهر", 1, ["PRC"], [Hosting.ON_PREMISE], ["file"], [("۱.۹", 1397, 1402, "unsupported")], False),
    ("اموال‌یار", 0, ["AST"], ALL_HOSTING, ["rest", "file"], [("۳.۰", 1399, 1404, "security_only"), ("۴.۰", 1402, None, "supported")], True),
    ("دارایی آرمان", 3, ["AST"], [Hosting.ON_PREMISE, Hosting.VENDOR_CLOUD], ["rest"], [("۲.۲", 1401, None, "supported")], True),
    ("شهرمن", 5, ["CIT"], [Hosting.VENDOR_CLOUD, Hosting.PROVINCIAL_DC], ["rest", "sso", "gsb"],
     [("۳.۰", 1400, 1404, "security_only"), ("۴.۰", 1403, None, "supported")], True),
    ("درگاه شهروندی نوین", 0, ["CIT"], ALL_HOSTING, ["rest", "sso"], [("۲.۱", 1399, 1403, "unsupported"), ("۲.۶", 1402, None, "supported")], True),
    ("دهیار‌یار", 4, ["R-FIN", "R-REV", "R-OA"], [Hosting.PROVINCIAL_DC], ["rest", "dhis2"], [("۱.۰", 1401, None, "supported")], True),
]

# Mandatory standards per domain (every domain) and a recommended one for some.
STANDARDS = [
    ("STD-{d}-01", "خروجی داده‌های لازم حوزه به سامانه آماری در قالب dataValueSets یا Excel استاندارد", Level.MANDATORY),
    ("STD-{d}-02", "پشتیبانی از تقویم جلالی، اعداد فارسی و یکسان‌سازی ی/ک در ورود و جست‌وجو", Level.MANDATORY),
    ("STD-{d}-03", "ثبت سابقه تغییرات (چه کسی، چه زمانی، چه چیزی) و نگهداری آن دست‌کم پنج سال", Level.RECOMMENDED),
]

T = SecurityTheme
CONTROLS = [
    ("SEC-PO-01", T.POLICY, "خط‌مشی امنیت اطلاعات مکتوب و مصوب بالاترین مقام", Level.MANDATORY, "5.1"),
    ("SEC-PO-02", T.POLICY, "تعیین مسئول امنیت اطلاعات و شرح وظایف او", Level.MANDATORY, "5.2"),
    ("SEC-PO-03", T.POLICY, "بازنگری سالانه خط‌مشی‌ها و رویه‌های امنیتی", Level.RECOMMENDED, "5.1"),
    ("SEC-AS-01", T.ASSETS, "فهرست به‌روز دارایی‌های اطلاعاتی (سخت‌افزار، نرم‌افزار، داده) با مالک هر دارایی", Level.MANDATORY, "5.9"),
    ("SEC-AS-02", T.ASSETS, "طبقه‌بندی اطلاعات (عمومی، داخلی، محرمانه) و برچسب‌گذاری", Level.RECOMMENDED, "5.12"),
    ("SEC-AS-03", T.ASSETS, "رویه امحای امن رسانه‌ها و تجهیزات", Level.RECOMMENDED, "7.14"),
    ("SEC-AC-01", T.ACCESS, "حساب کاربری شخصی برای هر نفر؛ بدون حساب مشترک", Level.MANDATORY, "5.16"),
    ("SEC-AC-02", T.ACCESS, "گذرواژه قوی و قفل حساب پس از تلاش‌های ناموفق", Level.MANDATORY, "5.17"),
    ("SEC-AC-03", T.ACCESS, "احراز هویت دوعاملی برای مدیران سامانه و دسترسی از راه دور", Level.MANDATORY, "8.5"),
    ("SEC-AC-04", T.ACCESS, "بازبینی فصلی دسترسی‌ها و حذف دسترسی کارکنان جداشده در همان روز", Level.MANDATORY, "5.18"),
    ("SEC-AC-05", T.ACCESS, "کمترین دسترسی لازم برای هر نقش", Level.RECOMMENDED, "8.2"),
    ("SEC-BK-01", T.BACKUP, "پشتیبان‌گیری روزانه از پایگاه‌های داده سامانه‌های اصلی", Level.MANDATORY, "8.13"),
    ("SEC-BK-02", T.BACKUP, "نگهداری یک نسخه پشتیبان بیرون از ساختمان یا در مرکز داده استانی", Level.MANDATORY, "8.13"),
    ("SEC-BK-03", T.BACKUP, "آزمون بازیابی از نسخه پشتیبان دست‌کم هر شش ماه", Level.MANDATORY, "8.13"),
    ("SEC-BK-04", T.BACKUP, "رمزنگاری نسخه‌های پشتیبان", Level.RECOMMENDED, "8.24"),
    ("SEC-PT-01", T.PATCHING, "نصب وصله‌های امنیتی سیستم‌عامل‌ها حداکثر یک ماه پس از انتشار", Level.MANDATORY, "8.8"),
    ("SEC-PT-02", T.PATCHING, "به‌روزرسانی نرم‌افزارهای کاربردی به نسخه‌های دارای پشتیبانی", Level.MANDATORY, "8.8"),
    ("SEC-PT-03", T.PATCHING, "ضدبدافزار به‌روز روی همه رایانه‌ها و سرورها", Level.MANDATORY, "8.7"),
    ("SEC-PT-04", T.PATCHING, "کنار گذاشتن سیستم‌عامل‌های بی‌پشتیبانی", Level.RECOMMENDED, "8.8"),
    ("SEC-LG-01", T.LOGGING, "ثبت رویدادهای ورود و تغییرات در سامانه‌های اصلی", Level.MANDATORY, "8.15"),
    ("SEC-LG-02", T.LOGGING, "نگهداری رویدادها دست‌کم شش ماه در جایی جدا از سامانه", Level.MANDATORY, "8.15"),
    ("SEC-LG-03", T.LOGGING, "همگام‌سازی ساعت سرورها", Level.RECOMMENDED, "8.17"),
    ("SEC-LG-04", T.LOGGING, "پایش و بررسی هفتگی رویدادهای مشکوک", Level.RECOMMENDED, "8.16"),
    ("SEC-NW-01", T.NETWORK, "دیواره آتش در مرز شبکه با قواعد مستند", Level.MANDATORY, "8.20"),
    ("SEC-NW-02", T.NETWORK, "جداسازی شبکه سرورها از شبکه کاربران", Level.MANDATORY, "8.22"),
    ("SEC-NW-03", T.NETWORK, "شبکه بی‌سیم مهمان جدا از شبکه اداری", Level.MANDATORY, "8.22"),
    ("SEC-NW-04", T.NETWORK, "دسترسی از راه دور فقط از طریق VPN", Level.MANDATORY, "8.20"),
    ("SEC-NW-05", T.NETWORK, "بستن درگاه‌ها و خدمات بی‌کاربرد روی سرورها", Level.RECOMMENDED, "8.9"),
    ("SEC-PH-01", T.PHYSICAL, "اتاق سرور دربسته با فهرست افراد مجاز", Level.MANDATORY, "7.2"),
    ("SEC-PH-02", T.PHYSICAL, "برق اضطراری (UPS) برای سرورها و تجهیزات شبکه", Level.MANDATORY, "7.11"),
    ("SEC-PH-03", T.PHYSICAL, "اطفای حریق و کنترل دما و رطوبت در اتاق سرور", Level.RECOMMENDED, "7.5"),
    ("SEC-PH-04", T.PHYSICAL, "ثبت ورود و خروج افراد به اتاق سرور", Level.RECOMMENDED, "7.2"),
    ("SEC-HR-01", T.PEOPLE, "آموزش سالانه آگاهی امنیتی همه کارکنان", Level.MANDATORY, "6.3"),
    ("SEC-HR-02", T.PEOPLE, "تعهدنامه عدم افشا برای کارکنان و پیمانکاران", Level.MANDATORY, "6.6"),
    ("SEC-HR-03", T.PEOPLE, "رویه تحویل و قطع دسترسی هنگام جابه‌جایی یا جدایی کارکنان", Level.RECOMMENDED, "6.5"),
    ("SEC-IN-01", T.INCIDENT, "رویه گزارش رخداد امنیتی و اعلام به مرکز ماهر/استانداری", Level.MANDATORY, "5.24"),
    ("SEC-IN-02", T.INCIDENT, "طرح تداوم خدمات برای سامانه‌های حیاتی", Level.RECOMMENDED, "5.30"),
    ("SEC-IN-03", T.INCIDENT, "ثبت و تحلیل رخدادها و درس‌آموخته‌ها", Level.RECOMMENDED, "5.27"),
    ("SEC-CR-01", T.CRYPTO, "HTTPS با گواهی معتبر برای همه سامانه‌های برخط", Level.MANDATORY, "8.24"),
    ("SEC-CR-02", T.CRYPTO, "نگهداری امن کلیدها و گواهی‌ها", Level.RECOMMENDED, "8.24"),
    ("SEC-SP-01", T.SUPPLIER, "بند امنیتی و محرمانگی در قراردادهای پیمانکاران فناوری اطلاعات", Level.MANDATORY, "5.20"),
    ("SEC-SP-02", T.SUPPLIER, "دسترسی پیمانکار زمان‌دار و ثبت‌شده", Level.MANDATORY, "5.19"),
    ("SEC-SP-03", T.SUPPLIER, "تحویل کد منبع یا امانت‌گذاری آن برای نرم‌افزارهای سفارشی", Level.RECOMMENDED, "5.20"),
    ("SEC-SP-04", T.SUPPLIER, "ارزیابی امنیتی تأمین‌کننده پیش از خرید", Level.RECOMMENDED, "5.21"),
]


def _jalali_end(year):
    return jdatetime.date(year, 12, 29).togregorian()


def _jalali_start(year, month=3):
    return jdatetime.date(year, month, 1).togregorian()


def _ascii(text):
    from samaneh.core.text import normalize_digits

    return normalize_digits(text)


@transaction.atomic
def create_demo_catalogue():
    """The shared definition: 16 domains, 10 vendors, 30 products, 44 controls. Returns the domain count.

    Once the demo catalogue is there a rerun changes nothing, so supervisors' later edits survive `setup_demo`."""
    wanted = {code for code, *_rest in DOMAINS} | {code for code, *_rest in CONTROLS}
    if (Domain.objects.filter(code__in=wanted).count() + Requirement.objects.filter(code__in=wanted).count()
            == len(wanted) and Product.objects.filter(name__in=[p[0] for p in PRODUCTS]).count() == len(PRODUCTS)):
        return len(DOMAINS)
    by_code = {}
    for index, (code, name, name_en, applies, urban, exports) in enumerate(DOMAINS):
        domain, _created = Domain.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "applies_to": applies, "sort": index, "valid_from_year": 1398,
            "exports": exports, "urban_equivalent": by_code.get(urban),
        })
        by_code[code] = domain
    for code, domain in by_code.items():
        for template, text, level in STANDARDS:
            Requirement.objects.update_or_create(code=template.format(d=code), defaults={
                "kind": RequirementKind.STANDARD, "text": text, "domain": domain, "level": level,
                "valid_from_year": 1398})
    for code, theme, text, level, iso in CONTROLS:
        Requirement.objects.update_or_create(code=code, defaults={
            "kind": RequirementKind.CONTROL, "text": text, "theme": theme, "level": level, "iso_reference": iso,
            "valid_from_year": 1398})
    vendors = [Vendor.objects.get_or_create(name=name)[0] for name in VENDORS]
    standards = {}
    for requirement in Requirement.objects.filter(kind=RequirementKind.STANDARD):
        standards.setdefault(requirement.domain_id, []).append(requirement)
    for name, vendor_index, domain_codes, hosting, interfaces, versions, compliant in PRODUCTS:
        product, _created = Product.objects.update_or_create(vendor=vendors[vendor_index], name=name, defaults={
            "hosting_models": [str(h) for h in hosting], "interfaces": interfaces, "valid_from_year": 1396})
        domains = [by_code[c] for c in domain_codes]
        product.domains.set(domains)
        met = [r for d in domains for r in standards.get(d.pk, [])
               if compliant or not r.code.endswith("-01")]
        product.requirements_met.set(met)
        for version, released, eos, status in versions:
            ProductVersion.objects.update_or_create(product=product, version=_ascii(version), defaults={
                "released_on": _jalali_start(released), "end_of_support": _jalali_end(eos) if eos else None,
                "support_status": status})
    return len(by_code)


# --- profiles -----------------------------------------------------------------------------------------


def demo_years(today=None):
    """The last two Jalali years before the current one (complete years a profile can describe)."""
    year = jdatetime.date.fromgregorian(date=today or timezone.localdate()).year
    return [year - 2, year - 1]


def _demo_user():
    user, _created = get_user_model().objects.get_or_create(
        username="itgov-demo", defaults={"first_name": "داده نمونه", "last_name": "فناوری اطلاعات", "is_active": False})
    return user


class _Catalogue:
    """The catalogue read once, so that thousands of profiles are made without a query each."""

    def __init__(self):
        self.domains = list(Domain.objects.all())
        self.versions_by_domain = {}
        for version in ProductVersion.objects.select_related("product").prefetch_related("product__domains"):
            for domain in version.product.domains.all():
                self.versions_by_domain.setdefault(domain.pk, []).append(version)
        self.controls = list(Requirement.objects.filter(kind=RequirementKind.CONTROL))


def _pick_version(rng, versions, year, previous):
    """Mostly keep last year's product (upgrading now and then); otherwise a version released by `year`."""
    available = [v for v in versions if v.released_on is None or v.released_on <= _jalali_end(year)]
    if previous is not None and previous in available and rng.random() < 0.75:
        newer = [v for v in available if v.product_id == previous.product_id and v.released_on
                 and previous.released_on and v.released_on > previous.released_on]
        return newer[-1] if newer and rng.random() < 0.4 else previous
    return rng.choice(available) if available else None


def profiles_bulk_create(administrations, years, *, user, rng, catalogue=None, approved=True):
    """Profiles for every (administration, year) that has none, with software, controls and (when
    `approved`) an approved case each; written in bulk. Returns the profiles created."""
    from samaneh.itgov.services import scores_store

    catalogue = catalogue or _Catalogue()
    administrations = list(administrations)
    existing = set(ITProfile.objects.filter(administration__in=administrations, year__in=years)
                   .values_list("administration_id", "year"))
    now = timezone.now()
    plans = []
    for admin in administrations:
        # A fixed quality per administration with a little drift each year: a realistic, stable spread.
        quality = rng.betavariate(2.2, 2.0)
        previous = {}
        for year in sorted(years):
            quality = min(1.0, max(0.0, quality + rng.uniform(-0.05, 0.12)))
            choices = {}
            for domain in catalogue.domains:
                if not domain.applies(admin.kind):
                    continue
                if rng.random() > 0.35 + 0.6 * quality:
                    continue
                choices[domain.pk] = _pick_version(rng, catalogue.versions_by_domain.get(domain.pk, []), year,
                                                   previous.get(domain.pk))
            previous = choices
            if (admin.pk, year) not in existing:
                plans.append((admin, year, quality, choices))
    if not plans:
        return []
    cases = []
    if approved:
        cases = Case.objects.bulk_create([
            Case(tracking_code=new_tracking_code(), service=SERVICE, applicant=user, org_unit_id=admin.org_unit_id,
                 responsible_unit_id=admin.org_unit_id, state=APPROVED, is_closed=True, closed_at=now,
                 title=f"شناسنامه فناوری اطلاعات {year} — {admin.name}"[:200], created_at=now)
            for admin, year, _q, _c in plans
        ])
    profiles = []
    for index, (admin, year, q, _choices) in enumerate(plans):
        big = admin.kind == Administration.Kind.MUNICIPALITY
        ws = rng.randint(15, 60) * (4 if big and q > 0.7 else 1) if big else rng.randint(2, 6)
        fresh = q * 0.8
        profiles.append(ITProfile(
            administration=admin, org_unit_id=admin.org_unit_id, year=year, created_by=user, created_at=now,
            status=ProfileStatus.APPROVED if approved else ProfileStatus.DRAFT,
            case=cases[index] if approved else None, submitted_at=now if approved else None,
            approved_at=now if approved else None,
            servers_new=int(rng.random() < fresh) * rng.randint(1, 3), servers_mid=rng.randint(0, 2),
            servers_old=int(rng.random() > q) * rng.randint(1, 3),
            workstations_new=int(ws * fresh * 0.5), workstations_mid=int(ws * 0.4), workstations_old=ws - int(ws * fresh * 0.5) - int(ws * 0.4),
            backup_new=int(rng.random() < q), backup_mid=int(rng.random() < 0.3), backup_old=int(rng.random() < 0.2),
            network_links=rng.randint(1, 4), bandwidth_mbps=int(ws * rng.uniform(0.5, 3.5) * (0.5 + q)),
            offsite_backup=rng.random() < q * 0.8,
            has_it_unit=rng.random() < 0.3 + 0.7 * q,
            it_reports_to=rng.choice([ReportsTo.MAYOR, ReportsTo.DEPUTY] if q > 0.6 else [ReportsTo.DEPARTMENT, ReportsTo.NONE, ReportsTo.DEPUTY]),
            it_budget_share=round(rng.uniform(0.2, 3.5) * q, 2), has_written_plan=rng.random() < q,
            staff_permanent=rng.randint(0, 3 if big else 1), staff_contract=rng.randint(0, 3 if big else 1),
            staff_outsourced=rng.randint(0, 2), staff_certified=0, staff_left=rng.randint(0, 1),
            skills=rng.sample(["network", "security", "database", "development", "gis", "support"], k=rng.randint(1, 4)),
        ))
        p = profiles[-1]
        p.staff_certified = min(p.staff_total, int(p.staff_total * q))
        if approved:
            p.case_id = cases[index].pk
    ITProfile.objects.bulk_create(profiles, batch_size=500)
    uses = []
    for profile, (admin, year, q, choices) in zip(profiles, plans):
        for domain_id, version in choices.items():
            if version is None or rng.random() < 0.04:
                uses.append(SoftwareUse(profile=profile, domain_id=domain_id, other_product="نرم‌افزار اختصاصی شهرداری",
                                        other_vendor="برنامه‌نویس محلی", other_version="1", pending_review=True,
                                        since_year=year - rng.randint(0, 6), hosting=Hosting.ON_PREMISE,
                                        licence=Licence.NONE, satisfaction=rng.randint(1, 3)))
                continue
            uses.append(SoftwareUse(
                profile=profile, domain_id=domain_id, version=version, since_year=year - rng.randint(0, 8),
                hosting=rng.choice(version.product.hosting_models or [Hosting.ON_PREMISE]),
                licence=rng.choice([Licence.PERPETUAL, Licence.SUBSCRIPTION, Licence.PERPETUAL, Licence.EXPIRED]
                                   if q > 0.3 else [Licence.EXPIRED, Licence.NONE, Licence.PERPETUAL]),
                satisfaction=max(1, min(5, round(1 + 4 * q + rng.uniform(-1.2, 1.2))))))
    SoftwareUse.objects.bulk_create(uses, batch_size=1000)
    through = SoftwareUse.integrates_with.through
    links = []
    for use in uses:
        if rng.random() < 0.5:
            partner = rng.choice(catalogue.domains)
            if partner.pk != use.domain_id:
                links.append(through(softwareuse_id=use.pk, domain_id=partner.pk))
    through.objects.bulk_create(links, batch_size=1000)
    answers = []
    for profile, (admin, year, q, _c) in zip(profiles, plans):
        for control in catalogue.controls:
            roll = rng.random()
            answer = ("implemented" if roll < q * 0.85 else "partly" if roll < q * 0.85 + 0.2
                      else "na" if roll > 0.97 else "no")
            answers.append(ControlAnswer(profile=profile, requirement=control, answer=answer))
    ControlAnswer.objects.bulk_create(answers, batch_size=2000)
    if approved:
        scores_store(profiles)
    return profiles


def tehran_province():
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE, search_name="تهران").first()


def create_demo_itgov(province=None, years=None, seed=1404):
    """The catalogue, and approved profiles for the last two Jalali years for every municipality of Tehran
    province (or `province`). Idempotent; returns the number of profiles created by this call."""
    create_demo_catalogue()
    province = province or tehran_province()
    if province is None:
        return 0
    administrations = Administration.objects.filter(
        kind=Administration.Kind.MUNICIPALITY, org_unit__path__startswith=province.path).order_by("pk")
    with transaction.atomic():
        created = profiles_bulk_create(administrations, years or demo_years(), user=_demo_user(),
                                       rng=random.Random(seed))
    return len(created)
