import re
import socket
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts import services
from samaneh.accounts.models import CitizenOtpChallenge
from samaneh.accounts.views import CITIZEN_MOBILE_SESSION_KEY
from samaneh.core.sms import read_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "09123456789"
LOGIN = reverse("accounts:citizen-login")
VERIFY = reverse("accounts:citizen-verify")


def sent_codes(mobile=MOBILE):
    return [re.search(r"\d{6}", m["text"]).group(0) for m in read_outbox() if m["to"] == mobile]


def request_code(client, mobile="۰۹۱۲ ۳۴۵ ۶۷۸۹", **extra):
    response = client.post(LOGIN, {"mobile": mobile, **extra})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == VERIFY
    return sent_codes()[-1]


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_citizen_signs_in_with_the_code_from_the_sms(client):
    page = client.get(LOGIN)
    assert 'name="mobile"' in page.content.decode()

    code = request_code(client)

    [message] = read_outbox()
    assert message["to"] == MOBILE
    assert "کد ورود شما به سامانه" in message["text"]
    assert re.findall(r"[0-9]+", message["text"]) == [code]  # the only ASCII digit run is the code
    challenge = CitizenOtpChallenge.objects.get(mobile=MOBILE)
    assert code not in challenge.code_hash

    page = client.get(VERIFY).content.decode()
    assert 'name="code"' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert "۰۹۱۲۳۴۵۶۷۸۹" in page

    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    user = get_user_model().objects.get(username=MOBILE)
    assert (user.mobile, user.is_citizen, user.has_usable_password()) == (MOBILE, True, False)
    assert logged_in_user_id(client) == str(user.pk)
    challenge.refresh_from_db()
    assert challenge.used_at is not None
    assert CITIZEN_MOBILE_SESSION_KEY not in client.session


def test_a_returning_citizen_gets_the_same_account(client):
    first = request_code(client)
    client.post(VERIFY, {"code": first})
    client.post(reverse("accounts:logout"))

    CitizenOtpChallenge.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    second = request_code(client, mobile="+98 912 345 6789")
    client.post(VERIFY, {"code": second})

    assert get_user_model().objects.filter(mobile=MOBILE).count() == 1
    assert logged_in_user_id(client) == str(get_user_model().objects.get(mobile=MOBILE).pk)


def test_code_typed_in_persian_digits_is_accepted(client):
    code = request_code(client)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = client.post(VERIFY, {"code": f"{persian[:3]} {persian[3:]}"})
    assert response.status_code == 302
    assert logged_in_user_id(client)


