"""Factories shared by every app's tests."""
import factory
from django.contrib.auth import get_user_model

from samaneh.accounts.models import RoleAssignment
from samaneh.geo.models import Administration, OrgUnit


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    kind = OrgUnit.Kind.PROVINCE
    name = factory.Sequence(lambda n: f"واحد {n}")
    code = factory.Sequence(lambda n: f"T{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "کاربر"
    last_name = factory.Sequence(lambda n: f"آزمایشی {n}")
    password = factory.PostGenerationMethodCall("set_password", "Samaneh-Test-Pass-1403")

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    is_citizen = True
    mobile = factory.Sequence(lambda n: f"0912{n:07d}")
    username = factory.LazyAttribute(lambda o: o.mobile)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration

    name = factory.LazyAttribute(lambda o: f"{o.kind.label if hasattr(o.kind, 'label') else o.kind} {o.org_unit.name}")


def build_tree():
    """A small, two-province hierarchy with every kind of unit, returned as a dict of units by key.

    Keys: country, p1, c1, d1, city1, rd1, v1, v1b, p2, c2, d2, city2, rd2, v2.
    Names use Persian letters (ی/ک) so search tests can type the Arabic forms.
    """
    K = OrgUnit.Kind
    t = {}
    t["country"] = OrgUnit.objects.create(kind=K.COUNTRY, name="ایران", code="IR")
    for i, (prov, county, district, city, rural, village) in enumerate(
        [
            ("البرز", "کرج", "مرکزی کرج", "کرج", "کمال‌آباد", "کلاک بالا"),
            ("کرمان", "رفسنجان", "کشکوئیه", "کشکوئیه", "راویز", "کیان‌شهر"),
        ],
        start=1,
    ):
        t[f"p{i}"] = OrgUnit.objects.create(kind=K.PROVINCE, name=prov, parent=t["country"], code=f"{i}")
        t[f"c{i}"] = OrgUnit.objects.create(kind=K.COUNTY, name=county, parent=t[f"p{i}"], code=f"{i}01")
        t[f"d{i}"] = OrgUnit.objects.create(kind=K.DISTRICT, name=district, parent=t[f"c{i}"], code=f"{i}0101")
        t[f"city{i}"] = OrgUnit.objects.create(kind=K.CITY, name=city, parent=t[f"d{i}"], code=f"{i}010101")
        t[f"rd{i}"] = OrgUnit.objects.create(kind=K.RURAL_DISTRICT, name=rural, parent=t[f"d{i}"], code=f"{i}010102")
        t[f"v{i}"] = OrgUnit.objects.create(kind=K.VILLAGE, name=village, parent=t[f"rd{i}"], code=f"{i}01010201")
    t["v1b"] = OrgUnit.objects.create(kind=K.VILLAGE, name="سیف‌آباد", parent=t["rd1"], code="101010202")
    return t


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Category"

    name = factory.Sequence(lambda n: f"دسته {n}")
    service_code = factory.Sequence(lambda n: f"category-{n}")


def open_complaint(*, applicant, unit, responsible_unit=None, category=None, description="چراغ کوچه خاموش است"):
    """A complaint case opened through the engine, as the complaints service would (engine-level tests)."""
    from django.db import transaction

    from samaneh.cases.services import case_open
    from samaneh.services.complaints.models import Complaint

    category = category or CategoryFactory()
    with transaction.atomic():
        case = case_open(service="complaints", applicant=applicant, org_unit=unit,
                         responsible_unit=responsible_unit or unit, title=description[:60])
        Complaint.objects.create(case=case, kind=Complaint.Kind.COMPLAINT, category=category, description=description)
    return case
