from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts.models import RoleAssignment, User
from samaneh.accounts.roles import Role
from tests.factories import CitizenFactory, RoleFactory, UserFactory

PASSWORD = "Samaneh-Test-Pass-1403"
ADMIN_INDEX = reverse("admin:index")
STAFF_LOGIN = reverse("accounts:staff-login")


def sign_in_with_totp(client, user, next_url=""):
    device = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone"})[0]
    client.post(STAFF_LOGIN, {"username": user.username, "password": PASSWORD, "next": next_url})
    code = f"{totp(device.bin_key):06d}"
    return client.post(reverse("accounts:staff-otp"), {"token": code})


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser):
    client = Client()
    sign_in_with_totp(client, superuser)
    return client


def test_admin_login_page_hands_over_to_the_staff_sign_in(client, db):
    response = client.get(ADMIN_INDEX, follow=True)
    assert response.redirect_chain[-1][0] == f"{STAFF_LOGIN}?next={quote(ADMIN_INDEX)}"
    assert 'name="username"' in response.content.decode()


def test_password_only_session_does_not_open_the_admin(client, superuser):
    client.force_login(superuser)  # logged in, but never gave a TOTP code
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(response["Location"])["Location"].startswith(STAFF_LOGIN)


def test_verified_staff_superuser_reaches_the_admin_index(client, superuser):
    response = sign_in_with_totp(client, superuser, next_url=ADMIN_INDEX)
    assert response["Location"] == ADMIN_INDEX
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 200
    assert reverse("admin:accounts_user_changelist") in response.content.decode()


def test_verified_user_without_is_staff_is_kept_out(client, db):
    user = UserFactory()
    sign_in_with_totp(client, user)
    assert client.get(ADMIN_INDEX).status_code == 302


def test_user_search_finds_mobile_typed_in_persian_digits(admin_client):
    CitizenFactory(mobile="09121112233", username="09121112233")
    CitizenFactory(mobile="09350000000", username="09350000000")
    url = reverse("admin:accounts_user_changelist")
    page = admin_client.get(url, {"q": "۰۹۱۲۱۱۱۲۲۳۳"}).content.decode()
    assert "09121112233" in page
    assert "09350000000" not in page
    assert admin_client.get(url, {"is_citizen__exact": "1"}).status_code == 200


def test_role_granted_in_the_admin_records_the_grantor(admin_client, superuser, tree):
    reviewer = UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": reviewer.pk, "role": Role.COUNTY_REVIEWER, "org_unit": tree["c1"].pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=reviewer)
    assert (assignment.org_unit, assignment.granted_by) == (tree["c1"], superuser)
    assert admin_client.get(reverse("admin:accounts_roleassignment_changelist")).status_code == 200


def test_role_on_the_wrong_kind_of_unit_is_refused_and_nothing_saved(admin_client, tree):
    reviewer = UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": reviewer.pk, "role": Role.COUNTY_REVIEWER, "org_unit": tree["v1"].pk},
    )
    assert response.status_code == 200
    assert "فقط روی این نوع واحد داده می‌شود" in response.content.decode()
    assert not RoleAssignment.objects.exists()


def _user_change_data(user, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "mobile": user.mobile or "",
        "national_id": user.national_id or "",
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        **extra,
    }


def test_role_added_inline_on_the_user_page_records_the_grantor(admin_client, superuser, tree):
    user = UserFactory()
    data = _user_change_data(
        user,
        **{
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-0-role": Role.MUNICIPALITY_STAFF,
            "role_assignments-0-org_unit": tree["city1"].pk,
        },
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.org_unit, assignment.granted_by) == (
        Role.MUNICIPALITY_STAFF,
        tree["city1"],
        superuser,
    )


def test_user_mobile_and_national_id_are_normalised_or_refused(admin_client):
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = admin_client.post(url, _user_change_data(user, mobile="۰۹۱۲ ۳۴۵ ۶۷۸۹", national_id="۰۰۱۳۵۴۲۴۱۹"))
    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert (user.mobile, user.national_id) == ("09123456789", "0013542419")

    response = admin_client.post(url, _user_change_data(user, national_id="1234567890"))
    assert response.status_code == 200
    assert "کد ملی نامعتبر است" in response.content.decode()
    user.refresh_from_db()
    assert user.national_id == "0013542419"


def test_clearing_the_mobile_stores_null_so_two_users_can_have_none(admin_client):
    first, second = UserFactory(mobile="09120000001"), UserFactory(mobile="09120000002")
    for user in (first, second):
        response = admin_client.post(
            reverse("admin:accounts_user_change", args=[user.pk]), _user_change_data(user, mobile="")
        )
        assert response.status_code == 302, response.content.decode()
    assert list(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("mobile", flat=True)) == [None, None]


def test_citizen_otp_challenges_are_read_only(admin_client):
    assert admin_client.get(reverse("admin:accounts_citizenotpchallenge_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_citizenotpchallenge_add")).status_code == 403


def test_role_assignment_changelist_lists_existing_roles(admin_client, tree):
    assignment = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"])
    page = admin_client.get(reverse("admin:accounts_roleassignment_changelist")).content.decode()
    assert str(assignment.user) in page
    assert str(Role.PROVINCE_REVIEWER.label) in page


def test_role_left_empty_is_a_form_error_not_a_crash(admin_client, tree):
    reviewer = UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"), {"user": reviewer.pk, "role": "", "org_unit": tree["c1"].pk}
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.exists()


def test_role_revoked_in_admin_is_credited_to_the_admin(admin_client, tree):
    from samaneh.core.models import AuditEntry

    assignment = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"])
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    entry = AuditEntry.objects.filter(action="role.revoke").latest("sequence")
    assert entry.actor_id == response.wsgi_request.user.pk