def test_mobile_with_letters_is_refused_and_nothing_is_sent(client):
    response = client.post(LOGIN, {"mobile": "0912abc4567"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "شماره همراه فقط باید رقم داشته باشد." in page
    assert "is-invalid" in page
    assert read_outbox() == []
    assert not CitizenOtpChallenge.objects.exists()
    assert CITIZEN_MOBILE_SESSION_KEY not in client.session


def test_verify_page_without_a_requested_code_sends_back_to_the_mobile_step(client):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_malformed_code_is_refused_without_counting_an_attempt(client):
    request_code(client)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "کد ورود باید ۶ رقم باشد." in response.content.decode()
    assert CitizenOtpChallenge.objects.get().attempts == 0


def test_expired_code_is_refused(client):
    code = request_code(client)
    CitizenOtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "کد ورود منقضی شده است" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert CitizenOtpChallenge.objects.get().used_at is None
    assert not get_user_model().objects.exists()


def test_used_code_cannot_be_used_again(client):
    code = request_code(client)
    client.post(VERIFY, {"code": code})

    onlooker = Client()  # someone who saw the code over the citizen's shoulder, at the code step
    session = onlooker.session
    session[CITIZEN_MOBILE_SESSION_KEY] = MOBILE
    session.save()
    response = onlooker.post(VERIFY, {"code": code})

    assert "پیش‌تر به کار رفته" in response.content.decode()
    assert logged_in_user_id(onlooker) is None


def test_five_wrong_codes_lock_the_mobile_even_for_the_right_code(client, settings):
    code = request_code(client)
    for left in (4, 3, 2, 1):
        response = client.post(VERIFY, {"code": wrong(code)})
        assert f"{'۰۱۲۳۴'[left]} بار دیگر می‌توانید تلاش کنید" in response.content.decode()

    response = client.post(VERIFY, {"code": wrong(code)})
    assert "ورود با این شماره همراه تا ۱۵ دقیقه دیگر ممکن نیست" in response.content.decode()

    response = client.post(VERIFY, {"code": code})
    assert "ممکن نیست" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not get_user_model().objects.exists()

    # Asking for a new code does not lift the lock either.
    CitizenOtpChallenge.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    response = client.post(LOGIN, {"mobile": MOBILE})
    assert "ممکن نیست" in response.content.decode()
    assert len(read_outbox()) == 1
    assert CitizenOtpChallenge.objects.count() == 1

    # Once the lock has run out, a fresh code works.
    CitizenOtpChallenge.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    fresh = request_code(client)
    assert client.post(VERIFY, {"code": fresh}).status_code == 302
    assert logged_in_user_id(client)


def test_resend_is_refused_within_the_wait_and_a_newer_code_retires_the_older(client):
    first = request_code(client)

    response = client.post(VERIFY, {"resend": "1"}, follow=True)
    assert "ثانیه صبر کنید" in response.content.decode()
    assert len(read_outbox()) == 1
    assert CitizenOtpChallenge.objects.count() == 1

    CitizenOtpChallenge.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    response = client.post(VERIFY, {"resend": "1"}, follow=True)
    assert "کد ورود تازه پیامک شد" in response.content.decode()
    second = sent_codes()[-1]
    assert len(read_outbox()) == 2

    if first != second:  # one chance in a million that both codes are the same
        response = client.post(VERIFY, {"code": first})
        assert "کد ورود نادرست است" in response.content.decode()
    assert client.post(VERIFY, {"code": second}).status_code == 302


def test_no_more_than_five_codes_an_hour(client, settings):
    now = timezone.now()
    for minutes_ago in (50, 40, 30, 20, 10):
        services.citizen_otp_send(mobile=MOBILE)
        CitizenOtpChallenge.objects.filter(pk=CitizenOtpChallenge.objects.latest("pk").pk).update(
            created_at=now - timedelta(minutes=minutes_ago)
        )

    response = client.post(LOGIN, {"mobile": MOBILE})

    assert "در یک ساعت بیش از ۵ کد فرستاده نمی‌شود" in response.content.decode()
    assert len(read_outbox()) == 5
    assert CitizenOtpChallenge.objects.count() == 5


def test_same_answer_whether_or_not_the_mobile_has_an_account(client):
    UserFactory(username="09120000001", mobile="09120000001", is_citizen=True)
    known = client.post(LOGIN, {"mobile": "09120000001"})
    unknown = client.post(LOGIN, {"mobile": "09120000002"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m["to"] for m in read_outbox()] == ["09120000001", "09120000002"]


def test_staff_account_with_the_same_mobile_is_not_signed_in(client):
    staff = UserFactory(mobile=MOBILE)
    code = request_code(client)

    response = client.post(VERIFY, {"code": code})

    assert "ورود کارکنان" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert list(get_user_model().objects.all()) == [staff]


def test_safe_next_is_followed_and_an_outside_one_ignored(client):
    code = request_code(client, next="/units/")
    assert client.post(VERIFY, {"code": code})["Location"] == "/units/"

    client.post(reverse("accounts:logout"))
    CitizenOtpChallenge.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    code = request_code(client, next="https://evil.example/")
    assert client.post(VERIFY, {"code": code})["Location"] == reverse("web:dashboard")


def test_undeliverable_sms_is_reported_and_leaves_no_challenge(client, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_BACKEND = "samaneh.core.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/send"
    settings.SMS_GATEWAY_TIMEOUT = 2

    response = client.post(LOGIN, {"mobile": MOBILE})

    assert "فرستادن پیامک ممکن نشد" in response.content.decode()
    assert not CitizenOtpChallenge.objects.exists()
    assert CITIZEN_MOBILE_SESSION_KEY not in client.session


def test_one_address_cannot_flood_many_numbers(client, settings):
    settings.CITIZEN_OTP_MAX_PER_IP_PER_HOUR = 3
    for i in range(3):
        response = client.post(LOGIN, {"mobile": f"0935000000{i}"})
        assert response.status_code == 302
    response = client.post(LOGIN, {"mobile": "09350000009"})
    assert "از این نشانی درخواست کد بیش از اندازه بوده است" in response.content.decode()
    assert len(read_outbox()) == 3
    assert not CitizenOtpChallenge.objects.filter(mobile="09350000009").exists()
