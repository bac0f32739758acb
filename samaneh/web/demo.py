"""Demo accounts for the embedded trial (`make run`). Never used in production settings."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from samaneh.accounts.models import RoleAssignment
from samaneh.accounts.roles import Role
from samaneh.geo.models import Administration, OrgUnit

DEMO_PASSWORD = "Samaneh-Demo-1403"
DEMO_CITIZEN_MOBILE = "09120000001"


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: str


def _unit(kind, name, within=None):
    qs = OrgUnit.objects.filter(kind=kind, name=name)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return qs.order_by("pk").first()


def demo_province():
    """Alborz, where the demo staff and the demo dehyaris are (any province if the data has no Alborz)."""
    return _unit(OrgUnit.Kind.PROVINCE, "البرز") or OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE).order_by("pk").first()


def _demo_units():
    """Alborz province and Karaj, where the demo staff work; the first demo dehyari's village."""
    K = OrgUnit.Kind
    country = OrgUnit.objects.get(kind=K.COUNTRY)
    province = demo_province()
    county = _unit(K.COUNTY, "کرج", province) or province.subtree().filter(kind=K.COUNTY).order_by("pk").first()
    city = _unit(K.CITY, "کرج", county) or county.subtree().filter(kind=K.CITY).order_by("pk").first()
    district = city.parent
    dehyari = (
        Administration.objects.filter(kind=Administration.Kind.DEHYARI, is_demo=True).select_related("org_unit").order_by("pk").first()
    )
    village = dehyari.org_unit if dehyari else district.subtree().filter(kind=K.VILLAGE).order_by("pk").first()
    units = {"country": country, "province": province, "county": county, "district": district, "city": city,
             "village": village}
    # Tehran province carries the IT-supervision and landfill demo data; Varamin is one of its counties.
    tehran = _unit(K.PROVINCE, "تهران")
    varamin = _unit(K.COUNTY, "ورامین", tehran) if tehran else None
    varamin_city = _unit(K.CITY, "ورامین", varamin) if varamin else None
    units.update({"tehran": tehran, "varamin": varamin, "varamin_city": varamin_city,
                  "varamin_district": varamin_city.parent if varamin_city else None})
    # The rural landfill demo's second province.
    units["kohgiluyeh"] = OrgUnit.objects.filter(kind=K.PROVINCE, name__startswith="کهگیلویه").order_by("pk").first()
    return units


DEMO_STAFF = [
    ("demo-admin", "مدیر", "سامانه", Role.SYSTEM_ADMIN, "country"),
    ("demo-national", "کارشناس", "سازمان", Role.NATIONAL_EXPERT, "country"),
    ("demo-it", "ناظر", "فناوری اطلاعات", Role.IT_SUPERVISOR, "country"),
    ("demo-province", "کارشناس", "استانداری", Role.PROVINCE_REVIEWER, "province"),
    ("demo-inspection", "کارشناس", "بازرسی", Role.INSPECTION_OFFICER, "province"),
    ("demo-stats", "کارشناس", "آمار", Role.STATISTICS_OFFICER, "province"),
    ("demo-county", "کارشناس", "فرمانداری", Role.COUNTY_REVIEWER, "county"),
    ("demo-district", "کارشناس", "بخشداری", Role.DISTRICT_REVIEWER, "district"),
    ("demo-municipality", "کارشناس", "شهرداری", Role.MUNICIPALITY_STAFF, "city"),
    ("demo-dehyari", "کارشناس", "دهیاری", Role.DEHYARI_STAFF, "village"),
    ("demo-tehran", "کارشناس", "استانداری تهران", Role.PROVINCE_REVIEWER, "tehran"),
    ("demo-tehran-it", "ناظر فناوری اطلاعات", "استان تهران", Role.IT_SUPERVISOR, "tehran"),
    ("demo-varamin-county", "کارشناس", "فرمانداری ورامین", Role.COUNTY_REVIEWER, "varamin"),
    ("demo-varamin", "کارشناس", "شهرداری ورامین", Role.MUNICIPALITY_STAFF, "varamin_city"),
    ("demo-varamin-district", "کارشناس", "بخشداری مرکزی ورامین", Role.DISTRICT_REVIEWER, "varamin_district"),
    ("demo-kohgiluyeh", "کارشناس", "استانداری کهگیلویه و بویراحمد", Role.PROVINCE_REVIEWER, "kohgiluyeh"),
]


@transaction.atomic
def demo_accounts_create():
    """Create (or leave as they are) one demo user per role and a demo citizen; return what to print."""
    User = get_user_model()
    units = _demo_units()
    accounts = []
    for username, first, last, role, unit_key in DEMO_STAFF:
        if units.get(unit_key) is None:  # Tehran's accounts need the full hierarchy
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": role == Role.SYSTEM_ADMIN,
                      "is_superuser": role == Role.SYSTEM_ADMIN},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        unit = units[unit_key]
        RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=unit)
        accounts.append(DemoAccount(username, Role(role).label, f"{unit.get_kind_display()} {unit.name}"))
    citizen, created = User.objects.get_or_create(
        username=DEMO_CITIZEN_MOBILE,
        defaults={"mobile": DEMO_CITIZEN_MOBILE, "is_citizen": True, "first_name": "شهروند", "last_name": "نمونه"},
    )
    if created:
        citizen.set_unusable_password()
        citizen.save(update_fields=["password"])
    return accounts
