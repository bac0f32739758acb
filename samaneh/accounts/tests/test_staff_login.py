import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts import otp
from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Samaneh-Test-Pass-1403"
LOGIN = reverse("accounts:staff-login")
ENROLL = reverse("accounts:staff-enroll")
OTP = reverse("accounts:staff-otp")
DASHBOARD = reverse("web:dashboard")


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device):
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_step(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def no_totp_throttle(settings):
    """django-otp waits 1 s, 2 s, 4 s … after each wrong code; tests of several tries in a row skip that."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_first_sign_in_enrols_an_authenticator_then_logs_in_verified(client):
    user = UserFactory(username="reviewer1")

    response = password_step(client, "reviewer1")
    assert response["Location"] == ENROLL
    assert not is_logged_in(client)

    page = client.get(ENROLL).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert "<svg" in page
    assert 'name="token"' in page and 'autocomplete="one-time-code"' in page
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert b32decode(secret) == device.bin_key
    client.get(ENROLL)
    assert TOTPDevice.objects.filter(user=user).count() == 1  # reloading keeps the secret already scanned

    response = client.post(ENROLL, {"token": current_code(device)})

    assert response["Location"] == DASHBOARD
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(DASHBOARD).wsgi_request.user.is_verified()
    assert otp.STAFF_PENDING_SESSION_KEY not in client.session


def test_wrong_enrolment_code_leaves_the_device_unconfirmed(client):
    user = UserFactory()
    password_step(client, user.username)
    client.get(ENROLL)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(ENROLL, {"token": wrong_code(device)})

    assert "کد تأیید نادرست است." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not is_logged_in(client)


def test_enrolled_staff_gives_password_then_totp(client, no_totp_throttle):
    user = UserFactory()
    device = confirmed_device(user)

    response = password_step(client, user.username, next="/units/")
    assert response["Location"] == OTP
    assert not is_logged_in(client)
    assert client.get(ENROLL)["Location"] == OTP  # no second enrolment once a device is confirmed

    response = client.post(OTP, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "کد تأیید نادرست است." in response.content.decode()
    assert not is_logged_in(client)

    response = client.post(OTP, {"token": current_code(device)})
    assert response["Location"] == "/units/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(DASHBOARD).wsgi_request.user.is_verified()


def test_a_used_totp_code_is_not_accepted_twice(client, no_totp_throttle):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username)
    code = current_code(device)
    client.post(OTP, {"token": code})
    client.post(reverse("accounts:logout"))

    password_step(client, user.username)
    response = client.post(OTP, {"token": code})

    assert "کد تأیید نادرست است." in response.content.decode()
    assert not is_logged_in(client)


def test_right_code_right_after_a_wrong_one_waits_for_the_throttle(client):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username)
    client.post(OTP, {"token": wrong_code(device)})

    response = client.post(OTP, {"token": current_code(device)})

    assert "چند ثانیه صبر کنید" in response.content.decode()
    assert not is_logged_in(client)


def test_five_wrong_totp_codes_send_back_to_the_password_step(client, no_totp_throttle):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username)
    for _ in range(4):
        assert client.post(OTP, {"token": wrong_code(device)}).status_code == 200

    response = client.post(OTP, {"token": wrong_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == LOGIN
    assert "دوباره نام کاربری و گذرواژه را وارد کنید" in response.content.decode()
    assert client.post(OTP, {"token": current_code(device)})["Location"] == LOGIN
    assert not is_logged_in(client)


def test_pending_sign_in_expires_after_five_minutes(client):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username)
    session = client.session
    session[otp.STAFF_PENDING_SESSION_KEY]["started_at"] = time.time() - otp.STAFF_PENDING_TTL_SECONDS - 1
    session.save()

    response = client.post(OTP, {"token": current_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == LOGIN
    assert "زمان وارد کردن کد تأیید گذشت" in response.content.decode()
    assert not is_logged_in(client)


def test_totp_step_without_a_password_goes_to_the_password_step(client):
    assert client.get(OTP)["Location"] == LOGIN
    assert client.get(ENROLL)["Location"] == LOGIN


def test_wrong_password_is_refused_in_persian(client):
    user = UserFactory()
    response = password_step(client, user.username, password="not-the-password")
    page = response.content.decode()
    assert "نام کاربری یا گذرواژه نادرست است." in page
    assert otp.STAFF_PENDING_SESSION_KEY not in client.session


def test_empty_fields_are_named_in_the_errors(client):
    page = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert "نام کاربری را وارد کنید." in page
    assert "گذرواژه را وارد کنید." in page


def test_citizen_is_refused_on_the_staff_login(client):
    citizen = CitizenFactory()  # even one who somehow has a password

    response = password_step(client, citizen.username)

    assert "ورود شهروندان" in response.content.decode()
    assert otp.STAFF_PENDING_SESSION_KEY not in client.session
    assert not TOTPDevice.objects.exists()


def test_five_wrong_passwords_lock_the_username_for_fifteen_minutes(client):
    user = UserFactory()
    for _ in range(5):
        password_step(client, user.username, password="wrong-password")

    response = password_step(client, user.username)

    assert "ورود با این نام کاربری تا ۱۵ دقیقه ممکن نیست" in response.content.decode()
    assert otp.STAFF_PENDING_SESSION_KEY not in client.session

    # The same answer for a username that does not exist: the lock says nothing about who has an account.
    for _ in range(5):
        password_step(client, "nobody-here", password="wrong-password")
    assert "ورود با این نام کاربری تا ۱۵ دقیقه ممکن نیست" in password_step(client, "nobody-here").content.decode()

    # Another username is not affected.
    other = UserFactory()
    assert password_step(client, other.username)["Location"] == ENROLL


def test_a_correct_password_clears_earlier_failures(client):
    user = UserFactory()
    for _ in range(4):
        password_step(client, user.username, password="wrong-password")
    password_step(client, user.username)
    for _ in range(4):
        password_step(client, user.username, password="wrong-password")
    assert password_step(client, user.username)["Location"] == ENROLL


def test_outside_next_is_ignored(client, no_totp_throttle):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username, next="https://evil.example/")
    assert client.post(OTP, {"token": current_code(device)})["Location"] == DASHBOARD


def test_logout_is_post_only_and_ends_the_session(client, no_totp_throttle):
    user = UserFactory()
    device = confirmed_device(user)
    password_step(client, user.username)
    client.post(OTP, {"token": current_code(device)})

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert is_logged_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("web:home")
    assert not is_logged_in(client)
