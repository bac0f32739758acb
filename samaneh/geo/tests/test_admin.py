import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts.roles import Role
from samaneh.geo.admin import AdministrationAdminForm
from samaneh.geo.models import Administration, OrgUnit
from tests.factories import AdministrationFactory, RoleFactory, UserFactory

DEHYARI = Administration.Kind.DEHYARI
VALID_LEGAL_ID = "10100302731"


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def admin_request(user, path="/admin/", data=None):
    request = RequestFactory().get(path, data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def search(model, user, term):
    model_admin = admin.site._registry[model]
    queryset, _may_have_duplicates = model_admin.get_search_results(
        admin_request(user), model.objects.all(), term
    )
    return set(queryset)


def test_the_admins_pass_djangos_checks():
    assert admin.site._registry[OrgUnit].check() == []
    assert admin.site._registry[Administration].check() == []


@pytest.mark.parametrize(
    ("term", "unit"),
    [
        ("كلاك", "v1"),  # Arabic kaf
        ("سيف", "v1b"),  # Arabic yeh
        ("کمال‌آباد", "rd1"),  # with ZWNJ, as stored
        ("کمال آباد", "rd1"),  # with a space where the name has a ZWNJ
        ("۱۰۱۰۱۰۲۰۲", "v1b"),  # Persian digits in a code
    ],
)
def test_org_unit_search_normalises_what_people_type(tree, superuser, term, unit):
    assert tree[unit] in search(OrgUnit, superuser, term)


def test_org_unit_search_does_not_match_everything(tree, superuser):
    assert search(OrgUnit, superuser, "كلاك") == {tree["v1"]}


def test_administration_search_finds_by_village_name_in_arabic_letters(tree, superuser):
    dehyari = AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا")
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v2"], name="دهیاری کیان‌شهر")

    assert search(Administration, superuser, "كلاك") == {dehyari}
    assert search(Administration, superuser, "۱۰۱۰۱۰۲۰۱") == {dehyari}


def test_kind_and_parent_are_read_only_once_a_unit_exists(tree, superuser):
    model_admin = admin.site._registry[OrgUnit]
    request = admin_request(superuser)

    assert set(model_admin.get_readonly_fields(request)) == {"level", "path"}
    assert set(model_admin.get_readonly_fields(request, tree["v1"])) == {"level", "path", "kind", "parent"}


def form_data(unit, **overrides):
    return {"kind": DEHYARI, "org_unit": unit.pk, "name": "دهیاری", "national_legal_id": "", **overrides}


def test_administration_form_normalises_name_and_legal_id(tree):
    form = AdministrationAdminForm(
        data=form_data(tree["v1"], name="دهياري  كلاك", national_legal_id="۱۰۱۰۰۳۰-۲۷۳۱")
    )

    assert form.is_valid(), form.errors
    dehyari = form.save()
    assert dehyari.name == "دهیاری کلاک"
    assert dehyari.national_legal_id == VALID_LEGAL_ID


def test_administration_form_refuses_a_dehyari_on_a_city(tree):
    form = AdministrationAdminForm(data=form_data(tree["city1"]))

    assert not form.is_valid()
    assert "روستا" in form.errors["org_unit"][0]
    assert not Administration.objects.exists()


def test_administration_form_refuses_a_bad_legal_id(tree):
    form = AdministrationAdminForm(data=form_data(tree["v1"], national_legal_id="10100302732"))

    assert not form.is_valid()
    assert "شناسه ملی" in form.errors["national_legal_id"][0]


def test_administration_form_refuses_a_second_dehyari_for_a_village(tree):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری موجود")

    form = AdministrationAdminForm(data=form_data(tree["v1"]))

    assert not form.is_valid()
    assert Administration.objects.count() == 1


def changelist(user):
    model_admin = admin.site._registry[Administration]
    response = model_admin.changelist_view(admin_request(user, "/admin/geo/administration/"))
    return response.render().content.decode()


def test_changelist_links_to_import_and_template_for_users_who_may_import(tree, superuser):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا")

    page = changelist(superuser)

    assert reverse("dehyaris:import") in page
    assert reverse("dehyaris:template") in page
    assert "دهیاری کلاک بالا" in page


def test_changelist_hides_the_import_links_from_staff_without_the_permission(tree):
    staff = RoleFactory(role=Role.DISTRICT_REVIEWER, org_unit=tree["d1"], user__is_staff=True).user
    staff.user_permissions.add(Permission.objects.get(codename="view_administration"))

    page = changelist(staff)

    assert "/admin/geo/administration/" in page
    assert reverse("dehyaris:import") not in page
    assert reverse("dehyaris:template") not in page


@pytest.fixture
def verified_admin_client(client, superuser):
    """A superuser whose session passed the TOTP step, as the staff sign-in leaves it."""
    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_verified_staff_reach_the_administration_changelist_with_its_links(tree, verified_admin_client):
    AdministrationFactory(kind=DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا", is_demo=True)

    response = verified_admin_client.get(reverse("admin:geo_administration_changelist"), {"is_demo__exact": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "دهیاری کلاک بالا" in page
    assert reverse("dehyaris:import") in page and reverse("dehyaris:template") in page


def test_verified_staff_search_org_units_with_arabic_letters_in_the_changelist(tree, verified_admin_client):
    response = verified_admin_client.get(reverse("admin:geo_orgunit_changelist"), {"q": "كيان"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "کیان‌شهر" in page and "کلاک بالا" not in page


def test_org_unit_autocomplete_normalises_the_term(tree, verified_admin_client):
    response = verified_admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "كلاك", "app_label": "accounts", "model_name": "roleassignment", "field_name": "org_unit"},
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(tree["v1"].pk)]


def test_a_password_only_session_does_not_reach_the_admin(tree, client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:geo_administration_changelist"))

    assert response.status_code == 302
